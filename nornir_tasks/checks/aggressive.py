"""IKEv1 aggressive mode seen from both ends: who starts it, who refuses it, where it stops.

Aggressive mode is three messages: AM1 (SA, KE, nonce, ID), AM2 (the same plus the responder's
hash) and AM3 (the initiator's hash). IOS states (field guide §4.1): the initiator is in
``AG_NO_STATE`` after AM1 and ``AG_INIT_EXCH`` once AM2 is in, the responder in ``AG_INIT_EXCH``
after sending AM2, then both ``QM_IDLE``. AM2 already carries the responder's hash, so the
*initiator* is the end that finds a pre-shared key mismatch (``Hash payload verification
failed``, ``Processing of Aggressive mode failed``); the responder only waits for AM3.

``crypto isakmp aggressive-mode disable`` (IOS Security Command Reference) blocks aggressive
mode to and from the router; each refusal logs ``%CRYPTO-5-IKMP_AG_MODE_DISABLED: Unable to
initiate or respond to Aggressive Mode while disabled``, which names no peer. A router starts
aggressive mode toward a peer when a ``crypto isakmp peer address X`` block has a ``set
aggressive-mode`` line, or its crypto map entry's ISAKMP profile says ``initiate mode
aggressive``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nornir_tasks.checks import compat
from nornir_tasks.checks.evidence import HostEvidence
from nornir_tasks.checks.ike import AM_EXCHANGED, IkeRow, Role
from nornir_tasks.checks.logview import PeerEvent
from nornir_tasks.checks.peers import mentioning, of_kind, rows
from nornir_tasks.models.logs import EventKind

if TYPE_CHECKING:  # annotations only (the configuration models are slow to import)
    from nornir_tasks.models.config import RunningConfig

REFUSED_MNEMONIC = "IKMP_AG_MODE_DISABLED"
DISABLE_LINE = "crypto isakmp aggressive-mode disable"


def refusals(host: HostEvidence) -> list[PeerEvent]:
    """``%CRYPTO-5-IKMP_AG_MODE_DISABLED`` lines (attributed to a peer only by their neighbours)."""
    return [e for e in host.events if e.event.mnemonic == REFUSED_MNEMONIC]


def refuses(host: HostEvidence) -> bool:
    """The host blocks aggressive mode: configured so, or logged a refusal."""
    config = host.config
    return bool(config and config.aggressive_mode_disabled) or bool(refusals(host))


def initiates_toward(config: RunningConfig, peer: str) -> bool:
    """The configuration makes IOS start aggressive mode (not main mode) toward ``peer``."""
    if any(p.aggressive and p.address == peer for p in config.isakmp_peers):
        return True
    aggressive = {p.name for p in config.isakmp_profiles if p.initiate_mode == "aggressive"}
    return any(
        t.peer == peer and t.entry.isakmp_profile in aggressive for t in compat.map_peers(config)
    )


def aggressive_failures(events: list[PeerEvent]) -> list[PeerEvent]:
    """``%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Aggressive mode failed with peer at X``."""
    return [e for e in of_kind(events, EventKind.MODE_FAILURE) if "aggressive mode" in e.text]


def _retransmits_after_am2(events: list[PeerEvent]) -> list[PeerEvent]:
    kinds = of_kind(events, EventKind.RETRANSMIT, EventKind.DEATH_BY_RETRANSMISSION)
    return [e for e in kinds if any(s.lower() in e.text for s in AM_EXCHANGED)]


def am2_rejected(host: HostEvidence, peer: str) -> tuple[list[IkeRow], list[PeerEvent]]:
    """The initiator got AM2 and could not authenticate it: its rows and its log lines.

    Proof is an initiator row in ``AG_INIT_EXCH`` or a ``Hash payload verification failed``
    line; the aggressive-mode failure syslog and the retransmissions then belong to it. Empty
    when neither is there (an aggressive-mode failure alone can also be a refused policy).
    """
    found = [r for r in rows(host, peer, AM_EXCHANGED) if r.role is Role.INITIATOR]
    events = list(host.events_for(peer))
    hashes = mentioning(events, "hash payload verification failed")
    if not found and not hashes:
        return [], []
    return found, hashes + aggressive_failures(events) + _retransmits_after_am2(events)


def rejected_by(other: HostEvidence, addresses: frozenset[str]) -> bool:
    """``other`` (the initiator) rejected the AM2 one of ``addresses`` sent it."""
    peers = {r.peer for r in other.ike if r.peer in addresses}
    peers |= {e.peer for e in other.events if e.peer in addresses}
    return any(any(am2_rejected(other, p)) for p in peers if p)


def awaiting_am3(host: HostEvidence, peer: str) -> list[IkeRow]:
    """Responder rows that sent AM2 and still wait for AM3."""
    return [r for r in rows(host, peer, AM_EXCHANGED) if r.role is Role.RESPONDER]
