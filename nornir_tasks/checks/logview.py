"""Log and debug lines attributed to the peer they concern.

Many IKE debug lines name no address (``(0):phase 1 packet is a duplicate of a previous
packet.``, ``IPSEC(validate_transform_proposal): proxy identities not supported``). They are
attributed, in this order, to: the address the line names; the peer of its ISAKMP connection id
(learnt from other lines); the peer of its IPsec connection id (``connection id=2001``, from
``show crypto ipsec sa``); the one peer a ``debug crypto condition peer`` above it limited the
debug to (IOS prints no line it cannot tie to that peer, unless ``debug crypto condition
unmatched`` is on: ``parsers.log_conditions``; syslog messages are not filtered and stay out);
the peer of the nearest attributed line logged in the same second.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from nornir_tasks.models.findings import Source
from nornir_tasks.models.logs import EventKind, LogEvent, LogStream

# %CRYPTO-4-PKT_REPLAY_ERR: decrypt: replay check failed connection id=2001
_IPSEC_CONN = re.compile(r"connection id=(\d+)")


@dataclass(frozen=True)
class PeerEvent:
    """A log event and the peer it is about (None when nothing ties it to one)."""

    event: LogEvent
    peer: str | None

    @property
    def kind(self) -> EventKind:
        return self.event.kind

    @property
    def text(self) -> str:
        return (self.event.message or self.event.line).lower()


def _second(event: LogEvent) -> str | None:
    """``*Nov 18 11:07:10.096`` -> ``Nov 18 11:07:10`` (None without a time stamp)."""
    return event.time.lstrip("*.").split(".")[0] if event.time else None


def _isakmp_conn_peers(events: Sequence[LogEvent], mine: frozenset[str]) -> dict[int, str]:
    found: dict[int, str] = {}
    for e in events:
        if e.conn_id and e.peer and e.peer not in mine and e.kind is not EventKind.SYSLOG:
            found.setdefault(e.conn_id, e.peer)
    return found


def _direct(
    e: LogEvent, mine: frozenset[str], isakmp: Mapping[int, str], ipsec: Mapping[int, str]
) -> str | None:
    if e.peer and e.peer not in mine:
        return e.peer
    if e.conn_id and e.conn_id in isakmp:
        return isakmp[e.conn_id]
    m = _IPSEC_CONN.search(e.message or "")
    return ipsec.get(int(m[1])) if m else None


def _fill(events: Sequence[LogEvent], peers: list[str | None], order: range) -> None:
    """Give unattributed lines the peer of the nearest attributed line logged in the same
    second: of the same ISAKMP connection id when the line has one (``(0)`` is shared by every
    SA still in main mode, so its lines follow each other), else of any line."""
    last: dict[int | None, tuple[str | None, str]] = {}  # conn id -> (second, peer)
    for i in order:
        second, conn = _second(events[i]), events[i].conn_id
        peer = peers[i]
        if peer is not None:
            last[conn] = last[None] = (second, peer)
            continue
        known = last.get(conn)
        if known is not None and known[0] == second:
            peers[i] = known[1]


def condition_peers(events: Sequence[LogEvent]) -> list[str | None]:
    """Per event: the one peer the debug was limited to when it was logged (None: no
    condition, several peers, or ``unmatched`` lines let through)."""
    active: list[str] = []
    unmatched = False
    out: list[str | None] = []
    for event in events:
        if event.kind is EventKind.DEBUG_CONDITION:
            active, unmatched = _condition_set(event, active, unmatched)
        out.append(active[0] if len(active) == 1 and not unmatched else None)
    return out


def _condition_set(event: LogEvent, active: list[str], unmatched: bool) -> tuple[list[str], bool]:
    """The peer conditions and the unmatched switch after one ``debug crypto condition`` line."""
    turning_off = event.reason == "off"
    if event.reason == "unmatched" or (turning_off and (event.message or "").startswith("unm")):
        return active, not turning_off
    if not turning_off:
        return active + [p for p in (event.peer,) if p and p not in active], unmatched
    if event.peer:
        return [p for p in active if p != event.peer], unmatched
    return [], False  # "no debug crypto condition all"


def attribute(
    streams: Sequence[LogStream], addresses: frozenset[str], ipsec_conn_peers: Mapping[int, str]
) -> tuple[PeerEvent, ...]:
    """Every non-text event of every stream, in order, with its peer (``debug crypto
    condition`` lines say whose lines follow in their stream; they are not events here)."""
    kept = [[e for e in s.events if e.kind is not EventKind.TEXT] for s in streams]
    conditions = [c for s in kept for c in condition_peers(s)]
    pairs = [(e, c) for e, c in zip((e for s in kept for e in s), conditions, strict=True)]
    pairs = [(e, c) for e, c in pairs if e.kind is not EventKind.DEBUG_CONDITION]
    events = [e for e, _ in pairs]
    isakmp = _isakmp_conn_peers(events, addresses)
    peers = [_direct(e, addresses, isakmp, ipsec_conn_peers) for e in events]
    for i, (event, condition) in enumerate(pairs):
        if peers[i] is None and condition is not None and event.mnemonic is None:
            peers[i] = condition
    _fill(events, peers, range(len(events)))
    _fill(events, peers, range(len(events) - 1, -1, -1))
    return tuple(PeerEvent(e, p) for e, p in zip(events, peers, strict=True))


def source_of(events: Sequence[PeerEvent]) -> Source:
    """Syslog messages (``%CRYPTO-...``) are logs; ``ISAKMP:`` lines are debug."""
    if not events:
        return Source.STATE
    return Source.LOG if all(e.event.mnemonic for e in events) else Source.DEBUG
