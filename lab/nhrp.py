"""NHRP for the whole fleet (a ``lab.fleet.Subsystem``): the DMVPN control plane.

Every ``PULSE_S`` each router with a multipoint tunnel loads its static mappings, notes the
crypto sockets that came up or went (``%DMVPN-5-CRYPTO_SS``), sends the registrations that
are due (``lab.nhrpreg``), ages its dynamic entries out and sends its routing hellos. The
overlay forwarder (``lab.nhrpforward``) carries the fleet's packets over the tunnels and
builds spoke-to-spoke shortcuts from the hub's redirects.

A spoke-to-spoke entry lives for the answering spoke's hold time; one that carried data in
the last two minutes of its life is renewed (IOS refreshes it with a new resolution; the lab
extends it), else it goes, and with the last entry toward that spoke the crypto socket
closes. The lab runs no routing protocol over the tunnels (routes are static), but one hello
each way between a spoke and its server every pulse stands for one, so the spoke-hub SAs
count traffic in both directions as on a real cloud.
"""

from __future__ import annotations

from lab.clock import SimClock
from lab.crypto.dmvpnsa import mgre_tunnels, source_address
from lab.crypto.engine import CryptoEngine
from lab.device import Device
from lab.dmvpncfg import MgreTunnel
from lab.network import Network
from lab.nhrpctx import Cloud, host_net, socket_line
from lab.nhrpforward import Forwarder
from lab.nhrpreg import Registration
from lab.nhrpstate import EntryKind, NhrpEntry

PULSE_S = 5.0
FIRST_S = 1.0  # after the crypto engine's first pulse has brought the servers' IKE up
REFRESH_WINDOW_S = 120.0


class NhrpEngine:
    def __init__(self, clock: SimClock, network: Network, crypto: CryptoEngine) -> None:
        self.cloud = Cloud(clock, network, crypto)
        self.registration = Registration(self.cloud)
        self.forwarder = Forwarder(self.cloud, self.sync_sockets)
        network.overlay = self.forwarder

    # -- Subsystem -------------------------------------------------------------------------
    def start(self) -> None:
        self.cloud.clock.call_later(FIRST_S, self._pulse)

    def faults_changed(self) -> None:
        """Nothing to do at once: lost packets show at the next registration or hello."""

    def _pulse(self) -> None:
        for device in self.cloud.devices.values():
            tunnels = [t for t in mgre_tunnels(device) if not t.shutdown]
            if tunnels:
                self.run(device, tunnels)
            for tunnel in (t for t in mgre_tunnels(device) if t.shutdown):
                self._shut(device, tunnel)
        self.cloud.clock.call_later(PULSE_S, self._pulse)

    def _shut(self, device: Device, tunnel: MgreTunnel) -> None:
        """``shutdown`` on the tunnel: its sockets close (the peers are told), its cache goes,
        its servers go down (``External``), as the iol-xe capture in ``nhrpctx`` shows."""
        prefix = tunnel.head + " "
        for key, sa in list(device.crypto.ipsec.items()):
            if key.startswith(prefix):
                self.cloud.close(device, tunnel, sa.peer)
        state = device.nhrp
        state.entries = [e for e in state.entries if e.tunnel != tunnel.name]
        state.wanted = {p: t for p, t in state.wanted.items() if t != tunnel.name}
        self.sync_sockets(device)

    def run(self, device: Device, tunnels: list[MgreTunnel]) -> None:
        self._statics(device, tunnels)
        self.sync_sockets(device)
        for tunnel in tunnels:
            if tunnel.nhs:
                self.registration.run(device, tunnel)
        self._expire(device)
        for tunnel in tunnels:
            self._hellos(device, tunnel)

    # -- static mappings -------------------------------------------------------------------
    def _statics(self, device: Device, tunnels: list[MgreTunnel]) -> None:
        """``ip nhrp map`` and ``ip nhrp nhs ... nbma``: entries that never expire."""
        wanted = {(t.name, a, n) for t in tunnels for a, n in t.static_maps().items()}
        state = device.nhrp
        for entry in [e for e in state.entries if e.kind is EntryKind.STATIC]:
            if (entry.tunnel, entry.via, entry.nbma) not in wanted:
                state.entries.remove(entry)
        for tunnel, address, nbma in sorted(wanted):
            old = state.find(tunnel, host_net(address))
            if old is None or old.kind is not EntryKind.STATIC:
                state.put(NhrpEntry(tunnel, host_net(address), address, nbma, EntryKind.STATIC,
                                    ("used",), device.booted_at, None))  # fmt: skip

    # -- crypto sockets --------------------------------------------------------------------
    def sync_sockets(self, device: Device) -> None:
        """Log the sockets that came up or went since the last look, and what follows."""
        now = self.cloud.clock.now()
        for tunnel in mgre_tunnels(device):
            local = source_address(device, tunnel) or "0.0.0.0"
            live = {
                sa.peer for key, sa in device.crypto.ipsec.items() if key.split()[0] == tunnel.head
            }
            known = {k.split()[1] for k in device.nhrp.sockets if k.split()[0] == tunnel.name}
            for peer in sorted(live - known):
                device.nhrp.sockets[f"{tunnel.name} {peer}"] = now
                device.log(socket_line(tunnel.name, local, peer, up=True))
            for peer in sorted(known - live):
                del device.nhrp.sockets[f"{tunnel.name} {peer}"]
                device.log(socket_line(tunnel.name, local, peer, up=False))
                self.registration.lost_socket(device, tunnel, peer)
                if tunnel.is_hub:
                    self.registration.lost_client(device, tunnel, peer)

    # -- ageing ----------------------------------------------------------------------------
    def _expire(self, device: Device) -> None:
        now = self.cloud.clock.now()
        state = device.nhrp
        gone: set[tuple[str, str]] = set()
        for entry in list(state.entries):
            if entry.expires is None or now < entry.expires:
                continue
            if "router" in entry.flags and now - entry.used_at < REFRESH_WINDOW_S:
                tunnel = self.cloud.tunnel(device, entry.tunnel)
                entry.expires = now + (tunnel.holdtime if tunnel else entry.expires - entry.created)
                continue
            state.entries.remove(entry)
            if entry.nbma:
                gone.add((entry.tunnel, entry.nbma))
        for tunnel_name, nbma in sorted(gone):
            self._maybe_close(device, tunnel_name, nbma)
        self.sync_sockets(device)

    def _maybe_close(self, device: Device, tunnel_name: str, nbma: str) -> None:
        """The last entry toward a spoke went: close its socket (never a server's)."""
        state = device.nhrp
        if any(e.nbma == nbma for e in state.entries) or state.wanted.get(nbma) != tunnel_name:
            return
        del state.wanted[nbma]
        tunnel = self.cloud.tunnel(device, tunnel_name)
        if tunnel is not None:
            self.cloud.close(device, tunnel, nbma)

    # -- hellos ----------------------------------------------------------------------------
    def _hellos(self, device: Device, tunnel: MgreTunnel) -> None:
        """One routing hello each way with every registered server."""
        now = self.cloud.clock.now()
        mine = source_address(device, tunnel)
        for rec in device.nhrp.nhs.values():
            if rec.tunnel != tunnel.name or not rec.registered or not rec.nbma or not mine:
                continue
            hub = self.cloud.esp(device, tunnel, rec.nbma)
            hub_tunnel = self.cloud.tunnel_at(hub, rec.nbma) if hub else None
            if hub is None or hub_tunnel is None:
                continue
            self.cloud.esp(hub, hub_tunnel, mine)
            for entry in (*device.nhrp.entries, *hub.nhrp.entries):
                if entry.nbma in (rec.nbma, mine) and entry.kind is not EntryKind.INCOMPLETE:
                    entry.used_at = now
