"""``show ip nhrp brief`` (IOS, IOS-XE): the NHRP cache, one or two lines per entry.

IOS 15.4 and later (and IOS-XE) print a legend and two lines per entry, the interface, next
hop and NBMA address, then the target network with its type and flags::

    ****************************************************************************
        NOTE: Link-Local, No-socket and Incomplete entries are not displayed
    ****************************************************************************
    Legend: Type --> S - Static, D - Dynamic
            Flags --> u - unique, r - registered, e - temporary, c - claimed
            a - authoritative, t - route
    ============================================================================

    Intf     NextHop Address                                    NBMA Address
             Target Network                              T/Flag
    -------- ------------------------------------------- ------ ----------------
    Tu1      192.168.100.2                                      10.0.120.2
             192.168.100.2/32                            D/r

Older releases print one line per entry (the interface name cut to 7 characters)::

       Target             Via            NBMA           Mode   Intfc   Claimed
            10.9.0.10/32 10.9.0.10       10.10.100.30    dynamic  Tu15272 <   >

Both give the ``show ip nhrp`` model (``NhrpCache``): interface as printed (``Tu1``), type
``static``/``dynamic``, the flag letters as the words ``show ip nhrp`` prints. An entry of
the two-line layout without its second line leaves the cache incomplete.
"""

from __future__ import annotations

import re
from typing import Any

from nornir_tasks.models.dmvpn import NhrpCache, NhrpCacheEntry
from nornir_tasks.parsers._feed import feed_lines
from nornir_tasks.parsers.registry import parser

COMMAND = "show ip nhrp brief"
_IP = r"\d+\.\d+\.\d+\.\d+"

# ****... / NOTE: Link-Local, No-socket and Incomplete entries are not displayed / ====...
# Legend: Type --> S - Static, D - Dynamic / Flags --> u - unique, r - registered, ... /
# a - authoritative, t - route / Intf  NextHop Address  NBMA Address / Target Network  T/Flag /
# -------- ---------- ------ ----- / Target  Via  NBMA  Mode  Intfc  Claimed
_LEGEND = re.compile(
    r"\*{10,}|={10,}|[- ]{20,}|NOTE: .*not displayed|Legend: Type --> .*|Flags --> .*"
    r"|a - authoritative.*|Intf\s+NextHop Address\s+NBMA Address|Target Network\s+T/Flag"
    r"|Target\s+Via\s+NBMA\s+Mode\s+Intfc\s+Claimed"
)
# Tu1      192.168.100.2                                      10.0.120.2
_FIRST = re.compile(rf"([A-Za-z][\w/.:-]*)\s+({_IP})\s+({_IP})")
#          192.168.100.2/32                            D/r
_SECOND = re.compile(rf"({_IP}/\d+)\s+([SD])/([a-z]*)")
#         10.9.0.10/32 10.9.0.10       10.10.100.30    dynamic  Tu15272 <   >
_ROW = re.compile(
    rf"({_IP}/\d+)\s+({_IP})\s+({_IP})\s+(dynamic|static|incomplete)\s+(\S+)\s+<\s*([a-z ]*?)\s*>"
)
# The legend's flag letters, as ``show ip nhrp`` names them.
_FLAGS = {
    "u": "unique",
    "r": "registered",
    "e": "temporary",
    "c": "claimed",
    "a": "authoritative",
    "t": "route",
}
_TYPES = {"S": "static", "D": "dynamic"}


def _flags(letters: str) -> tuple[str, ...]:
    return tuple(_FLAGS.get(letter, letter) for letter in letters.replace(" ", ""))


def _line(entries: list[dict[str, Any]], s: str) -> bool:
    if _LEGEND.fullmatch(s):
        return True
    if (m := _ROW.fullmatch(s)) is not None:
        entries.append(
            {"target": m[1], "via": m[2], "nbma": m[3], "entry_type": m[4], "interface": m[5]}
            | {"flags": _flags(m[6]), "done": True}
        )
        return True
    if (m := _FIRST.fullmatch(s)) is not None:
        # the target is on the next line; until it comes, the next hop is all that is known
        entries.append({"via": m[2], "nbma": m[3], "interface": m[1], "flags": ()})
        entries[-1].update(target=m[2], done=False)
        return True
    if (m := _SECOND.fullmatch(s)) is not None and entries and not entries[-1]["done"]:
        entries[-1].update(target=m[1], entry_type=_TYPES[m[2]], flags=_flags(m[3]), done=True)
        return True
    return False


def _build(e: dict[str, Any]) -> NhrpCacheEntry:
    return NhrpCacheEntry(
        e["target"], e["via"], e["interface"], None, None, e.get("entry_type"), e["flags"],
        e["nbma"],
    )  # fmt: skip


@parser(COMMAND)
def parse_ip_nhrp_brief(text: str) -> NhrpCache:
    """Parse the NHRP cache in brief (``show ip nhrp brief``)."""
    entries: list[dict[str, Any]] = []
    feed_lines(COMMAND, text, lambda s: _line(entries, s))
    return NhrpCache(tuple(_build(e) for e in entries), all(e["done"] for e in entries))
