"""Invalid SPI: ESP arrives on an SPI the receiver does not have (SAs out of sync).

Read from both ends: the receiver's %CRYPTO-4-RECVD_PKT_INV_SPI messages name the SPI, and the
sender still encrypting on it (encaps moving, the receiver's decaps still) confirms it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from nornir_tasks.checks.dataplane import Verdict, one_way, sends_only
from nornir_tasks.checks.evidence import IPSEC, LOGS, FleetEvidence, HostEvidence
from nornir_tasks.checks.flows import Traffic, has_sa
from nornir_tasks.checks.logview import PeerEvent, source_of
from nornir_tasks.checks.peers import label, of_kind, other_end, phase1_up
from nornir_tasks.checks.quote import event_lines, flow_lines, tag, unique
from nornir_tasks.checks.registry import check
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.models.logs import EventKind

_SPI = re.compile(r"spi=(0x[0-9a-f]+)", re.I)
# A new IPsec SA with the peer, in IOS debug: the quick mode's last state or the install line
_NEW_SA = ("new state = ike_qm_phase2_complete", "successfully installed ipsec sa")


def _stale_senders(
    host: HostEvidence, fleet: FleetEvidence
) -> Iterator[tuple[HostEvidence, Traffic]]:
    """Fleet hosts that encrypt towards us on an SA we do not have."""
    senders = fleet.memo("dataplane.senders", lambda: _senders_index(fleet))
    found = sorted((s for a in host.addresses for s in senders.get(a, ())), key=lambda s: s[:2])
    for _, _, other, t in found:
        if other.host == host.host:
            continue
        way = one_way(other, t, fleet)
        if way.verdict is Verdict.DESYNC and way.other is host:
            yield other, t


def _senders_index(fleet: FleetEvidence) -> dict[str, list[tuple[int, int, HostEvidence, Traffic]]]:
    """Peer address -> the fleet's flows that only send to it, in fleet order (built once per
    fleet: a scan of every host's traffic for every host was quadratic)."""
    index: dict[str, list[tuple[int, int, HostEvidence, Traffic]]] = {}
    for position, other in enumerate(fleet.hosts):
        for order, t in enumerate(other.traffic):
            if t.flow.current_peer and sends_only(t):
                index.setdefault(t.flow.current_peer, []).append((position, order, other, t))
    return index


def _spis(events: list[PeerEvent]) -> set[int]:
    return {int(m[1], 16) for e in events if (m := _SPI.search(e.event.line))}


def _still_sending(other: HostEvidence | None, host: HostEvidence, spis: set[int]) -> list[Traffic]:
    """The other end's flows towards us still encrypting on one of the refused SPIs."""
    if other is None:
        return []
    return [
        t
        for t in other.traffic
        if t.flow.current_peer in host.addresses and t.flow.current_outbound_spi_value in spis
    ]


@check("IPSEC_INVALID_SPI", needs=LOGS + IPSEC)
def invalid_spi(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """ESP arrives on an SPI this host does not know: the SAs are out of sync."""
    events = of_kind(list(host.events), EventKind.INVALID_SPI)
    stale = {
        (t.flow.local_crypto_endpt or t.flow.local_addr): (o, t)
        for o, t in _stale_senders(host, fleet)
    }
    peers = [e.peer for e in events if e.peer] + [p for p in stale if p]
    for peer in dict.fromkeys(peers):
        if peer is None:
            continue
        mine = [e for e in events if e.peer == peer]
        other = other_end(fleet, host, peer)
        senders = _still_sending(other, host, _spis(mine)) + (
            [stale[peer][1]] if peer in stale else []
        )
        lost = [t for t in host.traffic if t.flow.current_peer == peer and not has_sa(t.flow)]
        confirmed = bool(senders) or (bool(mine) and bool(lost) and phase1_up(host, peer))
        healed = not confirmed and _resynced(host, peer, mine)
        yield _finding(host, fleet, peer, mine, other, senders, confirmed, healed)


def _resynced(host: HostEvidence, peer: str, mine: list[PeerEvent]) -> bool:
    """The same log shows a new IPsec SA with ``peer`` after its last invalid-SPI message: the
    SAs resynchronised (what ``clear crypto sa`` or a rekey looks like), nothing is broken."""
    events = [e.event for e in host.events]
    if not mine or any(e.event not in events for e in mine):
        return False
    last = max(events.index(e.event) for e in mine)
    return any(
        e.peer == peer and any(t in e.text for t in _NEW_SA) for e in host.events[last + 1 :]
    )


def _finding(
    host: HostEvidence,
    fleet: FleetEvidence,
    peer: str,
    mine: list[PeerEvent],
    other: HostEvidence | None,
    senders: list[Traffic],
    confirmed: bool,
    healed: bool = False,
) -> Finding:
    lines = event_lines(mine, 3)
    if other is not None:
        flows = [s for t in senders for s in flow_lines(other, t.flow, ("peer", "counters", "spi"))]
        lines += tag(flows, other, host.host)
    spis = ", ".join(f"0x{v:X}" for v in sorted(_spis(mine))) or "an SA"
    return Finding(
        code="IPSEC_INVALID_SPI",
        severity=_severity(mine, confirmed, healed),
        host=host.host,
        peer=peer,
        summary=f"ESP from {label(fleet, host, peer)} arrives on an SPI {host.host} does not "
        + ("have; a new SA followed (resynchronised)" if healed else "have (SAs out of sync)"),
        cause=_cause(host, peer, other, spis, confirmed, healed),
        evidence=unique(lines),
        next_steps=(
            f"show crypto ipsec sa peer {peer}  (compare the SPIs on both ends)",
            f"on {other.host if other else peer}: clear crypto sa peer <{host.host}'s address>",
            "crypto isakmp invalid-spi-recovery  (both ends)",
            "crypto isakmp keepalive 10 3 periodic  (DPD, both ends)",
        ),
        step=Step.DATA_TRANSFER,
        source=source_of(mine) if mine else Source.STATE,
    )


def _cause(
    host: HostEvidence,
    peer: str,
    other: HostEvidence | None,
    spis: str,
    confirmed: bool,
    healed: bool,
) -> str:
    cause = (
        f"{other.host if other else peer} keeps sending ESP on {spis} that {host.host} no "
        "longer has: the SAs are out of sync (one end cleared or rebooted, or lost its SAs, "
        "without the delete reaching the other). One direction is a black hole until the "
        "stale SA expires."
    )
    if not confirmed:
        cause += " A single message right after a clear is normal."
    if healed:
        cause += f" Here the log then shows a new IPsec SA with {peer}: they resynchronised."
    return cause


def _severity(mine: list[PeerEvent], confirmed: bool, healed: bool) -> Severity:
    if confirmed:
        return Severity.CRITICAL
    if healed:
        return Severity.INFO
    return Severity.CRITICAL if len({e.event.time for e in mine}) > 1 else Severity.WARNING
