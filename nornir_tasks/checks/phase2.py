"""Phase-2 (quick mode) failures: transform/PFS proposal, proxy identities, no IPsec SA.

Field guide §4.2 rows 8-10 and 24. The responder's debug says why it refused (``error 256``
/ ``transform proposal not supported``: the proposal; ``error 32`` / ``proxy identities not
supported``: the crypto ACLs); the initiator only sees ``PROPOSAL_NOT_CHOSEN`` (and the
misleading ``peer does not do paranoid keepalives``), so its finding borrows the responder's
reason when the responder is in the fleet.
"""

from __future__ import annotations

from collections.abc import Iterator

from nornir_tasks.checks import compat, compat_phase2
from nornir_tasks.checks.evidence import (
    CONFIG,
    CRYPTO_MAP,
    IPSEC,
    LOGS,
    SESSION,
    FleetEvidence,
    HostEvidence,
)
from nornir_tasks.checks.flows import Traffic, has_sa, hit_without_sa, lacks_sa, mirrors
from nornir_tasks.checks.logview import PeerEvent, source_of
from nornir_tasks.checks.map_transforms import map_transform_findings
from nornir_tasks.checks.peers import (
    debug_steps,
    events_toward,
    ike_state_read,
    known_peers,
    label,
    mentioning,
    of_kind,
    other_end,
    phase1_up,
    rows,
    sessions_in,
    traffic_to,
)
from nornir_tasks.checks.proxy_wording import no_map_entry, policy_not_found, proxy_finding
from nornir_tasks.checks.quote import event_lines, flow_lines, ike_lines, tag, unique
from nornir_tasks.checks.registry import check
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.models.logs import EventKind

K = EventKind


def phase2_notifies(events: list[PeerEvent]) -> list[PeerEvent]:
    """PROPOSAL_NOT_CHOSEN about IPsec (``protocol 3``), not about ISAKMP (``protocol 1``)."""
    return [e for e in of_kind(events, K.PROPOSAL_NOT_CHOSEN) if "protocol 1" not in e.text]


def proxy_refusals(events: list[PeerEvent]) -> list[PeerEvent]:
    """This end refused the peer's proxy identities (its crypto ACL has no mirror entry).

    The ASA tears such a session down with "Reason: crypto map policy not found" (713259, or
    the same text after ``[IKEv1]`` when logged to the console), with or without 713061."""
    return (
        of_kind(events, K.PROXY_ID_MISMATCH)
        + [e for e in of_kind(events, K.P2_POLICY_REJECTED) if "error 32" in e.text]
        + mentioning(events, "no matching crypto map entry", "crypto map policy not found")
    )


def proposal_refusals(events: list[PeerEvent]) -> list[PeerEvent]:
    """This end refused the peer's transform set / PFS."""
    return [
        e
        for e in of_kind(events, K.P2_POLICY_REJECTED)
        if "error 256" in e.text
        or "transform proposal not supported" in e.text
        or "all ipsec sa proposals found unacceptable" in e.text
    ]


def refusals(events: list[PeerEvent]) -> tuple[list[PeerEvent], list[PeerEvent]]:
    """(proxy, proposal) refusals, each with the generic 'phase 2 SA policy not acceptable'."""
    proxy, proposal = proxy_refusals(events), proposal_refusals(events)
    known = {id(e) for e in proxy + proposal}
    generic = [e for e in of_kind(events, K.P2_POLICY_REJECTED) if id(e) not in known]
    generic += [e for e in phase2_notifies(events) if e.event.reason == "sent"]
    if proxy:
        return proxy + generic, proposal
    return proxy, proposal + generic


def rejected_by_peer(events: list[PeerEvent]) -> list[PeerEvent]:
    """The peer refused our quick mode (NOTIFY PROPOSAL_NOT_CHOSEN received), or QM failed."""
    received = [e for e in phase2_notifies(events) if e.event.reason == "received"]
    qm = [
        e for e in of_kind(events, K.MODE_FAILURE) if "quick mode" in e.text or "qm fsm" in e.text
    ]
    return received + qm


def _misleading(events: list[PeerEvent]) -> list[PeerEvent]:
    return of_kind(events, K.NO_PARANOID_KEEPALIVES)


def _theirs(
    other: HostEvidence | None, host: HostEvidence
) -> tuple[list[PeerEvent], list[PeerEvent]]:
    if other is None:
        return [], []
    return refusals(events_toward(other, host.addresses))


# -- IKE_P2_PROXY_MISMATCH -----------------------------------------------------------------------


def state_proxy_mismatch(host: HostEvidence, other: HostEvidence, peer: str) -> list[str] | None:
    """Both ends have phase 1 up and SA-less flows to each other, none of them mirrored."""
    mine = [t.flow for t in traffic_to(host, peer)]
    theirs = [t.flow for t in other.traffic if t.flow.current_peer in host.addresses]
    if not mine or not theirs or any(has_sa(f) for f in mine + theirs):
        return None
    if not phase1_up(host, peer) or any(mirrors(a, b) for a in mine for b in theirs):
        return None
    lines = [line for f in mine for line in flow_lines(host, f, ("ident", "spi"))]
    lines += tag(
        [line for f in theirs for line in flow_lines(other, f, ("ident",))], other, host.host
    )
    return lines


@check("IKE_P2_PROXY_MISMATCH", needs=LOGS + IPSEC + CONFIG)
def proxy_mismatch(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """Quick mode refused on proxy identities (debug), or flows not mirrored (both ends' state)."""
    unapplied = _unapplied_peers(host)
    for finding in (*_proxy_from_logs(host, fleet), *_proxy_from_state(host, fleet)):
        if finding.peer not in unapplied:  # CRYPTO_MAP_NOT_APPLIED names that cause
            yield finding
    yield from compat_phase2.proxy_findings(host, fleet)


def _unapplied_peers(host: HostEvidence) -> frozenset[str | None]:
    """Peers of crypto-map entries on no interface: such a host refuses every quick mode for
    them ("no matching crypto map entry"), whatever the proxies."""
    config = host.config
    if config is None:
        return frozenset()
    return frozenset(t.peer for t in compat.map_peers(config) if not t.cmap.interfaces)


def _proxy_from_logs(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """Refused on proxy identities, by this end (its debug) or by the other (both debugs)."""
    for peer in dict.fromkeys(e.peer for e in host.events if e.peer):
        if peer is None:
            continue
        events = list(host.events_for(peer))
        proxy, _ = refusals(events)
        other = other_end(fleet, host, peer)
        their_proxy, _ = _theirs(other, host)
        rejected = rejected_by_peer(events)
        if proxy and all(policy_not_found(e) for e in proxy):
            yield no_map_entry(host, peer, label(fleet, host, peer), proxy)
        elif proxy:
            yield proxy_finding(
                host,
                peer,
                label(fleet, host, peer),
                f"{host.host} refuses {peer}'s quick mode: the proxy identities {peer} proposes "
                f"match no crypto ACL entry of {host.host} for this peer ('proxy identities not "
                "supported', error 32). The crypto ACLs are not mirror images, or the map has no "
                "entry (ACL) for this peer's subnets.",
                event_lines(proxy, 6),
                source_of(proxy),
            )
        elif rejected and their_proxy and other is not None:
            yield proxy_finding(
                host,
                peer,
                label(fleet, host, peer),
                f"{other.host} refuses {host.host}'s quick mode (PROPOSAL_NOT_CHOSEN) because "
                f"{host.host}'s proxy identities match none of its crypto ACL entries: the ACLs "
                "are not mirror images.",
                event_lines(rejected, 3) + list(tag(event_lines(their_proxy, 4), other, host.host)),
                source_of(rejected),
            )


def _proxy_from_state(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """No debug needed: phase 1 up, no SA on either end, no flow mirrored (one end reports)."""
    for peer in known_peers(host):
        other = other_end(fleet, host, peer)
        if other is None or _reporter(host, other) is not host:
            continue
        lines = state_proxy_mismatch(host, other, peer)
        if lines and not rejected_by_peer(list(host.events_for(peer))):
            yield proxy_finding(
                host,
                peer,
                label(fleet, host, peer),
                f"Phase 1 with {peer} is up but neither end has an IPsec SA, and no flow of "
                f"{host.host} is the mirror of one of {other.host}'s: the crypto ACLs differ.",
                lines,
                Source.STATE,
            )


def _reporter(host: HostEvidence, other: HostEvidence) -> HostEvidence:
    """A symmetric finding is reported by the end with fewer peers (then by name)."""
    return min((host, other), key=lambda h: (len(known_peers(h)), h.host))


# -- IKE_P2_PROPOSAL_MISMATCH --------------------------------------------------------------------


@check("IKE_P2_PROPOSAL_MISMATCH", needs=LOGS + CONFIG + CRYPTO_MAP)
def proposal_mismatch(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """Quick mode refused on the transform set or PFS, or refused by a peer for no known reason."""
    for peer in dict.fromkeys(e.peer for e in host.events if e.peer):
        if peer is None:
            continue
        refused = _proposal_refused(host, fleet, peer)
        if refused is not None:
            yield _proposal_finding(host, fleet, peer, *refused)
    yield from compat_phase2.proposal_findings(host, fleet)
    yield from map_transform_findings(host, fleet)


def _proposal_refused(
    host: HostEvidence, fleet: FleetEvidence, peer: str
) -> tuple[str, list[str], list[PeerEvent]] | None:
    """Cause, evidence and the events it rests on, or None if quick mode was not refused so."""
    events = list(host.events_for(peer))
    proxy, proposal = refusals(events)
    other = other_end(fleet, host, peer)
    their_proxy, their_proposal = _theirs(other, host)
    rejected = rejected_by_peer(events)
    if proposal and not proxy:
        cause = (
            f"{host.host} refuses {peer}'s quick-mode proposal: no transform set (ESP cipher, "
            "integrity, mode) or PFS group of its crypto map entry for this peer matches "
            "('transform proposal not supported', error 256)."
        )
        return cause, event_lines(proposal, 6), proposal
    if not (rejected and not proxy and not their_proxy):
        return None
    name = other.host if other else peer
    why = (
        " " + name + " says it does not support the transform set / PFS."
        if their_proposal
        else " The peer's debug says which: transform set, PFS group or proxy identities."
    )
    cause = (
        f"Phase 1 with {peer} completes, then {name} refuses {host.host}'s quick mode "
        f"(PROPOSAL_NOT_CHOSEN).{why} 'peer does not do paranoid keepalives' that follows "
        "is misleading: the usual cause is a transform-set or PFS mismatch."
    )
    lines = event_lines(rejected, 3) + event_lines(_misleading(events), 1)
    if other is not None:
        lines += tag(event_lines(their_proposal, 4), other, host.host)
    return cause, lines, proposal or rejected


def _proposal_finding(
    host: HostEvidence,
    fleet: FleetEvidence,
    peer: str,
    cause: str,
    lines: list[str],
    source_events: list[PeerEvent],
) -> Finding:
    return Finding(
        code="IKE_P2_PROPOSAL_MISMATCH",
        severity=Severity.CRITICAL,
        host=host.host,
        peer=peer,
        summary=f"quick mode with {label(fleet, host, peer)} refused: transform set / PFS do not match",
        cause=cause,
        evidence=unique(lines),
        next_steps=(
            "show crypto ipsec transform-set  (on both ends)",
            "show crypto map  (PFS (Y/N), DH group, transform sets of the entry)",
            *debug_steps(peer),
        ),
        step=Step.IKE_PHASE2,
        source=source_of(source_events),
    )


# -- IPSEC_P2_NOT_ESTABLISHED --------------------------------------------------------------------


def _explained(host: HostEvidence, other: HostEvidence | None, peer: str) -> bool:
    events = list(host.events_for(peer))
    proxy, proposal = refusals(events)
    their = _theirs(other, host)
    if proxy or proposal or rejected_by_peer(events) or their[0] or their[1]:
        return True
    if of_kind(events, K.INVALID_SPI):
        return True  # the SAs are out of sync: IPSEC_INVALID_SPI
    if of_kind(events, K.IKEV2_NO_PROPOSAL, K.TS_UNACCEPTABLE, K.IKEV2_AUTH_FAILED):
        return True  # the IKEv2 rules name the cause
    if other is None:
        return False
    if any(t.flow.current_peer in host.addresses and has_sa(t.flow) for t in other.traffic):
        return True  # the other end still has SAs we lost: IPSEC_INVALID_SPI
    return state_proxy_mismatch(host, other, peer) is not None


def _config_explains(other: HostEvidence | None, host: HostEvidence, fleet: FleetEvidence) -> bool:
    """The other end reports, from both configurations, a transform set or PFS that does not
    match ours (IKE_P2_PROPOSAL_MISMATCH on the end with fewer peers)."""
    if other is None:
        return False
    return any(f.peer in host.addresses for f in compat_phase2.proposal_findings(other, fleet))


@check("IPSEC_P2_NOT_ESTABLISHED", needs=IPSEC + SESSION)
def p2_not_established(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """Phase 1 is up with a peer, but its flows have no IPsec SA (and nothing says why)."""
    for peer in known_peers(host):
        idle = sessions_in(host, peer, "UP_IDLE")
        missing = [t for t in traffic_to(host, peer) if lacks_sa(t.flow)]
        # Send errors on an SA-less flow are traffic dropped for want of phase 2; with no IKE
        # table to say whether phase 1 is up, that is still the verdict (IKE_NO_SA when the
        # table shows no IKE SA either).
        dropping = [t for t in missing if hit_without_sa(t)] if not ike_state_read(host) else []
        if not ((phase1_up(host, peer) and (missing or idle)) or dropping):
            continue
        if any(not lacks_sa(t.flow) for t in traffic_to(host, peer)) and not idle:
            continue  # another proxy pair of the same peer is up: not this finding
        other = other_end(fleet, host, peer)
        if _explained(host, other, peer) or _config_explains(other, host, fleet):
            continue
        yield _not_established(host, fleet, peer, missing, bool(idle), bool(dropping))


def _phase1_sentence(host: HostEvidence, peer: str) -> str:
    if phase1_up(host, peer):
        return f"IKE phase 1 with {peer} is complete (QM_IDLE / UP-IDLE) but"
    return (
        f"Traffic to {peer} matches the crypto ACL and is dropped ('#send errors' on a flow "
        "with no SA: the errors are that traffic), so"
    )


def _not_established(
    host: HostEvidence,
    fleet: FleetEvidence,
    peer: str,
    missing: list[Traffic],
    idle: bool,
    dropping: bool,
) -> Finding:
    lasting = dropping or any(t.before is not None and not has_sa(t.before) for t in missing)
    lines = ike_lines(host, [r for r in rows(host, peer) if r.up])
    lines += [s for t in missing for s in flow_lines(host, t.flow, ("ident", "spi", "errors"))]
    lines += ["Session status: UP-IDLE"] if idle else []
    return Finding(
        code="IPSEC_P2_NOT_ESTABLISHED",
        severity=Severity.CRITICAL if lasting or idle else Severity.WARNING,
        host=host.host,
        peer=peer,
        summary=f"no IPsec SA with {label(fleet, host, peer)}: phase 2 never came up",
        cause=(
            f"{_phase1_sentence(host, peer)} quick mode never produced IPsec SAs: the transform set, PFS group or "
            "crypto ACL (proxy identities) differ between the ends, or the peer's crypto map "
            "has no entry for this pair. Its debug says which."
            + ("" if phase1_up(host, peer) else " Phase 1's state is not in the evidence.")
            + ("" if lasting or idle else " Seen in one snapshot: poll again to confirm.")
        ),
        evidence=unique(lines),
        next_steps=(
            "show crypto isakmp sa ; show crypto ikev2 sa  (is phase 1 up?)",
            "show crypto map  (on both ends: ACL, transform sets, PFS)",
            "show crypto ipsec transform-set",
            *debug_steps(peer),
        ),
        step=Step.IKE_PHASE2,
        source=Source.STATE,
    )
