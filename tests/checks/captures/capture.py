"""Re-capture the lab outputs these tests read (run by hand, not by pytest).

    .venv/bin/python -m tests.checks.captures.capture tests/checks/captures

Starts the default lab fleet (and three variants with faults 1, 3 and 5), turns IKE/IPsec
debug on everywhere as ``tests/lab/test_ike_faults.py`` does, and saves per router a pasted
session: ``show crypto ipsec sa`` twice 10 s apart (two polls), then the SA tables, sessions,
crypto map, interfaces, running configuration, logging buffer and route lookups, each after
its prompt line, exactly as netmiko returned them.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import hypothesis  # noqa: F401  (imported before lab threads start, as in tests/conftest.py)
from netmiko import ConnectHandler

from lab.fleet import Fleet
from lab.scenario import FaultSpec, Scenario, load_scenario

HQ_WAN = "198.51.100.2"
BRANCHES = range(1, 13)


def wan(n: int) -> str:
    return f"203.0.113.{4 * n + 2}"


def session(fleet: Fleet, router: str, commands: list[str]) -> str:
    conn = ConnectHandler(**fleet.connection(router))
    try:
        conn.enable()
        prompt = conn.find_prompt()
        out = []
        for command in commands:
            text = conn.send_command(command, read_timeout=30)
            assert isinstance(text, str)
            out.append(f"{prompt}{command}\n{text.rstrip()}\n")
        return "".join(out)
    finally:
        conn.disconnect()


def poll_command(router: str) -> str:
    return "show crypto ipsec sa detail" if router == "BR02" else "show crypto ipsec sa"


def commands(router: str) -> list[str]:
    base = [
        poll_command(router),
        "show crypto isakmp sa",
        "show crypto session detail",
        "show crypto map",
        "show ip interface brief",
        "show running-config",
        "show logging",
    ]
    if router == "HQ":
        return (
            base
            + [f"show ip route {wan(n)}" for n in BRANCHES]
            + [f"show ip route 10.{n}.0.1" for n in BRANCHES]
        )
    return [*base, f"show ip route {HQ_WAN}", "show ip route 10.0.0.1"]


def _edit_br01(old: str, new: str) -> Callable[[Scenario], None]:
    def mutate(scenario: Scenario) -> None:
        router = next(r for r in scenario.routers if r.name == "BR01")
        assert old in router.config
        router.config = router.config.replace(old, new)

    return mutate


VARIANTS: dict[str, tuple[list[FaultSpec], Callable[[Scenario], None] | None]] = {
    "fault1": (
        [
            FaultSpec(kind="drop", src="BR01", dst="HQ", protocol="ike"),
            FaultSpec(kind="drop", src="HQ", dst="BR01", protocol="ike"),
        ],
        None,
    ),
    "fault3": ([], _edit_br01(" encr aes 256\n", " encr 3des\n")),
    "fault5": ([], _edit_br01(f"crypto isakmp key Br01-Psk-7x address {HQ_WAN}\n", "")),
}


def capture(out: Path, name: str, key: Path) -> None:
    scenario = load_scenario("default")
    routers = [r.name for r in scenario.routers]
    if name in VARIANTS:
        faults, mutate = VARIANTS[name]
        scenario.faults = faults
        if mutate is not None:
            mutate(scenario)
        routers = ["HQ", "BR01"]
    fleet = Fleet(scenario)
    fleet.start(key_path=key)
    try:
        fleet.advance(25)

        def debug_everywhere() -> None:
            for device in fleet.devices.values():
                device.debugs.update({"isakmp", "ipsec"})

        fleet.call(debug_everywhere)
        fleet.advance(35 if name == "default" else 60)
        first = {r: session(fleet, r, [poll_command(r)]) for r in routers}
        fleet.advance(10)
        (out / name).mkdir(parents=True, exist_ok=True)
        for r in routers:
            (out / name / f"{r}.txt").write_text(first[r] + session(fleet, r, commands(r)))
    finally:
        fleet.stop()


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("default", *VARIANTS):
            capture(out, name, Path(tmp) / "ssh_host_rsa_key")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
