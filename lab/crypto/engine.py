"""The crypto engine of the fleet (a ``lab.fleet.Subsystem``): it owns the timers and wires
the protocol modules together.

Every ``PULSE_S`` it brings the data-plane counters up to date, lets each traffic source's
interesting traffic start IKE where no SA pair carries it (through the entry's ``IkeVersion``)
and expires SAs; DPD runs its own 10 s round; a scenario's ``sa_desync`` fault is applied once
the tunnels are up. Exec commands reach it through ``Device.crypto_engine``
(``lab.device.CryptoControl``).
"""

from __future__ import annotations

from lab.clock import SimClock
from lab.crypto.actions import OperatorActions
from lab.crypto.context import CryptoContext, host_in
from lab.crypto.dpd import DeadPeerDetection
from lab.crypto.esp import DataPlane
from lab.crypto.ikev1 import Ikev1
from lab.crypto.ikev2 import Ikev2
from lab.crypto.tunnelshut import sync_admin_state
from lab.crypto.versions import IkeVersion, version_for
from lab.device import Device
from lab.network import FaultKind, Network

PULSE_S = 5.0  # how often user traffic is looked at
DESYNC_AFTER_S = 20.0  # a scenario's SA_DESYNC needs SAs to lose: apply it once tunnels are up


class CryptoEngine:
    """IKE/IPsec for the whole fleet."""

    def __init__(
        self, clock: SimClock, network: Network, seed: int, traffic_sources: set[str]
    ) -> None:
        self.ctx = CryptoContext(clock, network, seed)
        self.ikev1 = Ikev1(self.ctx)
        self.ikev2 = Ikev2(self.ctx)
        self.versions: dict[str, IkeVersion] = {
            self.ikev1.name: self.ikev1,
            self.ikev2.name: self.ikev2,
        }
        self.dataplane = DataPlane(self.ctx, traffic_sources)
        self.dpd = DeadPeerDetection(self.ctx, self.clear_peer)
        self.actions = OperatorActions(self.ctx, self.dataplane, self.versions, self.drive)
        for device in self.ctx.devices.values():
            device.crypto_engine = self

    # -- Subsystem -------------------------------------------------------------------------
    def start(self) -> None:
        clock = self.ctx.clock
        self.dataplane.start()
        clock.call_later(0.0, self._pulse)
        self.dpd.start()
        clock.call_later(DESYNC_AFTER_S, self._apply_desync)

    def faults_changed(self) -> None:
        self.sync()
        self._apply_desync()

    def _apply_desync(self) -> None:
        for fault in self.ctx.network.faults:
            if fault.kind is FaultKind.SA_DESYNC and fault.router in self.ctx.devices:
                self.actions.desync(self.ctx.devices[fault.router], fault.peer)

    # -- traffic and timers ----------------------------------------------------------------
    def _pulse(self) -> None:
        self.sync()
        now = self.ctx.clock.now()
        for name in sorted(self.dataplane.traffic_sources):
            device = self.ctx.devices.get(name)
            if device is not None:
                self.drive(device, now)
        for device in self.ctx.devices.values():
            self.drive_tunnels(device, now)
            self.dataplane.expire(device, now)
            for version in self.versions.values():
                version.expire(device, now)
        self.ctx.clock.call_later(PULSE_S, self._pulse)

    def drive(self, device: Device, now: float) -> None:
        """Interesting traffic from this router's LAN: start IKE where no SA carries it."""
        cfg = self.ctx.config(device)
        for entry in cfg.entries:
            aces = cfg.permits(entry.acl)
            if not aces or not entry.peers or entry.key in device.crypto.ipsec:
                continue
            src, dst = host_in(aces[0].src), host_in(aces[0].dst)
            if not self.ctx.interesting(device, dst, entry.map_name, src):
                continue
            version = self.versions[version_for(cfg, entry)]
            version.bring_up(device, entry, entry.peers[0], now)

    def drive_tunnels(self, device: Device, now: float) -> None:
        """A protected VTI negotiates by itself, without traffic (IKEv2 in this lab); one
        shut down since the last pulse loses its SAs first."""
        sync_admin_state(device, self.ikev2, self.actions)
        for entry in self.ikev2.auth.entries(device):
            if entry.peers and entry.key not in device.crypto.ipsec:
                self.ikev2.bring_up(device, entry, entry.peers[0], now)

    # -- CryptoControl (what exec commands use) --------------------------------------------
    def sync(self) -> None:
        self.dataplane.sync()

    def clear_ipsec(self, device: Device, peer: str | None = None, notify: bool = True) -> None:
        self.actions.clear_ipsec(device, peer, notify)

    def clear_peer(self, device: Device, peer: str, notify: bool = True) -> None:
        self.actions.clear_peer(device, peer, notify)

    def clear_isakmp(self, device: Device) -> None:
        self.ikev1.clear(device)

    def ping_through(self, device: Device, dst: str, count: int) -> str:
        return self.actions.ping_through(device, dst, count)
