"""The other ends of a DMVPN (multipoint GRE) tunnel interface. Pure.

An mGRE interface has no ``tunnel destination``: ``vpndiag triage HOST --interface Tunnel0``
finds its peers in what the router reads now:

- its servers: the static ``S`` rows of ``show dmvpn`` (``ip nhrp nhs X nbma Y`` and
  ``ip nhrp map`` entries), whatever their state (a spoke stuck in ``NHRP`` or ``IKE`` keeps
  the row);
- its dynamic peers that are up: a spoke's spoke-to-spoke shortcuts (``D``, ``DT1``, ``DT2``);
- on a hub (``Type:Hub``), every spoke: the dynamic rows (registered spokes) and every crypto
  socket on the interface (``show crypto session``: a spoke whose registration the hub refuses
  has one, and no NHRP entry with its NBMA address).

Rows whose NBMA is ``UNKNOWN`` (an incomplete entry) name no peer and are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nornir_tasks.models.crypto_session import CryptoSession, CryptoSessionTable
from nornir_tasks.models.dmvpn import DmvpnInterface, DmvpnState, DmvpnTable


@dataclass(frozen=True)
class MgrePeers:
    """The NBMA peers of one multipoint interface, by how they were found."""

    interface: str
    hub: bool  # ``Type:Hub`` (or ``Hub/Spoke``): every spoke is a peer
    servers: tuple[str, ...]  # static rows: the NHS (and ``ip nhrp map``) NBMA addresses
    dynamic: tuple[str, ...]  # dynamic rows: up shortcuts (spoke), every spoke (hub)
    sockets: tuple[str, ...]  # hub: crypto sessions on the interface no row names

    @property
    def peers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.servers, *self.dynamic, *self.sockets)))


def _same(a: str, b: str) -> bool:
    return a.replace(" ", "").lower() == b.replace(" ", "").lower()


def _interface(table: DmvpnTable, name: str) -> DmvpnInterface | None:
    return next((i for i in table.interfaces if _same(i.interface, name)), None)


def _unique(addresses: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a for a in addresses if a))


def _session_peer(session: CryptoSession) -> str | None:
    return session.peer or next((s.remote for s in session.ike_sas), None)


def mgre_peers(
    tables: Sequence[DmvpnTable], sessions: Sequence[CryptoSessionTable], interface: str
) -> MgrePeers | None:
    """The peers of ``interface`` (see the module docstring); None when no ``show dmvpn``
    read names it (not a multipoint interface, or NHRP is not running on it)."""
    found = next((i for t in tables if (i := _interface(t, interface)) is not None), None)
    if found is None:
        return None
    hub = "hub" in (found.role or "").lower()
    servers = _unique(p.nbma for p in found.peers if p.static)
    dynamic = _unique(
        p.nbma
        for p in found.peers
        if not p.static and (hub or p.state is DmvpnState.UP) and not p.incomplete
    )
    on_it = (s for t in sessions for s in t.sessions if _same(s.interface, found.interface))
    sockets = _unique(_session_peer(s) for s in on_it) if hub else ()
    known = set(servers) | set(dynamic)
    return MgrePeers(
        found.interface, hub, servers, dynamic, tuple(s for s in sockets if s not in known)
    )
