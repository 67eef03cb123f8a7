"""``shutdown`` on a protected tunnel interface takes the tunnel down in the lab, as on IOS-XE:
the interface is administratively down, its IPsec SAs and (no other child left) its IKEv2 SA
are deleted on both ends, and ``no shutdown`` negotiates again (issue 14)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from lab.fleet import Fleet
from lab.scenario import Scenario, load_scenario
from nornir_tasks.checks import diagnose
from nornir_tasks.checks.tunnels import tunnel_counts
from nornir_tasks.models.findings import Severity
from tests.checks.support import fleet as captured
from tests.lab.labcli import cli, configure, one

pytestmark = pytest.mark.lab


def pair(fleet_factory: Callable[[Scenario], Fleet]) -> Fleet:
    """HUB2 and its healthy sVTI spoke V01, nothing else."""
    flexvpn = load_scenario("flexvpn")
    routers = [r for r in flexvpn.routers if r.name in ("HUB2", "V01")]
    return fleet_factory(flexvpn.model_copy(update={"routers": routers, "faults": []}))


def test_shutdown_takes_the_svti_down_and_no_shutdown_brings_it_back(
    fleet_factory: Callable[[Scenario], Fleet],
) -> None:
    fleet = pair(fleet_factory)
    fleet.advance(10)
    assert "READY" in one(fleet, "V01", "show crypto ikev2 sa")
    configure(fleet, "V01", "interface Tunnel0", "shutdown")
    fleet.advance(6)  # one crypto pulse
    brief, itf, v2, ipsec, log = cli(
        fleet, "V01", "show ip interface brief", "show interfaces Tunnel0",
        "show crypto ikev2 sa", "show crypto ipsec sa", "show logging",
    )  # fmt: skip
    assert re.search(
        r"^Tunnel0\s+172\.31\.1\.2\s+YES \S+\s+administratively down down", brief, re.M
    )
    assert "Tunnel0 is administratively down, line protocol is down" in itf
    assert "READY" not in v2
    assert "current outbound spi: 0x0(0)" in ipsec and "Status: ACTIVE" not in ipsec
    proto = "%LINEPROTO-5-UPDOWN: Line protocol on Interface Tunnel0, changed state to down"
    link = "%LINK-5-CHANGED: Interface Tunnel0, changed state to administratively down"
    assert proto in log and link in log and log.index(proto) < log.index(link)
    hub_v2, hub_brief = cli(fleet, "HUB2", "show crypto ikev2 sa", "show ip interface brief")
    assert "READY" not in hub_v2  # the delete notice reached the hub
    assert re.search(r"^Tunnel1\s+\S+\s+YES \S+\s+up\s+down", hub_brief, re.M)
    diagnose_the_shut_spoke(fleet)
    configure(fleet, "V01", "interface Tunnel0", "no shutdown")
    fleet.advance(12)
    v2, brief, log = cli(fleet, "V01", "show crypto ikev2 sa", "show ip interface brief",
                         "show logging")  # fmt: skip
    assert "READY" in v2
    assert re.search(r"^Tunnel0\s+172\.31\.1\.2\s+YES \S+\s+up\s+up", brief, re.M)
    assert "%LINK-5-UPDOWN: Interface Tunnel0, changed state to up" in log


# what health_check reads on V01, and the DF probe VTI_PMTU_BLACKHOLE reads
READ = (
    "show running-config",
    "show ip interface brief",
    "show crypto ipsec sa",
    "show crypto session",
    "show crypto ikev2 sa",
    "show crypto ikev2 stats exchange",
    "show logging",
    "ping 172.31.1.1 size 1400 df-bit repeat 2 timeout 1",
)


def diagnose_the_shut_spoke(fleet: Fleet) -> None:
    """V01 with Tunnel0 shut: TUNNEL_ADMIN_DOWN (a warning) quoting the interface's state, the
    hub counted as a configured tunnel that is down, and no VTI code for a tunnel shut on
    purpose (no false VTI_PMTU_BLACKHOLE from the DF probe that cannot pass)."""
    pastes = []
    for router, read in (("V01", READ), ("HUB2", READ[:5])):
        outputs = cli(fleet, router, *read)
        text = "\n".join(f"{router}#{c}\n{o}" for c, o in zip(read, outputs, strict=True))
        pastes.append((router, text))
    evidence = captured(*pastes)
    everything = diagnose(evidence, second_pass=True)
    found = [f for f in everything if f.host == "V01"]
    (admin,) = [f for f in found if f.code == "TUNNEL_ADMIN_DOWN"]
    assert (admin.severity, admin.host, admin.peer) == (Severity.WARNING, "V01", "198.51.100.66")
    assert any(
        re.match(r"Tunnel0\s+172\.31\.1\.2 .*administratively down", e) for e in admin.evidence
    )
    assert "show running-config interface Tunnel0" in admin.next_steps
    assert [f.code for f in found if f.severity is not Severity.INFO] == ["TUNNEL_ADMIN_DOWN"]
    assert not [f.code for f in found if f.peer == "198.51.100.66" and f.code != admin.code]
    assert tunnel_counts(evidence.hosts[0]) == (0, 0, 1)
    # the hub's side of it points to V01, it is no IKEv2 failure of its own
    (hub,) = [f for f in everything if f.host == "HUB2" and f.peer == "203.0.113.70"]
    assert (hub.code, hub.summary) == (
        "EXPLAINED_AT_PEER",
        "the cause is on V01: TUNNEL_ADMIN_DOWN",
    )
