"""One router's NHRP state: its cache (``show ip nhrp``), its servers (``show ip nhrp nhs``)
and the crypto sockets of its multipoint tunnels.

Plain data held by the router (``Device.nhrp``), written by ``lab.nhrp`` and read by the
show commands, as ``lab.sadb`` is for IKE and IPsec.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from enum import StrEnum

IPv4Net = ipaddress.IPv4Network
USED_WINDOW_S = 60.0  # "used": the entry forwarded data in the last minute (Cisco's flag text)


class EntryKind(StrEnum):
    """``Type:`` of a ``show ip nhrp`` entry."""

    STATIC = "static"  # ip nhrp map / ip nhrp nhs ... nbma
    DYNAMIC = "dynamic"  # a registration (hub) or a resolution (spoke-to-spoke)
    INCOMPLETE = "incomplete"  # a resolution under way or failed: no NBMA yet


@dataclass
class NhrpEntry:
    """One cache entry: ``target via via`` on ``tunnel``, reached at ``nbma``."""

    tunnel: str
    target: IPv4Net
    via: str
    nbma: str | None  # None: UNKNOWN (incomplete)
    kind: EntryKind
    flags: tuple[str, ...]
    created: float
    expires: float | None  # None: never
    used_at: float = -1e9

    def used(self, now: float) -> bool:
        return now - self.used_at < USED_WINDOW_S

    def shown_flags(self, now: float) -> tuple[str, ...]:
        """The flags ``show ip nhrp`` prints: "used" only while the entry carries data."""
        live = self.used(now) and self.kind is not EntryKind.INCOMPLETE
        return tuple(f for f in self.flags if f != "used" or live)

    def attrb(self) -> str:
        """The ``Attrb`` column of ``show dmvpn``: S, D, DT1, DT2, IX ..."""
        if self.kind is EntryKind.INCOMPLETE:
            return "IX"
        head = "S" if self.kind is EntryKind.STATIC else "D"
        if "nho" in self.flags:
            return head + "T2"
        if "rib" in self.flags:
            return head + "T1"
        return head


@dataclass
class NhsRecord:
    """A spoke's view of one of its servers (``show ip nhrp nhs detail``)."""

    tunnel: str
    address: str
    nbma: str | None
    req_sent: int = 0
    req_failed: int = 0
    repl_recv: int = 0
    last_reply: float | None = None
    registered: bool = False
    changed_at: float | None = None  # last up/down change; None: never up
    next_request: float = 0.0
    retry: float = 1.0  # seconds to the next request while unanswered (doubles up to 64)
    reqid: int = 0
    failure_logged: bool = False

    def status(self) -> str:
        """``RE``: expecting replies and responding; ``E``: expecting replies only."""
        return "RE" if self.registered else "E"


@dataclass
class NhrpState:
    entries: list[NhrpEntry] = field(default_factory=list)
    nhs: dict[tuple[str, str], NhsRecord] = field(default_factory=dict)  # (tunnel, address)
    sockets: dict[str, float] = field(default_factory=dict)  # NBMA peer -> socket up since
    seqs: dict[str, int] = field(default_factory=dict)  # NBMA peer -> profile-instance seq
    wanted: dict[str, str] = field(default_factory=dict)  # NBMA peer -> tunnel (spoke-to-spoke)
    resolving: dict[str, float] = field(default_factory=dict)  # target -> last request

    def seq_for(self, nbma: str) -> int:
        """The crypto map sequence IOS gives a peer's profile instance (65537, 65538 ...)."""
        if nbma not in self.seqs:
            self.seqs[nbma] = 65537 + len(self.seqs)
        return self.seqs[nbma]

    def find(self, tunnel: str, target: IPv4Net) -> NhrpEntry | None:
        return next((e for e in self.entries if e.tunnel == tunnel and e.target == target), None)

    def covering(self, tunnel: str, address: ipaddress.IPv4Address) -> NhrpEntry | None:
        """The longest entry with an NBMA whose target holds ``address``."""
        hits = [e for e in self.entries if e.tunnel == tunnel and e.nbma and address in e.target]
        return max(hits, key=lambda e: e.target.prefixlen) if hits else None

    def put(self, entry: NhrpEntry) -> NhrpEntry:
        """Add ``entry``, replacing the one for the same target (keeping its creation time)."""
        old = self.find(entry.tunnel, entry.target)
        if old is not None:
            self.entries.remove(old)
            if old.nbma == entry.nbma and old.kind is entry.kind:
                entry.created, entry.used_at = old.created, max(old.used_at, entry.used_at)
        self.entries.append(entry)
        return entry
