"""Phase-1 (IKEv1) pre-shared keys: a key that differs from the peer's, a key missing for a
peer (main and aggressive mode).

Field guide §4.1 rows 4-5; the phase-1 states and the other end's view are read as in
``phase1`` (shared helpers there)."""

from __future__ import annotations

from collections.abc import Iterator

from nornir_tasks.checks import aggressive, compat
from nornir_tasks.checks.evidence import CONFIG, ISAKMP, LOGS, FleetEvidence, HostEvidence
from nornir_tasks.checks.ike import (
    AM_EXCHANGED,
    KEY_EXCHANGE,
    WAITING_MSG4,
    IkeRow,
)
from nornir_tasks.checks.logview import PeerEvent, source_of
from nornir_tasks.checks.peers import (
    debug_steps,
    events_toward,
    initiator_rows,
    label,
    mentioning,
    of_kind,
    other_end,
    persisted,
    rows,
    rows_toward,
)
from nornir_tasks.checks.phase1 import (
    K,
    key_failures,
    stuck_in,
    stuck_peers,
)
from nornir_tasks.checks.quote import event_lines, ike_lines, tag, unique
from nornir_tasks.checks.registry import check
from nornir_tasks.models.findings import Finding, Severity, Source, Step

# -- IKE_P1_PSK_MISMATCH -------------------------------------------------------------------------


@check("IKE_P1_PSK_MISMATCH", needs=ISAKMP + LOGS)
def psk_mismatch(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """Stuck after the key exchange (MM_KEY_EXCH, MM_WAIT_MSG5/6) or MSG5 unreadable."""
    failed = [e.peer for e in key_failures(list(host.events)) if e.peer]
    for peer in dict.fromkeys(stuck_peers(host, KEY_EXCHANGE) + failed):
        found = rows(host, peer, KEY_EXCHANGE)
        events = key_failures(list(host.events_for(peer)))
        other = other_end(fleet, host, peer)
        theirs = key_failures(events_toward(other, host.addresses)) if other else []
        their_rows = rows_toward(other, host.addresses, KEY_EXCHANGE) if other else []
        stuck = bool(events or theirs) or any(persisted(host, r) for r in found)
        if not found and not events:
            continue
        evidence = ike_lines(host, found) + event_lines(events, 4)
        if other is not None:
            evidence += tag(ike_lines(other, their_rows) + event_lines(theirs, 3), other, host.host)
        yield Finding(
            code="IKE_P1_PSK_MISMATCH",
            severity=Severity.CRITICAL if stuck else Severity.WARNING,
            host=host.host,
            peer=peer,
            summary=f"pre-shared key mismatch with {label(fleet, host, peer)}: main mode stops "
            "after the key exchange",
            cause=(
                "Main mode got through the DH exchange (MM_KEY_EXCH / MM_WAIT_MSG5-6) but the "
                "peers cannot authenticate: the pre-shared keys differ. The responder decrypts "
                "MSG5 with its key, gets garbage and reports it as malformed ('failed its sanity "
                "check', 'reserved not zero'); the initiator retransmits MM_KEY_EXCH. Less often: "
                "NAT-T on one end only, or a middlebox altering UDP/500."
            ),
            evidence=unique(evidence),
            next_steps=_key_steps(peer),
            step=Step.IKE_PHASE1,
            source=Source.STATE if found else source_of(events),
        )
    yield from _aggressive_psk_mismatch(host, fleet)


def _key_steps(peer: str) -> tuple[str, ...]:
    return (
        "show run | section crypto isakmp key  (on both ends)",
        "show run | section crypto keyring",
        "re-enter the key on both ends (type 6/7 keys cannot be compared as shown)",
        f"in the debug: 'found peer pre-shared key matching {peer}' shows which key was used",
        *debug_steps(peer),
    )


def _aggressive_psk_mismatch(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """The initiator rejected AM2 (AG_INIT_EXCH, hash failure); or, with the responder only,
    the responder waits for AM3 while its peer keeps resending AM1."""
    candidates = [r.peer for r in host.ike if r.state in AM_EXCHANGED and not r.deleted]
    candidates += [e.peer for e in aggressive.aggressive_failures(list(host.events))]
    for peer in dict.fromkeys(p for p in candidates if p and p not in host.addresses):
        other = other_end(fleet, host, peer)
        found, events = aggressive.am2_rejected(host, peer)
        if found or events:
            theirs = rows_toward(other, host.addresses, AM_EXCHANGED) if other else []
            stuck = bool(events) or any(persisted(host, r) for r in found)
            evidence = ike_lines(host, found) + event_lines(events, 5)
            if other is not None:
                evidence += tag(ike_lines(other, theirs), other, host.host)
            source = Source.STATE if found else source_of(events)
            yield _am_key_finding(host, fleet, peer, stuck, evidence, _AM_INITIATOR_CAUSE, source)
            continue
        waiting = aggressive.awaiting_am3(host, peer)
        if not waiting or other is not None:
            continue  # with both ends, the initiator's state decides (key, or return path)
        signs = of_kind(list(host.events_for(peer)), K.DUPLICATE_PACKET)
        stuck = bool(signs) or any(persisted(host, r) for r in waiting)
        evidence = ike_lines(host, waiting) + event_lines(signs, 2)
        yield _am_key_finding(host, fleet, peer, stuck, evidence, _AM_RESPONDER_CAUSE, Source.STATE)


_AM_INITIATOR_CAUSE = (
    "Aggressive mode got through AM1/AM2 (the initiator is in AG_INIT_EXCH) but the initiator "
    "cannot verify the responder's hash in AM2 ('Hash payload verification failed', "
    "'Processing of Aggressive mode failed'): the pre-shared keys differ. In aggressive mode "
    "the initiator finds the mismatch, not the responder, which keeps waiting for AM3 in "
    "AG_INIT_EXCH while AM1 is resent. Check the key the initiator uses for this peer: "
    "'crypto isakmp key', a keyring of the ISAKMP profile, or 'set aggressive-mode password'."
)
_AM_RESPONDER_CAUSE = (
    "Aggressive mode stops after AM2: this end (the responder) sent AM2 and waits for AM3 in "
    "AG_INIT_EXCH while the initiator resends AM1. Most often the pre-shared keys differ and "
    "the initiator rejects AM2 ('Hash payload verification failed' there, AG_INIT_EXCH); if "
    "the initiator sits in AG_NO_STATE instead, AM2 is lost on the way back (return path)."
)


def _am_key_finding(
    host: HostEvidence,
    fleet: FleetEvidence,
    peer: str,
    stuck: bool,
    evidence: list[str],
    cause: str,
    source: Source,
) -> Finding:
    return Finding(
        code="IKE_P1_PSK_MISMATCH",
        severity=Severity.CRITICAL if stuck else Severity.WARNING,
        host=host.host,
        peer=peer,
        summary=f"pre-shared key mismatch with {label(fleet, host, peer)}: aggressive mode "
        "stops after AM2",
        cause=cause,
        evidence=unique(evidence),
        next_steps=(
            "show run | include crypto isakmp key|aggressive-mode  (on both ends)",
            "show run | section crypto keyring|crypto isakmp profile|crypto isakmp peer",
            "re-enter the key on both ends (type 6/7 keys cannot be compared as shown)",
            f"in the debug: 'found peer pre-shared key matching {peer}' shows which key was used",
            *debug_steps(peer),
        ),
        step=Step.IKE_PHASE1,
        source=source,
    )


# -- IKE_P1_PSK_MISSING --------------------------------------------------------------------------


def _no_key_finding(host: HostEvidence, peer: str, events: list[PeerEvent]) -> Finding:
    return Finding(
        code="IKE_P1_PSK_MISSING",
        severity=Severity.CRITICAL,
        host=host.host,
        peer=peer,
        summary=f"{host.host} has no pre-shared key for {peer}",
        cause=(
            f"{host.host} has no pre-shared key (and no certificate) for the address {peer}, so "
            "phase 1 cannot even start ('Can not start Main mode'). Typical: the key was never "
            "added, it is for another address (the peer is behind NAT, or sources from another "
            "interface or a backup ISP), or the keyring/profile does not match."
        ),
        evidence=unique(event_lines(events, 6)),
        next_steps=_asa_no_key_steps(peer) if _asa_said(events) else _ios_no_key_steps(peer),
        step=Step.IKE_PHASE1,
        source=source_of(events),
    )


def _asa_said(events: list[PeerEvent]) -> bool:
    """The lines are an ASA's (``%ASA-``, or its ``[IKEv1]: Group = ...`` console form)."""
    return any(
        e.event.facility == "ASA" or "[IKEv1]" in e.event.line or "Group = " in e.event.line
        for e in events
    )


def _ios_no_key_steps(peer: str) -> tuple[str, ...]:
    return (
        "show run | include crypto isakmp key",
        "show run | section crypto keyring|crypto isakmp profile",
        "on the peer: the src column of 'show crypto isakmp sa' for the address it uses",
        f"crypto isakmp key <key> address {peer}",
    )


def _asa_no_key_steps(peer: str) -> tuple[str, ...]:
    # A L2L tunnel-group is looked up by the peer's address as typed: a group named by a
    # 'name' alias or a hostname is never found.
    return (
        "show running-config tunnel-group",
        f"show running-config all tunnel-group {peer}",
        f"tunnel-group {peer} type ipsec-l2l  (named by the address itself, not a 'name' alias)",
        f"tunnel-group {peer} ipsec-attributes / ikev1 pre-shared-key <key>",
    )


def _responder_has_no_key(
    host: HostEvidence, peer: str, found: list[IkeRow], events: list[PeerEvent]
) -> Finding:
    return Finding(
        code="IKE_P1_PSK_MISSING",
        severity=Severity.CRITICAL,
        host=host.host,
        peer=peer,
        summary=f"{peer} stops answering after MSG3: it has no key / tunnel-group for "
        f"{host.host}'s address",
        cause=(
            f"{host.host} sent its key-exchange message (MSG3) and waits for MSG4 "
            f"(MM_WAIT_MSG4): {peer} accepted the proposal but has no pre-shared key or "
            f"tunnel-group for the address {host.host} uses (or expects another peer address), "
            "and answers with unencrypted notifies (INVALID_COOKIE) or not at all."
        ),
        evidence=unique(ike_lines(host, found) + event_lines(events, 6)),
        next_steps=(
            f"on {peer}: show run tunnel-group | show run | section crypto isakmp key",
            f"on {peer}: the peer address configured for {host.host} (set peer / tunnel-group name)",
            "show crypto isakmp sa detail  (the local address this end uses)",
        ),
        step=Step.IKE_PHASE1,
        source=Source.STATE if found else source_of(events),
    )


@check("IKE_P1_PSK_MISSING", needs=ISAKMP + LOGS + CONFIG)
def psk_missing(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """'No pre-shared key with X' (debug), ASA MM_WAIT_MSG4, or no key in the configuration."""
    no_key = of_kind(list(host.events), K.NO_PSK)
    for peer in dict.fromkeys(e.peer for e in no_key if e.peer):
        if peer is not None:
            yield _no_key_finding(host, peer, [e for e in no_key if e.peer == peer])
    cookies = [e.peer for e in mentioning(list(host.events), "invalid_cookie") if e.peer]
    for peer in dict.fromkeys(stuck_peers(host, WAITING_MSG4) + cookies):
        found = initiator_rows(rows(host, peer, WAITING_MSG4))
        theirs = list(host.events_for(peer))
        events = stuck_in(theirs, WAITING_MSG4) + mentioning(theirs, "invalid_cookie", "resending")
        if found or mentioning(theirs, "invalid_cookie") or stuck_in(theirs, WAITING_MSG4):
            yield _responder_has_no_key(host, peer, found, events)
    yield from compat.key_findings(host, fleet)
