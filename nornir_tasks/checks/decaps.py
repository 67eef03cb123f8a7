"""ESP that arrives and is dropped after decapsulation: the inner packet is outside the SA.

The ASA decrypts the ESP packet, finds that the inner packet's addresses are not within the
SA's proxy identities, drops it, counts a receive error and logs 402116 (rate-limited) naming
the inner source/destination and the SA's proxies. ``show crypto ipsec sa`` then shows decaps
with no decrypts (or decrypts matched by receive errors) and IOS ``detail`` counts
``#pkts invalid identity (recv)``. The peer sends traffic into the SA that its crypto ACL
should not give it: the ACLs are not mirror images, or the peer NATs the source first.
"""

from __future__ import annotations

from collections.abc import Iterator

from nornir_tasks.checks.evidence import IPSEC, LOGS, FleetEvidence, HostEvidence
from nornir_tasks.checks.flows import Traffic
from nornir_tasks.checks.logview import PeerEvent, source_of
from nornir_tasks.checks.peers import of_kind
from nornir_tasks.checks.quote import event_lines, flow_lines, unique
from nornir_tasks.checks.registry import check
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.models.logs import EventKind

K = EventKind
CODE = "IPSEC_INNER_PACKET_MISMATCH"


def _moved(t: Traffic, name: str) -> int:
    """How much counter ``name`` moved (between the polls, or in total with one poll)."""
    now = getattr(t.flow, name) or 0
    before = getattr(t.before, name) or 0 if t.before is not None else 0
    return now - before if now >= before else now


def dropped_after_decaps(t: Traffic) -> bool:
    """ESP arrives and every packet is counted as a receive error: nothing is accepted."""
    received = t.decaps.recent
    accepted = _moved(t, "pkts_decrypt") if t.flow.pkts_decrypt is not None else received
    return (
        received > 0
        and t.recv_errors.recent >= received
        and (accepted == 0 or t.recv_errors.recent >= accepted)
    )


def _inner(e: PeerEvent) -> str:
    f = e.event.field
    if not f("inner_src"):
        return ""
    return (
        f" Example: a packet from {f('inner_src')} to {f('inner_dst')} ({f('inner_protocol')}) "
        f"arrived on the SA for {f('remote_proxy')} -> {f('local_proxy')}."
    )


def _finding(host: HostEvidence, peer: str, t: Traffic | None, logged: list[PeerEvent]) -> Finding:
    lines = flow_lines(host, t.flow, ("peer", "counters")) if t else []
    lines += event_lines(logged, 2)
    invalid = bool(t and _moved(t, "pkts_invalid_identity_recv"))
    proven = bool(logged) or invalid
    why = (
        "the decapsulated inner packets are outside the SA's proxy identities"
        if proven
        else "the packets are dropped after decapsulation (402116 or '#pkts invalid identity' "
        "would confirm inner packets outside the SA; anti-replay and integrity failures are "
        "the other causes)"
    )
    return Finding(
        code=CODE,
        severity=Severity.CRITICAL if proven else Severity.WARNING,
        host=host.host,
        peer=peer,
        summary=f"ESP from {peer} is received and dropped: {why.split(' (')[0]}",
        cause=(
            f"{peer} sends ESP on the SA, {host.host} decapsulates it and drops it: {why}. "
            f"{peer}'s crypto ACL is not the mirror of {host.host}'s (it sends other networks "
            "into this SA) or it NATs the source before encrypting."
            + (_inner(logged[0]) if logged else "")
        ),
        evidence=unique(lines, 12),
        next_steps=(
            f"on {peer}: show crypto map / the crypto ACL (must mirror this end's) ; NAT "
            "exemption for the tunnel's traffic",
            f"show crypto ipsec sa peer {peer}  (local ident / remote ident, recv errors)",
            "ASA: show logging | include 402116 ; IOS: show crypto ipsec sa detail "
            "(#pkts invalid identity)",
        ),
        step=Step.DATA_TRANSFER,
        source=source_of(logged) if logged and not t else Source.STATE,
    )


@check(CODE, needs=IPSEC + LOGS)
def inner_packet_mismatch(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """ESP received, decapsulated and dropped: the inner packet is outside the SA (402116)."""
    logged = of_kind(list(host.events), K.INNER_PACKET_MISMATCH)
    reported: set[str] = set()
    for t in host.traffic:
        peer = t.flow.current_peer
        mine = [e for e in logged if e.peer == peer]
        if peer is None or not (mine or dropped_after_decaps(t)):
            continue
        reported.add(peer)
        yield _finding(host, peer, t, mine)
    for peer in dict.fromkeys(e.peer for e in logged if e.peer and e.peer not in reported):
        if peer is not None:
            yield _finding(host, peer, None, [e for e in logged if e.peer == peer])
