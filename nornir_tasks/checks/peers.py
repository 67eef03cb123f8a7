"""Both ends of a tunnel: per-peer state on one host and the matching state on the other.

A peer address is matched to a host of the fleet by the addresses the host owns; the other
end's view of this host is found by any of this host's addresses.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Literal

from nornir_tasks.checks.evidence import FleetEvidence, HostEvidence
from nornir_tasks.checks.flows import Traffic, has_sa, mirrors
from nornir_tasks.checks.ike import IkeRow, Role
from nornir_tasks.checks.logview import PeerEvent
from nornir_tasks.checks.model_names import CRYPTO_MAP_TABLE, CRYPTO_SESSION_TABLE, IKEV2_SA_TABLE
from nornir_tasks.models.logs import EventKind

if TYPE_CHECKING:  # looked up by name (``model_names``): a paste without them imports none
    from nornir_tasks.models.crypto_session import CryptoSession


def other_end(fleet: FleetEvidence, host: HostEvidence, peer: str | None) -> HostEvidence | None:
    """The fleet host that owns ``peer`` (never ``host`` itself)."""
    found = fleet.owner_of(peer)
    return found if found is not None and found.host != host.host else None


def rows(
    host: HostEvidence, peer: str, states: Collection[str] = (), live: bool = True
) -> list[IkeRow]:
    """Phase-1 rows with ``peer`` (only non-deleted ones by default), optionally in ``states``."""
    return [
        r
        for r in host.ike
        if r.peer == peer and (not live or not r.deleted) and (not states or r.state in states)
    ]


def rows_toward(
    host: HostEvidence, addresses: Collection[str], states: Collection[str]
) -> list[IkeRow]:
    """Live rows of ``host`` whose peer is one of ``addresses`` (the other end's)."""
    return [r for r in host.ike if r.peer in addresses and not r.deleted and r.state in states]


def persisted(host: HostEvidence, row: IkeRow) -> bool:
    """The previous poll showed the same SA in the same state (it is stuck, not passing by)."""
    return any(
        r.peer == row.peer and r.state == row.state and not r.deleted for r in host.previous_ike
    )


def initiator_rows(found: list[IkeRow]) -> list[IkeRow]:
    return [r for r in found if r.role is not Role.RESPONDER]


def responder_rows(found: list[IkeRow]) -> list[IkeRow]:
    return [r for r in found if r.role is not Role.INITIATOR]


def events_toward(host: HostEvidence, addresses: Collection[str]) -> list[PeerEvent]:
    return [e for e in host.events if e.peer in addresses]


def of_kind(events: list[PeerEvent], *kinds: EventKind) -> list[PeerEvent]:
    return [e for e in events if e.kind in kinds]


def mentioning(events: list[PeerEvent], *texts: str) -> list[PeerEvent]:
    return [e for e in events if any(t in e.text for t in texts)]


def sessions(host: HostEvidence, peer: str) -> list[CryptoSession]:
    return [s for t in host.models(CRYPTO_SESSION_TABLE) for s in t.sessions if s.peer == peer]


# ``SessionStatus`` member names (its module is imported only when there are sessions to read).
SessionState = Literal[
    "UP_ACTIVE", "UP_IDLE", "UP_NO_IKE", "UP_STANDBY", "DOWN", "DOWN_NEGOTIATING"
]


def sessions_in(host: HostEvidence, peer: str, status: SessionState) -> list[CryptoSession]:
    """``peer``'s sessions in ``status``."""
    found = sessions(host, peer)
    if not found:
        return []
    from nornir_tasks.models.crypto_session import SessionStatus  # imported: found holds some

    return [s for s in found if s.status is SessionStatus[status]]


def phase1_up(host: HostEvidence, peer: str) -> bool:
    """Phase 1 with ``peer`` is complete (IKEv1 QM_IDLE / MM_ACTIVE, IKEv2 READY, session)."""
    if any(r.up for r in rows(host, peer)):
        return True
    ikev2 = host.models(IKEV2_SA_TABLE)
    if ikev2:
        from nornir_tasks.models.ikev2 import Ikev2Status  # imported: ikev2 holds its models

        if any(sa.remote == peer and sa.status is Ikev2Status.READY for t in ikev2 for sa in t.sas):
            return True
    found = sessions(host, peer)
    if not found:
        return False
    from nornir_tasks.models.crypto_session import SessionStatus  # imported: found holds some

    up = (SessionStatus.UP_ACTIVE, SessionStatus.UP_IDLE)
    return any(s.status in up for s in found)


def ike_state_read(host: HostEvidence) -> bool:
    """An IKE SA table (IKEv1 or IKEv2) is in the evidence: a peer missing from it has no SA."""
    return any(
        host.has(need)
        for need in ("show crypto isakmp sa*", "show crypto ikev1 sa*", "show crypto ikev2 sa*")
    )


def known_peers(host: HostEvidence) -> list[str]:
    """Every peer the host's state names: SAs, flows, sessions, crypto map entries."""
    cached: list[str] | None = host.__dict__.get("_known_peers")  # a hub asks once per peer
    if cached is not None:
        return list(cached)
    candidates = [r.peer for r in host.ike] + [f.current_peer for f in host.flows]
    candidates += [s.peer for t in host.models(CRYPTO_SESSION_TABLE) for s in t.sessions]
    candidates += [p for t in host.models(CRYPTO_MAP_TABLE) for e in t.entries for p in e.peers]
    found = [p for p in dict.fromkeys(candidates) if p and p not in host.addresses]
    host.__dict__["_known_peers"] = found  # HostEvidence is frozen; cached_property does this too
    return list(found)


def traffic_to(host: HostEvidence, peer: str) -> list[Traffic]:
    return [t for t in host.traffic if t.flow.current_peer == peer]


def mirror_traffic(
    other: HostEvidence, mine: Traffic, addresses: Collection[str]
) -> Traffic | None:
    """The other end's flow for the same proxy pair (identities swapped), pointing back at us."""
    back = [t for t in other.traffic if t.flow.current_peer in addresses]
    exact = [t for t in back if mirrors(mine.flow, t.flow)]
    if exact:
        return exact[0]
    with_sa = [t for t in back if has_sa(t.flow)]
    return with_sa[0] if len(with_sa) == 1 and len(back) == 1 else None


def crypto_interface(host: HostEvidence, peer: str) -> str:
    """The interface IKE/ESP to ``peer`` leaves from (for ``ping <peer> source <it>``)."""
    flow = next((f for f in host.flows if f.current_peer == peer), None)
    if flow is not None and flow.interface:
        return flow.interface
    for table in host.models(CRYPTO_MAP_TABLE):
        for entry in table.entries:
            if peer in entry.peers and entry.interfaces:
                return entry.interfaces[0]
    config = host.config
    if config is not None:
        for cmap in config.crypto_maps:
            if any(peer in e.peers for e in cmap.entries) and cmap.interfaces:
                return cmap.interfaces[0]
    return "<crypto-map interface>"


def debug_steps(peer: str) -> tuple[str, ...]:
    """Safe conditional debug for one peer, and how to stop it."""
    return (
        f"debug crypto condition peer ipv4 {peer}",
        "debug crypto isakmp  (and debug crypto ipsec)",
        "undebug all ; no debug crypto condition all  (always stop it)",
    )


def label(fleet: FleetEvidence, host: HostEvidence, peer: str) -> str:
    """``BR07 (203.0.113.30)`` when the peer is in the fleet, else the address."""
    other = other_end(fleet, host, peer)
    return f"{other.host} ({peer})" if other is not None else peer
