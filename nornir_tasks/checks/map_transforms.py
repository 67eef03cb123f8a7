"""Transform sets of both ends read off their ``show crypto map``, when no configuration pairs
them: a paste of the two routers' maps is enough to see that quick mode cannot agree::

    R1# show crypto map              R2# show crypto map
      Peer = 25.2.2.2                  Peer = 15.1.1.1
      Transform sets={                 Transform sets={
        B-SET:  { esp-aes  },            Demo-SET:  { esp-aes esp-sha384-hmac  },

The entries pair up when each names the other end's address as its peer. The mode (tunnel or
transport) is not printed there, so only the ESP transforms are compared.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from nornir_tasks.checks.evidence import FleetEvidence, HostEvidence
from nornir_tasks.checks.model_names import CRYPTO_MAP_TABLE
from nornir_tasks.checks.peers import known_peers, other_end
from nornir_tasks.checks.quote import map_lines, tag, unique
from nornir_tasks.models.findings import Finding, Severity, Source, Step

if TYPE_CHECKING:  # annotations only (looked up by name: ``model_names``)
    from nornir_tasks.models.crypto_map import CryptoMapEntry, TransformSetRef


def _proposal(ts: TransformSetRef) -> frozenset[str]:
    """``esp-aes`` is AES-128 (IOS's default key length), ``esp-aes 256`` stays as printed."""
    parts: list[str] = []
    for token in ts.transforms:
        if token.isdigit() and parts:
            parts[-1] = f"{parts[-1]} {token}"
        else:
            parts.append(token.lower())
    return frozenset("esp-aes 128" if p == "esp-aes" else p for p in parts)


def _entries(host: HostEvidence, peer: str) -> list[CryptoMapEntry]:
    tables = host.models(CRYPTO_MAP_TABLE)
    latest = tables[-1:] if tables else []  # a map pasted twice: the later one is current
    return [e for t in latest for e in t.entries if peer in e.peers and e.transform_sets]


def map_transform_findings(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """Both ends' maps are in the evidence, without both configurations: no common set."""
    for peer in known_peers(host):
        other = other_end(fleet, host, peer)
        if other is None or not _reports(host, other):
            continue
        if host.config is not None and other.config is not None:
            continue  # both configurations: compat_phase2 compares them
        mine = _entries(host, peer)
        theirs = [e for a in host.addresses for e in _entries(other, a)]
        if not mine or not theirs:
            continue
        ours = {_proposal(ts) for e in mine for ts in e.transform_sets}
        if ours & {_proposal(ts) for e in theirs for ts in e.transform_sets}:
            continue
        yield _finding(host, other, peer, mine, theirs)


def _reports(host: HostEvidence, other: HostEvidence) -> bool:
    """One end reports a symmetric finding: the one with fewer peers, then by name."""
    return (len(known_peers(host)), host.host) <= (len(known_peers(other)), other.host)


def _text(entries: list[CryptoMapEntry]) -> str:
    sets = [ts for e in entries for ts in e.transform_sets]
    return "; ".join(f"{ts.name} {{{' '.join(ts.transforms)}}}" for ts in sets)


def _finding(
    host: HostEvidence,
    other: HostEvidence,
    peer: str,
    mine: list[CryptoMapEntry],
    theirs: list[CryptoMapEntry],
) -> Finding:
    lines = [s for e in mine for s in map_lines(host, e, "Peer =", "{")]
    lines += tag([s for e in theirs for s in map_lines(other, e, "Peer =", "{")], other, host.host)
    return Finding(
        code="IKE_P2_PROPOSAL_MISMATCH",
        severity=Severity.CRITICAL,
        host=host.host,
        peer=peer,
        summary=f"no transform set of {host.host} matches {other.host}'s",
        cause=(
            f"{host.host}'s crypto map entry for {peer} offers {_text(mine)}; {other.host}'s "
            f"entry for it accepts {_text(theirs)}. Quick mode needs one transform set equal on "
            "ESP cipher and integrity; the responder answers 'transform proposal not supported' "
            "and the initiator's request times out ('request timer fired')."
        ),
        evidence=unique(lines),
        next_steps=(
            "show crypto ipsec transform-set  (on both ends)",
            "show crypto map  (the transform sets each entry uses)",
            "set transform-set <a set both ends define identically>",
        ),
        step=Step.IKE_PHASE2,
        source=Source.STATE,
    )
