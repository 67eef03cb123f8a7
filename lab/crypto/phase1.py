"""IKEv1 phase 1, what main and aggressive mode share: the SA's life and its messages.

An exchange moves its SA through FSM states (``Old State = ... New State = ...`` debug lines),
sends each message through the underlay with a retransmission timer, answers a resend of a
message it already answered, and dies "by retransmission" after the fifth unanswered resend.
Timers approximate IOS: a resend every 10 s, 5 attempts, deleted SAs purged after 30 s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lab.asalog import asa_state
from lab.crypto.context import CryptoContext
from lab.cryptocfg import CryptoConfig, IsakmpPolicy
from lab.device import Device
from lab.sadb import IkeSa, P1State

RETRANSMIT_S = 10.0
MAX_RETRANSMITS = 5
PURGE_DELETED_S = 30.0
# Replies a phase-1 responder resends when the initiator's last message comes again.
MM_REPLIES = {P1State.MM_SA_SETUP: "MM2", P1State.MM_KEY_EXCH: "MM4", P1State.QM_IDLE: "MM6"}
AM_REPLIES = {P1State.AG_INIT_EXCH: "AM2"}


@dataclass(frozen=True)
class Message:
    """One phase-1 message as its receiver gets it."""

    name: str  # "MM1".."MM6", "AM1".."AM3"
    src: str  # the sender's address: the receiver's peer
    sender: Device
    sender_cfg: CryptoConfig  # what the sender offered (policies, keys)
    key: str | None = None  # aggressive mode: the key the sender's hashes are computed with


Receive = Callable[[Device, Message], None]
Established = Callable[[Device, IkeSa], None]


class Phase1:
    """The phase-1 SA machinery; ``receive`` routes a message that arrives to its mode."""

    def __init__(self, ctx: CryptoContext, receive: Receive, established: Established) -> None:
        self.ctx = ctx
        self.receive = receive
        self.established = established  # phase 1 is complete on the initiator: start phase 2

    def add_sa(self, device: Device, sa: IkeSa) -> IkeSa:
        device.crypto.isakmp.append(sa)
        return sa

    def transition(self, device: Device, sa: IkeSa, fsm: str, state: P1State) -> None:
        self.ctx.ike(device, sa, f"Old State = {sa.fsm}  New State = {fsm} ")
        sa.fsm, sa.state = fsm, state

    def assign_conn(self, device: Device, sa: IkeSa) -> None:
        state = device.crypto
        sa.conn_id = state.next_conn
        state.next_conn += 1

    def authenticated(self, device: Device, sa: IkeSa) -> None:
        self.ctx.ike(device, sa, "SA authentication status:\n\tauthenticated")
        self.ctx.ike(device, sa, f"SA has been authenticated with {sa.peer}")
        self.ctx.notify(device, "p1_done", sa.peer)

    # -- sending ---------------------------------------------------------------------------
    def send(self, device: Device, sa: IkeSa, msg: str) -> None:
        self.ctx.ike(
            device,
            sa,
            f"sending packet to {sa.peer} my_port 500 peer_port 500 ({sa.role}) {sa.state}",
        )
        self.arm_retransmit(device, sa, msg)
        self._deliver(device, sa, msg)

    def _deliver(self, device: Device, sa: IkeSa, msg: str) -> None:
        message = Message(msg, sa.local, device, self.ctx.config(device), sa.psk)
        self.ctx.send(device, sa.local, sa.peer, lambda r: self.receive(r, message))

    def arm_retransmit(self, device: Device, sa: IkeSa, msg: str) -> None:
        cancel(sa)
        if msg in ("MM6", "AM3"):  # the last message of the exchange: the peer asks again
            return
        sa.timer = self.ctx.clock.call_later(
            RETRANSMIT_S, lambda: self._retransmit(device, sa, msg)
        )

    def _retransmit(self, device: Device, sa: IkeSa, msg: str) -> None:
        if sa.deleted or sa.state == P1State.QM_IDLE:
            return
        sa.retransmits += 1
        self.ctx.ike(device, sa, f"retransmitting phase 1 {sa.state}...")
        if sa.retransmits > MAX_RETRANSMITS:
            self.ctx.ike(device, sa, "peer does not do paranoid keepalives.")
            self.ctx.notify(device, "p1_dead", sa.peer, state=asa_state(sa))
            self.delete(
                device,
                sa,
                f'Death by retransmission P1" state ({sa.role}) {sa.state} (peer {sa.peer})',
            )
            return
        self.ctx.ike(
            device,
            sa,
            f"incrementing error counter on sa, attempt {sa.retransmits} of {MAX_RETRANSMITS}: retransmit phase 1",
        )
        self.ctx.ike(device, sa, f"retransmitting phase 1 {sa.state}")
        self.send(device, sa, msg)

    def duplicate(self, device: Device, sa: IkeSa) -> None:
        """A message this end already answered came again: resend the answer."""
        self.ctx.ike(device, sa, "phase 1 packet is a duplicate of a previous packet.")
        self.ctx.ike(device, sa, "retransmitting due to retransmit phase 1")
        self.ctx.ike(device, sa, f"retransmitting phase 1 {sa.state}...")
        reply = (AM_REPLIES if sa.aggressive else MM_REPLIES).get(sa.state)
        if reply is not None:
            self._deliver(device, sa, reply)

    # -- the end of an SA ------------------------------------------------------------------
    def delete(self, device: Device, sa: IkeSa, reason: str) -> None:
        cancel(sa)
        self.ctx.ike(device, sa, f'deleting SA reason "{reason}')
        sa.deleted = True
        self.ctx.clock.call_later(PURGE_DELETED_S, lambda: _purge(device, sa))

    # -- the responder's first message -----------------------------------------------------
    def first_message(self, device: Device, peer: str, sa: IkeSa | None) -> bool:
        """MM1 / AM1 from ``peer``: a resend of one this responder answered, a collision with
        its own exchange, or a new SA to consider (True; the caller then needs a crypto map
        toward the peer, else IOS ignores the offer)."""
        if sa is not None and sa.role == "R":
            self.duplicate(device, sa)
            return False
        if sa is not None:  # both initiated at once: IOS keeps its own exchange
            return False
        self.ctx.ike(
            device, None, f"received packet from {peer} dport 500 sport 500 Global (N) NEW SA", peer
        )
        return True

    def no_key(self, device: Device, peer: str) -> None:
        self.ctx.ike(device, None, f"!No pre-shared key with {peer}!", peer)

    def not_acceptable(self, device: Device, peer: str, local: str) -> None:
        self.ctx.ike(
            device, None, f"!phase 1 SA policy not acceptable! (local {local} remote {peer})", peer
        )
        self.ctx.ike(device, None, "Sending NOTIFY NO_PROPOSAL_CHOSEN protocol 1", peer)

    def choose_policy(
        self,
        device: Device,
        peer: str,
        offered: tuple[IsakmpPolicy, ...],
        mine: tuple[IsakmpPolicy, ...],
    ) -> IsakmpPolicy | None:
        """The first of this router's policies that accepts an offer, in IOS's debug order."""
        for i, offer in enumerate(offered, start=1):
            for policy in mine:
                self._checking(device, peer, i, offer, policy)
                reason = policy.matches(offer)
                if reason is None:
                    self.ctx.ike(device, None, "atts are acceptable. Next payload is 3", peer)
                    return policy
                self.ctx.ike(device, None, reason, peer)
                self.ctx.ike(device, None, "atts are not acceptable. Next payload is 3", peer)
        return None

    def _checking(
        self, device: Device, peer: str, i: int, offer: IsakmpPolicy, policy: IsakmpPolicy
    ) -> None:
        log = self.ctx.ike
        log(
            device,
            None,
            f"Checking ISAKMP transform {i} against priority {policy.priority} policy",
            peer,
        )
        log(device, None, f"      encryption {offer.encr.upper()}", peer)
        log(device, None, f"      hash {offer.hash.upper()}", peer)
        log(device, None, f"      default group {offer.group}", peer)
        log(device, None, f"      auth {offer.auth}", peer)


def cancel(sa: IkeSa) -> None:
    """Stop the SA's retransmission timer."""
    if sa.timer is not None:
        sa.timer.cancelled = True
        sa.timer = None


def _purge(device: Device, sa: IkeSa) -> None:
    if sa in device.crypto.isakmp:
        device.crypto.isakmp.remove(sa)
