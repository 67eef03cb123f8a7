"""Phase-1 (IKEv1) failures: no answer, broken return path, policy, pre-shared key, refusal.

Field guide §4.1/§4.2 rows 1-6. States: IOS ``MM_NO_STATE`` / ``MM_SA_SETUP`` /
``MM_KEY_EXCH``; ASA ``MM_WAIT_MSG2`` ... ``MM_WAIT_MSG6`` and its ``FSM error history``;
aggressive mode ``AG_NO_STATE`` / ``AG_INIT_EXCH`` (see ``aggressive``).
When both ends are in the fleet they are read together: the initiator's MM_NO_STATE with the
responder's MM_SA_SETUP is the responder -> initiator path, reported once, on the responder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from nornir_tasks.checks import aggressive, compat
from nornir_tasks.checks.evidence import CONFIG, ISAKMP, LOGS, FleetEvidence, HostEvidence
from nornir_tasks.checks.ike import (
    AM_EXCHANGED,
    KEY_EXCHANGE,
    WAITING_MSG2,
    WAITING_MSG3,
    WAITING_MSG4,
    IkeRow,
    Role,
)
from nornir_tasks.checks.logview import PeerEvent, source_of
from nornir_tasks.checks.peers import (
    crypto_interface,
    debug_steps,
    events_toward,
    initiator_rows,
    label,
    mentioning,
    of_kind,
    other_end,
    persisted,
    responder_rows,
    rows,
    rows_toward,
)
from nornir_tasks.checks.quote import config_lines, event_lines, ike_lines, tag, unique
from nornir_tasks.checks.registry import check
from nornir_tasks.checks.routes import egress
from nornir_tasks.models.crypto_map import CryptoMapTable
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.models.logs import EventKind

K = EventKind
_STATE_WORD = re.compile(r"\b((?:MM|AG)_[A-Z0-9_]+)\b")


def stuck_in(events: list[PeerEvent], states: frozenset[str]) -> list[PeerEvent]:
    """Retransmissions, deaths by retransmission and ASA FSM histories stuck in ``states``."""
    out = []
    for e in events:
        if e.kind is K.FSM_ERROR_HISTORY:
            stuck = {e.event.old_state or ""}
        elif e.kind in (K.RETRANSMIT, K.DEATH_BY_RETRANSMISSION):
            stuck = set(_STATE_WORD.findall(e.event.message or e.event.line))
        else:
            continue
        if stuck & states:
            out.append(e)
    return out


def _peers(host: HostEvidence, states: frozenset[str]) -> list[str]:
    found = [r.peer for r in host.ike if r.peer and not r.deleted and r.state in states]
    found += [e.peer for e in stuck_in(list(host.events), states) if e.peer]
    return list(dict.fromkeys(p for p in found if p not in host.addresses))


# -- what the other end says --------------------------------------------------------------------


def return_path_signs(host: HostEvidence, peer_addrs: frozenset[str]) -> list[PeerEvent]:
    events = events_toward(host, peer_addrs)
    return of_kind(events, K.DUPLICATE_PACKET) + stuck_in(events, WAITING_MSG3)


def policy_refusals(events: list[PeerEvent]) -> list[PeerEvent]:
    """The responder's final word that no phase-1 policy matched (or the initiator hearing it)."""
    return of_kind(events, K.P1_POLICY_REJECTED) + [
        e
        for e in events
        if (e.kind is K.MODE_FAILURE and ("main mode" in e.text or "aggressive mode" in e.text))
        or "all sa proposals found unacceptable" in e.text
        or "mismatched attribute types" in e.text
        or (
            e.kind is K.PROPOSAL_NOT_CHOSEN
            and "protocol 1" in e.text
            and e.event.reason == "received"
        )
    ]


def key_failures(events: list[PeerEvent]) -> list[PeerEvent]:
    """A responder that cannot decrypt MSG5: the pre-shared keys differ."""
    return (
        of_kind(events, K.BAD_MESSAGE)
        + mentioning(events, "reserved not zero", "mismatched pre-shared key")
        + stuck_in(events, KEY_EXCHANGE)
    )


def _explained_by(other: HostEvidence, mine: frozenset[str], aggressive_mode: bool) -> bool:
    """The other end's own evidence already explains why it does not answer us."""
    if rows_toward(other, mine, WAITING_MSG3) or return_path_signs(other, mine):
        return True
    if aggressive_mode and aggressive.refuses(other):
        return True  # IKE_P1_AGGRESSIVE_REFUSED, on the other end
    events = events_toward(other, mine)
    return bool(policy_refusals(events) or of_kind(events, K.NO_PSK) or key_failures(events))


def _aggressive(found: list[IkeRow], events: list[PeerEvent]) -> bool:
    """The exchange stuck in ``found`` / ``events`` is aggressive mode (AG_* states)."""
    words = [w for e in events for w in _STATE_WORD.findall(e.event.message or e.event.line)]
    return any(s.startswith("AG_") for s in [r.state for r in found] + words)


def _map_unused(other: HostEvidence) -> bool:
    return any(not e.applied for t in other.models(CryptoMapTable) for e in t.entries) or any(
        not m.interfaces and not m.dynamic
        for m in (other.config.crypto_maps if other.config else ())
    )


# -- IKE_P1_NO_RESPONSE --------------------------------------------------------------------------


def _no_response_cause(
    host: HostEvidence, peer: str, other: HostEvidence | None, aggressive_mode: bool
) -> str:
    me = host.host
    msg1 = "aggressive-mode AM1" if aggressive_mode else "main-mode MSG1"
    refusal = (
        " In aggressive mode a peer with 'crypto isakmp aggressive-mode disable' also stays "
        "silent: it drops AM1 and logs only %CRYPTO-5-IKMP_AG_MODE_DISABLED."
        if aggressive_mode
        else ""
    )
    if other is None:
        return (
            f"{me} sent {msg1} to {peer} and never heard back: {peer} is down or "
            "unreachable on UDP/500 (ACL, firewall or NAT on the way), has no crypto map / "
            "ISAKMP on the interface it is reached on, or is the wrong address. If the peer does "
            "answer, its MSG2 is lost on the way back: read the peer's `show crypto isakmp sa` "
            f"(MM_SA_SETUP or MM_WAIT_MSG3 there means the return path).{refusal}"
        )
    extra = (
        f" {other.host}'s crypto map is applied to no interface, so it ignores IKE."
        if _map_unused(other)
        else ""
    )
    return (
        f"{me} sent {msg1} to {peer} ({other.host}) and never heard back, and "
        f"{other.host} has no phase-1 SA with {me} and logged nothing about it: {msg1} never "
        f"reached {other.host}. UDP/500 from {me} is dropped or misrouted on the way, or "
        f"{other.host} has no crypto map on the interface it arrives on.{extra}"
    )


@check("IKE_P1_NO_RESPONSE", needs=ISAKMP + LOGS)
def no_response(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """Initiator waiting for MSG2 (MM_NO_STATE / MM_WAIT_MSG2) and nothing explains it."""
    for peer in _peers(host, WAITING_MSG2):
        found = initiator_rows(rows(host, peer, WAITING_MSG2))
        events = stuck_in(list(host.events_for(peer)), WAITING_MSG2)
        if not found and not events:
            continue
        other = other_end(fleet, host, peer)
        # A "(deleted)" MM_NO_STATE row is an earlier attempt that died waiting: not a passing state.
        died = [r for r in initiator_rows(rows(host, peer, WAITING_MSG2, live=False)) if r.deleted]
        am = _aggressive(found + died, events)
        if other is not None and _explained_by(other, host.addresses, am):
            continue
        stuck = bool(events or died) or any(persisted(host, r) for r in found)
        route = egress(host, peer)
        yield Finding(
            code="IKE_P1_NO_RESPONSE",
            severity=Severity.CRITICAL if stuck else Severity.WARNING,
            host=host.host,
            peer=peer,
            summary=f"{host.host} gets no answer from {label(fleet, host, peer)} to "
            + ("aggressive-mode AM1" if am else "main-mode MSG1")
            + ("" if stuck else " (one snapshot: poll again to confirm it is stuck)"),
            cause=_no_response_cause(host, peer, other, am),
            evidence=unique(
                ike_lines(host, found) + event_lines(events, 4) + list(route.lines if route else ())
            ),
            next_steps=(
                f"ping {peer} source {crypto_interface(host, peer)}",
                f"traceroute {peer} source {crypto_interface(host, peer)}",
                f"show ip route {peer}",
                f"on {other.host if other else peer}: show crypto isakmp sa ; show crypto map",
                "check ACLs / firewalls / NAT on the path for UDP 500 and 4500",
                *(
                    (f"on {other.host if other else peer}: show run | include aggressive-mode",)
                    if am
                    else ()
                ),
                *debug_steps(peer),
            ),
            step=Step.IKE_PHASE1,
            source=Source.STATE if found else source_of(events),
        )


# -- IKE_P1_RETURN_PATH --------------------------------------------------------------------------


def _initiator_view(
    other: HostEvidence | None, mine: frozenset[str]
) -> tuple[list[IkeRow], list[PeerEvent]]:
    if other is None:
        return [], []
    return (
        initiator_rows(rows_toward(other, mine, WAITING_MSG2)),
        stuck_in(events_toward(other, mine), WAITING_MSG2),
    )


def _return_path_cause(
    host: HostEvidence, peer: str, other: HostEvidence | None, confirmed: bool
) -> str:
    name = other.host if other else peer
    waiting = (
        f" {name} is still waiting for MSG2 (MM_NO_STATE / MM_WAIT_MSG2) and resends MSG1,"
        f" which {host.host} logs as duplicates."
        if confirmed
        else f" {name} keeps resending MSG1 (duplicates), so it never got MSG2."
    )
    return (
        f"{host.host} answers {name}'s main-mode MSG1 with MSG2, but MSG3 never comes back."
        f"{waiting} MSG2 is lost on the way {host.host} -> {name}: the return path is broken "
        f"({host.host}'s route to {peer}, asymmetric routing through a firewall that drops the "
        "reply, or wrong NAT on the return path)."
    )


@check("IKE_P1_RETURN_PATH", needs=ISAKMP + LOGS)
def return_path(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """Responder in MM_SA_SETUP / MM_WAIT_MSG3 with duplicate MSG1s or a waiting initiator."""
    peers = _peers(host, WAITING_MSG3) + [
        e.peer for e in host.events if e.kind is K.DUPLICATE_PACKET and e.peer
    ]
    for peer in dict.fromkeys(peers):
        found = responder_rows(rows(host, peer, WAITING_MSG3))
        found = [r for r in found if r.role is Role.RESPONDER or r.state == "MM_WAIT_MSG3"]
        signs = return_path_signs(host, frozenset({peer}))
        if not found and not signs:
            continue
        other = other_end(fleet, host, peer)
        if aggressive.awaiting_am3(host, peer) and (
            other is None or aggressive.rejected_by(other, host.addresses)
        ):
            # The initiator resends AM1 because it rejected AM2 (the keys differ), not because
            # AM2 was lost: IKE_P1_PSK_MISMATCH reads both ends.
            continue
        their_rows, their_events = _initiator_view(other, host.addresses)
        confirmed = bool(their_rows or their_events)
        severity = (
            Severity.CRITICAL
            if confirmed or signs or any(persisted(host, r) for r in found)
            else Severity.WARNING
        )
        route = egress(host, peer)
        evidence = ike_lines(host, found) + event_lines(signs, 4)
        if other is not None:
            evidence += tag(
                ike_lines(other, their_rows) + event_lines(their_events, 2), other, host.host
            )
        evidence += list(route.lines if route else ())
        yield Finding(
            code="IKE_P1_RETURN_PATH",
            severity=severity,
            host=host.host,
            peer=peer,
            summary=f"MSG2 from {host.host} never reaches {other.host if other else peer}: "
            f"return path {host.host} -> {peer} is broken",
            cause=_return_path_cause(host, peer, other, confirmed),
            evidence=unique(evidence, 14),
            next_steps=(
                f"show ip route {peer}",
                f"show ip cef exact-route {_local(host, found)} {peer}",
                f"traceroute {peer} source {crypto_interface(host, peer)}",
                f"on {other.host if other else peer}: uRPF / inbound ACL for UDP 500 from "
                f"{_local(host, found)}",
                "monitor capture on both ends for UDP 500 (EPC) to see where MSG2 is lost",
            ),
            step=Step.IKE_PHASE1,
            source=Source.STATE if found else source_of(signs),
        )


def _local(host: HostEvidence, found: list[IkeRow]) -> str:
    local = next((r.local for r in found if r.local), None)
    return local or next(iter(sorted(host.addresses)), "<local address>")


# -- IKE_P1_POLICY_MISMATCH ----------------------------------------------------------------------

_P1_MISMATCH = (K.ENCRYPTION_MISMATCH, K.HASH_MISMATCH, K.DH_GROUP_MISMATCH, K.AUTH_METHOD_MISMATCH)


def unresolved_mismatches(events: list[PeerEvent]) -> list[PeerEvent]:
    """Attribute mismatches not followed by ``atts are acceptable`` (that is iteration)."""
    pending: list[PeerEvent] = []
    for e in events:
        if e.kind in _P1_MISMATCH or (e.kind is K.ATTS_NOT_ACCEPTABLE and pending):
            pending.append(e)
        elif e.kind is K.ATTS_ACCEPTABLE:
            pending = []
    return pending


def _keyless(host: HostEvidence, peer: str, events: list[PeerEvent]) -> bool:
    """No pre-shared key for ``peer`` here: main mode fails whatever the policies say."""
    config = host.config
    if of_kind(events, K.NO_PSK):
        return True
    return config is not None and compat.uses_psk(config) and not compat.has_key_for(config, peer)


@check("IKE_P1_POLICY_MISMATCH", needs=LOGS + CONFIG)
def policy_mismatch(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """The responder refused every ISAKMP policy offered (debug/syslog), or configs share none."""
    peers = dict.fromkeys(e.peer for e in host.events if e.peer)
    for peer in peers:
        if peer is None:
            continue
        events = list(host.events_for(peer))
        # IOS logs the same IKMP_MODE_FAILURE (and refuses the pre-share policies) when it has
        # no key for the peer: that is IKE_P1_PSK_MISSING; the configs' policies are compared
        # by compat.policy_findings below.
        if _keyless(host, peer, events):
            continue
        if any(aggressive.am2_rejected(host, peer)):
            continue  # AM2 came back, so the policy was accepted: the failure is the key
        refused = policy_refusals(events)
        pending = unresolved_mismatches(events)
        if not refused and not pending:
            continue
        attrs = sorted(
            {e.kind.value.replace("_mismatch", "") for e in pending if e.kind in _P1_MISMATCH}
        )
        which = f" (refused on: {', '.join(attrs)})" if attrs else ""
        yield Finding(
            code="IKE_P1_POLICY_MISMATCH",
            severity=Severity.CRITICAL if refused else Severity.WARNING,
            host=host.host,
            peer=peer,
            summary=f"no ISAKMP policy in common with {peer}{which}",
            cause=(
                f"Main mode with {peer} fails at MSG1/MSG2: no ISAKMP policy matches on "
                f"encryption, hash, DH group and authentication{which}. 'atts are not "
                "acceptable' alone is normal policy iteration; here no policy was accepted"
                + ("." if refused else " before the capture ends.")
            ),
            evidence=unique(event_lines(pending, 4) + event_lines(refused, 4)),
            next_steps=(
                "show crypto isakmp policy  (on both ends)",
                "show crypto isakmp default policy",
                "align encryption / hash / group / authentication of one policy on both ends",
                *debug_steps(peer),
            ),
            step=Step.IKE_PHASE1,
            source=source_of(refused or pending),
        )
    yield from compat.policy_findings(host, fleet)


# -- IKE_P1_PSK_MISMATCH -------------------------------------------------------------------------


@check("IKE_P1_PSK_MISMATCH", needs=ISAKMP + LOGS)
def psk_mismatch(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """Stuck after the key exchange (MM_KEY_EXCH, MM_WAIT_MSG5/6) or MSG5 unreadable."""
    peers = _peers(host, KEY_EXCHANGE) + [e.peer for e in key_failures(list(host.events)) if e.peer]
    for peer in dict.fromkeys(peers):
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
            next_steps=(
                "show run | section crypto isakmp key  (on both ends)",
                "show run | section crypto keyring",
                "re-enter the key on both ends (type 6/7 keys cannot be compared as shown)",
                f"in the debug: 'found peer pre-shared key matching {peer}' shows which key was used",
                *debug_steps(peer),
            ),
            step=Step.IKE_PHASE1,
            source=Source.STATE if found else source_of(events),
        )
    yield from _aggressive_psk_mismatch(host, fleet)


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
        next_steps=(
            "show run | include crypto isakmp key",
            "show run | section crypto keyring|crypto isakmp profile",
            "on the peer: the src column of 'show crypto isakmp sa' for the address it uses",
            f"crypto isakmp key <key> address {peer}",
        ),
        step=Step.IKE_PHASE1,
        source=source_of(events),
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
    for peer in dict.fromkeys(_peers(host, WAITING_MSG4) + cookies):
        found = initiator_rows(rows(host, peer, WAITING_MSG4))
        theirs = list(host.events_for(peer))
        events = stuck_in(theirs, WAITING_MSG4) + mentioning(theirs, "invalid_cookie", "resending")
        if found or mentioning(theirs, "invalid_cookie") or stuck_in(theirs, WAITING_MSG4):
            yield _responder_has_no_key(host, peer, found, events)
    yield from compat.key_findings(host, fleet)


# -- IKE_P1_AGGRESSIVE_REFUSED -------------------------------------------------------------------


def _am_initiator(
    host: HostEvidence, other: HostEvidence
) -> tuple[str | None, list[IkeRow], list[PeerEvent]]:
    """The address ``other`` starts aggressive mode from toward ``host``, and what it shows."""
    their_rows, their_events = _initiator_view(other, host.addresses)
    their_rows = [r for r in their_rows if r.state.startswith("AG_")]
    their_events = [e for e in their_events if _aggressive([], [e])]
    used = next((r.local for r in their_rows if r.local), None)
    config = other.config
    for t in compat.map_peers(config) if config else ():
        if t.peer in host.addresses and config and aggressive.initiates_toward(config, t.peer):
            used = used or compat.used_addresses(other, t.cmap, t.peer)[0]
            return used, their_rows, their_events
    return (used, their_rows, their_events) if their_rows or their_events else (None, [], [])


def _refused(
    host: HostEvidence, peer: str | None, who: str, evidence: list[str], source: Source
) -> Finding:
    configured = bool(host.config and host.config.aggressive_mode_disabled)
    why = (
        f"{host.host} is configured with '{aggressive.DISABLE_LINE}'"
        if configured
        else f"{host.host} logs that aggressive mode is disabled"
    )
    return Finding(
        code="IKE_P1_AGGRESSIVE_REFUSED",
        severity=Severity.CRITICAL if peer else Severity.WARNING,
        host=host.host,
        peer=peer,
        summary=f"{host.host} refuses the aggressive mode {who} starts",
        cause=(
            f"{who} starts IKEv1 aggressive mode toward {host.host}, and {why}: it drops every "
            "AM1 without an answer and logs %CRYPTO-5-IKMP_AG_MODE_DISABLED (which names no "
            "peer). The initiator sits in AG_NO_STATE, resends AM1 and deletes the SA ('Death by "
            "retransmission P1'); the tunnel never comes up. Either allow aggressive mode here, "
            "or make the initiator use main mode (drop its 'initiate mode aggressive' / 'crypto "
            "isakmp peer ... set aggressive-mode' lines and give it a 'crypto isakmp key')."
        ),
        evidence=unique(evidence, 14),
        next_steps=(
            "show run | include aggressive-mode",
            f"no {aggressive.DISABLE_LINE}  (if aggressive mode is to be accepted)",
            f"on {who}: show run | section crypto isakmp profile|crypto isakmp peer",
            "show logging | include IKMP_AG_MODE_DISABLED",
        ),
        step=Step.IKE_PHASE1,
        source=source,
    )


@check("IKE_P1_AGGRESSIVE_REFUSED", needs=LOGS + CONFIG)
def aggressive_refused(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """This host blocks aggressive mode (``crypto isakmp aggressive-mode disable``) and a peer
    starts it: reported here, on the end that refuses, with the initiator's rows quoted."""
    if not aggressive.refuses(host):
        return
    refusals = aggressive.refusals(host)
    mine = config_lines(host, r"^crypto isakmp aggressive-mode disable") + event_lines(refusals, 2)
    named: set[str] = set()
    for other in fleet.hosts:
        if other.host == host.host:
            continue
        used, their_rows, their_events = _am_initiator(host, other)
        if used is None and not their_rows and not their_events:
            continue
        peer = used or next(iter(sorted(other.addresses)), None)
        if peer is None:
            continue
        named.add(peer)
        evidence = mine + list(
            tag(ike_lines(other, their_rows) + event_lines(their_events, 2), other, host.host)
        )
        if not their_rows and not their_events and other.config:
            evidence += tag(
                config_lines(other, r"^ *initiate mode aggressive|^ *set aggressive-mode client"),
                other,
                host.host,
            )
        source = (
            Source.STATE if their_rows else (source_of(refusals) if refusals else Source.CONFIG)
        )
        yield _refused(host, peer, other.host, evidence, source)
    # No fleet host identified: the peers the refusals were attributed to, if any.
    # Its own aggressive-mode attempts are refused too (and logged alike): not a peer's.
    config = host.config
    peers = [
        e.peer
        for e in refusals
        if e.peer
        and e.peer not in named
        and not (config and aggressive.initiates_toward(config, e.peer))
    ]
    for peer in dict.fromkeys(peers):
        if peer is not None:
            yield _refused(host, peer, peer, mine, source_of(refusals))
    if refusals and not named and not peers:
        yield _refused(host, None, "a peer", mine, source_of(refusals))
