"""DMVPN configuration as IOS-XE reads it: multipoint GRE tunnels and their NHRP lines.

```
interface Tunnel0
 ip address 172.30.0.11 255.255.255.0
 ip nhrp authentication DMVPN-x9
 ip nhrp network-id 100
 ip nhrp holdtime 300
 ip nhrp nhs 172.30.0.1 nbma 198.51.100.130 multicast
 ip nhrp shortcut
 tunnel source GigabitEthernet1
 tunnel mode gre multipoint
 tunnel protection ipsec profile DMVPN shared
```

The long form ``ip nhrp nhs A`` + ``ip nhrp map A NBMA`` + ``ip nhrp map multicast NBMA``
reads the same as ``ip nhrp nhs A nbma NBMA multicast`` (Cisco's own equivalence). The
network-id is only local: it ties the interface to an NHRP domain on this router and is never
carried in NHRP packets, so two ends with different ids still register (measured on
iol-xe 17.15.1 by the lab write-up behind code index file 71052799882). The default hold time
is 7200 s.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from lab.configtree import ConfigTree

IPv4Addr = ipaddress.IPv4Address
DEFAULT_HOLDTIME = 7200


@dataclass(frozen=True)
class Nhs:
    """One ``ip nhrp nhs`` line: the server's tunnel address and, if given, its NBMA."""

    address: str
    nbma: str | None


@dataclass(frozen=True)
class MgreTunnel:
    """An ``interface TunnelN`` in ``tunnel mode gre multipoint`` with its NHRP settings."""

    name: str
    address: str | None
    prefixlen: int
    source: str | None
    protection: str | None
    shared: bool
    network_id: int | None
    nhs: tuple[Nhs, ...]
    maps: tuple[tuple[str, str], ...]  # ip nhrp map TUNNEL-IP NBMA
    multicast: tuple[str, ...]  # ip nhrp map multicast NBMA|dynamic
    redirect: bool
    shortcut: bool
    holdtime: int
    authentication: str | None
    shutdown: bool

    @property
    def head(self) -> str:
        """The crypto map IOS builds for the tunnel (``show crypto ipsec sa``)."""
        return f"{self.name}-head-0"

    @property
    def is_hub(self) -> bool:
        """A tunnel that registers with no server is a hub (``Type:Hub`` in show dmvpn)."""
        return not self.nhs

    def nhs_nbma(self, nhs: Nhs) -> str | None:
        """The NBMA of a server: from its ``nbma`` keyword, else from an ``ip nhrp map``."""
        return nhs.nbma or dict(self.maps).get(nhs.address)

    def static_maps(self) -> dict[str, str]:
        """Tunnel address -> NBMA of every static mapping (maps and ``nhs ... nbma``)."""
        out = dict(self.maps)
        for nhs in self.nhs:
            if nhs.nbma is not None:
                out.setdefault(nhs.address, nhs.nbma)
        return out

    def network(self) -> ipaddress.IPv4Network | None:
        if self.address is None:
            return None
        return ipaddress.IPv4Network(f"{self.address}/{self.prefixlen}", strict=False)


def _is_addr(word: str) -> bool:
    try:
        IPv4Addr(word)
    except ValueError:
        return False
    return True


def _nhs(words: list[str]) -> Nhs | None:
    """``ip nhrp nhs A [nbma N] [multicast] [priority P] [cluster C]``"""
    if not words or not _is_addr(words[0]):
        return None  # "nhs dynamic" (NHS learned from the NBMA) is not in the lab
    nbma = words[words.index("nbma") + 1] if "nbma" in words[:-1] else None
    return Nhs(words[0], nbma)


class _Reader:
    """Collects the NHRP lines of one tunnel section."""

    def __init__(self) -> None:
        self.nhs: list[Nhs] = []
        self.maps: list[tuple[str, str]] = []
        self.multicast: list[str] = []
        self.values: dict[str, str] = {}
        self.flags: set[str] = set()

    def nhrp(self, w: list[str]) -> None:
        if w[0] == "nhs" and (nhs := _nhs(w[1:])) is not None:
            self.nhs.append(nhs)
            if "multicast" in w and nhs.nbma:
                self.multicast.append(nhs.nbma)
        elif w[:2] == ["map", "multicast"] and len(w) > 2:
            self.multicast.append(w[2])
        elif w[0] == "map" and len(w) > 2 and _is_addr(w[1]):
            self.maps.append((w[1], w[2]))
        elif w[0] in ("network-id", "holdtime", "authentication") and len(w) > 1:
            self.values[w[0]] = w[-1]
        elif w[0] in ("redirect", "shortcut"):
            self.flags.add(w[0])

    def line(self, line: str) -> None:
        w = line.split()
        if w[:2] == ["ip", "nhrp"] and len(w) > 2:
            self.nhrp(w[2:])
        elif w[:2] == ["ip", "address"] and len(w) >= 4 and _is_addr(w[2]):
            self.values["address"] = w[2]
            self.values["mask"] = w[3]
        elif w[:2] == ["tunnel", "source"] and len(w) > 2:
            self.values["source"] = w[2]
        elif w[:4] == ["tunnel", "protection", "ipsec", "profile"] and len(w) > 4:
            self.values["protection"] = w[4]
            if "shared" in w[5:]:
                self.flags.add("shared")
        elif w[:2] == ["tunnel", "mode"]:
            self.values["mode"] = " ".join(w[2:])
        elif line == "shutdown":
            self.flags.add("shutdown")


def _tunnel(name: str, lines: list[str]) -> MgreTunnel | None:
    r = _Reader()
    for line in lines:
        r.line(line)
    v = r.values
    if v.get("mode") != "gre multipoint":
        return None
    prefixlen = ipaddress.IPv4Network(f"0.0.0.0/{v['mask']}").prefixlen if "mask" in v else 32
    netid = v.get("network-id")
    hold = v.get("holdtime", "")
    return MgreTunnel(
        name, v.get("address"), prefixlen, v.get("source"), v.get("protection"),
        "shared" in r.flags, int(netid) if netid and netid.isdigit() else None,
        tuple(r.nhs), tuple(r.maps), tuple(r.multicast), "redirect" in r.flags,
        "shortcut" in r.flags, int(hold) if hold.isdigit() else DEFAULT_HOLDTIME,
        v.get("authentication"), "shutdown" in r.flags,
    )  # fmt: skip


def read_dmvpn_config(tree: ConfigTree) -> tuple[MgreTunnel, ...]:
    """Every multipoint GRE tunnel of the configuration, in configuration order."""
    out: list[MgreTunnel] = []
    for node in tree.sections():
        w = node.line.split()
        if w[:1] == ["interface"] and len(w) > 1 and w[1].startswith("Tunnel"):
            tunnel = _tunnel(w[1], [c.line for c in node.children])
            if tunnel is not None:
                out.append(tunnel)
    return tuple(out)
