"""IKEv2 negotiation failures, from IOS-XE ``debug crypto ikev2``, ASA ``debug crypto ikev2
protocol`` and ASA 750xxx syslog (field guide part 2, §1).

IKE_SA_INIT agrees the IKE SA's algorithms; IKE_AUTH authenticates both ends and brings up the
first child SA with its traffic selectors. Where it stops names the cause:

* IKE_SA_INIT refused (``Failed to find a matching policy``, NO_PROPOSAL_CHOSEN in the
  IKE_SA_INIT response): IKEV2_PROPOSAL_MISMATCH
* NO_PROPOSAL_CHOSEN in the IKE_AUTH / CREATE_CHILD_SA response: IKEV2_CHILD_PROPOSAL_MISMATCH
* AUTHENTICATION_FAILED, ``Auth exchange failed``, ``Peer ID check failed``: IKEV2_AUTH_FAILED
* ``IKEv2 profile not found``: IKEV2_NO_PROFILE
* TS_UNACCEPTABLE, ``no IPSEC policy found for received TS``: IKEV2_TS_UNACCEPTABLE
* IKE_SA_INIT (or IKE_AUTH) sent again and again, nothing back: IKEV2_NO_RESPONSE

Without debug (``vpndiag health``), the same codes come from both ends' exchange counters and
configurations (``ikev2_counters``, ``source=state``).

Lines are grouped by the peer they name (the first address of an IKEv2 packet line, the ASA's
``Remote:``); an ASA debug that names no address is one group with no peer. When the peer is in
the fleet, its own lines about this host are quoted too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from nornir_tasks.checks import ikev2_counters as counters
from nornir_tasks.checks.evidence import CONFIG, LOGS, FleetEvidence, HostEvidence
from nornir_tasks.checks.ikev2_findings import counter_findings
from nornir_tasks.checks.logview import PeerEvent, source_of
from nornir_tasks.checks.peers import events_toward, of_kind, other_end
from nornir_tasks.checks.quote import tag, unique
from nornir_tasks.checks.registry import check
from nornir_tasks.models.findings import Finding, Severity, Step
from nornir_tasks.models.logs import EventKind

K = EventKind
_CHILD_EXCHANGES = ("IKE_AUTH", "CREATE_CHILD_SA")
# Searching policy based on peer's identity 'hostname=asa.cisco.com' of type 'DER ASN1 DN'
_IDENTITY = re.compile(r"peer's identity '([^']*)' of type '([^']*)'")


@dataclass(frozen=True)
class Conversation:
    """One host's IKEv2 lines about one peer (None: lines that name no peer)."""

    host: HostEvidence
    peer: str | None
    events: tuple[PeerEvent, ...]

    def of(self, *kinds: EventKind) -> list[PeerEvent]:
        return of_kind(list(self.events), *kinds)

    @property
    def name(self) -> str:
        return self.peer or "the peer"


def conversations(host: HostEvidence) -> list[Conversation]:
    """The host's log events grouped by peer, in order of first appearance."""
    grouped: dict[str | None, list[PeerEvent]] = {}
    for e in host.events:
        grouped.setdefault(e.peer, []).append(e)
    return [Conversation(host, peer, tuple(events)) for peer, events in grouped.items()]


def lines_of(events: list[PeerEvent], limit: int = 8) -> list[str]:
    """Each event's line and, for IKEv2 packets and policy dumps, the lines printed under it
    that say what it carried (exchange, notify, proposals)."""
    out: list[str] = []
    seen: set[str] = set()
    for e in events:
        key = " ".join([e.event.message or e.event.line, *e.event.detail])
        if key in seen or len(seen) >= limit:
            continue  # a retransmitted or retried message adds nothing
        seen.add(key)
        out.append(e.event.line.strip())
        if "packet" in dict(e.event.fields):  # only what the packet carried, not its SPIs
            out += [d for d in e.event.detail if "Exchange" in d or "NOTIFY(" in d]
        else:  # a wrapped line, a proposal or policy dump, an SM trace
            out += list(e.event.detail[:8])
    return list(unique(out, 100))


def _field(e: PeerEvent, name: str) -> str | None:
    return e.event.field(name)


def theirs(conv: Conversation, fleet: FleetEvidence, *kinds: EventKind) -> list[str]:
    """The other end's lines of ``kinds`` about this host, tagged with its name."""
    other = other_end(fleet, conv.host, conv.peer)
    if other is None:
        return []
    found = of_kind(events_toward(other, conv.host.addresses), *kinds)
    return list(tag(lines_of(found, 4), other, conv.host.host))


def _finding(
    code: str,
    conv: Conversation,
    summary: str,
    cause: str,
    lines: list[str],
    steps: tuple[str, ...],
) -> Finding:
    events = [e for e in conv.events if e.event.line.strip() in lines]
    return Finding(
        code=code,
        severity=Severity.CRITICAL,
        host=conv.host.host,
        peer=conv.peer,
        summary=summary,
        cause=cause,
        evidence=unique(lines, 14),
        next_steps=steps,
        step=Step.IKE_PHASE1 if code != "IKEV2_CHILD_PROPOSAL_MISMATCH" else Step.IKE_PHASE2,
        source=source_of(events),
    )


def _debug_steps(peer: str | None) -> tuple[str, ...]:
    family = "ipv6" if peer and ":" in peer else "ipv4"
    return (
        f"debug crypto condition peer {family} {peer or '<peer>'} ; debug crypto ikev2  (ASA: "
        "debug crypto ikev2 protocol 127)",
        "undebug all ; no debug crypto condition all  (always stop it)",
    )


# -- IKEV2_PROPOSAL_MISMATCH -----------------------------------------------------------------


def _auth_sent(conv: Conversation) -> bool:
    return any(_field(e, "exchange") in _CHILD_EXCHANGES for e in conv.events)


def _init_refusals(conv: Conversation) -> list[PeerEvent]:
    """NO_PROPOSAL_CHOSEN in an IKE_SA_INIT packet (either way), or a notify whose exchange the
    line does not name (ASA 'Received no proposal chosen notify') before any IKE_AUTH."""
    return [
        e
        for e in conv.of(K.IKEV2_NO_PROPOSAL)
        if _field(e, "exchange") == "IKE_SA_INIT"
        or (_field(e, "exchange") is None and not _auth_sent(conv))
    ]


def _policy_dumps(conv: Conversation) -> list[PeerEvent]:
    """ASA ``Received Policies:`` / ``Expected Policies:`` with their proposals."""
    return [e for e in conv.events if "policies:" in e.text and e.event.detail]


NEEDS = LOGS + counters.STATS + CONFIG


@check("IKEV2_PROPOSAL_MISMATCH", needs=NEEDS)
def proposal_mismatch(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """IKE_SA_INIT refused: no common encryption / integrity / PRF / DH group."""
    for conv in conversations(host):
        refused, notified = conv.of(K.IKEV2_NO_POLICY), _init_refusals(conv)
        if not refused and not notified:
            continue
        here = "refuses" if refused else "is refused by"
        yield _finding(
            "IKEV2_PROPOSAL_MISMATCH",
            conv,
            f"IKEv2 IKE_SA_INIT with {conv.name}: no common proposal",
            f"{host.host} {here} {conv.name} in IKE_SA_INIT: none of the initiator's IKEv2 "
            "proposals (encryption, integrity, PRF, DH group) matches one of the responder's "
            "('Failed to find a matching policy' / NO_PROPOSAL_CHOSEN). The IKE SA never forms. "
            "The received and expected policies, when printed, show the difference.",
            lines_of(refused, 2)
            + lines_of(notified, 1)
            + lines_of(_policy_dumps(conv), 2)
            + theirs(conv, fleet, K.IKEV2_NO_POLICY),
            (
                "show crypto ikev2 proposal ; show crypto ikev2 policy  (IOS, both ends)",
                "show running-config crypto ikev2  (ASA: the ikev2 policies)",
                *_debug_steps(conv.peer),
            ),
        )
    yield from counter_findings(host, fleet, "IKEV2_PROPOSAL_MISMATCH")


# -- IKEV2_CHILD_PROPOSAL_MISMATCH -----------------------------------------------------------


def _child_refusals(conv: Conversation) -> list[PeerEvent]:
    return [
        e
        for e in conv.of(K.IKEV2_NO_PROPOSAL)
        if _field(e, "exchange") in _CHILD_EXCHANGES
        or (_field(e, "exchange") is None and _auth_sent(conv))
    ]


@check("IKEV2_CHILD_PROPOSAL_MISMATCH", needs=NEEDS)
def child_proposal_mismatch(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """The IKE SA forms, the child SA is refused: transform set / ESP proposal / PFS."""
    for conv in conversations(host):
        refused = _child_refusals(conv)
        if not refused:
            continue
        exchange = _field(refused[0], "exchange") or "IKE_AUTH"
        way = "receives" if _field(refused[0], "packet") == "received" else "sends"
        offered = [e for e in conv.events if "esp proposal" in e.text]
        yield _finding(
            "IKEV2_CHILD_PROPOSAL_MISMATCH",
            conv,
            f"IKEv2 child SA with {conv.name} refused: no common ESP proposal",
            f"{host.host} {way} NO_PROPOSAL_CHOSEN in the {exchange} exchange with {conv.name}: "
            "the IKE SA itself is agreed, but the child (IPsec) SA is not: the transform set / "
            "IPsec proposal (ESP cipher, integrity, mode) or the PFS group differ. IOS-XE still "
            "reports the IKE session UP, then deletes it: no IPsec SA is ever installed.",
            lines_of(refused + offered) + theirs(conv, fleet, K.IKEV2_NO_PROPOSAL),
            (
                "show crypto ipsec transform-set ; show crypto ipsec profile  (PFS; both ends)",
                "ASA: show running-config crypto ipsec ; crypto map ... set pfs / ikev2 "
                "ipsec-proposal",
                *_debug_steps(conv.peer),
            ),
        )
    yield from counter_findings(host, fleet, "IKEV2_CHILD_PROPOSAL_MISMATCH")


# -- IKEV2_AUTH_FAILED -----------------------------------------------------------------------


def _auth_cause(conv: Conversation, identity: bool) -> str:
    if identity:
        return (
            f"IKE_AUTH with {conv.name} fails on the peer's identity: it is not the one its "
            "certificate carries (ASA peer-id-validate looks for it in the certificate's subject "
            "alternative names) or not the type this end expects (address vs. DN/FQDN)."
        )
    if any("computed authentication value" in e.text for e in conv.events):
        return (
            f"IKE_AUTH with {conv.name} fails: the AUTH value {conv.name} sent differs from the "
            "one computed with the local pre-shared key - the keys differ (re-enter them on "
            "both ends; a trailing space or a type-7 copy is a classic)."
        )
    return (
        f"IKE_AUTH with {conv.name} fails: the AUTH payload does not verify. With pre-shared "
        "keys the keys differ or one end has none for this peer's identity; with certificates "
        "the certificate, its chain or its dates (check the clock) are refused."
    )


@check("IKEV2_AUTH_FAILED", needs=NEEDS)
def auth_failed(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """IKE_AUTH failed: pre-shared key, certificate or identity."""
    for conv in conversations(host):
        failed = conv.of(K.IKEV2_AUTH_FAILED, K.IKEV2_PEER_ID_FAILED)
        if not failed:
            continue
        identity = bool(conv.of(K.IKEV2_PEER_ID_FAILED))
        found = conv.of(K.IKEV2_NOT_FOUND) if identity else []
        yield _finding(
            "IKEV2_AUTH_FAILED",
            conv,
            f"IKEv2 authentication with {conv.name} failed"
            + (" (peer identity)" if identity else ""),
            _auth_cause(conv, identity),
            lines_of(conv.of(K.IKEV2_PEER_ID_FAILED) + found + failed, 4)
            + theirs(conv, fleet, K.IKEV2_AUTH_FAILED),
            (
                "show crypto ikev2 profile ; show run | section crypto ikev2 keyring  (IOS)",
                "ASA: show run tunnel-group <peer> ; ikev2 local/remote-authentication ; "
                "peer-id-validate",
                "show crypto pki certificates  (validity dates against show clock)",
                *_debug_steps(conv.peer),
            ),
        )
    yield from counter_findings(host, fleet, "IKEV2_AUTH_FAILED")


# -- IKEV2_NO_PROFILE ------------------------------------------------------------------------


def _identity(conv: Conversation) -> tuple[str, str] | None:
    for e in conv.events:
        text = " ".join([e.event.line, *e.event.detail])
        if m := _IDENTITY.search(text):
            return m[1], m[2]
    return None


@check("IKEV2_NO_PROFILE", needs=NEEDS)
def no_profile(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """The peer's identity matches no IKEv2 profile (``match identity remote``)."""
    for conv in conversations(host):
        missing = conv.of(K.IKEV2_NO_PROFILE)
        if not missing:
            continue
        identity = _identity(conv)
        named = f"'{identity[0]}' ({identity[1]})" if identity else "its identity"
        searched = [
            e for e in conv.events if "peer's identity" in " ".join([e.text, *e.event.detail])
        ]
        lines = [s for e in searched for s in (e.event.line.strip(), *e.event.detail[:1])]
        yield _finding(
            "IKEV2_NO_PROFILE",
            conv,
            f"no IKEv2 profile matches the identity {conv.name} sends",
            f"{conv.name} identifies itself as {named} in IKE_AUTH, and no 'match identity "
            f"remote' of any IKEv2 profile on {host.host} matches it, so no keyring or "
            "authentication method applies and the negotiation stops. Either the profile "
            "expects another identity type (address vs. FQDN/DN), or the peer sends a "
            "different identity than configured ('identity local' on a router; 'crypto isakmp "
            "identity' on an ASA, which sends its certificate DN by default).",
            lines + lines_of(missing + conv.of(K.IKEV2_NOT_FOUND)),
            (
                "show crypto ikev2 profile  (match identity remote of each profile)",
                "on the peer: identity local (router) / crypto isakmp identity (ASA)",
                *_debug_steps(conv.peer),
            ),
        )
    yield from counter_findings(host, fleet, "IKEV2_NO_PROFILE")


# -- IKEV2_TS_UNACCEPTABLE -------------------------------------------------------------------


@check("IKEV2_TS_UNACCEPTABLE", needs=NEEDS)
def ts_unacceptable(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """The child SA's traffic selectors are refused: the protected networks differ."""
    for conv in conversations(host):
        refused = conv.of(K.TS_UNACCEPTABLE)
        if not refused:
            continue
        yield _finding(
            "IKEV2_TS_UNACCEPTABLE",
            conv,
            f"traffic selectors refused between {host.host} and {conv.name}",
            f"The child SA with {conv.name} is refused on its traffic selectors: the networks "
            "one end proposes are not what the other end's crypto map ACL (or tunnel "
            "interface) protects. Typical causes: ACLs that are not mirror images, a VTI "
            "(any/any) on one end against a crypto map (specific subnets) on the other, or NAT "
            "changing the protected addresses.",
            lines_of(refused) + theirs(conv, fleet, K.TS_UNACCEPTABLE),
            (
                "show crypto map ; show access-lists <crypto ACL>  (both ends: mirror images?)",
                "show crypto ipsec sa  (local ident / remote ident)",
                *_debug_steps(conv.peer),
            ),
        )
    yield from counter_findings(host, fleet, "IKEV2_TS_UNACCEPTABLE")
