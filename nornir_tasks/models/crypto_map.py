"""Crypto map entries as shown by ``show crypto map`` (IOS / IOS-XE).

``incomplete`` and ``interfaces`` are explicit because they are the two configuration-level
reasons a policy-based tunnel never comes up: the device says the entry is incomplete
(``WARNING: This crypto map is in an incomplete state!`` or ``No matching address list set.``),
or the map is applied to no interface.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CryptoMapType(StrEnum):
    IPSEC_ISAKMP = "ipsec-isakmp"
    IPSEC_MANUAL = "ipsec-manual"
    GDOI = "gdoi"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class TransformSetRef:
    """``name:  { esp-aes esp-sha-hmac  } ,`` inside ``Transform sets={ ... }``."""

    name: str
    transforms: tuple[str, ...]


@dataclass(frozen=True)
class CryptoMapEntry:
    """``Crypto Map [IPv4|IPv6] "NAME" SEQ TYPE`` and the lines under it."""

    name: str
    seq: int
    type: CryptoMapType
    type_text: str
    address_family: str | None = None
    incomplete: bool = False
    no_matching_address_list: bool = False
    map_is: str | None = None
    description: str | None = None  # "Description: to HQ" (the entry's set description)
    dynamic_map_template: str | None = None
    peers: tuple[str, ...] = ()
    isakmp_profile: str | None = None
    ikev2_profile: str | None = None
    ipsec_profile: str | None = None
    access_list_ss_dynamic: bool | None = None
    access_list: str | None = None
    access_list_entries: tuple[str, ...] = ()
    current_peer: str | None = None
    sa_lifetime_kb: int | None = None
    sa_lifetime_sec: int | None = None
    dualstack: bool | None = None
    responder_only: bool | None = None
    pfs: bool | None = None
    pfs_group: str | None = None
    mixed_mode: str | None = None
    transform_sets: tuple[TransformSetRef, ...] = ()
    interfaces: tuple[str, ...] = ()
    applied: bool = False


@dataclass(frozen=True)
class CryptoMapBinding:
    """``Crypto Map: "NAME" idb: IF local address: A``: the map bound to an interface."""

    name: str
    interfaces: tuple[str, ...]
    local_address: str | None = None


@dataclass(frozen=True)
class CryptoMapTable:
    entries: tuple[CryptoMapEntry, ...]
    complete: bool
    bindings: tuple[CryptoMapBinding, ...] = ()
