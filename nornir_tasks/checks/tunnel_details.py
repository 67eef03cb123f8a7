"""Each tunnel of a host with its phases and packet counters: the per-tunnel rows of a report
(what the metrics export publishes). The state is ``tunnels.tunnel_state``'s, never recomputed."""

from __future__ import annotations

from collections.abc import Iterable

from nornir_tasks.checks.evidence import HostEvidence
from nornir_tasks.checks.flows import Count, Traffic
from nornir_tasks.checks.tunnels import tunnels
from nornir_tasks.models.report import TunnelDetail


def _sum(counts: Iterable[Count], delta: bool) -> int | None:
    values = [c.delta if delta else c.total for c in counts]
    # One unknown part makes the sum unknown: a half-read counter is not a smaller counter.
    if not values or any(v is None for v in values):
        return None
    return sum(v for v in values if v is not None)


def _detail(peer_traffic: list[Traffic], detail: TunnelDetail) -> TunnelDetail:
    encaps = [t.encaps for t in peer_traffic if t.flow.pkts_encaps is not None]
    decaps = [t.decaps for t in peer_traffic if t.flow.pkts_decaps is not None]
    return TunnelDetail(
        peer=detail.peer,
        state=detail.state,
        phase1_up=detail.phase1_up,
        ipsec_sas=detail.ipsec_sas,
        encaps=_sum(encaps, delta=False),
        decaps=_sum(decaps, delta=False),
        encaps_delta=_sum(encaps, delta=True),
        decaps_delta=_sum(decaps, delta=True),
    )


def tunnel_details(
    evidence: HostEvidence | None, focus: frozenset[str] | None = None
) -> tuple[TunnelDetail, ...]:
    """The tunnels ``tunnel_counts`` counts (same rule, same ``focus``), with their counters."""
    if evidence is None or not evidence.has("show crypto ipsec sa*"):
        return ()
    out = []
    for tunnel in tunnels(evidence):
        if focus is not None and tunnel.peer not in focus:
            continue
        bare = TunnelDetail(tunnel.peer, tunnel.state, tunnel.phase1_up, tunnel.ipsec_sas)
        mine = [t for t in evidence.traffic if t.flow.current_peer == tunnel.peer]
        out.append(_detail(mine, bare))
    return tuple(out)
