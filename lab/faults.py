"""What the fleet can break on purpose, and what a packet is: fault records and deliveries.

Pure data at the bottom of the lab: the network applies these faults, the routing table reads
the ``link_down`` ones, and scenarios and tests create them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Proto(StrEnum):
    IKE = "ike"  # UDP 500 (and 4500: a fault on "ike" drops both)
    UDP4500 = "udp4500"  # IKE after a NAT was detected, and ESP in UDP (NAT-T)
    ESP = "esp"
    ICMP = "icmp"
    TCP = "tcp"


class FaultKind(StrEnum):
    DROP = "drop"  # packets of ``protocol`` from ``src`` to ``dst`` are lost
    LOSS = "loss"  # a share of them is lost
    LINK_DOWN = "link_down"  # interface line protocol down
    ISP_DOWN = "isp_down"  # link up, but nothing gets through that ISP
    REORDER = "reorder"  # ESP arriving at ``router`` is reordered (anti-replay drops)
    SA_DESYNC = "sa_desync"  # ``router`` silently lost its IPsec SAs with ``peer``
    # The path between ``router`` and ``peer`` carries packets up to ``mtu`` bytes and drops
    # larger ones with DF set without an ICMP "fragmentation needed" back: a black hole.
    PATH_MTU = "path_mtu"
    # A static NAT on ``router``'s path: what it sends from ``interface`` leaves with source
    # ``outside``, and what is sent to ``outside`` reaches it (a CPE in front of a spoke).
    NAT = "nat"


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    src: str = ""  # router name
    dst: str = ""  # router name or address
    protocol: str = "all"
    router: str = ""
    interface: str = ""
    peer: str = ""
    percent: float = 100.0
    mtu: int = 0  # PATH_MTU
    outside: str = ""  # NAT: the address the far end sees

    def drops(self, proto: Proto, src: str, dst_router: str, dst_ip: str) -> bool:
        if self.kind not in (FaultKind.DROP, FaultKind.LOSS):
            return False
        carried = (proto.value, "ike") if proto is Proto.UDP4500 else (proto.value,)
        if self.protocol not in ("all", *carried) or self.src != src:
            return False
        return self.dst in (dst_router, dst_ip)


@dataclass(frozen=True)
class Delivery:
    """Where a packet arrived, and with which source address."""

    router: str | None  # None: an internet host
    interface: str | None
    src_ip: str
    egress: str
