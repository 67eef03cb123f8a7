"""The underlay joining the lab routers: who owns an address, and whether a packet gets there.

Reachability follows each router's routing table (connected, static, tracked and floating
statics). Public addresses not owned by a lab router are "internet hosts" (probe targets,
the SMTP relay on the tool host) reachable through any internet-facing interface. Private
LAN addresses of other routers are reachable only through IPsec. Faults drop packets per
direction and protocol, take links or ISPs down, or add loss.
"""

from __future__ import annotations

import ipaddress
import random
from dataclasses import dataclass, field
from typing import Protocol

from lab.device import Device
from lab.faults import Delivery, Fault, FaultKind, Proto
from lab.forwarding import device_interfaces, device_rib, link_up
from lab.routing import Interface, resolve

__all__ = ["Delivery", "Fault", "FaultKind", "Network", "Proto", "is_private"]

_PRIVATE = [ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]


def is_private(address: ipaddress.IPv4Address) -> bool:
    return any(address in net for net in _PRIVATE)


def _private_source(local: Interface, translated: str | None) -> bool:
    """A private source address the internet drops (unless a NAT rewrites it)."""
    return translated is None and local.address is not None and is_private(local.address)


class Overlay(Protocol):
    """Forwarding over tunnels the underlay cannot see into (DMVPN: ``lab.nhrpforward``)."""

    def carries(self, src: Device, egress: str) -> bool: ...

    def forward(
        self, src: Device, egress: str, next_hop: ipaddress.IPv4Address,
        dst: ipaddress.IPv4Address, source: str,
    ) -> Delivery | None: ...  # fmt: skip


@dataclass
class Network:
    devices: dict[str, Device]
    faults: list[Fault] = field(default_factory=list)
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    overlay: Overlay | None = None

    def owner(self, address: str) -> tuple[Device, Interface] | None:
        """The router and interface owning ``address``, or behind it as a static NAT's
        outside address."""
        ip = ipaddress.IPv4Address(address)
        for device in self.devices.values():
            for itf in device_interfaces(device):
                if itf.address == ip:
                    return device, itf
        nat = next(
            (f for f in self.faults if f.kind is FaultKind.NAT and f.outside == address), None
        )
        if nat is None or nat.router not in self.devices:
            return None
        inside = self.devices[nat.router]
        found = next((i for i in device_interfaces(inside) if i.name == nat.interface), None)
        return (inside, found) if found is not None else None

    def nat_outside(self, device: Device, egress: str) -> str | None:
        """The address a static NAT gives what ``device`` sends out of ``egress``, if any."""
        return next(
            (
                f.outside
                for f in self.faults
                if f.kind is FaultKind.NAT and f.router == device.name and f.interface == egress
            ),
            None,
        )

    def _blocked(self, device: Device, itf: str) -> bool:
        if not link_up(device, itf):
            return True
        return any(
            f.kind is FaultKind.ISP_DOWN and f.router == device.name and f.interface == itf
            for f in self.faults
        )

    def send(
        self, src: Device, dst_ip: str, proto: Proto, src_ip: str | None = None
    ) -> Delivery | None:
        """Deliver one packet from ``src`` to ``dst_ip``; None if it is lost on the way."""
        try:
            dst = ipaddress.IPv4Address(dst_ip)
        except ValueError:
            return None
        hop = resolve(device_rib(src), dst)
        if hop is None:
            return None
        egress = hop[0]
        local = next((i for i in device_interfaces(src) if i.name == egress), None)
        if local is None or local.shutdown or self._blocked(src, egress):
            return None
        source = src_ip or (str(local.address) if local.address else "0.0.0.0")
        translated = self.nat_outside(src, egress)
        if self.overlay is not None and self.overlay.carries(src, egress):
            return self.overlay.forward(src, egress, hop[1], dst, source)
        owner = self.owner(dst_ip)
        if owner is not None:
            device, itf = owner
            if device is src:
                return Delivery(src.name, itf.name, source, egress)
            if is_private(dst) or itf.shutdown or self._blocked(device, itf.name):
                return None
            if _private_source(local, translated):
                return None
            if self._lost(proto, src.name, device.name, dst_ip):
                return None
            return Delivery(device.name, itf.name, translated or source, egress)
        if is_private(dst) or _private_source(local, translated):
            return None
        if self._lost(proto, src.name, "", dst_ip):
            return None
        return Delivery(None, None, translated or source, egress)

    def _lost(self, proto: Proto, src: str, dst_router: str, dst_ip: str) -> bool:
        return any(
            f.drops(proto, src, dst_router, dst_ip)
            and (f.kind is FaultKind.DROP or self.rng.random() * 100 < f.percent)
            for f in self.faults
        )

    def has_fault(self, kind: FaultKind, router: str) -> list[Fault]:
        return [f for f in self.faults if f.kind is kind and f.router == router]
