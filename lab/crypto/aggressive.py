"""IKEv1 aggressive mode: three messages, identities in the clear.

AM1 carries SA + KE + nonce + ID, AM2 the same plus HASH_R, AM3 HASH_I. It starts when the
configuration asks for it (see ``lab.cryptocfg``). No capture of an IOS aggressive-mode debug
is stored, so its lines reuse the main-mode wording of the captures with the aggressive names:
FSM states ``IKE_I_AM1``/``IKE_R_AM1``/``IKE_I_AM2``/``IKE_R_AM2`` as in the field guide's IOS
FSM list, and the SA states AG_NO_STATE / AG_INIT_EXCH / AG_AUTH of Cisco Press "Monitoring
and Managing Management Connections" (field guide §4.1). The syslog
``%CRYPTO-5-IKMP_AG_MODE_DISABLED`` is worded as in the ``crypto isakmp aggressive-mode
disable`` command reference and a stored IOS syslog capture.
"""

from __future__ import annotations

from lab.crypto.phase1 import Message, Phase1, cancel
from lab.cryptocfg import IsakmpPolicy, MapEntry
from lab.device import Device
from lab.sadb import IkeSa, P1State

AG_MODE_DISABLED = "%CRYPTO-5-IKMP_AG_MODE_DISABLED: Unable to initiate or respond to Aggressive Mode while disabled"
MODE_FAILURE = (
    "%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Aggressive mode failed with peer at {peer}"
)
PSK_AUTH = "SA is doing pre-shared key authentication using id type ID_IPV4_ADDR"


class AggressiveMode:
    def __init__(self, phase1: Phase1) -> None:
        self.p1 = phase1
        self.ctx = phase1.ctx

    def start(self, device: Device, entry: MapEntry, peer: str, local: str) -> None:
        """AM1: SA (one DH group), KE, nonce and our ID in the clear."""
        ike = self.ctx.ike
        key = self.ctx.config(device).initiator_key(entry, peer)
        if key is None:
            # Main mode's capture (debug_iosxe_no_preshared_key_for_peer) with the AM name.
            self.p1.no_key(device, peer)
            ike(device, None, "!No Cert or pre-shared address key. ", peer)
            ike(device, None, "!construct_initial_message: Can not start Aggressive mode", peer)
            return
        sa = IkeSa(peer, local, "I", state=P1State.AG_NO_STATE, created=self.ctx.clock.now())
        sa.entry, sa.aggressive, sa.psk = entry.key, True, key
        self.p1.add_sa(device, sa)
        ike(device, sa, f"found peer pre-shared key matching {peer}")
        ike(device, sa, PSK_AUTH)
        ike(device, sa, "beginning Aggressive Mode exchange")
        self.p1.transition(device, sa, "IKE_I_AM1", P1State.AG_NO_STATE)
        self.p1.send(device, sa, "AM1")

    def on_am1(
        self, device: Device, m: Message, sa: IkeSa | None, local: tuple[str, str] | None
    ) -> None:
        """The responder: aggressive mode allowed, a key, a policy of the offered DH group."""
        peer = m.src
        if not self.p1.first_message(device, peer, sa) or local is None:
            return
        cfg = self.ctx.config(device)
        if cfg.aggressive_disabled:
            device.log(AG_MODE_DISABLED)
            return
        self.ctx.ike(device, None, f"Created a peer struct for {peer}, peer port 500", peer)
        key = cfg.key_for(peer)
        if key is None:
            self.p1.no_key(device, peer)
            device.log(MODE_FAILURE.format(peer=peer))
            return
        self.ctx.ike(device, None, f"found peer pre-shared key matching {peer}", peer)
        self.ctx.ike(device, None, "processing SA payload. message ID = 0", peer)
        offered = _one_group(m.sender_cfg.policies)
        chosen = self.p1.choose_policy(device, peer, offered, cfg.policies)
        if chosen is None:
            self.p1.not_acceptable(device, peer, local[1])
            device.log(MODE_FAILURE.format(peer=peer))
            return
        self._respond(device, peer, local[1], chosen, key)

    def _respond(
        self, device: Device, peer: str, local: str, chosen: IsakmpPolicy, key: str
    ) -> None:
        """AM2: this end's KE, nonce, ID and HASH_R."""
        sa = IkeSa(peer, local, "R", state=P1State.AG_NO_STATE, created=self.ctx.clock.now())
        sa.policy, sa.aggressive, sa.psk = chosen, True, key
        self.p1.add_sa(device, sa)
        self.p1.transition(device, sa, "IKE_R_AM1", P1State.AG_NO_STATE)
        for payload in ("KE", "NONCE", "ID"):
            self.ctx.ike(device, sa, f"processing {payload} payload. message ID = 0")
        self.p1.assign_conn(device, sa)  # DH done: the SA gets its conn-id, as at MM3
        self.ctx.ike(device, sa, PSK_AUTH)
        self.p1.transition(device, sa, "IKE_R_AM2", P1State.AG_INIT_EXCH)
        self.p1.send(device, sa, "AM2")

    def on_message(self, device: Device, sa: IkeSa, m: Message) -> None:
        """AM2 on the initiator (again, if its AM3 was lost), AM3 on the responder."""
        if (
            m.name == "AM2"
            and sa.role == "I"
            and sa.state in (P1State.AG_NO_STATE, P1State.AG_INIT_EXCH)
        ):
            self._on_am2(device, sa, m.key)
        elif m.name == "AM2" and sa.role == "I" and sa.state == P1State.QM_IDLE:
            self.p1.send(device, sa, "AM3")  # our AM3 was lost: the responder resent AM2
        elif m.name == "AM3" and sa.role == "R" and sa.state == P1State.AG_INIT_EXCH:
            self._on_am3(device, sa, m.key)

    def _on_am2(self, device: Device, sa: IkeSa, responder_key: str | None) -> None:
        if sa.state == P1State.AG_NO_STATE:
            for payload in ("SA", "KE", "NONCE"):
                self.ctx.ike(device, sa, f"processing {payload} payload. message ID = 0")
            self.ctx.ike(device, sa, "atts are acceptable. Next payload is 3")
            self.p1.assign_conn(device, sa)
            self.p1.transition(device, sa, "IKE_I_AM2", P1State.AG_INIT_EXCH)
        self.ctx.ike(device, sa, "processing ID payload. message ID = 0")
        self.ctx.ike(device, sa, "processing HASH payload. message ID = 0")
        if responder_key != sa.psk:
            # HASH_R was computed with the responder's key. AM2 travels in the clear, so the
            # initiator (not the responder, as in main mode) is the end that finds the mismatch.
            # It drops AM2 and keeps resending AM1 until "Death by retransmission".
            self._hash_failed(device, sa)
            return
        self.p1.authenticated(device, sa)
        sa.state = P1State.AG_AUTH
        self.p1.send(device, sa, "AM3")
        self.p1.transition(device, sa, "IKE_P1_COMPLETE", P1State.QM_IDLE)
        self.p1.established(device, sa)

    def _on_am3(self, device: Device, sa: IkeSa, initiator_key: str | None) -> None:
        self.ctx.ike(device, sa, "processing HASH payload. message ID = 0")
        if initiator_key != sa.psk:
            self._hash_failed(device, sa)
            return
        cancel(sa)
        self.p1.authenticated(device, sa)
        self.p1.transition(device, sa, "IKE_P1_COMPLETE", P1State.QM_IDLE)

    def _hash_failed(self, device: Device, sa: IkeSa) -> None:
        # No capture: the debug line is the lab's wording; the syslog is the documented
        # IKMP_MODE_FAILURE message (field guide §4.2 row 3) with the aggressive mode name.
        self.ctx.ike(device, sa, f"!Hash payload verification failed with peer {sa.peer}")
        device.log(MODE_FAILURE.format(peer=sa.peer))


def _one_group(policies: tuple[IsakmpPolicy, ...]) -> tuple[IsakmpPolicy, ...]:
    """AM1 carries one KE payload, so it offers only the policies of the first one's DH group."""
    return tuple(p for p in policies if p.group == policies[0].group) if policies else ()
