"""IPv4 addresses, masks and wildcards as devices print them, read without raising.

Device text and pasted configs can hold anything where an address should be (a cut line, a
control character, a non-contiguous wildcard such as ``0.0.0.2``, which IOS accepts in an
ACL but which names no network). Checks compare addresses and networks; every such reading
goes through here and gets ``None`` for what is not an address, never an exception::

    ip route 10.0.0.0 255.255.255.0 192.0.2.1        -> network("10.0.0.0", "255.255.255.0")
    permit ip 10.12.0.0 0.0.0.255 10.0.0.0 0.0.0.255 -> wildcard_network("10.12.0.0", "0.0.0.255")
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

_ALL_ONES = 0xFFFFFFFF


@lru_cache(maxsize=8192)
def address(text: str | None) -> ipaddress.IPv4Address | None:
    """``10.0.0.1`` as an address; None for anything else (a name, garbage, an IPv6 address)."""
    if not text or len(text) > 15:
        return None
    try:
        return ipaddress.IPv4Address(text)
    except ValueError:
        return None


@lru_cache(maxsize=8192)
def network(addr: str | None, mask: str | None = None) -> ipaddress.IPv4Network | None:
    """The network of ``addr`` with a dotted mask, a prefix length or none (``/32``).

    ``addr`` may carry the length itself (``10.0.0.0/24``); host bits are allowed (an
    interface address and its mask give the connected network). None if either part is bad.
    """
    if not addr:
        return None
    spec = addr if mask is None else f"{addr}/{mask}"
    if len(spec) > 31:  # "255.255.255.255/255.255.255.255" at most
        return None
    try:
        return ipaddress.IPv4Network(spec, strict=False)
    except ValueError:
        return None


def wildcard_network(addr: str | None, wildcard: str | None) -> ipaddress.IPv4Network | None:
    """An ACL's ``address wildcard`` pair as a network; None when the wildcard is not contiguous."""
    inverse = address(wildcard)
    if inverse is None:
        return None
    return network(addr, str(ipaddress.IPv4Address(int(inverse) ^ _ALL_ONES)))


def first_host(net: ipaddress.IPv4Network) -> str:
    """The first usable address of ``net`` (the address itself for /31 and /32)."""
    return str(net.network_address + 1) if net.num_addresses > 2 else str(net.network_address)
