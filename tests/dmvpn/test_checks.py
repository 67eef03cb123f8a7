"""The NHRP checks over the dmvpn scenario's own outputs (the simulator run in-process on its
clock, no SSH): each registration fault is named on the spoke where its cause is, the healthy
spokes and the hub get nothing above info, and a missing hub leaves the cause open."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lab.dmvpnshow import show_dmvpn, show_ip_nhrp
from lab.fleet import Fleet
from lab.scenario import load_scenario
from nornir_tasks.checks import diagnose, fleet_evidence, host_evidence
from nornir_tasks.checks.evidence import HostEvidence
from nornir_tasks.models.collection import CommandOutput
from nornir_tasks.models.findings import Finding, Severity

HUB_NBMA = "198.51.100.130"


@pytest.fixture(scope="module")
def hosts() -> Iterator[dict[str, HostEvidence]]:
    fleet = Fleet(load_scenario("dmvpn"))
    try:
        for subsystem in fleet.subsystems:
            subsystem.start()  # the engines on the lab clock; no SSH listener
        fleet.clock.advance(60)
        yield {name: _evidence(fleet, name) for name in fleet.devices}
    finally:
        fleet.stop()


def _evidence(fleet: Fleet, name: str) -> HostEvidence:
    d = fleet.device(name)
    outputs = [
        CommandOutput("show running-config", d.running.render_body()),
        CommandOutput("show dmvpn detail", show_dmvpn(d, detail=True)),
        CommandOutput("show ip nhrp", show_ip_nhrp(d)),
        CommandOutput("show logging", "\n".join(d.log_buffer) + "\n"),
    ]
    return host_evidence(name, outputs)


def _findings(hosts: dict[str, HostEvidence], names: list[str]) -> list[Finding]:
    return diagnose(fleet_evidence([hosts[n] for n in names]), select=("NHRP_*",))


def test_each_fault_named_where_its_cause_is(hosts: dict[str, HostEvidence]) -> None:
    found = _findings(hosts, sorted(hosts))
    assert {(f.host, f.code, f.peer) for f in found} == {
        ("D03", "NHRP_NHS_ADDRESS_WRONG", HUB_NBMA),
        ("D04", "NHRP_AUTH_MISMATCH", HUB_NBMA),
    }
    wrong = next(f for f in found if f.code == "NHRP_NHS_ADDRESS_WRONG")
    assert any("172.30.0.2" in e and "NHRP" in e for e in wrong.evidence)  # the spoke's row
    assert any(e.startswith("DH1: ") and "Addr. is 172.30.0.1" in e for e in wrong.evidence)
    assert any("ip nhrp nhs 172.30.0.1 nbma 198.51.100.130" in s for s in wrong.next_steps)
    auth = next(f for f in found if f.code == "NHRP_AUTH_MISMATCH")
    assert any("wrong authentication string" in e for e in auth.evidence)
    assert not any("NhrpKey" in line for f in found for line in (*f.evidence, f.cause))


def test_healthy_cloud_nothing_above_info(hosts: dict[str, HostEvidence]) -> None:
    healthy = ["DH1", "D01", "D02", "D05"]
    found = diagnose(fleet_evidence([hosts[n] for n in healthy]))
    assert [f for f in found if f.severity > Severity.INFO] == []


def test_without_the_hub_the_cause_stays_open(hosts: dict[str, HostEvidence]) -> None:
    found = _findings(hosts, ["D03", "D04"])
    assert {(f.host, f.code) for f in found} == {
        ("D03", "NHRP_REGISTRATION_FAILED"),
        ("D04", "NHRP_REGISTRATION_FAILED"),
    }
    assert all("the hub is not in the run" in f.cause for f in found)


def test_shutting_the_spoke_tunnel_closes_its_sockets() -> None:
    """``shutdown`` on D01's Tunnel0: the hub and D02 are told, the servers go down (External)."""
    fleet = Fleet(load_scenario("dmvpn"))
    try:
        for subsystem in fleet.subsystems:
            subsystem.start()
        fleet.clock.advance(30)
        d01 = fleet.device("D01")
        assert len(d01.crypto.ipsec) == 2  # the hub and the D02 shortcut
        section = d01.running.find_section("interface Tunnel0")
        assert section is not None
        d01.running.set_child(section, "shutdown")
        fleet.clock.advance(11)  # the spoke's next pulse, then the hub's
        assert d01.crypto.ipsec == {} and d01.nhrp.entries == []
        assert "Tunnel0 is admin down" in show_dmvpn(d01, detail=True)
        log = "\n".join(d01.log_buffer)
        assert "remote address : 198.51.100.130 socket is DOWN" in log
        assert "is DOWN, Reason: External(NHRP: no error)" in log
        hub = show_dmvpn(fleet.device("DH1"), detail=False)
        assert "203.0.113.130" not in hub  # its registration went with the socket
    finally:
        fleet.stop()
