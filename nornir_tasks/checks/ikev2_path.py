"""IKEv2 messages that get no answer: the IKEv2 form of IKE_P1_NO_RESPONSE / IKE_P1_RETURN_PATH.

The initiator sends IKE_SA_INIT (UDP 500) and retransmits it, doubling the interval, until it
gives up (IOS-XE: ``Initial exchange failed``). When IKE_SA_INIT is answered but IKE_AUTH is
not, the path carries UDP 500 but not what follows: UDP 4500 after NAT was detected, or the
fragments of a large IKE_AUTH (certificates). The ASA responder logs the second case as 750003
``Failed to receive the AUTH msg before the timer expired``. When the peer is in the fleet, its
own debug says whether the request reached it (then its answer is lost on the way back).
"""

from __future__ import annotations

from collections.abc import Iterator

from nornir_tasks.checks import ikev2_counters as counters
from nornir_tasks.checks.evidence import LOGS, FleetEvidence, HostEvidence
from nornir_tasks.checks.ikev2 import Conversation, conversations, lines_of
from nornir_tasks.checks.logview import PeerEvent, source_of
from nornir_tasks.checks.peers import events_toward, other_end
from nornir_tasks.checks.quote import tag, unique
from nornir_tasks.checks.registry import check
from nornir_tasks.models.findings import Finding, Severity, Step
from nornir_tasks.models.logs import EventKind

K = EventKind
_PACKETS = (K.IKEV2_PACKET, K.IKEV2_NO_PROPOSAL, K.IKEV2_AUTH_FAILED, K.TS_UNACCEPTABLE)


def _packets(
    events: list[PeerEvent] | tuple[PeerEvent, ...], packet: str, message: str, exchange: str
) -> list[PeerEvent]:
    return [
        e
        for e in events
        if e.kind in _PACKETS
        and e.event.field("packet") == packet
        and e.event.field("message") == message
        and e.event.field("exchange") == exchange
    ]


def unanswered(conv: Conversation, exchange: str) -> list[PeerEvent]:
    """Requests of ``exchange`` this host sent whose initiator SPI never got a response."""
    answered = {
        e.event.field("initiator_spi")
        for e in _packets(conv.events, "received", "RESPONSE", exchange)
    }
    return [
        e
        for e in _packets(conv.events, "sent", "REQUEST", exchange)
        if e.event.field("initiator_spi") not in answered
    ]


def auth_to_nat_t(conv: Conversation) -> bool:
    """Unanswered IKE_AUTH requests went to UDP 4500: a NAT was detected and the path drops
    4500 (``ikev2_natt`` names that: IKEV2_NAT_T_BLOCKED)."""
    return any(":4500/" in e.event.line for e in unanswered(conv, "IKE_AUTH"))


def _arrived(conv: Conversation, fleet: FleetEvidence, exchange: str) -> list[str] | None:
    """The other end's lines showing our request arrived (None: the other end is not in the
    fleet or has no debug; [] : it has debug and the request is not in it)."""
    other = other_end(fleet, conv.host, conv.peer)
    if other is None or not other.events:
        return None
    seen = _packets(events_toward(other, conv.host.addresses), "received", "REQUEST", exchange)
    return list(tag(lines_of(seen, 2), other, conv.host.host))


def _cause(conv: Conversation, exchange: str, arrived: list[str] | None) -> str:
    name = conv.name
    if arrived:
        return (
            f"{conv.host.host}'s {exchange} requests reach {name}, which answers, but the "
            f"answers never come back: the return path {name} -> {conv.host.host} drops or "
            "misroutes them (routing, asymmetric path through a firewall, NAT)."
        )
    if exchange == "IKE_AUTH":
        return (
            f"IKE_SA_INIT with {name} completes but IKE_AUTH gets no answer: the path carries "
            "UDP 500 but not what follows it - UDP 4500 (NAT was detected) is filtered, or the "
            "IKE_AUTH message is large (certificates) and its fragments are dropped."
        )
    where = " (and its debug shows the request never arrived)" if arrived == [] else ""
    return (
        f"{conv.host.host} sends IKE_SA_INIT to {name} and retransmits it with no answer"
        f"{where}: UDP 500 is filtered or misrouted on the way, {name} is down or has no "
        "IKEv2 (crypto map, tunnel protection, 'crypto ikev2 enable') for this address, or its "
        "answer is lost on the way back."
    )


def _no_response(conv: Conversation, fleet: FleetEvidence) -> Finding | None:
    init, auth = unanswered(conv, "IKE_SA_INIT"), unanswered(conv, "IKE_AUTH")
    gave_up = conv.of(K.IKEV2_INIT_FAILED, K.IKEV2_AUTH_TIMEOUT)
    retries = [e for e in conv.of(K.RETRANSMIT) if e.event.line.lstrip("*. ").find("IKEv2") >= 0]
    exchange = "IKE_AUTH" if (auth and not init) or conv.of(K.IKEV2_AUTH_TIMEOUT) else "IKE_SA_INIT"
    sent = init or auth
    if exchange == "IKE_AUTH" and auth_to_nat_t(conv):
        return None  # IKEV2_NAT_T_BLOCKED (ikev2_natt)
    if not gave_up and not (sent and (retries or len(sent) > 1)):
        return None
    arrived = _arrived(conv, fleet, exchange)
    lasting = bool(gave_up) or len(sent) + len(retries) > 2
    return Finding(
        code="IKEV2_NO_RESPONSE",
        severity=Severity.CRITICAL if lasting else Severity.WARNING,
        host=conv.host.host,
        peer=conv.peer,
        summary=f"IKEv2 {exchange} to {conv.name} gets no answer"
        + (" (return path)" if arrived else ""),
        cause=_cause(conv, exchange, arrived),
        evidence=unique(
            lines_of(sent[:1] + retries[:2] + sent[-1:] + gave_up) + (arrived or []), 14
        ),
        next_steps=(
            f"ping {conv.peer or '<peer>'} source <WAN interface> ; traceroute the same way",
            "ACLs / firewalls on the path: UDP 500 and UDP 4500 both ways (and ESP)",
            "on the peer: show crypto ikev2 sa ; debug crypto ikev2 (does the request arrive?)",
            "monitor capture / packet-tracer for UDP 500 on both WAN interfaces",
        ),
        step=Step.IKE_PHASE1,
        source=source_of(sent + gave_up),
    )


CODE = "IKEV2_NO_RESPONSE"


@check(CODE, needs=LOGS + counters.STATS)
def no_response(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """IKE_SA_INIT (or IKE_AUTH) retransmitted without an answer.

    Lines that name no peer (``Initial exchange failed`` logged alone, its request sent before
    the capture began) are reported for an unknown peer only when no named peer explains them:
    otherwise they are most likely that negotiation's end, not a second failing tunnel."""
    convs = conversations(host)
    found = [f for conv in convs if (f := _no_response(conv, fleet)) is not None]
    # a named peer's IKE_AUTH lost on UDP 4500 (IKEV2_NAT_T_BLOCKED) explains them too
    named = any(f.peer is not None for f in found) or any(
        c.peer is not None and auth_to_nat_t(c) for c in convs
    )
    state = {v.reporter.peer: _from_counters(v, host) for v in counters.of_host(host, fleet, CODE)}
    for f in found:
        if f.peer is None and named:
            continue
        counted = state.get(f.peer) if f.peer else None
        if counted is not None and _return_path(counted) and not _return_path(f):
            continue  # the counters saw more than the debug window did: they speak instead
        state.pop(f.peer or "", None)
        yield f
    yield from state.values()


def _return_path(f: Finding) -> bool:
    return "(return path)" in f.summary


def _from_counters(v: counters.Verdict, host: HostEvidence) -> Finding:
    back = "return path" in v.why
    return counters.state_finding(
        v,
        f"IKEv2 IKE_SA_INIT to {v.reporter.peer} gets no answer"
        + (" (return path)" if back else ""),
        (
            f"The answers are lost on the return path {v.reporter.peer} -> {host.host}"
            if back
            else "UDP 500 is filtered or misrouted on the way, or the peer does not answer"
        )
        + ": check routing, ACLs and firewalls for UDP 500/4500 both ways.",
        (
            f"ping {v.reporter.peer} source <WAN interface> ; traceroute the same way",
            "ACLs / firewalls on the path: UDP 500 and UDP 4500 both ways (and ESP)",
        ),
    )
