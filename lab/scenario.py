"""Scenario files (``lab/scenarios/*.yaml``): the routers of a lab fleet and how they start.

A bad file is reported with the file, line and field at fault.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from nornir_tasks.yamlfile import YamlFileError, load_with_lines, located

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
    # The CLI it speaks (a ``lab.platform.PLATFORMS`` key).
    platform: Literal["ios-xe", "asa"] = "ios-xe"
    credentials: Credentials | None = None
    data: dict[str, Any] = {}
    quirks: dict[str, Any] = {}  # robustness tests: see lab/quirks.py
    # Does its LAN send traffic to the far LANs (and so start IKE)? Unset: every router but
    # a hub. An ASA region's hub sets it, so the ASAs also answer as IKE responders.
    sends_traffic: bool | None = None
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
    kind: Literal[
        "drop", "loss", "link_down", "isp_down", "reorder", "sa_desync", "path_mtu", "nat"
    ]
    src: str = Field("", alias="from")
    dst: str = Field("", alias="to")
    protocol: Literal["all", "ike", "udp4500", "esp", "icmp", "tcp"] = "all"
    router: str = ""
    interface: str = ""
    peer: str = ""
    percent: float = Field(100.0, ge=0, le=100)
    mtu: int = Field(0, ge=0, le=65535)  # path_mtu: the largest packet the path carries
    outside: str = ""  # nat: the address the router's ``interface`` is seen from
    note: str = ""


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    description: str = ""
    # Regions kept in their own files (``flexvpn``, ``asa``...) joined into one fleet: their
    # routers, links and faults are added after this file's own, each router keeping the
    # credentials its file gave it.
    include: list[str] = []
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
    if name.startswith("hub-") and name[len("hub-") :].isdigit():
        return hub_scenario(int(name[len("hub-") :]))
    return _load(_scenario_path(name_or_path), ())


def _scenario_path(name_or_path: str | Path) -> Path:
    path = Path(name_or_path)
    if not path.suffix:
        path = SCENARIO_DIR / f"{name_or_path}.yaml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml")))
        raise ScenarioError(f"{path}: no such scenario (shipped scenarios: {known})")
    return path


def _load(path: Path, seen: tuple[Path, ...]) -> Scenario:
    """The file at ``path`` with the routers, links and faults of every scenario it includes
    (after its own; each router keeps the credentials its own file gave it)."""
    if path.resolve() in seen:
        raise ScenarioError(f"{seen[-1]}: including {path} makes a loop")
    scenario = parse_scenario(path.read_text(), str(path))
    if not scenario.include:
        return scenario
    routers, links, faults = list(scenario.routers), list(scenario.links), list(scenario.faults)
    for name in scenario.include:
        part = _load(_scenario_path(name), (*seen, path.resolve()))
        creds = part.credentials
        routers += [
            r.model_copy(update={"credentials": r.credentials or creds}) for r in part.routers
        ]
        links += part.links
        faults += part.faults
    names = [r.name for r in routers]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ScenarioError(f"{path}: its includes repeat router names: {', '.join(dupes)}")
    update = {"routers": routers, "links": links, "faults": faults, "include": []}
    return scenario.model_copy(update=update)


def parse_scenario(text: str, filename: str) -> Scenario:
    try:
        data, lines = load_with_lines(text, filename)
    except YamlFileError as exc:
        raise ScenarioError(str(exc)) from exc
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ScenarioError(located(filename, lines, tuple(err["loc"]), err["msg"])) from exc
    names = [r.name for r in scenario.routers]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ScenarioError(f"{filename}: duplicate router names: {', '.join(dupes)}")
    return scenario


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


_CRYPTO_BASE = """\
service timestamps debug datetime msec
service timestamps log datetime msec
logging buffered 512000
ip scp server enable
archive
 path bootflash:archive
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
crypto isakmp keepalive 10 3 periodic
crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
 mode tunnel
"""
HUB_WAN = "198.51.100.2"


def _spoke_addresses(n: int) -> tuple[str, str, str]:
    """(WAN address, its gateway, LAN network) of spoke ``n`` of a hub scenario."""
    third, fourth = divmod(4 * n, 256)
    return (
        f"100.64.{third}.{fourth + 2}",
        f"100.64.{third}.{fourth + 1}",
        f"172.{16 + n // 256}.{n % 256}.0",
    )


def hub_scenario(count: int) -> Scenario:
    """An HQ hub with ``count`` healthy crypto-map spokes (benchmarks of whole health runs)."""
    hub = ["hostname HQ", _CRYPTO_BASE.rstrip()]
    maps: list[str] = []
    acls: list[str] = []
    for n in range(1, count + 1):
        wan, _, lan = _spoke_addresses(n)
        hub.append(f"crypto isakmp key {_spoke_key(n)} address {wan}")
        maps += [
            f"crypto map VPN {10 * n} ipsec-isakmp",
            f" set peer {wan}",
            " set transform-set TS",
            f" match address VPN-S{n:04d}",
        ]
        acls += [
            f"ip access-list extended VPN-S{n:04d}",
            f" permit ip 10.0.0.0 0.0.0.255 {lan} 0.0.0.255",
        ]
    hub += maps
    hub += [
        "interface GigabitEthernet1",
        f" ip address {HUB_WAN} 255.255.255.252",
        " crypto map VPN",
        "interface GigabitEthernet2",
        " ip address 10.0.0.1 255.255.255.0",
        "ip route 0.0.0.0 0.0.0.0 198.51.100.1",
        *acls,
    ]
    hq = Router(
        name="HQ",
        role="hub",
        groups=["hubs"],
        config="\n".join(hub) + "\n",
        data={"wan_ip": HUB_WAN, "lan": "10.0.0.0/24"},
    )
    spokes = [_hub_spoke(n) for n in range(1, count + 1)]
    return Scenario(name=f"hub-{count}", routers=[hq, *spokes])


def _spoke_key(n: int) -> str:
    return f"S{n:04d}-Psk-7x"


def _hub_spoke(n: int) -> Router:
    """Spoke ``n`` of ``hub_scenario``: one crypto map entry toward the hub."""
    wan, gateway, lan = _spoke_addresses(n)
    config = "\n".join(
        [
            f"hostname S{n:04d}",
            _CRYPTO_BASE.rstrip(),
            f"crypto isakmp key {_spoke_key(n)} address {HUB_WAN}",
            "crypto map VPN 10 ipsec-isakmp",
            f" set peer {HUB_WAN}",
            " set transform-set TS",
            " match address VPN-HQ",
            "interface GigabitEthernet1",
            f" ip address {wan} 255.255.255.252",
            " crypto map VPN",
            "interface GigabitEthernet2",
            f" ip address {lan[:-1]}1 255.255.255.0",
            f"ip route 0.0.0.0 0.0.0.0 {gateway}",
            "ip access-list extended VPN-HQ",
            f" permit ip {lan} 0.0.0.255 10.0.0.0 0.0.0.255",
        ]
    )
    return Router(
        name=f"S{n:04d}",
        role="spoke",
        groups=["spokes"],
        config=config + "\n",
        data={"wan_ip": wan, "lan": f"{lan}/24", "hub": "HQ"},
    )
