"""IKEv1 dead peer detection (``crypto isakmp keepalive``): R-U-THERE every 10 s.

A keepalive counts as answered when it reaches the peer, the peer still has the SA and its
answer comes back. Two misses in a row clear the peer's SAs without a delete notice, as
IOS does when "DPD retransmit exceeded".
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from lab.crypto.context import NO_SA, CryptoContext
from lab.device import Device
from lab.network import Proto
from lab.sadb import IkeSa, P1State

DPD_ROUND_S = 10.0
MAX_MISSES = 2

ClearPeer = Callable[[Device, str, bool], None]


class DeadPeerDetection:
    def __init__(self, ctx: CryptoContext, clear_peer: ClearPeer) -> None:
        self.ctx = ctx
        self.clear_peer = clear_peer  # (router, peer, notify)

    def start(self) -> None:
        self.ctx.clock.call_later(DPD_ROUND_S, self._round)

    def _round(self) -> None:
        for device in self.ctx.devices.values():
            if self.ctx.config(device).keepalive is not None:
                self._probe_all(device)
        self.ctx.clock.call_later(DPD_ROUND_S, self._round)

    def _probe_all(self, device: Device) -> None:
        for sa in list(device.crypto.isakmp):
            if sa.deleted or sa.state != P1State.QM_IDLE:
                continue
            ok = self.ctx.send(device, sa.local, sa.peer, partial(self._answer, peer=sa.local))
            answered = ok and self._has_partner(sa)
            sa.dpd_misses = 0 if answered else sa.dpd_misses + 1
            if sa.dpd_misses >= MAX_MISSES:
                self.ctx.ike(device, sa, "DPD/R_U_THERE DPD retransmit exceeded")
                self.clear_peer(device, sa.peer, False)

    def _answer(self, device: Device, peer: str) -> None:
        if self.ctx.find_sa(device, peer) is None:
            device.log(NO_SA.format(peer=peer))

    def _has_partner(self, sa: IkeSa) -> bool:
        peer_dev = self.ctx.device_at(sa.peer)
        if peer_dev is None:
            return False
        if self.ctx.find_sa(peer_dev, sa.local) is None:
            return False
        back = self.ctx.network.send(peer_dev, sa.local, Proto.IKE, src_ip=sa.peer)
        return back is not None
