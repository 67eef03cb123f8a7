"""IKEv1 (ISAKMP) as one ``IkeVersion``: phase 1 in main or aggressive mode, then quick mode.

The initiator picks the mode from its configuration (``CryptoConfig.aggressive_wanted``);
``crypto isakmp aggressive-mode disable`` blocks aggressive mode in both directions. Messages
arrive in ``receive``, which hands them to the mode that owns them.
"""

from __future__ import annotations

from lab.crypto.aggressive import AG_MODE_DISABLED, AggressiveMode
from lab.crypto.context import NO_SA, CryptoContext
from lab.crypto.mainmode import MainMode
from lab.crypto.phase1 import RETRANSMIT_S, Message, Phase1
from lab.crypto.quickmode import QuickMode
from lab.cryptocfg import MapEntry
from lab.device import Device
from lab.sadb import IkeSa, P1State

DEFAULT_P1_LIFETIME_S = 86400


class Ikev1:
    """IKEv1 for every router of the fleet (see ``lab.crypto.versions.IkeVersion``)."""

    name = "IKEv1"

    def __init__(self, ctx: CryptoContext) -> None:
        self.ctx = ctx
        self.quick = QuickMode(ctx)
        self.phase1 = Phase1(ctx, self.receive, self._established)
        self.main = MainMode(self.phase1)
        self.aggressive = AggressiveMode(self.phase1)

    # -- IkeVersion ------------------------------------------------------------------------
    def bring_up(self, device: Device, entry: MapEntry, peer: str, now: float) -> None:
        """Phase 1 if there is none with ``peer``; quick mode again once the last try is old."""
        sa = self.ctx.find_sa(device, peer)
        if sa is None:
            self.initiate(device, entry, peer)
        elif (
            sa.state == P1State.QM_IDLE
            and now - device.crypto.qm_attempts.get(entry.key, -1e9) >= RETRANSMIT_S
        ):
            self.quick.start(device, entry, peer)

    def expire(self, device: Device, now: float) -> None:
        for ike in list(device.crypto.isakmp):
            lifetime = ike.policy.lifetime if ike.policy else DEFAULT_P1_LIFETIME_S
            if not ike.deleted and ike.state == P1State.QM_IDLE and now - ike.created >= lifetime:
                self.phase1.delete(
                    device, ike, f'Lifetime Expired" state ({ike.role}) QM_IDLE (peer {ike.peer})'
                )

    def clear(self, device: Device, peer: str | None = None) -> None:
        """``clear crypto isakmp`` (every SA) or the IKE part of ``clear crypto session``."""
        for sa in list(device.crypto.isakmp):
            if (peer is None or sa.peer == peer) and not sa.deleted:
                self.phase1.delete(
                    device, sa, f'Manually deleted" state ({sa.role}) {sa.state} (peer {sa.peer})'
                )

    # -- phase 1 ---------------------------------------------------------------------------
    def initiate(self, device: Device, entry: MapEntry, peer: str) -> None:
        if self.ctx.find_sa(device, peer) is not None:
            return
        src = self.ctx.local_address(device, peer)
        if src is None:
            return
        cfg = self.ctx.config(device)
        profile = entry.isakmp_profile if entry.isakmp_profile in cfg.profiles else None
        self.ctx.ike(device, None, f"SA request profile is {profile or '(NULL)'}", peer)
        self.ctx.ike(device, None, f"Created a peer struct for {peer}, peer port 500", peer)
        self.ctx.ike(device, None, "local port 500, remote port 500", peer)
        aggressive = cfg.aggressive_wanted(entry, peer)
        if aggressive and cfg.aggressive_disabled:
            # The command reference: requests made by the device are blocked too. Falling
            # back to main mode is the lab's reading of IOS's "trying Main mode" line.
            device.log(AG_MODE_DISABLED)
            aggressive = False
        mode = self.aggressive if aggressive else self.main
        mode.start(device, entry, peer, src[1])

    def receive(self, device: Device, m: Message) -> None:
        """A phase-1 message arrived from ``m.src``."""
        sa = self.ctx.find_sa(device, m.src)
        local = self.ctx.local_address(device, m.src)
        if sa is not None:
            self.ctx.ike(
                device,
                sa,
                f"received packet from {m.src} dport 500 sport 500 Global ({sa.role}) {sa.state}",
            )
        if m.name == "MM1":
            self.main.on_mm1(device, m, sa, local)
        elif m.name == "AM1":
            self.aggressive.on_am1(device, m, sa, local)
        elif sa is None:
            device.log(NO_SA.format(peer=m.src))
        elif m.name.startswith("MM"):
            self.main.on_message(device, sa, m)
        else:
            self.aggressive.on_message(device, sa, m)

    def _established(self, device: Device, sa: IkeSa) -> None:
        """Phase 1 is up on the initiator: quick mode for the entry that asked for it."""
        entry = next((e for e in self.ctx.config(device).entries if e.key == sa.entry), None)
        if entry is not None:
            self.quick.start(device, entry, sa.peer)
