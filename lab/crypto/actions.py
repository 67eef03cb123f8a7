"""What an operator does to the crypto state: ``clear crypto ...`` and ``ping ... source``.

Clearing IPsec SAs sends a delete notice the peer honours if it arrives; a scenario's
``sa_desync`` fault loses SAs without one (a reboot, a lost delete), so the peer keeps sending
on an SPI this end no longer knows.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping

from lab.crypto.context import CryptoContext
from lab.crypto.esp import DataPlane
from lab.crypto.versions import IkeVersion
from lab.device import Device
from lab.forwarding import device_interfaces
from lab.network import Proto

Drive = Callable[[Device, float], None]


class OperatorActions:
    def __init__(
        self,
        ctx: CryptoContext,
        dataplane: DataPlane,
        versions: Mapping[str, IkeVersion],
        drive: Drive,
    ) -> None:
        self.ctx = ctx
        self.dataplane = dataplane
        self.versions = versions
        self.drive = drive  # interesting traffic from a router's LAN, now

    def clear_ipsec(self, device: Device, peer: str | None = None, notify: bool = True) -> None:
        self.dataplane.sync()
        state = device.crypto
        for key, sa in list(state.ipsec.items()):
            if peer is None or sa.peer == peer:
                del state.ipsec[key]
                if notify:
                    self._notify_delete(device, sa.peer, sa.local, sa.spi_out)

    def delete_pair(self, device: Device, key: str) -> None:
        """Delete one SA pair (a tunnel's ``TunnelN-head-0 1``) with a notice to the peer."""
        self.dataplane.sync()
        sa = device.crypto.ipsec.pop(key, None)
        if sa is not None:
            self._notify_delete(device, sa.peer, sa.local, sa.spi_out)

    def _notify_delete(self, device: Device, peer: str, local: str, spi_out: int) -> None:
        """The delete notice, over the IKE SA: the peer drops its side of the pair."""
        peer_dev = self.ctx.device_at(peer)
        if peer_dev is None or not self.ctx.find_sa(device, peer):
            return
        if self.ctx.network.send(device, peer, Proto.IKE, src_ip=local) is None:
            return
        pstate = peer_dev.crypto
        for pkey, psa in list(pstate.ipsec.items()):
            if psa.spi_in == spi_out:
                del pstate.ipsec[pkey]

    def clear_peer(self, device: Device, peer: str, notify: bool = True) -> None:
        self.clear_ipsec(device, peer, notify)
        for version in self.versions.values():
            version.clear(device, peer)

    def desync(self, device: Device, peer_router: str) -> None:
        """Lose the IPsec SAs with ``peer_router`` without telling it (a reboot, a lost delete)."""
        peer_dev = self.ctx.devices.get(peer_router)
        addresses = {str(i.address) for i in device_interfaces(peer_dev)} if peer_dev else set()
        state = device.crypto
        for key, sa in list(state.ipsec.items()):
            if sa.peer in addresses:
                del state.ipsec[key]

    def ping_through(self, device: Device, dst: str, count: int) -> str:
        """Results of ``count`` echoes from a LAN source that crypto encrypts: ``!`` or ``.``."""
        self.dataplane.sync()
        cfg = self.ctx.config(device)
        for entry in cfg.entries:
            aces = [a for a in cfg.permits(entry.acl) if ipaddress.IPv4Address(dst) in a.dst]
            if not aces or not self.ctx.interesting(device, dst, entry.map_name):
                continue
            marks = ""
            if entry.key not in device.crypto.ipsec:
                self.drive(device, self.ctx.clock.now())
                marks = "."  # the first echo starts IKE and is lost, as on IOS
            sa = device.crypto.ipsec.get(entry.key)
            if sa is None:
                return "." * count
            n = count - len(marks)
            ok = round(self.dataplane.round_trip(device, sa, aces[0], n))
            return marks + "!" * ok + "." * (n - ok)
        return ""
