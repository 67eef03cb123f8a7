"""DMVPN and NHRP: ``show dmvpn [detail]`` and ``show ip nhrp [detail]`` on IOS / IOS-XE.

A DMVPN tunnel is identified by the tunnel interface and the peer's NBMA address (its public
address): one multipoint interface carries a tunnel per NBMA peer, each with its own crypto
socket and one or more NHRP entries (``# Ent``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DmvpnState(StrEnum):
    """``State`` of a ``show dmvpn`` row: the layer a tunnel stopped at, or UP."""

    UP = "UP"
    NHRP = "NHRP"  # crypto up (or none configured), NHRP registration/resolution not done
    IKE = "IKE"  # IKE never completed
    IPSEC = "IPSEC"  # IKE up, no IPsec SA
    INTF = "INTF"  # the tunnel's line protocol is down
    UNKNOWN = "UNKNOWN"


@dataclass(frozen=True)
class DmvpnPeer:
    """One row of ``show dmvpn``: an NHRP entry toward an NBMA peer."""

    interface: str
    nbma: str | None  # None: UNKNOWN (an incomplete entry)
    tunnel_address: str
    state: DmvpnState
    state_text: str
    updn: str  # "00:29:40", "6d12h", "never"
    attrb: str  # "S", "D", "DT1", "DT2", "IX" ...
    entries: int | None = None  # "# Ent": NHRP entries with this NBMA peer
    target: str | None = None  # detail: "Target Network" ("10.42.0.0/24")

    @property
    def static(self) -> bool:
        return self.attrb.startswith("S")

    @property
    def incomplete(self) -> bool:
        return self.attrb.startswith("I")

    @property
    def key(self) -> tuple[str, str | None]:
        """(tunnel interface, NBMA address): what identifies a DMVPN tunnel."""
        return self.interface, self.nbma


@dataclass(frozen=True)
class DmvpnNhs:
    """An ``IPv4 NHS:`` line of ``show dmvpn detail``: ``172.30.0.1  RE priority = 0 ...``."""

    address: str
    status: str  # "RE" (expecting replies, responding), "E" (no reply), "W" ...
    priority: int | None = None
    cluster: int | None = None

    @property
    def responding(self) -> bool:
        return "R" in self.status


@dataclass(frozen=True)
class DmvpnSession:
    """One peer of ``Crypto Session Details`` (``show dmvpn detail``)."""

    interface: str
    peer: str | None  # the remote NBMA (from the IKE SA or the GRE flow)
    local: str | None
    status: str | None  # "UP-ACTIVE", "DOWN" ...
    ike_active: bool | None
    pkts_decaps: int | None
    pkts_encaps: int | None
    outbound_spi: str | None
    socket_state: str | None  # "Open"


@dataclass(frozen=True)
class DmvpnInterface:
    """One ``Interface: TunnelN`` section."""

    interface: str
    role: str | None  # "Hub", "Spoke", "Hub/Spoke", "Unknown"
    peer_count: int | None
    peers: tuple[DmvpnPeer, ...]
    address: str | None = None  # detail: "Addr. is 172.30.0.1"
    line_state: str | None = None  # detail: "up/up"
    source: str | None = None  # detail: "Tunnel Src./Dest. addr: 198.51.100.130/MGRE"
    protect: str | None = None  # detail: Protect "DMVPN-IPSEC" ("" when unprotected)
    nhs: tuple[DmvpnNhs, ...] = ()


@dataclass(frozen=True)
class DmvpnTable:
    interfaces: tuple[DmvpnInterface, ...]
    sessions: tuple[DmvpnSession, ...]
    complete: bool

    def peers(self) -> tuple[DmvpnPeer, ...]:
        return tuple(p for i in self.interfaces for p in i.peers)


@dataclass(frozen=True)
class NhrpCacheEntry:
    """One ``show ip nhrp`` entry: ``target via via`` on ``interface``, at ``nbma``."""

    target: str  # "10.42.0.0/24"
    via: str
    interface: str | None
    created: str | None
    expire: str | None  # "00:04:34"; None: never expire
    entry_type: str | None  # "static", "dynamic", "incomplete"
    flags: tuple[str, ...]
    nbma: str | None
    no_socket: bool = False
    group: str | None = None  # "Group: X": the NHRP group a spoke registered with
    preference: int | None = None  # detail: "Preference: 255"
    requester: str | None = (
        None  # detail: "Requester: 100.0.0.2 Request ID: 97" (a pending request)
    )


@dataclass(frozen=True)
class NhrpCache:
    entries: tuple[NhrpCacheEntry, ...]
    complete: bool
