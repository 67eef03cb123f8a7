"""``debug crypto condition ...`` typed above the debug lines of a paste or a capture.

Samples (IOS / IOS-XE, ASA; with or without the prompt the engineer typed them at)::

    R1#debug crypto condition peer ipv4 198.51.100.66
    debug crypto condition peer ipv6 FC00:123:123:123::1
    ciscoasa# debug crypto condition peer 203.0.113.30
    R1#debug crypto condition unmatched ikev2
    R1#no debug crypto condition all

A peer condition limits ``debug crypto isakmp|ikev2|ipsec`` to that peer's negotiations; lines
IOS cannot tie to any peer are not printed unless ``debug crypto condition unmatched`` says
so (Cisco IOS Security Command Reference, ``debug crypto condition unmatched``). So under one
peer condition every crypto debug line is that peer's, the ones that name no address too
(``checks.logview`` attributes them). The lines become ``DEBUG_CONDITION`` events: ``peer``
is the address set; ``reason`` is ``off`` for a ``no`` form (the address it clears, or none:
all), ``unmatched`` for the unmatched switch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# R1#debug crypto condition peer ipv4 10.1.1.2 / ASA1(config)# no debug crypto condition all
_CONDITION = re.compile(
    r"^(?:[\w.\-/()]+[#>]\s*)?(no\s+)?debug\s+crypto\s+condition(?:\s+(.*?))?\s*$", re.I
)
# peer ipv4 10.1.1.2 / peer ipv6 FC00::1 / peer 10.1.1.2 (ASA)
_PEER = re.compile(r"^peer\s+(?:ipv[46]\s+)?(\S+)$", re.I)


@dataclass(frozen=True)
class Condition:
    text: str  # after "debug crypto condition": "peer ipv4 10.1.1.2", "all", "unmatched"
    peer: str | None  # the address it sets (or clears)
    reason: str | None  # "off" (a ``no`` form), "unmatched", None (sets a condition)


def condition_of(line: str) -> Condition | None:
    """The condition a ``debug crypto condition`` line sets or clears, else None."""
    m = _CONDITION.match(line.strip())
    if m is None:
        return None
    rest = (m[2] or "").strip()
    peer = _PEER.match(rest)
    if m[1]:
        reason: str | None = "off"
    elif rest.lower().startswith("unmatched"):
        reason = "unmatched"
    else:
        reason = None
    return Condition(rest, peer[1] if peer else None, reason)
