"""``show crypto map [interface X | tag X]`` on IOS / IOS-XE.

::

    Crypto Map: "VPN" idb: GigabitEthernet0/0 local address: 203.0.113.1

    Crypto Map IPv4 "VPN_To_Switch2" 1 ipsec-isakmp
            WARNING: This crypto map is in an incomplete state!
                    (missing peer or access-list definitions)
            Peer = 172.20.249.12
            IKEv2 Profile: ikev2profile
            Access-List SS dynamic: False
            Extended IP access list 101
                access-list 101 permit ip 10.1.1.0 0.0.0.255 10.2.2.0 0.0.0.255
            Current peer: 172.20.249.12
            Security association lifetime: 4608000 kilobytes/3600 seconds
            Dualstack (Y/N): N
            Responder-Only (Y/N): N
            PFS (Y/N): N
            Mixed-mode : Disabled
            Transform sets={
                    default:  { esp-aes esp-sha-hmac  } ,
            }
            Interfaces using crypto map VPN_To_Switch2:
                    GigabitEthernet0/0

Older images print ``Crypto Map "NAME" 10 ipsec-isakmp`` (no address family); tunnel
protection adds ``Map is a PROFILE INSTANCE.``; dynamic entries ``Dynamic map template tag: X``.
An entry is complete once its ``Interfaces using crypto map`` line has been read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from nornir_tasks.models.crypto_map import (
    CryptoMapBinding,
    CryptoMapEntry,
    CryptoMapTable,
    CryptoMapType,
    TransformSetRef,
)
from nornir_tasks.parsers._feed import feed_lines
from nornir_tasks.parsers._kinds import FirstMatch
from nornir_tasks.parsers.registry import parser

COMMAND = "show crypto map"

_TYPES = {t.value for t in CryptoMapType}


class _Scan:
    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self.entry: dict[str, Any] | None = None
        self.bindings: list[CryptoMapBinding] = []
        self.mode = ""
        self.orphan = False

    def current(self) -> dict[str, Any]:
        if self.entry is None:
            # A body line before any "Crypto Map" header: the output was cut at the top.
            self.orphan = True
            self.entry = _new_entry("", 0, "")
            self.entries.append(self.entry)
        return self.entry


def _new_entry(name: str, seq: int, type_text: str, family: str | None = None) -> dict[str, Any]:
    kind = CryptoMapType(type_text) if type_text in _TYPES else CryptoMapType.UNKNOWN
    return {
        "name": name,
        "seq": seq,
        "type": kind,
        "type_text": type_text,
        "address_family": family,
        "peers": [],
        "access_list_entries": [],
        "transform_sets": [],
        "interfaces": [],
        "_interfaces_seen": False,
    }


def _yes(value: str) -> bool:
    return value.strip().upper().startswith("Y")


# Crypto Map: "VPN" idb: GigabitEthernet0/0 local address: 203.0.113.1
_BINDING = re.compile(r'Crypto Map:\s*"([^"]+)"\s+idb:\s*(\S+)(?:\s+local address:\s*(\S+))?')


def _binding(scan: _Scan, m: re.Match[str]) -> None:
    scan.bindings.append(CryptoMapBinding(name=m[1], interfaces=(m[2],), local_address=m[3]))
    scan.entry, scan.mode = None, ""


# Crypto Map IPv4 "ikev2-cryptomap" 1 ipsec-isakmp     /  Crypto Map "MAP" 10 ipsec-isakmp
_HEADER = re.compile(r'Crypto Map(?:\s+(IPv[46]))?\s+"([^"]+)"\s+(\d+)\s+(\S+)')


def _header(scan: _Scan, m: re.Match[str]) -> None:
    scan.entry = _new_entry(m[2], int(m[3]), m[4], m[1])
    scan.entries.append(scan.entry)
    scan.mode = ""


# WARNING: This crypto map is in an incomplete state!
_WARNING = re.compile(r"WARNING: This crypto map is in an incomplete state")


def _warning(scan: _Scan, m: re.Match[str]) -> None:
    scan.current()["incomplete"] = True


# (missing peer or access-list definitions)
_WARNING_MORE = re.compile(r"\(missing peer or access-list definitions\)")
# No matching address list set.
_NO_MATCH = re.compile(r"No matching address list set")


def _no_match(scan: _Scan, m: re.Match[str]) -> None:
    entry = scan.current()
    entry["incomplete"] = entry["no_matching_address_list"] = True


# Peer = 172.20.249.12
_PEER = re.compile(r"Peer\s*=\s*(\S+)")


def _peer(scan: _Scan, m: re.Match[str]) -> None:
    scan.current()["peers"].append(m[1])


# IKEv2 Profile: ikev2profile / ISAKMP Profile: P1 / Profile name: IPSEC_PROF / Current peer: X
# Dynamic map template tag: dynmap / Mixed-mode : Disabled / DH group:  group14
_TEXT_FIELD = re.compile(
    r"(IKEv2 Profile|ISAKMP Profile|Profile name|Current peer|Dynamic map template tag"
    r"|Mixed-mode|DH group)\s*:\s*(\S+)"
)
_TEXT_FIELDS = {
    "IKEv2 Profile": "ikev2_profile",
    "ISAKMP Profile": "isakmp_profile",
    "Profile name": "ipsec_profile",
    "Current peer": "current_peer",
    "Dynamic map template tag": "dynamic_map_template",
    "Mixed-mode": "mixed_mode",
    "DH group": "pfs_group",
}


def _text_field(scan: _Scan, m: re.Match[str]) -> None:
    scan.current()[_TEXT_FIELDS[m[1]]] = m[2]


# Access-List SS dynamic: False
_SS_DYNAMIC = re.compile(r"Access-List SS dynamic:\s*(\w+)")


def _ss_dynamic(scan: _Scan, m: re.Match[str]) -> None:
    scan.current()["access_list_ss_dynamic"] = m[1].lower() == "true"


# Extended IP access list 102   /  IPv6 access list V6ACL
_ACL = re.compile(r"(?:Extended IP|Standard IP|IPv6|IP) access list\s+(\S+)")


def _acl(scan: _Scan, m: re.Match[str]) -> None:
    scan.current()["access_list"] = m[1]
    scan.mode = "acl"


# access-list 102 permit ip 10.1.1.0 0.0.0.255 10.2.2.0 0.0.0.255   /  10 permit ip any any
_ACE = re.compile(r"(?:access-list\s+\S+\s+)?(?:\d+\s+)?(?:permit|deny|remark|dynamic)\b")


# Security association lifetime: 4608000 kilobytes/3600 seconds
_LIFETIME = re.compile(r"Security association lifetime:\s*(\d+) kilobytes/(\d+) seconds")


def _lifetime(scan: _Scan, m: re.Match[str]) -> None:
    entry = scan.current()
    entry["sa_lifetime_kb"], entry["sa_lifetime_sec"] = int(m[1]), int(m[2])


# Dualstack (Y/N): N / Responder-Only (Y/N): N / PFS (Y/N): N
_YES_NO = re.compile(r"(Dualstack|Responder-Only|PFS) \(Y/N\):\s*([YN])")
_YES_NO_FIELDS = {"Dualstack": "dualstack", "Responder-Only": "responder_only", "PFS": "pfs"}


def _yes_no(scan: _Scan, m: re.Match[str]) -> None:
    scan.current()[_YES_NO_FIELDS[m[1]]] = _yes(m[2])


# Transform sets={          (older images: Transform sets={ myset, })
_TRANSFORMS = re.compile(r"Transform sets\s*=\s*\{(.*)")


def _transforms(scan: _Scan, m: re.Match[str]) -> None:
    entry = scan.current()
    rest = m[1].strip()
    if rest.endswith("}"):
        names = [n.strip() for n in rest[:-1].split(",") if n.strip()]
        entry["transform_sets"].extend(TransformSetRef(n, ()) for n in names)
    else:
        scan.mode = "transforms"


#         aes256-sha1:  { esp-aes esp-sha-hmac  } ,
_TRANSFORM_SET = re.compile(r"(\S+?):\s*\{([^}]*)\}")


def _transform_line(scan: _Scan, s: str) -> bool:
    if s.startswith("}"):
        scan.mode = ""
        return True
    m = _TRANSFORM_SET.match(s)
    if not m:
        return False
    scan.current()["transform_sets"].append(TransformSetRef(m[1], tuple(m[2].split())))
    return True


# Interfaces using crypto map ikev2-cryptomap:
_INTERFACES = re.compile(r"Interfaces using crypto map\s+(\S+?):?$")


def _interfaces(scan: _Scan, m: re.Match[str]) -> None:
    scan.current()["_interfaces_seen"] = True
    scan.mode = "interfaces"


# Map is a PROFILE INSTANCE.
_MAP_IS = re.compile(r"Map is a (.+?)\.?$")


def _map_is(scan: _Scan, m: re.Match[str]) -> None:
    scan.current()["map_is"] = m[1]


# Description: to HQ   (printed under the header when the entry has a description)
_DESCRIPTION = re.compile(r"Description:\s*(.*)$")


def _description(scan: _Scan, m: re.Match[str]) -> None:
    scan.current()["description"] = m[1].strip() or None


def _nothing(scan: _Scan, m: re.Match[str]) -> None:
    return None


_Handler = Callable[[_Scan, re.Match[str]], None]
_KINDS: tuple[tuple[re.Pattern[str], _Handler], ...] = (
    (_BINDING, _binding),
    (_HEADER, _header),
    (_WARNING, _warning),
    (_WARNING_MORE, _nothing),
    (_NO_MATCH, _no_match),
    (_PEER, _peer),
    (_TEXT_FIELD, _text_field),
    (_SS_DYNAMIC, _ss_dynamic),
    (_ACL, _acl),
    (_LIFETIME, _lifetime),
    (_YES_NO, _yes_no),
    (_TRANSFORMS, _transforms),
    (_INTERFACES, _interfaces),
    (_MAP_IS, _map_is),
    (_DESCRIPTION, _description),
)
_FIRST = FirstMatch(_KINDS)  # the first kind that reads a line, in one regex call


def _moded(scan: _Scan, s: str) -> bool:
    """Lines read according to the block they sit in (ACEs, transform sets, interfaces)."""
    if scan.mode == "transforms":
        return _transform_line(scan, s)
    if scan.mode == "acl" and _ACE.match(s):
        scan.current()["access_list_entries"].append(s)
        return True
    if scan.mode == "interfaces" and " " not in s and not s.startswith("Crypto"):
        scan.current()["interfaces"].append(s)
        return True
    return False


def _line(scan: _Scan, s: str) -> bool:
    if scan.mode and _moded(scan, s):
        return True
    found = _FIRST(s)
    if found is None:
        return False
    m, handler = found
    scan.mode = ""  # a known line ends any ACE / transform / interface list
    handler(scan, m)
    return True


def _build(entry: dict[str, Any]) -> CryptoMapEntry:
    values = {k: v for k, v in entry.items() if k[0] != "_"}
    for key in ("peers", "access_list_entries", "transform_sets", "interfaces"):
        values[key] = tuple(entry[key])
    values["applied"] = bool(entry["interfaces"])
    return CryptoMapEntry(**values)


@parser("show crypto map")
@parser("show crypto map interface *")
@parser("show crypto map tag *")
def parse_crypto_map(text: str) -> CryptoMapTable:
    """Parse crypto map entries, with their incomplete marker and the interfaces using them."""
    scan = _Scan()
    feed_lines(COMMAND, text, partial(_line, scan))
    cut = scan.orphan or scan.mode == "transforms"
    cut = cut or not all(entry["_interfaces_seen"] for entry in scan.entries)
    return CryptoMapTable(
        entries=tuple(_build(e) for e in scan.entries),
        complete=not cut,
        bindings=tuple(scan.bindings),
    )
