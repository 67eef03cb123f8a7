"""``show ip nhrp [detail]`` (IOS, IOS-XE): the NHRP cache, one entry per block::

    100.0.0.2/32 via 100.0.0.2
       Tunnel100 created 00:00:32, expire 00:02:27
       Type: dynamic, Flags: router nhop rib
       NBMA address: 103.1.1.1
    100.0.0.1/32 via 100.0.0.1
       Tunnel100 created 00:00:32, expire 00:02:29
       Type: dynamic, Flags: router unique local
       NBMA address: 102.1.1.1
        (no-socket)
    111.0.0.100/32 via 111.0.0.100
       Tunnel111 created 10w2d, never expire
       Type: static, Flags:
       NBMA address: 111.1.1.1

An entry is complete once its ``NBMA address`` (or, incomplete, its ``Cache hits``) arrived.
``detail`` adds a ``Preference: 255`` line to each entry and, under an entry a peer asked for,
``Requester: 100.0.0.2 Request ID: 97`` (genieparser iosxe ``ShowIpNhrpDetail``).
"""

from __future__ import annotations

import re
from typing import Any

from nornir_tasks.models.dmvpn import NhrpCache, NhrpCacheEntry
from nornir_tasks.parsers._feed import feed_lines
from nornir_tasks.parsers.registry import parser

COMMAND = "show ip nhrp"

# 100.0.0.2/32 via 100.0.0.2
_HEAD = re.compile(r"(\d+\.\d+\.\d+\.\d+/\d+) via (\S+)")
# Tunnel100 created 00:00:32, expire 00:02:27   /   Tunnel111 created 10w2d, never expire
_CREATED = re.compile(r"(\S+) created (\S+), (?:expire (\S+)|never expire)")
# Type: dynamic, Flags: router nhop rib   /   Type: static, Flags:
_TYPE = re.compile(r"Type: (\S+), Flags:\s*(.*)")
# NBMA address: 103.1.1.1
_NBMA = re.compile(r"NBMA address: (\S+)")
# Group: DMVPN_TUNNEL_SHAPING_LOW   (the NHRP group the spoke registered with, IOS 15)
_GROUP = re.compile(r"Group: (\S+)")
# Preference: 255   /   Requester: 100.0.0.2 Request ID: 97   (detail)
_PREFERENCE = re.compile(r"Preference: (\d+)")
_REQUESTER = re.compile(r"Requester: (\S+) Request ID: \d+")
# (no-socket)   /   Cache hits: 0
_NO_SOCKET = re.compile(r"\(no-socket\)")
_HITS = re.compile(r"Cache hits: \d+")


def _line(entries: list[dict[str, Any]], s: str) -> bool:
    if (m := _HEAD.fullmatch(s)) is not None:
        entries.append({"target": m[1], "via": m[2], "flags": (), "done": False})
        return True
    if not entries:
        return False
    entry = entries[-1]
    if (m := _CREATED.fullmatch(s)) is not None:
        entry.update(interface=m[1], created=m[2], expire=m[3])
    elif (m := _TYPE.fullmatch(s)) is not None:
        entry.update(entry_type=m[1], flags=tuple(m[2].split()))
    elif (m := _NBMA.fullmatch(s)) is not None:
        entry.update(nbma=m[1], done=True)
    elif (m := _GROUP.fullmatch(s)) is not None:
        entry["group"] = m[1]
    elif (m := _PREFERENCE.fullmatch(s)) is not None:
        entry["preference"] = int(m[1])
    elif (m := _REQUESTER.fullmatch(s)) is not None:
        entry["requester"] = m[1]
    elif _NO_SOCKET.fullmatch(s):
        entry["no_socket"] = True
    elif _HITS.fullmatch(s):
        entry["done"] = True
    else:
        return False
    return True


def _build(e: dict[str, Any]) -> NhrpCacheEntry:
    return NhrpCacheEntry(
        e["target"], e["via"], e.get("interface"), e.get("created"), e.get("expire"),
        e.get("entry_type"), e["flags"], e.get("nbma"), e.get("no_socket", False), e.get("group"),
        e.get("preference"), e.get("requester"),
    )  # fmt: skip


@parser("show ip nhrp")
@parser("show ip nhrp detail")
def parse_ip_nhrp(text: str) -> NhrpCache:
    """Parse the NHRP cache (``show ip nhrp``)."""
    entries: list[dict[str, Any]] = []
    feed_lines(COMMAND, text, lambda s: _line(entries, s))
    return NhrpCache(tuple(_build(e) for e in entries), all(e["done"] for e in entries))
