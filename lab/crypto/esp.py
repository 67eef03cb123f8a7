"""The IPsec data plane: traffic integrated over time into ESP counters, not per packet.

Branch LANs send ``TRAFFIC_PPS`` to the far LAN; a packet is encapsulated when an SA pair
carries its crypto map entry (else it counts as "no sa"), crosses the underlay as ESP (loss
faults thin it, a reorder fault costs anti-replay drops), and the far end answers only if its
own route back leads into the tunnel. ESP to an SPI the peer no longer has is logged as
``RECVD_PKT_INV_SPI``; with ``crypto isakmp invalid-spi-recovery`` the sender renegotiates.
"""

from __future__ import annotations

from dataclasses import dataclass

from lab.crypto.context import CryptoContext, host_in
from lab.cryptocfg import Ace
from lab.device import Device
from lab.network import Delivery, FaultKind, Proto
from lab.sadb import IpsecSa

TRAFFIC_PPS = 2.0  # packets/s a branch LAN sends to the far LAN
SYNC_GRAIN_S = 0.25  # lab seconds
REPLAY_DROP_SHARE = 0.1  # of reordered ESP, what falls outside the anti-replay window
REKEY_EARLY_S = 60  # the initiator renegotiates this long before the lifetime ends


@dataclass(frozen=True)
class Arrival:
    """ESP that reached the peer: its router, the SA that decapsulated it, how many packets."""

    device: Device
    sa: IpsecSa
    packets: float


class DataPlane:
    def __init__(self, ctx: CryptoContext, traffic_sources: set[str]) -> None:
        self.ctx = ctx
        self.traffic_sources = traffic_sources
        self._synced_at = 0.0

    def start(self) -> None:
        self._synced_at = self.ctx.clock.now()

    def sync(self) -> None:
        """Bring data-plane counters up to now (traffic is integrated, not simulated per packet)."""
        now = self.ctx.clock.now()
        dt = now - self._synced_at
        # Every show command syncs the whole fleet; under a burst of sessions (a hub with
        # hundreds of spokes) reads a quarter of a lab second apart share one sync.
        if dt < SYNC_GRAIN_S:
            return
        self._synced_at = now
        for name in sorted(self.traffic_sources):
            device = self.ctx.devices.get(name)
            if device is not None:
                self._flow(device, dt)

    def expire(self, device: Device, now: float) -> None:
        """SA pairs at the end of their lifetime go; the next pulse negotiates fresh ones."""
        state = device.crypto
        for key, sa in list(state.ipsec.items()):
            age = now - sa.created
            if age >= sa.lifetime_sec - (REKEY_EARLY_S if sa.initiator else 0):
                del state.ipsec[key]

    def _flow(self, device: Device, dt: float) -> None:
        cfg = self.ctx.config(device)
        state = device.crypto
        for entry in cfg.entries:
            aces = cfg.permits(entry.acl)
            sa = state.ipsec.get(entry.key)
            if not aces:
                continue
            src, dst = host_in(aces[0].src), host_in(aces[0].dst)
            if not self.ctx.interesting(device, dst, entry.map_name, src):
                continue
            counters = state.counters_of(entry.key)
            sent = TRAFFIC_PPS * dt
            if sa is None:
                counters.no_sa += sent
                continue
            self.round_trip(device, sa, aces[0], sent)

    def round_trip(self, device: Device, sa: IpsecSa, ace: Ace, packets: float) -> float:
        """Send ``packets`` into the tunnel; how many replies came back decrypted."""
        sa.encaps += packets
        device.crypto.counters_of(sa.entry).encaps += packets
        got = self._esp(device, sa, packets)
        if got is None:
            return 0.0
        peer_dev, psa = got.device, got.sa
        # The far end answers only if its route back to our LAN leads into the tunnel.
        map_name = psa.entry.split()[0]
        back_src, back_dst = host_in(ace.dst), host_in(ace.src)
        if got.packets <= 0 or not self.ctx.interesting(peer_dev, back_dst, map_name, back_src):
            return 0.0
        psa.encaps += got.packets
        peer_dev.crypto.counters_of(psa.entry).encaps += got.packets
        back = self._esp(peer_dev, psa, got.packets)
        return back.packets if back else 0.0

    def _esp(self, device: Device, sa: IpsecSa, packets: float) -> Arrival | None:
        """Carry ``packets`` ESP packets to the peer; the peer's SA and what it decapsulated
        (in UDP 4500 when NAT-T encapsulates them)."""
        proto = Proto.UDP4500 if sa.udp_encaps else Proto.ESP
        delivery = self.ctx.network.send(device, sa.peer, proto, src_ip=sa.local)
        peer_dev = self.ctx.device_at(sa.peer)
        if delivery is None or peer_dev is None:
            return None
        ratio = self._delivered_share(device, peer_dev, sa)
        psa = next((p for p in peer_dev.crypto.ipsec.values() if p.spi_in == sa.spi_out), None)
        if psa is None:
            self._invalid_spi(device, peer_dev, sa, delivery)
            return None
        arrived = packets * ratio
        if self.ctx.network.has_fault(FaultKind.REORDER, peer_dev.name):
            dropped = arrived * REPLAY_DROP_SHARE
            psa.replay_failed += dropped
            peer_dev.crypto.counters_of(psa.entry).replay_failed += dropped
            arrived -= dropped
            self.ctx.limited(
                peer_dev,
                f"replay-{psa.conn_in}",
                f"%CRYPTO-4-PKT_REPLAY_ERR: decrypt: replay check failed connection id={psa.conn_in}",
            )
        psa.decaps += arrived
        peer_dev.crypto.counters_of(psa.entry).decaps += arrived
        return Arrival(peer_dev, psa, arrived)

    def _delivered_share(self, device: Device, peer_dev: Device, sa: IpsecSa) -> float:
        ratio = 1.0
        for fault in self.ctx.network.faults:
            if fault.kind is FaultKind.LOSS and fault.drops(
                Proto.ESP, device.name, peer_dev.name, sa.peer
            ):
                ratio *= 1 - fault.percent / 100
        return ratio

    def _invalid_spi(
        self, device: Device, peer_dev: Device, sa: IpsecSa, delivery: Delivery
    ) -> None:
        itf = delivery.interface or "?"
        self.ctx.limited(
            peer_dev,
            f"invspi-{sa.spi_out}",
            f"%CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for "
            f"destaddr={sa.peer}, prot=50, spi=0x{sa.spi_out:X}({sa.spi_out}), srcaddr={sa.local}, "
            f"input interface={itf}",
        )
        if self.ctx.config(peer_dev).invalid_spi_recovery:
            device.crypto.ipsec.pop(sa.entry, None)  # the peer tells us; we renegotiate
