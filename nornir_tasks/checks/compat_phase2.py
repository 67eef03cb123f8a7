"""Offline compatibility of the two ends of a crypto-map tunnel, phase 2: transform sets
and PFS that intersect, crypto ACLs that mirror each other (pairing as in ``compat``)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from nornir_tasks.checks.compat import Pair, other_lines, pair_finding, pairs, reports
from nornir_tasks.checks.evidence import FleetEvidence, HostEvidence
from nornir_tasks.checks.quote import config_lines
from nornir_tasks.models.findings import Finding, Severity, Step
from nornir_tasks.parsers.addressing import network, wildcard_network

if TYPE_CHECKING:  # annotations only (the configuration models are slow to import)
    from nornir_tasks.models.config import CryptoMapEntry, RunningConfig, TransformSet

Proposal = tuple[frozenset[str], str]


def _proposal(ts: TransformSet) -> Proposal:
    parts: list[str] = []
    for token in ts.transforms:
        if token.isdigit() and parts:
            parts[-1] = f"{parts[-1]} {token}"
        else:
            parts.append(token.lower())
    parts = ["esp-aes 128" if p == "esp-aes" else p for p in parts]
    return frozenset(parts), (ts.mode or "tunnel").lower()


def proposals(config: RunningConfig, entry: CryptoMapEntry) -> dict[str, Proposal]:
    defined = {ts.name: ts for ts in config.transform_sets}
    return {n: _proposal(defined[n]) for n in entry.transform_sets if n in defined}


def _pfs(entry: CryptoMapEntry) -> str | None:
    return entry.pfs.lower() if entry.pfs else None


def proposal_findings(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    for pair in pairs(host, fleet):
        if pair.other_config is None or pair.back is None or not reports(pair):
            continue
        other = pair.other.host if pair.other else pair.tunnel.peer
        mine = proposals(pair.config, pair.tunnel.entry)
        theirs = proposals(pair.other_config, pair.back.entry)
        if mine and theirs and not set(mine.values()) & set(theirs.values()):
            yield _no_common_transform(host, pair, other, mine, theirs)
        a, b = _pfs(pair.tunnel.entry), _pfs(pair.back.entry)
        if a != b:
            yield _pfs_differs(host, pair, other, a, b)


def _no_common_transform(
    host: HostEvidence,
    pair: Pair,
    other: str,
    mine: dict[str, Proposal],
    theirs: dict[str, Proposal],
) -> Finding:
    pattern = r"^crypto ipsec transform-set"
    return pair_finding(
        pair,
        "IKE_P2_PROPOSAL_MISMATCH",
        f"no transform set of {host.host} matches {other}'s",
        f"{host.host} proposes {_ts_text(mine)}; {other} accepts {_ts_text(theirs)}. "
        "Quick mode needs one transform set equal on ESP cipher, integrity and mode; the "
        "responder answers 'transform proposal not supported' / PROPOSAL_NOT_CHOSEN.",
        config_lines(host, pattern, True) + other_lines(pair, pattern, True),
        (
            "show crypto ipsec transform-set  (on both ends)",
            "show crypto map  (the transform sets each entry uses)",
        ),
        Step.IKE_PHASE2,
    )


def _pfs_differs(
    host: HostEvidence, pair: Pair, other: str, a: str | None, b: str | None
) -> Finding:
    one_sided = "" if a and b else " It can work when the PFS end initiates, and fails otherwise."
    return pair_finding(
        pair,
        "IKE_P2_PROPOSAL_MISMATCH",
        f"PFS differs: {host.host} {a or 'none'}, {other} {b or 'none'}",
        f"{host.host} sets PFS {a or 'off'} and {other} {b or 'off'}. An end with PFS "
        "refuses a quick mode without the same DH group (PROPOSAL_NOT_CHOSEN); the "
        "debug misleadingly adds 'peer does not do paranoid keepalives'." + one_sided,
        config_lines(host, r"^ *set pfs") + other_lines(pair, r"^ *set pfs"),
        (
            "show crypto map  (PFS (Y/N) and DH group on both ends)",
            "set pfs <group> on both ends, or on neither",
        ),
        Step.IKE_PHASE2,
        Severity.CRITICAL if a and b else Severity.WARNING,
    )


def _ts_text(found: dict[str, Proposal]) -> str:
    return "; ".join(f"{n} {{{' '.join(sorted(p))}}} {mode}" for n, (p, mode) in found.items())


@functools.lru_cache(maxsize=8192)
def _acl_net(spec: str | None) -> str:
    words = (spec or "any").split()
    if words[0] == "any":
        return "0.0.0.0/0"
    if words[0] == "host" and len(words) > 1:
        return f"{words[1]}/32"
    net = wildcard_network(words[0], words[1]) if len(words) == 2 else network(words[0])
    # Not a network (a non-contiguous wildcard, garbage): compared as printed, never parsed.
    return str(net) if net is not None else " ".join(words)


AclPair = tuple[str, str, str]


def acl_pairs(config: RunningConfig, name: str | None) -> frozenset[AclPair] | None:
    acl = config.acls.get(name or "")
    if acl is None:
        return None
    return frozenset(
        ((e.protocol or "ip").lower(), _acl_net(e.source), _acl_net(e.destination))
        for e in acl.entries
        if e.action == "permit"
    )


def proxy_findings(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    for pair in pairs(host, fleet):
        if (
            pair.other_config is None
            or pair.back is None
            or not pair.back.peer
            or not reports(pair)
        ):
            continue
        mine = acl_pairs(pair.config, pair.tunnel.entry.match_address)
        theirs = acl_pairs(pair.other_config, pair.back.entry.match_address)
        if not mine or not theirs or mine == {(p, d, s) for p, s, d in theirs}:
            continue
        other = pair.other.host if pair.other else pair.tunnel.peer
        acl, their_acl = pair.tunnel.entry.match_address, pair.back.entry.match_address
        yield pair_finding(
            pair,
            "IKE_P2_PROXY_MISMATCH",
            f"crypto ACL {acl} of {host.host} is not the mirror of {other}'s {their_acl}",
            f"{host.host} protects {_pairs_text(mine)}; {other} protects "
            f"{_pairs_text(theirs)}. Each end's crypto ACL must be the other's with source and "
            "destination swapped, or quick mode fails with 'proxy identities not supported' "
            "(IPSec policy invalidated proposal with error 32).",
            config_lines(
                host,
                rf"^ip access-list extended {re.escape(acl or '')}$|^access-list {re.escape(acl or '')} ",
                True,
            )
            + other_lines(
                pair,
                rf"^ip access-list extended {re.escape(their_acl or '')}$"
                rf"|^access-list {re.escape(their_acl or '')} ",
                True,
            ),
            (
                f"show access-lists {acl}  (and {their_acl} on {other})",
                "make each ACL the exact mirror of the other (same subnets, same masks)",
            ),
            Step.IKE_PHASE2,
        )


def _pairs_text(found: frozenset[AclPair]) -> str:
    return ", ".join(f"{p} {s} -> {d}" for p, s, d in sorted(found))
