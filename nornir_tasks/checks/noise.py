"""Normal noise, recognised and reported at info level so it is not mistaken for a failure.

``atts are not acceptable`` followed by ``atts are acceptable`` is the responder walking its
policy list; a few send errors on a tunnel that carries traffic both ways are not an outage.
"""

from __future__ import annotations

from collections.abc import Iterator

from nornir_tasks.checks.evidence import IPSEC, LOGS, FleetEvidence, HostEvidence
from nornir_tasks.checks.flows import carries
from nornir_tasks.checks.logview import PeerEvent, source_of
from nornir_tasks.checks.phase1 import policy_refusals
from nornir_tasks.checks.quote import event_lines, flow_lines, unique
from nornir_tasks.checks.registry import check
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.models.logs import EventKind

K = EventKind
_MISMATCH = (K.ENCRYPTION_MISMATCH, K.HASH_MISMATCH, K.DH_GROUP_MISMATCH, K.AUTH_METHOD_MISMATCH)


def iterations(events: list[PeerEvent]) -> list[PeerEvent]:
    """Refused policies that a later policy of the same negotiation matched."""
    found: list[PeerEvent] = []
    pending: list[PeerEvent] = []
    for e in events:
        if e.kind in _MISMATCH or (e.kind is K.ATTS_NOT_ACCEPTABLE and pending):
            pending.append(e)
        elif e.kind is K.ATTS_ACCEPTABLE and pending:
            found += [*pending, e]
            pending = []
    return found


@check("IKE_POLICY_ITERATION", needs=LOGS)
def policy_iteration(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """'atts are not acceptable' then 'atts are acceptable': not a failure."""
    for peer in dict.fromkeys(e.peer for e in host.events if e.peer):
        if peer is None:
            continue
        events = list(host.events_for(peer))
        seen = iterations(events)
        if not seen or policy_refusals(events):
            continue
        yield Finding(
            code="IKE_POLICY_ITERATION",
            severity=Severity.INFO,
            host=host.host,
            peer=peer,
            summary=f"phase-1 policy iteration with {peer} (not a failure)",
            cause=(
                "The responder compared the offered proposal with its policies in priority order: "
                "'atts are not acceptable' for the first ones, then 'atts are acceptable'. This is "
                "normal; only 'no offers accepted' / 'phase 1 SA policy not acceptable' is a failure."
            ),
            evidence=unique(event_lines(seen, 6)),
            next_steps=("none needed; to avoid it, put the policy both ends use first",),
            step=Step.IKE_PHASE1,
            source=source_of(seen),
        )


@check("IPSEC_SEND_ERRORS", needs=IPSEC)
def send_errors(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """Send errors on a flow: info when traffic flows both ways and they are few."""
    for t in host.traffic:
        errors = t.send_errors.recent
        if not errors or not carries(t.flow):
            continue  # on a flow that never had an SA, the errors are the traffic it dropped
        sent = t.encaps.recent + errors
        healthy = t.encaps.moving and t.decaps.moving and errors <= max(1, sent // 100)
        peer = t.flow.current_peer or "?"
        yield Finding(
            code="IPSEC_SEND_ERRORS",
            severity=Severity.INFO if healthy else Severity.WARNING,
            host=host.host,
            peer=peer,
            summary=f"{errors} send errors on the tunnel to {peer}"
            + (" (traffic flows both ways: not an outage)" if healthy else ""),
            cause=(
                "Send errors count packets the crypto engine could not encrypt or send (no SA yet "
                "during a rekey, queue full, fragmentation). "
                + (
                    "They are a small share and traffic flows both ways: noise."
                    if healthy
                    else "They are a large share of the traffic, or the tunnel carries nothing back."
                )
            ),
            evidence=unique(flow_lines(host, t.flow, ("peer", "counters"))),
            next_steps=(
                f"show crypto ipsec sa peer {peer} detail  (which error counter moves)",
                "show crypto engine accelerator statistic",
            ),
            step=Step.DATA_TRANSFER,
            source=Source.STATE,
        )
