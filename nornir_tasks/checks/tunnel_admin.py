"""TUNNEL_ADMIN_DOWN: a protected tunnel interface is shut down (``shutdown``).

IOS-XE takes such a tunnel to ``administratively down``/``down`` and deletes its SAs, so the
SA tables are silent about it and the router would look healthy with one tunnel fewer. It is
the operator's doing, not a fault the router can have by itself: a warning, so that an
unintended ``shutdown`` (a change window left open, a wrong interface) is seen.
"""

from __future__ import annotations

from collections.abc import Iterator

from nornir_tasks.checks.admin_down import ShutTunnel, shut_tunnels
from nornir_tasks.checks.evidence import CONFIG, FleetEvidence, HostEvidence
from nornir_tasks.checks.registry import check
from nornir_tasks.models.findings import Finding, Severity, Source, Step

NEEDS = (*CONFIG, "show ip interface brief*", "show interfaces*")


@check("TUNNEL_ADMIN_DOWN", needs=NEEDS)
def tunnel_admin_down(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """A protected tunnel interface is administratively down: its tunnel is down by intent."""
    for tunnel in shut_tunnels(host):
        yield _finding(host, tunnel)


def _finding(host: HostEvidence, tunnel: ShutTunnel) -> Finding:
    toward = ", ".join(tunnel.peers) or "its peers"
    return Finding(
        code="TUNNEL_ADMIN_DOWN",
        severity=Severity.WARNING,
        host=host.host,
        peer=tunnel.peers[0] if len(tunnel.peers) == 1 else None,
        summary=f"{tunnel.name} is administratively down: the tunnel to {toward} is shut",
        cause=(
            f"{tunnel.name} carries 'tunnel protection' and is shut down ('shutdown' in its "
            "configuration): IOS holds it administratively down, deletes its IPsec SAs (and "
            "the IKE SA no other tunnel uses) and does not negotiate, so no traffic crosses it "
            "and the far end sees its tunnel go down. Intended in a change window; otherwise "
            "someone shut the wrong interface or forgot to bring it back."
        ),
        evidence=tunnel.lines,
        next_steps=(
            f"show running-config interface {tunnel.name}",
            f"show logging | include {tunnel.name}  (%LINK-5-CHANGED: who shut it and when, "
            "with %SYS-5-CONFIG_I)",
            f"if unintended: configure terminal ; interface {tunnel.name} ; no shutdown",
        ),
        step=Step.CONFIG,
        # the device's state shows it down now (EXPLAINED_AT_PEER then points the far end here)
        source=Source.STATE if tunnel.shown else Source.CONFIG,
    )
