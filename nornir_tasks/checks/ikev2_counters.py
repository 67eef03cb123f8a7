"""IKEv2 failures named without debug: the exchange counters, SA states and configurations of
both ends of a tunnel read together (what ``vpndiag health`` has; no debug runs).

IOS-XE counts every IKEv2 exchange and notify it sends and receives (``show crypto ikev2 stats
exchange``: TX(REQ) TX(RES) RX(REQ) RX(RES)). The counters are the router's, over every peer,
so they speak for one tunnel only on a router whose *only* IKEv2 tunnel that is not up is that
one (a spoke; a hub's counters mix its spokes). Either end will do: a hub's tunnel to a spoke is
read through the spoke's counters. What they say:

* NO_PROPOSAL_CHOSEN answered before any IKE_AUTH: IKEV2_PROPOSAL_MISMATCH; with IKE_AUTH
  exchanged as often: the child SA's (IKEV2_CHILD_PROPOSAL_MISMATCH)
* AUTHENTICATION_FAILED: the configurations say which end and why: no profile matching the
  peer's identity there (IKEV2_NO_PROFILE), no pre-shared key for it (IKEV2_PSK_MISSING),
  else the keys differ (IKEV2_AUTH_FAILED)
* TS_UNACCEPTABLE: IKEV2_TS_UNACCEPTABLE
* IKE_SA_INIT sent, never answered: IKEV2_NO_RESPONSE (the return path when the other end shows
  a half-open SA for us, i.e. our request arrived)

The counters run since the last ``clear crypto ikev2 stats exchange``: the most frequent error
is named, and the evidence says the counters are cumulative. A tunnel whose log or debug lines
on the reporting end already explain it is left to the checks that read them (``ikev2``,
``ikev2_path``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nornir_tasks.checks.evidence import FleetEvidence, HostEvidence
from nornir_tasks.checks.ikev2_proposals import disjoint, map_peers, offered
from nornir_tasks.checks.model_names import IKEV2_STATS
from nornir_tasks.checks.peers import other_end
from nornir_tasks.checks.quote import config_lines, tag, unique
from nornir_tasks.checks.tunnels import tunnel_state, vti_peers
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.models.logs import EventKind
from nornir_tasks.models.tunnel_status import TunnelStatus

if TYPE_CHECKING:  # annotations only (the configuration models are slow to import)
    from nornir_tasks.models.config import Ikev2Profile, RunningConfig
    from nornir_tasks.models.ikev2 import Ikev2ExchangeStats

STATS = ("show crypto ikev2 stats exchange",)
HEADER = "EXCHANGE/NOTIFY TX(REQ) TX(RES) RX(REQ) RX(RES)"
_ERRORS = ("NO_PROPOSAL_CHOSEN", "AUTHENTICATION_FAILED", "TS_UNACCEPTABLE")
_UNANSWERED = 3  # IKE_SA_INIT requests without a response before "no response" is said
K = EventKind
# Log or debug lines of these kinds about a peer name a cause: the log-reading checks speak.
# Plain packet lines do not (a debug window may catch one IKE_SA_INIT and no retransmission):
# the no-response check drops its counter finding itself when its lines name the peer.
_EXPLAINING = frozenset(
    {
        K.IKEV2_NO_POLICY, K.IKEV2_NO_PROPOSAL, K.IKEV2_AUTH_FAILED, K.IKEV2_PEER_ID_FAILED,
        K.IKEV2_NO_PROFILE, K.TS_UNACCEPTABLE, K.IKEV2_INIT_FAILED, K.IKEV2_AUTH_TIMEOUT,
    }
)  # fmt: skip


@dataclass(frozen=True)
class End:
    """One end of the tunnel: the host, the peer address it sees, its counters when they can
    only be about this tunnel."""

    host: HostEvidence
    peer: str
    stats: Ikev2ExchangeStats | None


@dataclass(frozen=True)
class Verdict:
    """What the counters (and configurations) name, and on which end it is reported."""

    code: str
    reporter: End
    other: End | None
    lines: tuple[str, ...]
    why: str  # the cause in a sentence, from this evidence


def down_peers(host: HostEvidence) -> list[str]:
    """The host's protected tunnel interfaces' peers that are not up."""
    peers = dict.fromkeys(vti_peers(host))
    return [p for p in peers if tunnel_state(host, p) is not TunnelStatus.UP]


def _stats_for(host: HostEvidence, peer: str) -> Ikev2ExchangeStats | None:
    stats = host.first(IKEV2_STATS)
    return stats if stats is not None and down_peers(host) == [peer] else None


def _explained(host: HostEvidence, peer: str) -> bool:
    return any(e.kind in _EXPLAINING for e in host.events_for(peer))


def _ends(host: HostEvidence, peer: str, fleet: FleetEvidence) -> list[End]:
    """Both ends of the tunnel, the one whose counters speak for it first."""
    ends = [End(host, peer, _stats_for(host, peer))]
    other = other_end(fleet, host, peer)
    back = next((q for q in down_peers(other) if q in host.addresses), None) if other else None
    if other is not None and back is None and other.config is not None:
        back = next((p for p in _map_peers(other.config) if p in host.addresses), None)
    if other is not None and back is not None:
        ends.append(End(other, back, _stats_for(other, back)))
    return sorted(ends, key=lambda e: e.stats is None)


def _map_peers(config: RunningConfig) -> list[str]:
    return map_peers(config)


def _count(stats: Ikev2ExchangeStats, name: str) -> int:
    row = stats.row(name)
    return row.tx_req + row.tx_res + row.rx_req + row.rx_res if row else 0


def _rows(end: End, reporter: End, *names: str) -> list[str]:
    """The header and ``names``' rows of ``end``'s counters, tagged when not the reporter's."""
    if end.stats is None:
        return []
    found = [r.line for n in names if (r := end.stats.row(n)) is not None]
    return list(tag([HEADER, *found], end.host, reporter.host.host)) if found else []


def _sa_lines(end: End, reporter: End) -> list[str]:
    """``show crypto ikev2 sa`` rows with the peer, as printed."""
    rows = [
        line.strip()
        for _, text in end.host.raw_of("show crypto ikev2 sa*")
        for line in text.splitlines()
        if f" {end.peer}/" in line
    ]
    return list(tag(rows[:2], end.host, reporter.host.host))


# -- what the counters say --------------------------------------------------------------------


def _error(ends: list[End]) -> str | None:
    totals = {n: sum(_count(e.stats, n) for e in ends if e.stats) for n in _ERRORS}
    name = max(totals, key=lambda n: totals[n])
    return name if totals[name] else None


def _refused_verdict(ends: list[End], error: str) -> Verdict:
    speaking = [e for e in ends if e.stats is not None]
    reporter, other = speaking[0], next((e for e in ends if e is not speaking[0]), None)
    rows = [r for e in ends for r in _rows(e, reporter, "IKE_SA_INIT", "IKE_AUTH", error)]
    if error == "TS_UNACCEPTABLE":
        maps = [
            line
            for e in ends
            for line in tag(config_lines(e.host, r"^crypto map ", True), e.host, reporter.host.host)
        ]
        why = "the traffic selectors one end proposes are refused by the other"
        return Verdict("IKEV2_TS_UNACCEPTABLE", reporter, other, tuple(rows + maps), why)
    if error == "AUTHENTICATION_FAILED":
        return _auth_verdict(ends, reporter, other)
    stats = reporter.stats
    assert stats is not None
    if _count(stats, "IKE_AUTH") >= _count(stats, "NO_PROPOSAL_CHOSEN"):
        why = "the IKE SA forms and the child SA's ESP proposal (transform set, PFS) is refused"
        return Verdict("IKEV2_CHILD_PROPOSAL_MISMATCH", reporter, other, tuple(rows), why)
    proposals = [
        line
        for e in ends
        for line in tag(
            config_lines(e.host, r"^crypto ikev2 proposal", True), e.host, reporter.host.host
        )
    ]
    why = "IKE_SA_INIT is refused before any IKE_AUTH: no IKEv2 proposal in common"
    return Verdict("IKEV2_PROPOSAL_MISMATCH", reporter, other, tuple(rows + proposals), why)


def _no_response_verdict(ends: list[End]) -> Verdict | None:
    for end in ends:
        init = end.stats.row("IKE_SA_INIT") if end.stats else None
        if init is None or init.tx_req - init.rx_res < _UNANSWERED:
            continue
        other = next((e for e in ends if e is not end), None)
        half_open = _sa_lines(other, end) if other else []
        why = (
            f"{end.host.host}'s IKE_SA_INIT requests arrive ({other.host.host if other else ''} "
            "holds a half-open SA for them) and its answers never come back: the return path"
            if half_open
            else f"{end.host.host} sends IKE_SA_INIT and gets no answer"
        )
        lines = [*_rows(end, end, "IKE_SA_INIT"), *_sa_lines(end, end), *half_open]
        return Verdict("IKEV2_NO_RESPONSE", end, other, tuple(lines), why)
    return None


def reported_here(host: HostEvidence, peer: str, fleet: FleetEvidence) -> bool:
    return any(
        (v.reporter.host.host, v.reporter.peer) == (host.host, peer)
        for found in verdicts(fleet).values()
        for v in found
    )


def verdict(host: HostEvidence, peer: str, fleet: FleetEvidence) -> Verdict | None:
    """What the two ends' counters name for the tunnel from ``host`` to ``peer``."""
    ends = _ends(host, peer, fleet)
    if ends[0].stats is None:
        return None
    error = _error(ends)
    found = _refused_verdict(ends, error) if error else _no_response_verdict(ends)
    if found is None or _explained(found.reporter.host, found.reporter.peer):
        return None  # the reporting end's own log or debug lines speak (checks ikev2*)
    if found.code == "IKEV2_AUTH_FAILED" and any(_certificates(e) for e in ends):
        return None  # no pre-shared key to differ: certificates are the pki check's
    return found


def _certificates(end: End) -> bool:
    """The end authenticates this peer with certificates (rsa-sig)."""
    profile = profile_for(end.host.config, end.peer) if end.host.config else None
    methods = (*profile.authentication_local, *profile.authentication_remote) if profile else ()
    return "rsa-sig" in methods


def verdicts(fleet: FleetEvidence) -> dict[tuple[str, str], list[Verdict]]:
    """Every tunnel's verdict, once per tunnel, by (reporting host, code); built once a run."""

    def build() -> dict[tuple[str, str], list[Verdict]]:
        out: dict[tuple[str, str], list[Verdict]] = {}
        seen: set[frozenset[str]] = set()
        for host in fleet.hosts:
            found = [(p, verdict(host, p, fleet)) for p in down_peers(host)]
            found += [(p, proposal_verdict(host, p, fleet)) for p in _map_down(host)]
            for peer, v in found:
                ends = (
                    (v.reporter.host.host, v.other.host.host)
                    if v and v.other
                    else (host.host, peer)
                )
                pair = frozenset(ends)
                if v is None or pair in seen:
                    continue
                seen.add(pair)
                out.setdefault((v.reporter.host.host, v.code), []).append(v)
        return out

    return fleet.memo("ikev2_counters.verdicts", build)


def _map_down(host: HostEvidence) -> list[str]:
    """IKEv2 crypto-map peers whose tunnel is not up (no counters: read from the configs)."""
    peers = map_peers(host.config) if host.config else []
    return [p for p in dict.fromkeys(peers) if tunnel_state(host, p) is not TunnelStatus.UP]


def proposal_verdict(host: HostEvidence, peer: str, fleet: FleetEvidence) -> Verdict | None:
    """Both ends' configured IKEv2 proposals share no acceptable one (``ikev2_proposals``):
    reported on the end with fewer IKEv2 crypto-map peers (the site, not the hub)."""
    other = other_end(fleet, host, peer)
    if other is None or host.config is None or other.config is None:
        return None
    back = next((p for p in map_peers(other.config) if p in host.addresses), None)
    if back is None:
        return None
    reporter, far = sorted([End(host, peer, None), End(other, back, None)], key=_map_count)
    lacking = _lacking(reporter.host, far.host)
    if not lacking or _explained(reporter.host, reporter.peer):
        return None  # agreed, or its own log or debug lines speak (checks ikev2)
    pattern = r"^crypto ikev2 (?:proposal|policy) "
    lines = [
        ln
        for e in (reporter, far)
        for ln in tag(config_lines(e.host, pattern, True), e.host, reporter.host.host)
    ]
    why = (
        f"no IKEv2 proposal of {reporter.host.host} agrees with one of {far.host.host}'s "
        f"({'; '.join(lacking)}), so every IKE_SA_INIT between them is refused"
    )
    return Verdict("IKEV2_PROPOSAL_MISMATCH", reporter, far, tuple(lines), why)


def _lacking(a: HostEvidence, b: HostEvidence) -> list[str]:
    mine = offered(a.config) if a.config else None
    theirs = offered(b.config) if b.config else None
    return disjoint(mine, theirs, (a.host, b.host)) if mine and theirs else []


def _map_count(end: End) -> int:
    return len(map_peers(end.host.config)) if end.host.config else 0


def of_host(host: HostEvidence, fleet: FleetEvidence, code: str) -> Iterator[Verdict]:
    yield from verdicts(fleet).get((host.host, code), [])


# -- AUTHENTICATION_FAILED: which end, and why (the configurations) -------------------------------


def _covers(words: list[str], target: str) -> bool:
    """``ADDRESS [MASK]`` covers ``target``."""
    try:
        mask = words[1] if len(words) > 1 and words[1].count(".") == 3 else "255.255.255.255"
        net = ipaddress.ip_network(f"{words[0]}/{mask}", strict=False)
        return ipaddress.ip_address(target) in net
    except (ValueError, IndexError):
        return False


def profile_for(config: RunningConfig, peer: str) -> Ikev2Profile | None:
    """The IKEv2 profile whose ``match identity remote address`` covers ``peer``."""
    for profile in config.ikev2_profiles:
        for identity in profile.match_identities:
            words = identity.split()
            if words[:2] == ["remote", "address"] and _covers(words[2:], peer):
                return profile
    return None


def has_key(config: RunningConfig, profile: Ikev2Profile, peer: str) -> bool:
    """The profile's keyring holds a pre-shared key for ``peer`` (by address)."""
    ring = (profile.keyring or "").split()[-1:]
    for keyring in config.ikev2_keyrings:
        if [keyring.name] == ring:
            return any(
                p.key_types and p.address and _covers([p.address, p.mask or ""], peer)
                for p in keyring.peers
            )
    return False


def _auth_rows(ends: list[End], reporter: End) -> list[str]:
    names = ("IKE_SA_INIT", "IKE_AUTH", "AUTHENTICATION_FAILED")
    return [r for e in ends for r in _rows(e, reporter, *names)]


def _auth_verdict(ends: list[End], reporter: End, other: End | None) -> Verdict:
    for end in ends:
        config = end.host.config
        if config is None:
            continue
        rows = _auth_rows(ends, end)
        profile = profile_for(config, end.peer)
        if profile is None:
            lines = config_lines(end.host, r"^crypto ikev2 profile", True)
            why = f"no IKEv2 profile of {end.host.host} matches {end.peer}'s identity (its address)"
            return Verdict("IKEV2_NO_PROFILE", end, _opposite(ends, end), tuple(rows + lines), why)
        if "pre-share" in " ".join(profile.authentication_remote) and not has_key(
            config, profile, end.peer
        ):
            lines = config_lines(end.host, r"^crypto ikev2 keyring", True)
            why = f"{end.host.host}'s keyring {profile.keyring} holds no pre-shared key for {end.peer}"
            return Verdict("IKEV2_PSK_MISSING", end, _opposite(ends, end), tuple(rows + lines), why)
    why = "both ends hold a pre-shared key for each other and AUTH does not verify: the keys differ"
    return Verdict("IKEV2_AUTH_FAILED", reporter, other, tuple(_auth_rows(ends, reporter)), why)


def _opposite(ends: list[End], end: End) -> End | None:
    return next((e for e in ends if e is not end), None)


def evidence(v: Verdict) -> tuple[str, ...]:
    if v.reporter.stats is None and (v.other is None or v.other.stats is None):
        return unique(v.lines, 16)  # the configurations alone (ikev2_proposals)
    note = "(IKEv2 counters since the last clear, every peer of the router)"
    return unique([*v.lines, note], 16)


def state_finding(
    v: Verdict, summary: str, cause: str, steps: tuple[str, ...], step: Step = Step.IKE_PHASE1
) -> Finding:
    """The finding of a verdict, reported on its end, quoting both ends' counters."""
    return Finding(
        code=v.code,
        severity=Severity.CRITICAL,
        host=v.reporter.host.host,
        peer=v.reporter.peer,
        summary=summary,
        cause=f"{v.why[0].upper()}{v.why[1:]}. {cause}",
        evidence=evidence(v),
        next_steps=steps,
        step=step,
        source=Source.STATE,
    )


def explained_elsewhere(host: HostEvidence, peer: str, fleet: FleetEvidence) -> Verdict | None:
    """The verdict on this tunnel reported on the other end (``host``'s side is a symptom)."""
    for found in verdicts(fleet).values():
        for v in found:
            if v.other is not None and (v.other.host.host, v.other.peer) == (host.host, peer):
                return v
    return None
