"""Forwarding over multipoint GRE, and DMVPN phase 3 shortcuts (``ip nhrp redirect`` /
``ip nhrp shortcut``).

A packet routed into a multipoint tunnel goes to the NBMA address NHRP maps its destination
or its next hop to, over the crypto socket toward that NBMA. A hub that sends a packet back
out of the tunnel it came in on, with ``ip nhrp redirect``, tells the sender (a Traffic
Indication); a sender with ``ip nhrp shortcut`` then resolves the destination: its Resolution
Request travels through the hub to the spoke that owns the destination, which opens a crypto
socket toward the sender and answers it directly. The sender then holds two entries for that
spoke, the spoke's tunnel address (route installed, ``DT1``) and the destination's network
(next-hop override, ``DT2``), for the answering spoke's hold time; traffic keeps them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from lab.crypto.dmvpnsa import socket_up, source_address
from lab.device import Device
from lab.dmvpncfg import MgreTunnel
from lab.faults import Delivery
from lab.forwarding import device_interfaces, device_rib
from lab.nhrpctx import Cloud, host_net
from lab.nhrpstate import EntryKind, NhrpEntry
from lab.routing import resolve

IPv4Addr = ipaddress.IPv4Address
MAX_HOPS = 4
RESOLVE_AGAIN_S = 10.0  # a destination is not resolved twice in this long
FAILED_HOLD_S = 180.0  # an unresolved destination stays incomplete this long

SocketsChanged = Callable[[Device], None]


class Forwarder:
    """The lab's ``Overlay``: what the underlay hands over for multipoint tunnels."""

    def __init__(self, cloud: Cloud, sockets_changed: SocketsChanged) -> None:
        self.cloud = cloud
        self.sockets_changed = sockets_changed

    def carries(self, src: Device, egress: str) -> bool:
        return self.cloud.tunnel(src, egress) is not None

    def forward(
        self, src: Device, egress: str, next_hop: IPv4Addr, dst: IPv4Addr, source: str
    ) -> Delivery | None:
        tunnel = self.cloud.tunnel(src, egress)
        if tunnel is None:
            return None
        return self._carry(src, tunnel, next_hop, dst, source, egress, MAX_HOPS)

    # -- one hop over the cloud ------------------------------------------------------------
    def mapping(
        self, device: Device, tunnel: MgreTunnel, nh: IPv4Addr, dst: IPv4Addr
    ) -> NhrpEntry | None:
        """The entry a packet leaves by: a shortcut to ``dst``, else the next hop's mapping,
        whichever has its crypto socket up."""
        for address in (dst, nh):
            entry = device.nhrp.covering(tunnel.name, address)
            if entry is not None and entry.nbma and socket_up(device, tunnel, entry.nbma):
                return entry
        return None

    def _carry(
        self, device: Device, tunnel: MgreTunnel, nh: IPv4Addr, dst: IPv4Addr, source: str,
        egress: str, hops: int,
    ) -> Delivery | None:  # fmt: skip
        entry = self.mapping(device, tunnel, nh, dst)
        if entry is None or entry.nbma is None:
            return None  # no NHRP mapping (or no socket): the packet is not encapsulated
        now = self.cloud.clock.now()
        for same in device.nhrp.entries:  # a shortcut's route and its next hop live together
            if same.nbma == entry.nbma and same.kind is EntryKind.DYNAMIC:
                same.used_at = now
        entry.used_at = now
        far = self.cloud.esp(device, tunnel, entry.nbma)
        if far is None:
            return None
        local = _local_interface(far, dst)
        if local is not None:
            return Delivery(far.name, local, source, egress)
        return self._onward(far, entry.nbma, device, tunnel, dst, source, egress, hops)

    def _onward(
        self, hub: Device, hub_nbma: str, sender: Device, sender_tunnel: MgreTunnel,
        dst: IPv4Addr, source: str, egress: str, hops: int,
    ) -> Delivery | None:  # fmt: skip
        """The receiving router routes the packet on; back into the same tunnel it redirects."""
        hop = resolve(device_rib(hub), dst)
        inbound = self.cloud.tunnel_at(hub, hub_nbma)
        out = self.cloud.tunnel(hub, hop[0]) if hop else None
        if hop is None or out is None or hops <= 0:
            return None
        if inbound is not None and out.name == inbound.name and inbound.redirect:
            self._indicate(sender, sender_tunnel, dst)
        return self._carry(hub, out, hop[1], dst, source, egress, hops - 1)

    # -- phase 3 ---------------------------------------------------------------------------
    def _indicate(self, sender: Device, tunnel: MgreTunnel, dst: IPv4Addr) -> None:
        """A Traffic Indication to the sender: it resolves ``dst`` (after this packet)."""
        if not tunnel.shortcut:
            return
        now = self.cloud.clock.now()
        key = f"{tunnel.name} {dst}"
        if now - sender.nhrp.resolving.get(key, -1e9) < RESOLVE_AGAIN_S:
            return
        entry = sender.nhrp.covering(tunnel.name, dst)
        if entry is not None and "nho" in entry.flags and self.mapping(sender, tunnel, dst, dst):
            return  # the shortcut is there and usable
        sender.nhrp.resolving[key] = now

        def later() -> None:
            self.resolve(sender, tunnel, dst)

        self.cloud.clock.call_later(0.0, later)

    def resolve(self, device: Device, tunnel: MgreTunnel, dst: IPv4Addr) -> bool:
        """Resolution Request through the servers; True once the answer installed a shortcut."""
        mine = source_address(device, tunnel)
        answer = self._ask(device, tunnel, dst, mine) if mine else None
        if answer is None:
            now = self.cloud.clock.now()
            device.nhrp.put(NhrpEntry(tunnel.name, host_net(str(dst)), str(dst), None,
                                      EntryKind.INCOMPLETE, ("negative",), now,
                                      now + FAILED_HOLD_S))  # fmt: skip
            return False
        responder, its_tunnel, prefix = answer
        self._install(device, tunnel, responder, its_tunnel, prefix)
        self.sockets_changed(device)
        self.sockets_changed(responder)
        return True

    def _ask(
        self, device: Device, tunnel: MgreTunnel, dst: IPv4Addr, mine: str
    ) -> tuple[Device, MgreTunnel, ipaddress.IPv4Network] | None:
        """The request's way to the owner of ``dst`` and the owner's direct answer."""
        owner, owner_nbma = self._relay(device, tunnel, dst)
        if owner is None or owner_nbma is None:
            return None
        its_tunnel = self.cloud.tunnel_at(owner, owner_nbma)
        prefix = _connected_prefix(owner, dst)
        if its_tunnel is None or prefix is None or tunnel.address is None:
            return None
        owner.nhrp.wanted[mine] = its_tunnel.name
        self.cloud.bring_up(owner, its_tunnel, mine)
        if self.cloud.esp(owner, its_tunnel, mine) is not device:
            return None  # no socket back to the requester: the reply cannot be sent
        now = self.cloud.clock.now()
        known = owner.nhrp.find(its_tunnel.name, host_net(tunnel.address))
        if known is None or known.nbma != mine:  # never downgrade a resolved (DT1) entry
            owner.nhrp.put(NhrpEntry(its_tunnel.name, host_net(tunnel.address), tunnel.address,
                                     mine, EntryKind.DYNAMIC, ("router", "used", "nhop"), now,
                                     now + its_tunnel.holdtime))  # fmt: skip
        return owner, its_tunnel, prefix

    def _relay(
        self, device: Device, tunnel: MgreTunnel, dst: IPv4Addr
    ) -> tuple[Device | None, str | None]:
        """Follow the request hop by hop along the routed path: (owner of dst, its NBMA)."""
        current, current_tunnel = device, tunnel
        for _ in range(MAX_HOPS):
            hop = resolve(device_rib(current), dst)
            if hop is None or hop[0] != current_tunnel.name:
                return None, None
            entry = self.mapping(current, current_tunnel, hop[1], hop[1])
            if entry is None or entry.nbma is None:
                return None, None
            far = self.cloud.esp(current, current_tunnel, entry.nbma)
            if far is None:
                return None, None
            if _local_interface(far, dst) is not None:
                return far, entry.nbma
            onward = self.cloud.tunnel_at(far, entry.nbma)
            if onward is None:
                return None, None
            current, current_tunnel = far, onward
        return None, None

    def _install(
        self, device: Device, tunnel: MgreTunnel, responder: Device, its_tunnel: MgreTunnel,
        prefix: ipaddress.IPv4Network,
    ) -> None:  # fmt: skip
        now = self.cloud.clock.now()
        nbma = source_address(responder, its_tunnel) or ""
        via = its_tunnel.address or "0.0.0.0"
        expires = now + its_tunnel.holdtime
        device.nhrp.wanted[nbma] = tunnel.name
        device.nhrp.put(NhrpEntry(tunnel.name, host_net(via), via, nbma, EntryKind.DYNAMIC,
                                  ("router", "used", "nhop", "rib"), now, expires))  # fmt: skip
        device.nhrp.put(NhrpEntry(tunnel.name, prefix, via, nbma, EntryKind.DYNAMIC,
                                  ("router", "used", "rib", "nho"), now, expires, now))  # fmt: skip
        stale = device.nhrp.find(tunnel.name, host_net(str(prefix.network_address)))
        if stale is not None and stale.kind is EntryKind.INCOMPLETE:
            device.nhrp.entries.remove(stale)


def _local_interface(device: Device, dst: IPv4Addr) -> str | None:
    """The interface ``dst`` lives on: one of the router's addresses, or a host of a
    connected LAN (the lab's LAN hosts answer pings)."""
    itfs = device_interfaces(device)
    exact = next((i.name for i in itfs if i.address == dst and not i.shutdown), None)
    if exact is not None:
        return exact
    return next(
        (i.name for i in itfs if i.network is not None and dst in i.network
         and not i.name.startswith("Tunnel") and not i.shutdown),
        None,
    )  # fmt: skip


def _connected_prefix(device: Device, dst: IPv4Addr) -> ipaddress.IPv4Network | None:
    """The responder answers with its connected network holding ``dst``."""
    for itf in device_interfaces(device):
        if itf.network is not None and dst in itf.network and not itf.name.startswith("Tunnel"):
            return itf.network
    return None
