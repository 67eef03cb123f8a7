"""Phase-1 (IKEv1) proposals and modes: no common ISAKMP policy, aggressive mode refused.

Field guide §4.1 rows 3 and 6; the phase-1 states and the other end's view are read as in
``phase1`` (shared helpers there)."""

from __future__ import annotations

from collections.abc import Iterator

from nornir_tasks.checks import aggressive, compat
from nornir_tasks.checks.evidence import CONFIG, LOGS, FleetEvidence, HostEvidence
from nornir_tasks.checks.ike import (
    IkeRow,
)
from nornir_tasks.checks.logview import PeerEvent, source_of
from nornir_tasks.checks.peers import (
    debug_steps,
    of_kind,
)
from nornir_tasks.checks.phase1 import (
    K,
    aggressive_mode,
    initiator_view,
    policy_refusals,
)
from nornir_tasks.checks.quote import config_lines, event_lines, ike_lines, tag, unique
from nornir_tasks.checks.registry import check
from nornir_tasks.models.findings import Finding, Severity, Source, Step

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
        which = _refused_on(pending)
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
            next_steps=_policy_steps(peer),
            step=Step.IKE_PHASE1,
            source=source_of(refused or pending),
        )
    yield from compat.policy_findings(host, fleet)


def _refused_on(pending: list[PeerEvent]) -> str:
    """`` (refused on: encryption, hash)``: the attributes the debug named, if any."""
    attrs = sorted(
        {e.kind.value.replace("_mismatch", "") for e in pending if e.kind in _P1_MISMATCH}
    )
    return f" (refused on: {', '.join(attrs)})" if attrs else ""


def _policy_steps(peer: str) -> tuple[str, ...]:
    return (
        "show crypto isakmp policy  (on both ends)",
        "show crypto isakmp default policy",
        "align encryption / hash / group / authentication of one policy on both ends",
        *debug_steps(peer),
    )


# -- IKE_P1_AGGRESSIVE_REFUSED -------------------------------------------------------------------


def _am_initiator(
    host: HostEvidence, other: HostEvidence
) -> tuple[str | None, list[IkeRow], list[PeerEvent]]:
    """The address ``other`` starts aggressive mode from toward ``host``, and what it shows."""
    their_rows, their_events = initiator_view(other, host.addresses)
    their_rows = [r for r in their_rows if r.state.startswith("AG_")]
    their_events = [e for e in their_events if aggressive_mode([], [e])]
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
        evidence = mine + _initiator_lines(host, other, their_rows, their_events)
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


def _initiator_lines(
    host: HostEvidence, other: HostEvidence, their_rows: list[IkeRow], their_events: list[PeerEvent]
) -> list[str]:
    """The initiator's side, quoted: its AG_* rows and events, else its aggressive config."""
    lines = list(tag(ike_lines(other, their_rows) + event_lines(their_events, 2), other, host.host))
    if not their_rows and not their_events and other.config:
        pattern = r"^ *initiate mode aggressive|^ *set aggressive-mode client"
        lines += tag(config_lines(other, pattern), other, host.host)
    return lines
