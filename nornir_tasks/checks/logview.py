"""Log and debug lines attributed to the peer they concern.

Many IKE debug lines name no address (``(0):phase 1 packet is a duplicate of a previous
packet.``, ``IPSEC(validate_transform_proposal): proxy identities not supported``). They are
attributed, in this order, to: the address the line names; the peer of its ISAKMP connection id
(learnt from other lines); the peer of its IPsec connection id (``connection id=2001``, from
``show crypto ipsec sa``); the peer of the nearest attributed line logged in the same second.
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


def attribute(
    streams: Sequence[LogStream], addresses: frozenset[str], ipsec_conn_peers: Mapping[int, str]
) -> tuple[PeerEvent, ...]:
    """Every non-text event of every stream, in order, with its peer."""
    events = [e for s in streams for e in s.events if e.kind is not EventKind.TEXT]
    isakmp = _isakmp_conn_peers(events, addresses)
    peers = [_direct(e, addresses, isakmp, ipsec_conn_peers) for e in events]
    _fill(events, peers, range(len(events)))
    _fill(events, peers, range(len(events) - 1, -1, -1))
    return tuple(PeerEvent(e, p) for e, p in zip(events, peers, strict=True))


def source_of(events: Sequence[PeerEvent]) -> Source:
    """Syslog messages (``%CRYPTO-...``) are logs; ``ISAKMP:`` lines are debug."""
    if not events:
        return Source.STATE
    return Source.LOG if all(e.event.mnemonic for e in events) else Source.DEBUG
