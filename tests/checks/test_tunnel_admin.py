"""TUNNEL_ADMIN_DOWN from a pasted running configuration: a DMVPN spoke whose mGRE Tunnel0 is
shut is warned about, its NHS (by NBMA address) counted as a configured tunnel that is down,
and a tunnel that is up is not named. The configuration is the lab's D01 (dmvpn scenario)."""

from __future__ import annotations

from lab.scenario import load_scenario
from nornir_tasks.checks.tunnels import configured_peers
from nornir_tasks.models.findings import Severity
from tests.checks.support import fleet, run

HUB_NBMA = "198.51.100.130"


def _d01(shut: bool) -> str:
    (d01,) = [r for r in load_scenario("dmvpn").routers if r.name == "D01"]
    config = d01.config.replace("interface Tunnel0\n", "interface Tunnel0\n shutdown\n", 1)
    return f"D01#show running-config\n{config if shut else d01.config}"


def test_a_shut_dmvpn_spoke_tunnel_is_a_warning_naming_its_hub() -> None:
    evidence = fleet(("D01", _d01(shut=True)))
    (finding,) = run(evidence, "TUNNEL_ADMIN_DOWN")
    assert (finding.severity, finding.peer) == (Severity.WARNING, HUB_NBMA)
    assert finding.evidence == ("interface Tunnel0", "shutdown")
    assert (
        "if unintended: configure terminal ; interface Tunnel0 ; no shutdown" in finding.next_steps
    )
    assert HUB_NBMA in configured_peers(evidence.hosts[0])


def test_a_tunnel_that_is_not_shut_is_not_named() -> None:
    assert run(fleet(("D01", _d01(shut=False))), "TUNNEL_ADMIN_DOWN") == []
