"""Scenario files (``lab/scenarios/*.yaml``): the routers of a lab fleet and how they start.

A bad file is reported with the file, line and field at fault.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"


class ScenarioError(ValueError):
    """A scenario file that cannot be used, with where and why."""


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = "vpndiag"
    password: str = "Lab-Pa55-x9"
    secret: str = "En4ble-x9"


class Router(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[A-Za-z][\w\-]{0,62}$")
    role: str = "router"
    groups: list[str] = []
    legacy_ssh: bool = False
    credentials: Credentials | None = None
    data: dict[str, Any] = {}
    config: str


class Link(BaseModel):
    """Two interfaces on one wire: ``[R1, GigabitEthernet1, R2, GigabitEthernet1]``."""

    model_config = ConfigDict(extra="forbid")
    a: str
    a_if: str
    b: str
    b_if: str


class FaultSpec(BaseModel):
    """One injected fault (see ``lab.network.FaultKind``)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    kind: Literal["drop", "loss", "link_down", "isp_down", "reorder", "sa_desync"]
    src: str = Field("", alias="from")
    dst: str = Field("", alias="to")
    protocol: Literal["all", "ike", "esp", "icmp", "tcp"] = "all"
    router: str = ""
    interface: str = ""
    peer: str = ""
    percent: float = Field(100.0, ge=0, le=100)
    note: str = ""


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    description: str = ""
    credentials: Credentials = Credentials()
    routers: list[Router]
    links: list[Link] = []
    faults: list[FaultSpec] = []
    seed: int = 7

    def credentials_of(self, router: Router) -> Credentials:
        return router.credentials or self.credentials


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A shipped scenario by name, a YAML file by path, or ``scaled-N`` (N small routers)."""
    name = str(name_or_path)
    if name.startswith("scaled-") and name[len("scaled-") :].isdigit():
        return scaled_scenario(int(name[len("scaled-") :]))
    path = Path(name_or_path)
    if not path.suffix:
        path = SCENARIO_DIR / f"{name_or_path}.yaml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml")))
        raise ScenarioError(f"{path}: no such scenario (shipped scenarios: {known})")
    return parse_scenario(path.read_text(), str(path))


def parse_scenario(text: str, filename: str) -> Scenario:
    try:
        data, lines = _load_with_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{filename}:{mark.line + 1}" if mark else filename
        raise ScenarioError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        line = _nearest_line(lines, loc)
        field = ".".join(str(p) for p in loc) or "(top level)"
        raise ScenarioError(f"{filename}:{line}: {field}: {err['msg']}") from exc
    names = [r.name for r in scenario.routers]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ScenarioError(f"{filename}: duplicate router names: {', '.join(dupes)}")
    return scenario


def _nearest_line(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int:
    while loc not in lines and loc:
        loc = loc[:-1]
    return lines.get(loc, 1)


def _load_with_lines(text: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """YAML data plus the line number of every key and list item, by path."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: dict[tuple[Any, ...], int] = {}
    if node is None:
        return {}, lines

    def walk(n: yaml.Node, path: tuple[Any, ...]) -> Any:
        lines[path] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            out = {}
            for key_node, value_node in n.value:
                key = yaml.safe_load(yaml.serialize(key_node))
                lines[(*path, key)] = key_node.start_mark.line + 1
                out[key] = walk(value_node, (*path, key))
            return out
        if isinstance(n, yaml.SequenceNode):
            return [walk(item, (*path, i)) for i, item in enumerate(n.value)]
        return yaml.safe_load(yaml.serialize(n))

    return walk(node, ()), lines


def scaled_scenario(count: int, legacy_every: int = 0) -> Scenario:
    """``count`` small branch routers (for benchmarks and fleet-size tests)."""
    routers = []
    for n in range(1, count + 1):
        third, fourth = divmod(4 * n, 256)
        wan = f"100.64.{third}.{fourth + 2}"
        config = (
            f"hostname R{n:04d}\nip scp server enable\narchive\n path bootflash:archive\n"
            f"interface GigabitEthernet1\n ip address {wan} 255.255.255.252\n"
            f"interface GigabitEthernet2\n ip address 10.{n // 256}.{n % 256}.1 255.255.255.0\n"
            f"ip route 0.0.0.0 0.0.0.0 100.64.{third}.{fourth + 1}\n"
        )
        legacy = bool(legacy_every) and n % legacy_every == 0
        routers.append(
            Router(
                name=f"R{n:04d}", role="spoke", groups=["spokes"], legacy_ssh=legacy, config=config
            )
        )
    return Scenario(name=f"scaled-{count}", routers=routers)
