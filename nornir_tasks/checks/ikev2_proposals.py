"""The IKEv2 proposals two ends offer, read from their configurations, and what they lack in
common: the IKE_SA_INIT of a crypto-map tunnel between an IOS-XE router and an ASA, where no
exchange counters speak (an ASA has no ``show crypto ikev2 stats exchange``) and neither end
logs a refused proposal without debug.

IOS-XE offers the proposals its ``crypto ikev2 policy`` blocks name; without a policy it uses
the smart default, whose transforms differ between releases, so no verdict is given. An ASA
offers every ``crypto ikev2 policy N`` (read as proposals in IOS-XE's names by
``parsers/asa_config``). A proposal is acceptable when one encryption, one integrity and one
DH group are common (RFC 7296 §3.3; PRF follows integrity on both platforms' defaults). Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only (the configuration models are slow to import)
    from nornir_tasks.models.config import Ikev2Proposal, RunningConfig

_KINDS = (("encryption", "encryption"), ("integrity", "integrity"), ("group", "DH group"))


def offered(config: RunningConfig) -> tuple[Ikev2Proposal, ...] | None:
    """What the configuration offers in IKE_SA_INIT; None when the smart default applies."""
    if config.platform == "asa":
        return config.ikev2_proposals or None
    names = [n for policy in config.ikev2_policies for n in policy.proposals]
    found = tuple(p for p in config.ikev2_proposals if p.name in names)
    return found or None


def _agree(a: Ikev2Proposal, b: Ikev2Proposal) -> bool:
    return all(set(getattr(a, k)) & set(getattr(b, k)) for k, _ in _KINDS)


def disjoint(
    mine: Sequence[Ikev2Proposal], theirs: Sequence[Ikev2Proposal], names: tuple[str, str]
) -> list[str]:
    """What no proposal pair has in common (``DH group ASA10 21, AHUB 14``), or [] when one
    pair agrees; ``names`` are the two ends'."""
    if any(_agree(a, b) for a in mine for b in theirs):
        return []
    out = []
    for attr, kind in _KINDS:
        left = " ".join(sorted({v for p in mine for v in getattr(p, attr)}))
        right = " ".join(sorted({v for p in theirs for v in getattr(p, attr)}))
        if not set(left.split()) & set(right.split()):
            out.append(f"{kind} {names[0]} {left}, {names[1]} {right}")
    return out or ["no single proposal agrees on all three"]


def map_peers(config: RunningConfig) -> list[str]:
    """The peers of the configuration's IKEv2 crypto map entries (IOS ``set ikev2-profile``,
    an ASA's ``set ikev2 ipsec-proposal``)."""
    return [p for m in config.crypto_maps for e in m.entries if e.ikev2_profile for p in e.peers]
