"""A pointer on the end whose tunnel is explained by a finding on the other end.

Cross-peer rules report a cause once, on the end that proves it (the return-path case on the
responder, not on the initiator that only waits). The other end would then look clean in a
fleet table although its tunnel is down or one-way; this note says where the cause is. It
reads the other checks' findings, so it runs in the register's second pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from nornir_tasks.checks.evidence import (
    CONFIG,
    CRYPTO_MAP,
    IPSEC,
    ISAKMP,
    FleetEvidence,
    HostEvidence,
)
from nornir_tasks.checks.registry import check
from nornir_tasks.checks.tunnels import tunnel_state, tunnels
from nornir_tasks.models.findings import Finding, Severity, Source
from nornir_tasks.models.tunnel_status import TunnelStatus

CODE = "EXPLAINED_AT_PEER"


@dataclass(frozen=True)
class _Causes:
    """The fleet's serious findings, by the peer they name; built once per fleet."""

    by_peer: dict[str, list[tuple[int, Finding]]]
    have: frozenset[tuple[str, str | None]]  # (host, peer) of every serious finding


def _causes(fleet: FleetEvidence) -> _Causes:
    # Only what the devices' state shows: a configuration finding (a missing key for a backup
    # address) names what to change, not a tunnel that is broken now. A log finding on a host
    # whose tunnel to that peer is down does (an ASA's 750003 lines: it has no counters).
    serious = [
        f for f in fleet.findings if f.severity >= Severity.WARNING and f.peer and _now(fleet, f)
    ]
    by_peer: dict[str, list[tuple[int, Finding]]] = {}
    for order, f in enumerate(serious):
        by_peer.setdefault(f.peer or "", []).append((order, f))
    return _Causes(by_peer, frozenset((f.host, f.peer) for f in serious))


def _now(fleet: FleetEvidence, f: Finding) -> bool:
    """Does ``f`` speak of a tunnel broken now?"""
    if f.source is Source.STATE:
        return True
    host = fleet.host(f.host)
    return (
        f.source is Source.LOG
        and host is not None
        and tunnel_state(host, f.peer or "") is not TunnelStatus.UP
    )


@check(CODE, needs=ISAKMP + IPSEC + CRYPTO_MAP + CONFIG, implied=True, reads_findings=True)
def explained_at_peer(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """One info finding per tunnel of ``host`` whose cause another host's finding names."""
    causes = fleet.memo("pointers.causes", lambda: _causes(fleet))
    noted: set[tuple[str, str | None]] = set()  # this host's notes so far (causes.have is shared)
    found = sorted((c for a in host.addresses for c in causes.by_peer.get(a, ())), key=_first)
    for _, cause in found:
        if cause.host == host.host:
            continue
        other = fleet.host(cause.host)
        mine = [t.peer for t in tunnels(host) if other and t.peer in other.addresses]
        if not mine or any((host.host, p) in causes.have or (host.host, p) in noted for p in mine):
            continue
        noted.add((host.host, mine[0]))
        yield _note(host, mine[0], cause)


def _first(item: tuple[int, Finding]) -> int:
    return item[0]


def _note(host: HostEvidence, peer: str, cause: Finding) -> Finding:
    return Finding(
        code=CODE,
        severity=Severity.INFO,
        host=host.host,
        peer=peer,
        summary=f"the cause is on {cause.host}: {cause.code}",
        cause=(
            f"{host.host}'s tunnel to {peer} is affected by what {cause.host} shows: "
            f"{cause.summary}. Read from both ends, the cause is reported once, on {cause.host}."
        ),
        evidence=(f"{cause.host}: {cause.code}: {cause.summary}",),
        next_steps=(f"vpndiag triage {host.host} --peer {peer}",),
        step=cause.step,
        source=Source.STATE,
    )
