"""Protected tunnel interfaces (static VTIs) read from state alone: the IKEv2 form of a down
tunnel when no debug or log line says why.

A VTI negotiates by itself, without traffic (``tunnel protection`` brings IKE up as soon as
the interface is), so "no traffic has tried it" never explains a down VTI: its IKEv2 SA is
missing or stuck in ``IN-NEG``. The state does not say whether proposals, keys or the path are
at fault; the conditional ``debug crypto ikev2`` of ``vpndiag triage`` does (the IKEV2_* codes),
so this stays informational and leaves the tunnel to the triage debug.
"""

from __future__ import annotations

from collections.abc import Iterator

from nornir_tasks.checks.evidence import IPSEC, ISAKMP, SESSION, FleetEvidence, HostEvidence
from nornir_tasks.checks.flows import has_sa
from nornir_tasks.checks.peers import sessions
from nornir_tasks.checks.registry import check
from nornir_tasks.checks.tunnels import ikev2_state, tunnel_state, vti_peers
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.models.report import TunnelStatus


def _lines(host: HostEvidence, peer: str) -> list[str]:
    """The ``show crypto session`` lines of the tunnel, as the device printed them."""
    out: list[str] = []
    for s in sessions(host, peer):
        out += [f"Interface: {s.interface}", f"Session status: {s.status_text or s.status}"]
    return out


_PHASE1 = (*ISAKMP, "show crypto ikev2 sa*", *SESSION)


def _phase1_unread(host: HostEvidence, peer: str) -> bool:
    """IPsec SAs to ``peer`` and no phase-1 output at all (a pasted ``show crypto ipsec sa``):
    an IPsec SA exists only once IKE came up, so nothing says this tunnel is down."""
    return not any(host.has(name) for name in _PHASE1) and any(
        f.current_peer == peer and has_sa(f) for f in host.flows
    )


@check("IKEV2_VTI_DOWN", needs=IPSEC + SESSION)
def vti_down(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """A protected tunnel interface is down: its IKEv2 negotiation fails (triage says why)."""
    for peer in dict.fromkeys(vti_peers(host)):
        if tunnel_state(host, peer) is TunnelStatus.UP or host.events_for(peer):
            continue  # up, or log/debug lines are there for the IKEV2_* checks to read
        if _phase1_unread(host, peer):
            continue
        state = ikev2_state(host, peer)
        yield Finding(
            code="IKEV2_VTI_DOWN",
            severity=Severity.INFO,
            host=host.host,
            peer=peer,
            summary=f"tunnel interface to {peer} is down: IKEv2 "
            + ("stuck negotiating (IN-NEG)" if state == "IN-NEG" else "has no SA"),
            cause=(
                f"{host.host} protects a tunnel interface toward {peer}; a VTI negotiates "
                "without traffic, so it is down because IKEv2 fails (proposal, key or identity, "
                "or the path). The state alone does not say which: a conditional debug does."
            ),
            evidence=tuple(_lines(host, peer)),
            next_steps=(
                f"vpndiag triage {host.host} --peer {peer}  (debug crypto ikev2 on both ends)",
                "show crypto ikev2 sa ; show crypto session detail  (both ends)",
            ),
            step=Step.IKE_PHASE1,
            source=Source.STATE,
        )
