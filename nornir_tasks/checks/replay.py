"""Anti-replay drops: ESP reordered or duplicated on the path, dropped by the receiver."""

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


@check("IPSEC_REPLAY_DROPS", needs=IPSEC + LOGS)
def replay_drops(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """Packets dropped by the anti-replay check: ESP reordered or duplicated on the path."""
    events = of_kind(list(host.events), EventKind.REPLAY_ERROR)
    # %CRYPTO-4-PKT_REPLAY_ERR names a connection id, not a peer: with one tunnel in the
    # evidence it is that tunnel's; with several it is reported on its own, peer unknown.
    peerless = [e for e in events if not e.peer]
    tunnels = {t.flow.current_peer for t in host.traffic if t.flow.current_peer} or {
        e.peer for e in host.events if e.peer
    }
    reported: set[str] = set()
    for t in host.traffic:
        peer = t.flow.current_peer or "?"
        logged = [e for e in events if e.peer == peer] + (peerless if len(tunnels) == 1 else [])
        dropped = t.replay_failed.recent if t.replay_failed else 0
        if not dropped and logged and t.recv_errors.moving:
            dropped = t.recv_errors.recent  # without ``detail``, replay drops are recv errors
        if not dropped and not logged:
            continue
        received = t.decaps.recent + dropped
        reported.add(peer)
        yield _replay_finding(
            host, peer, t, dropped, dropped / received if received else 0.0, logged
        )
    alone = next(iter(tunnels)) if len(tunnels) == 1 and not host.traffic else None
    named = [e.peer for e in events if e.peer] + ([alone] if alone and peerless else [])
    for other in dict.fromkeys(p for p in named if p not in reported):
        if other is not None:
            mine = [e for e in events if e.peer == other] + (peerless if other == alone else [])
            yield _replay_finding(host, other, None, 0, 0.0, mine)
    if peerless and len(tunnels) != 1:
        yield _replay_finding(host, None, None, 0, 0.0, peerless)


def _replay_severity(share: float, logged: bool) -> Severity:
    """>= 5 % of the received packets: an outage for applications; < 0.1 %: noise."""
    if share >= 0.05:
        return Severity.CRITICAL
    return Severity.WARNING if share >= 0.001 or logged else Severity.INFO


def _replay_finding(
    host: HostEvidence,
    peer: str | None,
    t: Traffic | None,
    dropped: int,
    share: float,
    logged: list[PeerEvent],
) -> Finding:
    lines = flow_lines(host, t.flow, ("peer", "replay", "counters")) if t else []
    lines += event_lines(logged, 3)
    rate = f" ({dropped} packets, {share:.1%} of what arrived)" if dropped else ""
    name = peer or "a peer the message does not name"
    return Finding(
        code="IPSEC_REPLAY_DROPS",
        severity=_replay_severity(share, bool(logged)),
        host=host.host,
        peer=peer,
        summary=f"anti-replay drops on the tunnel from {name}{rate}",
        cause=(
            f"{host.host} drops ESP from {name} that falls outside the anti-replay window{rate}: "
            "packets are reordered (QoS queues on the sender, per-packet load sharing or "
            "multipath on the path) or duplicated. Applications see it as loss."
        ),
        evidence=unique(lines),
        next_steps=(
            f"show crypto ipsec sa peer {peer} detail | include replay"
            if peer
            else "show crypto ipsec sa detail | include peer|replay",
            "crypto ipsec security-association replay window-size 1024",
            "check QoS on the sender's crypto interface (qos pre-classify) and load sharing on the path",
        ),
        step=Step.DATA_TRANSFER,
        source=Source.STATE if t else source_of(logged),
    )
