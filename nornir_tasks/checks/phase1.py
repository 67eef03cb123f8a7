"""Phase-1 (IKEv1) failures: no answer and a broken return path; the helpers every phase-1
rule shares (policy and modes in ``phase1_policy``, keys in ``phase1_keys``).

Field guide §4.1/§4.2 rows 1-6. States: IOS ``MM_NO_STATE`` / ``MM_SA_SETUP`` /
``MM_KEY_EXCH``; ASA ``MM_WAIT_MSG2`` ... ``MM_WAIT_MSG6`` and its ``FSM error history``;
aggressive mode ``AG_NO_STATE`` / ``AG_INIT_EXCH`` (see ``aggressive``).
When both ends are in the fleet they are read together: the initiator's MM_NO_STATE with the
responder's MM_SA_SETUP is the responder -> initiator path, reported once, on the responder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from nornir_tasks.checks import aggressive, asa
from nornir_tasks.checks.evidence import ISAKMP, LOGS, FleetEvidence, HostEvidence
from nornir_tasks.checks.ike import (
    KEY_EXCHANGE,
    WAITING_MSG2,
    WAITING_MSG3,
    IkeRow,
    Role,
)
from nornir_tasks.checks.logview import PeerEvent, source_of
from nornir_tasks.checks.model_names import CRYPTO_MAP_TABLE
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
from nornir_tasks.checks.quote import event_lines, ike_lines, tag, unique
from nornir_tasks.checks.registry import check
from nornir_tasks.checks.routes import egress
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.models.logs import EventKind

K = EventKind
_STATE_WORD = re.compile(r"\b((?:MM|AG|AM)_[A-Z0-9_]+)\b")  # AM_: the ASA's aggressive mode


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


def stuck_peers(host: HostEvidence, states: frozenset[str]) -> list[str]:
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
    if asa.silent_to(other, mine):
        return True  # ASA_IKE_NOT_ENABLED / IKE_P1_PSK_MISSING (tunnel-group), on the ASA
    events = events_toward(other, mine)
    return bool(policy_refusals(events) or of_kind(events, K.NO_PSK) or key_failures(events))


def aggressive_mode(found: list[IkeRow], events: list[PeerEvent]) -> bool:
    """The exchange stuck in ``found`` / ``events`` is aggressive mode (AG_* states)."""
    words = [w for e in events for w in _STATE_WORD.findall(e.event.message or e.event.line)]
    return any(s.startswith(("AG_", "AM_")) for s in [r.state for r in found] + words)


def _map_unused(other: HostEvidence) -> bool:
    return any(not e.applied for t in other.models(CRYPTO_MAP_TABLE) for e in t.entries) or any(
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
    for peer in stuck_peers(host, WAITING_MSG2):
        found = initiator_rows(rows(host, peer, WAITING_MSG2))
        events = stuck_in(list(host.events_for(peer)), WAITING_MSG2)
        if not found and not events:
            continue
        other = other_end(fleet, host, peer)
        # A "(deleted)" MM_NO_STATE row is an earlier attempt that died waiting: not a passing state.
        died = [r for r in initiator_rows(rows(host, peer, WAITING_MSG2, live=False)) if r.deleted]
        am = aggressive_mode(found + died, events)
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
            next_steps=_no_response_steps(host, peer, other, am),
            step=Step.IKE_PHASE1,
            source=Source.STATE if found else source_of(events),
        )


def _no_response_steps(
    host: HostEvidence, peer: str, other: HostEvidence | None, am: bool
) -> tuple[str, ...]:
    there = other.host if other else peer
    return (
        f"ping {peer} source {crypto_interface(host, peer)}",
        f"traceroute {peer} source {crypto_interface(host, peer)}",
        f"show ip route {peer}",
        f"on {there}: show crypto isakmp sa ; show crypto map",
        "check ACLs / firewalls / NAT on the path for UDP 500 and 4500",
        *((f"on {there}: show run | include aggressive-mode",) if am else ()),
        *debug_steps(peer),
    )


# -- IKE_P1_RETURN_PATH --------------------------------------------------------------------------


def initiator_view(
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
    peers = stuck_peers(host, WAITING_MSG3) + [
        e.peer for e in host.events if e.kind is K.DUPLICATE_PACKET and e.peer
    ]
    for peer in dict.fromkeys(peers):
        found = responder_rows(rows(host, peer, WAITING_MSG3))
        found = [r for r in found if r.role is Role.RESPONDER or r.state == "MM_WAIT_MSG3"]
        signs = return_path_signs(host, frozenset({peer}))
        if not found and not signs:
            continue
        other = other_end(fleet, host, peer)
        if _am2_rejected(host, peer, other):
            continue
        their_rows, their_events = initiator_view(other, host.addresses)
        confirmed = bool(their_rows or their_events)
        sure = confirmed or signs or any(persisted(host, r) for r in found)
        severity = Severity.CRITICAL if sure else Severity.WARNING
        evidence = ike_lines(host, found) + event_lines(signs, 4)
        if other is not None:
            evidence += tag(
                ike_lines(other, their_rows) + event_lines(their_events, 2), other, host.host
            )
        yield Finding(
            code="IKE_P1_RETURN_PATH",
            severity=severity,
            host=host.host,
            peer=peer,
            summary=f"MSG2 from {host.host} never reaches {other.host if other else peer}: "
            f"return path {host.host} -> {peer} is broken",
            cause=_return_path_cause(host, peer, other, confirmed),
            evidence=unique(evidence + _route_lines(host, peer), 14),
            next_steps=_return_path_steps(host, peer, other, found),
            step=Step.IKE_PHASE1,
            source=Source.STATE if found else source_of(signs),
        )


def _am2_rejected(host: HostEvidence, peer: str, other: HostEvidence | None) -> bool:
    """The initiator resends AM1 because it rejected AM2 (the keys differ), not because AM2
    was lost: IKE_P1_PSK_MISMATCH reads both ends."""
    return bool(aggressive.awaiting_am3(host, peer)) and (
        other is None or aggressive.rejected_by(other, host.addresses)
    )


def _route_lines(host: HostEvidence, peer: str) -> list[str]:
    route = egress(host, peer)
    return list(route.lines if route else ())


def _return_path_steps(
    host: HostEvidence, peer: str, other: HostEvidence | None, found: list[IkeRow]
) -> tuple[str, ...]:
    local = _local(host, found)
    return (
        f"show ip route {peer}",
        f"show ip cef exact-route {local} {peer}",
        f"traceroute {peer} source {crypto_interface(host, peer)}",
        f"on {other.host if other else peer}: uRPF / inbound ACL for UDP 500 from {local}",
        "monitor capture on both ends for UDP 500 (EPC) to see where MSG2 is lost",
    )


def _local(host: HostEvidence, found: list[IkeRow]) -> str:
    local = next((r.local for r in found if r.local), None)
    return local or next(iter(sorted(host.addresses)), "<local address>")
