"""IKEv1 main mode: six messages, the identities and hashes encrypted (MM5/MM6).

Debug lines follow the IOS-XE 17 wording of the captures in the shared corpus
(``debug_iosxe_*``). A wrong pre-shared key shows where IOS shows it: the responder
decrypts MM5 with its own key, reads garbage and logs ``IKMP_BAD_MESSAGE``, while the
initiator keeps resending MM5 from MM_KEY_EXCH.
"""

from __future__ import annotations

from lab.crypto.phase1 import Message, Phase1, cancel
from lab.cryptocfg import CryptoConfig, MapEntry
from lab.device import Device
from lab.sadb import IkeSa, P1State

MODE_FAILURE = "%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Main mode failed with peer at {peer}"


class MainMode:
    def __init__(self, phase1: Phase1) -> None:
        self.p1 = phase1
        self.ctx = phase1.ctx

    def start(self, device: Device, entry: MapEntry, peer: str, local: str) -> None:
        """MM1: this router's policies, if it has a key for ``peer``."""
        ike = self.ctx.ike
        ike(device, None, "Can not start Aggressive mode, trying Main mode.", peer)
        if self.ctx.config(device).key_for(peer) is None:
            self.p1.no_key(device, peer)
            ike(device, None, "!No Cert or pre-shared address key. ", peer)
            ike(device, None, "!construct_initial_message: Can not start Main mode", peer)
            ike(device, None, "!Error while processing SA request: Failed to initialize SA", peer)
            return
        now = self.ctx.clock.now()
        sa = self.p1.add_sa(device, IkeSa(peer, local, "I", created=now, entry=entry.key))
        ike(device, sa, f"found peer pre-shared key matching {peer}")
        ike(device, sa, "beginning Main Mode exchange")
        self._announce(device, entry, peer)
        self.p1.transition(device, sa, "IKE_I_MM1", P1State.MM_NO_STATE)
        self.p1.send(device, sa, "MM1")

    def _announce(self, device: Device, entry: MapEntry, peer: str) -> None:
        """The initiator's "New Phase 1" line: the traffic that started it, and where from."""
        aces = self.ctx.config(device).permits(entry.acl)
        if not aces:
            return
        local, remote = aces[0].src.network_address, aces[0].dst.network_address
        intf = self.ctx.egress(device, str(local + 1))
        self.ctx.notify(
            device, "p1_start", peer, intf=intf, local_proxy=local, remote_proxy=remote,
            map=entry.map_name,
        )  # fmt: skip

    def on_mm1(
        self, device: Device, m: Message, sa: IkeSa | None, local: tuple[str, str] | None
    ) -> None:
        """The responder: a key for the peer, then a policy that accepts one of its offers."""
        peer = m.src
        if not self.p1.first_message(device, peer, sa) or local is None:
            return
        cfg = self.ctx.config(device)
        self.ctx.ike(device, None, f"Created a peer struct for {peer}, peer port 500", peer)
        if cfg.key_for(peer) is None and not cfg.key_checked_late:
            self.p1.no_key(device, peer)
            device.log(MODE_FAILURE.format(peer=peer))
            return
        if cfg.key_for(peer) is not None:
            self.ctx.ike(device, None, f"found peer pre-shared key matching {peer}", peer)
        chosen = self.p1.choose_policy(device, peer, m.sender_cfg.policies, cfg.policies)
        if chosen is None:
            self.p1.not_acceptable(device, peer, local[1])
            device.log(MODE_FAILURE.format(peer=peer))
            return
        now = self.ctx.clock.now()
        sa = self.p1.add_sa(device, IkeSa(peer, local[1], "R", created=now, policy=chosen))
        self.p1.transition(device, sa, "IKE_R_MM1", P1State.MM_NO_STATE)
        self.p1.transition(device, sa, "IKE_R_MM2", P1State.MM_SA_SETUP)
        self.p1.send(device, sa, "MM2")

    def on_message(self, device: Device, sa: IkeSa, m: Message) -> None:
        """MM2..MM6 for an SA in the state that expects them; a resend of MM3/MM5 is answered."""
        p1, msg = self.p1, m.name
        if msg == "MM2" and sa.role == "I" and sa.state == P1State.MM_NO_STATE:
            p1.transition(device, sa, "IKE_I_MM2", P1State.MM_SA_SETUP)
            p1.transition(device, sa, "IKE_I_MM3", P1State.MM_SA_SETUP)
            p1.send(device, sa, "MM3")
        elif msg == "MM3" and sa.role == "R" and sa.state == P1State.MM_SA_SETUP:
            if self.ctx.config(device).key_for(sa.peer) is None:  # key_checked_late
                self.ctx.notify(device, "no_group", sa.peer)
                p1.delete(device, sa, f'No pre-shared key" state (R) {sa.state} (peer {sa.peer})')
                return
            p1.assign_conn(device, sa)
            p1.transition(device, sa, "IKE_R_MM3", P1State.MM_KEY_EXCH)
            p1.transition(device, sa, "IKE_R_MM4", P1State.MM_KEY_EXCH)
            p1.send(device, sa, "MM4")
        elif msg == "MM4" and sa.role == "I" and sa.state == P1State.MM_SA_SETUP:
            self._on_mm4(device, sa)
        elif msg == "MM5" and sa.role == "R" and sa.state in (P1State.MM_KEY_EXCH, P1State.QM_IDLE):
            self._on_mm5(device, sa, m.sender_cfg)
        elif msg == "MM6" and sa.role == "I" and sa.state == P1State.MM_KEY_EXCH:
            cancel(sa)
            p1.authenticated(device, sa)
            p1.transition(device, sa, "IKE_P1_COMPLETE", P1State.QM_IDLE)
            p1.established(device, sa)
        elif msg in ("MM3", "MM5") and sa.state != P1State.QM_IDLE:
            p1.duplicate(device, sa)

    def _on_mm4(self, device: Device, sa: IkeSa) -> None:
        self.p1.assign_conn(device, sa)
        self.p1.transition(device, sa, "IKE_I_MM4", P1State.MM_KEY_EXCH)
        self.ctx.ike(device, sa, f"found peer pre-shared key matching {sa.peer}")
        self.ctx.ike(
            device, sa, "SA is doing pre-shared key authentication using id type ID_IPV4_ADDR"
        )
        self.p1.transition(device, sa, "IKE_I_MM5", P1State.MM_KEY_EXCH)
        self.p1.send(device, sa, "MM5")

    def _on_mm5(self, device: Device, sa: IkeSa, sender_cfg: CryptoConfig) -> None:
        if sa.state == P1State.QM_IDLE:
            self.p1.duplicate(device, sa)
            return
        theirs = sender_cfg.key_for(sa.local)
        mine = self.ctx.config(device).key_for(sa.peer)
        if theirs != mine:
            # The responder decrypts MSG5 with its own key and reads garbage.
            self.ctx.ike(device, sa, "!reserved not zero on ID payload!")
            device.log(
                f"%CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from {sa.peer} failed its sanity check or is malformed"
            )
            return
        self.p1.authenticated(device, sa)
        self.p1.transition(device, sa, "IKE_R_MM5", P1State.MM_KEY_EXCH)
        # QM_IDLE before MSG6 leaves: the initiator starts quick mode as soon as it arrives.
        self.p1.transition(device, sa, "IKE_P1_COMPLETE", P1State.QM_IDLE)
        cancel(sa)
        self.p1.send(device, sa, "MM6")
