"""IKEv1 main mode, aggressive mode, quick mode and the IPsec data plane, IOS style.

Messages travel through the underlay (``lab.network``), so a fault on the path shows on
both ends the way it does on real routers: retransmissions, duplicate first packets,
MM_KEY_EXCH with a wrong key, PROPOSAL_NOT_CHOSEN, encaps without decaps. Debug and syslog
lines follow the IOS-XE 17 wording of the captures in the shared corpus
(``debug_iosxe_*``, ``debug_ios_pfs_mismatch_*``); where no capture exists, Cisco's
documented messages (doc 5409, field guide §4.2) are used.

Aggressive mode (three messages: AM1 SA+KE+nonce+ID, AM2 the same plus HASH_R, AM3 HASH_I)
starts when the configuration asks for it (see ``lab.cryptocfg``). No capture of an IOS
aggressive-mode debug is stored, so its lines reuse the main-mode wording of the captures with
the aggressive names: FSM states ``IKE_I_AM1``/``IKE_R_AM1``/``IKE_I_AM2``/``IKE_R_AM2`` as in
the field guide's IOS FSM list, and the SA states AG_NO_STATE / AG_INIT_EXCH / AG_AUTH of
Cisco Press "Monitoring and Managing Management Connections" (field guide §4.1). The syslog
``%CRYPTO-5-IKMP_AG_MODE_DISABLED`` is worded as in the ``crypto isakmp aggressive-mode
disable`` command reference and a stored IOS syslog capture.

Timers are approximations of IOS: phase-1 retransmission every 10 s, 5 attempts, then
"Death by retransmission"; DPD per ``crypto isakmp keepalive``.
"""

from __future__ import annotations

import ipaddress
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lab.clock import Timer
from lab.cmd_ip import device_interfaces, device_rib
from lab.cryptocfg import Ace, CryptoConfig, IsakmpPolicy, MapEntry, read_crypto_config
from lab.device import Device
from lab.network import FaultKind, Network, Proto
from lab.routing import interfaces, resolve

if TYPE_CHECKING:
    from lab.fleet import Fleet

RETRANSMIT_S = 10.0
MAX_RETRANSMITS = 5
PULSE_S = 5.0  # how often user traffic is looked at
TRAFFIC_PPS = 2.0  # packets/s a branch LAN sends to the far LAN
PURGE_DELETED_S = 30.0
LOG_RATE_LIMIT_S = 60.0  # INV_SPI / replay syslogs are rate-limited by IOS
AG_MODE_DISABLED = "%CRYPTO-5-IKMP_AG_MODE_DISABLED: Unable to initiate or respond to Aggressive Mode while disabled"
# Replies a phase-1 responder resends when the initiator's last message comes again.
MM_REPLIES = {"MM_SA_SETUP": "MM2", "MM_KEY_EXCH": "MM4", "QM_IDLE": "MM6"}
AM_REPLIES = {"AG_INIT_EXCH": "AM2"}


@dataclass
class IkeSa:
    peer: str
    local: str
    role: str  # "I" or "R"
    state: str = "MM_NO_STATE"
    fsm: str = "IKE_READY"
    conn_id: int = 0
    created: float = 0.0
    retransmits: int = 0
    timer: Timer | None = None
    policy: IsakmpPolicy | None = None
    deleted: bool = False
    deleted_at: float = 0.0
    entry: str = ""  # crypto map entry that started it (initiator)
    dpd_misses: int = 0
    aggressive: bool = False
    psk: str | None = None  # aggressive mode: the key this end's hashes are computed with


@dataclass
class IpsecSa:
    """One negotiated SA pair for a crypto map entry, with its data-plane counters."""

    entry: str
    peer: str
    local: str
    local_net: ipaddress.IPv4Network
    remote_net: ipaddress.IPv4Network
    spi_in: int
    spi_out: int
    transform: tuple[str, ...]
    pfs: str | None
    created: float
    lifetime_sec: int
    lifetime_kb: int
    conn_in: int
    conn_out: int
    initiator: bool
    encaps: float = 0.0
    decaps: float = 0.0
    replay_failed: float = 0.0
    send_errors: int = 0
    recv_errors: int = 0


@dataclass
class FlowCounters:
    """Counters that outlive SAs: per entry, what ``show crypto ipsec sa`` keeps."""

    encaps: float = 0.0
    decaps: float = 0.0
    replay_failed: float = 0.0
    send_errors: int = 0
    no_sa: float = 0.0


@dataclass
class CryptoState:
    isakmp: list[IkeSa] = field(default_factory=list)
    ipsec: dict[str, IpsecSa] = field(default_factory=dict)  # entry key -> SA pair
    counters: dict[str, FlowCounters] = field(default_factory=dict)
    next_conn: int = 1001
    next_ipsec_conn: int = 2001
    last_log: dict[str, float] = field(default_factory=dict)
    pending_qm: set[str] = field(default_factory=set)
    qm_attempts: dict[str, int] = field(default_factory=dict)


def state_of(device: Device) -> CryptoState:
    state = device.extras.get("crypto")
    if not isinstance(state, CryptoState):
        state = CryptoState()
        device.extras["crypto"] = state
    return state


def engine_of(device: Device) -> CryptoEngine:
    engine = device.extras.get("crypto_engine")
    assert isinstance(engine, CryptoEngine)
    return engine


SYNC_GRAIN_S = 0.25  # lab seconds


class CryptoEngine:
    """IKE/IPsec for the whole fleet (a ``lab.fleet.Subsystem``)."""

    def __init__(self, fleet: Fleet, traffic_sources: set[str]) -> None:
        self.fleet = fleet
        self.clock = fleet.clock
        self.network: Network = fleet.network
        self.devices = fleet.devices
        self.traffic_sources = traffic_sources
        self.rng = random.Random(fleet.scenario.seed)
        self._synced_at = 0.0
        for device in self.devices.values():
            device.extras["crypto_engine"] = self
            state_of(device)

    # -- Subsystem -------------------------------------------------------------------------
    def start(self) -> None:
        self._synced_at = self.clock.now()
        self.clock.call_later(0.0, self._pulse)
        self.clock.call_later(10.0, self._dpd_round)
        # A scenario's SA_DESYNC needs SAs to lose: apply it once the tunnels are up.
        self.clock.call_later(20.0, self._apply_desync)

    def faults_changed(self) -> None:
        self.sync()
        self._apply_desync()

    def _apply_desync(self) -> None:
        for fault in self.network.faults:
            if fault.kind is FaultKind.SA_DESYNC and fault.router in self.devices:
                self._desync(self.devices[fault.router], fault.peer)

    # -- helpers ---------------------------------------------------------------------------
    def config(self, device: Device) -> CryptoConfig:
        return device.memo("crypto", None, lambda: read_crypto_config(device.running))

    def debug(self, device: Device, kind: str, peer: str | None, text: str) -> None:
        """A debug line, if ``debug crypto <kind>`` is on and the peer condition matches."""
        if kind not in device.debugs:
            return
        conds = [c.split()[-1] for c in device.debug_conditions]
        if conds and peer not in conds:
            return
        device.log(text)

    def _ike(self, device: Device, sa: IkeSa | None, text: str, peer: str | None = None) -> None:
        cid = sa.conn_id if sa else 0
        prefix = "ISAKMP-ERROR" if text.startswith("!") else "ISAKMP"
        self.debug(
            device,
            "isakmp",
            peer or (sa.peer if sa else None),
            f"{prefix}: ({cid}):{text.lstrip('!')}",
        )

    def _limited(self, device: Device, key: str, message: str) -> None:
        state = state_of(device)
        now = self.clock.now()
        if now - state.last_log.get(key, -1e9) >= LOG_RATE_LIMIT_S:
            state.last_log[key] = now
            device.log(message)

    def find_sa(self, device: Device, peer: str) -> IkeSa | None:
        return next((s for s in state_of(device).isakmp if s.peer == peer and not s.deleted), None)

    def local_address(self, device: Device, peer: str) -> tuple[str, str] | None:
        """(interface, address) IKE uses toward ``peer``: the egress carrying a crypto map."""
        hop = resolve(device_rib(device), ipaddress.IPv4Address(peer))
        if hop is None:
            return None
        cfg = self.config(device)
        for itf in device_interfaces(device):
            if itf.name == hop[0] and itf.address is not None:
                applied = any(itf.name in ifs for ifs in cfg.map_interfaces.values())
                return (itf.name, str(itf.address)) if applied else None
        return None

    def device_at(self, address: str) -> Device | None:
        owner = self.network.owner(address)
        return owner[0] if owner else None

    def _send(self, device: Device, local: str, peer: str, deliver: object) -> bool:
        """Send one IKE packet; ``deliver(receiver)`` runs on the far end if it arrives."""
        arrived = self.network.send(device, peer, Proto.IKE, src_ip=local)
        if arrived is None or arrived.router is None:
            return False
        receiver = self.devices[arrived.router]
        assert callable(deliver)
        deliver(receiver)
        return True

    # -- phase 1: initiator ----------------------------------------------------------------
    def initiate(self, device: Device, entry: MapEntry, peer: str) -> None:
        if self.find_sa(device, peer) is not None:
            return
        src = self.local_address(device, peer)
        if src is None:
            return
        cfg = self.config(device)
        profile = entry.isakmp_profile if entry.isakmp_profile in cfg.profiles else None
        self._ike(device, None, f"SA request profile is {profile or '(NULL)'}", peer)
        self._ike(device, None, f"Created a peer struct for {peer}, peer port 500", peer)
        self._ike(device, None, "local port 500, remote port 500", peer)
        aggressive = cfg.aggressive_wanted(entry, peer)
        if aggressive and cfg.aggressive_disabled:
            # The command reference: requests made by the device are blocked too. Falling
            # back to main mode is the lab's reading of IOS's "trying Main mode" line.
            device.log(AG_MODE_DISABLED)
            aggressive = False
        if aggressive:
            self._start_aggressive(device, entry, peer, src[1])
            return
        self._ike(device, None, "Can not start Aggressive mode, trying Main mode.", peer)
        if cfg.key_for(peer) is None:
            self._ike(device, None, f"!No pre-shared key with {peer}!", peer)
            self._ike(device, None, "!No Cert or pre-shared address key. ", peer)
            self._ike(device, None, "!construct_initial_message: Can not start Main mode", peer)
            self._ike(
                device, None, "!Error while processing SA request: Failed to initialize SA", peer
            )
            return
        sa = IkeSa(peer, src[1], "I", created=self.clock.now(), entry=entry.key)
        state_of(device).isakmp.append(sa)
        self._ike(device, sa, f"found peer pre-shared key matching {peer}")
        self._ike(device, sa, "beginning Main Mode exchange")
        self._transition(device, sa, "IKE_I_MM1", "MM_NO_STATE")
        self._send_mm(device, sa, "MM1")

    def _start_aggressive(self, device: Device, entry: MapEntry, peer: str, local: str) -> None:
        """AM1: SA (one DH group), KE, nonce and our ID in the clear."""
        key = self.config(device).initiator_key(entry, peer)
        if key is None:
            # Main mode's capture (debug_iosxe_no_preshared_key_for_peer) with the AM name.
            self._ike(device, None, f"!No pre-shared key with {peer}!", peer)
            self._ike(device, None, "!No Cert or pre-shared address key. ", peer)
            self._ike(
                device, None, "!construct_initial_message: Can not start Aggressive mode", peer
            )
            return
        sa = IkeSa(
            peer,
            local,
            "I",
            state="AG_NO_STATE",
            created=self.clock.now(),
            entry=entry.key,
            aggressive=True,
            psk=key,
        )
        state_of(device).isakmp.append(sa)
        self._ike(device, sa, f"found peer pre-shared key matching {peer}")
        self._ike(
            device, sa, "SA is doing pre-shared key authentication using id type ID_IPV4_ADDR"
        )
        self._ike(device, sa, "beginning Aggressive Mode exchange")
        self._transition(device, sa, "IKE_I_AM1", "AG_NO_STATE")
        self._send_mm(device, sa, "AM1")

    def _transition(self, device: Device, sa: IkeSa, fsm: str, state: str) -> None:
        self._ike(device, sa, f"Old State = {sa.fsm}  New State = {fsm} ")
        sa.fsm, sa.state = fsm, state

    def _send_mm(self, device: Device, sa: IkeSa, msg: str) -> None:
        self._ike(
            device,
            sa,
            f"sending packet to {sa.peer} my_port 500 peer_port 500 ({sa.role}) {sa.state}",
        )
        self._arm_retransmit(device, sa, msg)
        cfg = self.config(device)
        self._send(
            device,
            sa.local,
            sa.peer,
            lambda r: self._receive(r, sa.local, msg, device, cfg, sa.psk),
        )

    def _arm_retransmit(self, device: Device, sa: IkeSa, msg: str) -> None:
        self._cancel(sa)
        if msg in ("MM6", "AM3"):  # the last message of the exchange: the peer asks again
            return
        sa.timer = self.clock.call_later(RETRANSMIT_S, lambda: self._retransmit(device, sa, msg))

    @staticmethod
    def _cancel(sa: IkeSa) -> None:
        if sa.timer is not None:
            sa.timer.cancelled = True
            sa.timer = None

    def _retransmit(self, device: Device, sa: IkeSa, msg: str) -> None:
        if sa.deleted or sa.state == "QM_IDLE":
            return
        sa.retransmits += 1
        self._ike(device, sa, f"retransmitting phase 1 {sa.state}...")
        if sa.retransmits > MAX_RETRANSMITS:
            self._ike(device, sa, "peer does not do paranoid keepalives.")
            self._delete_sa(
                device,
                sa,
                f'Death by retransmission P1" state ({sa.role}) {sa.state} (peer {sa.peer})',
            )
            return
        self._ike(
            device,
            sa,
            f"incrementing error counter on sa, attempt {sa.retransmits} of {MAX_RETRANSMITS}: retransmit phase 1",
        )
        self._ike(device, sa, f"retransmitting phase 1 {sa.state}")
        self._send_mm(device, sa, msg)

    def _delete_sa(self, device: Device, sa: IkeSa, reason: str) -> None:
        self._cancel(sa)
        self._ike(device, sa, f'deleting SA reason "{reason}')
        sa.deleted = True
        sa.deleted_at = self.clock.now()
        self.clock.call_later(PURGE_DELETED_S, lambda: self._purge(device, sa))

    def _purge(self, device: Device, sa: IkeSa) -> None:
        state = state_of(device)
        if sa in state.isakmp:
            state.isakmp.remove(sa)

    # -- phase 1: both roles ---------------------------------------------------------------
    def _receive(
        self,
        device: Device,
        peer: str,
        msg: str,
        sender: Device,
        sender_cfg: CryptoConfig,
        sender_key: str | None = None,
    ) -> None:
        sa = self.find_sa(device, peer)
        local = self.local_address(device, peer)
        if sa is not None:
            self._ike(
                device,
                sa,
                f"received packet from {peer} dport 500 sport 500 Global ({sa.role}) {sa.state}",
            )
        if msg == "MM1":
            self._on_mm1(device, peer, sa, local, sender_cfg)
        elif msg == "AM1":
            self._on_am1(device, peer, sa, local, sender_cfg, sender_key)
        elif sa is None:
            device.log(
                f"%CRYPTO-4-IKMP_NO_SA: IKE message from {peer} has no SA and is not an initialization offer"
            )
        elif msg == "MM2" and sa.role == "I" and sa.state == "MM_NO_STATE":
            self._transition(device, sa, "IKE_I_MM2", "MM_SA_SETUP")
            self._transition(device, sa, "IKE_I_MM3", "MM_SA_SETUP")
            self._send_mm(device, sa, "MM3")
        elif msg == "MM3" and sa.role == "R" and sa.state == "MM_SA_SETUP":
            self._assign_conn(device, sa)
            self._transition(device, sa, "IKE_R_MM3", "MM_KEY_EXCH")
            self._transition(device, sa, "IKE_R_MM4", "MM_KEY_EXCH")
            self._send_mm(device, sa, "MM4")
        elif msg == "MM4" and sa.role == "I" and sa.state == "MM_SA_SETUP":
            self._assign_conn(device, sa)
            self._transition(device, sa, "IKE_I_MM4", "MM_KEY_EXCH")
            self._ike(device, sa, f"found peer pre-shared key matching {peer}")
            self._ike(
                device, sa, "SA is doing pre-shared key authentication using id type ID_IPV4_ADDR"
            )
            self._transition(device, sa, "IKE_I_MM5", "MM_KEY_EXCH")
            self._send_mm(device, sa, "MM5")
        elif msg == "MM5" and sa.role == "R" and sa.state in ("MM_KEY_EXCH", "QM_IDLE"):
            self._on_mm5(device, sa, sender_cfg, sender)
        elif msg == "MM6" and sa.role == "I" and sa.state == "MM_KEY_EXCH":
            self._cancel(sa)
            self._ike(device, sa, "SA authentication status:\n\tauthenticated")
            self._ike(device, sa, f"SA has been authenticated with {peer}")
            self._transition(device, sa, "IKE_P1_COMPLETE", "QM_IDLE")
            entry = next((e for e in self.config(device).entries if e.key == sa.entry), None)
            if entry is not None:
                self.quick_mode(device, entry, peer)
        elif msg in ("MM1", "MM3", "MM5") and sa.state != "QM_IDLE":
            self._duplicate(device, sa)
        elif msg == "AM2" and sa.role == "I" and sa.state in ("AG_NO_STATE", "AG_INIT_EXCH"):
            self._on_am2(device, sa, sender_key)
        elif msg == "AM2" and sa.role == "I" and sa.state == "QM_IDLE":
            self._send_mm(device, sa, "AM3")  # our AM3 was lost: the responder resent AM2
        elif msg == "AM3" and sa.role == "R" and sa.state == "AG_INIT_EXCH":
            self._on_am3(device, sa, sender_key)

    def _assign_conn(self, device: Device, sa: IkeSa) -> None:
        state = state_of(device)
        sa.conn_id = state.next_conn
        state.next_conn += 1

    def _duplicate(self, device: Device, sa: IkeSa) -> None:
        self._ike(device, sa, "phase 1 packet is a duplicate of a previous packet.")
        self._ike(device, sa, "retransmitting due to retransmit phase 1")
        self._ike(device, sa, f"retransmitting phase 1 {sa.state}...")
        reply = (AM_REPLIES if sa.aggressive else MM_REPLIES).get(sa.state)
        if reply is not None:
            cfg = self.config(device)
            self._send(
                device,
                sa.local,
                sa.peer,
                lambda r: self._receive(r, sa.local, reply, device, cfg, sa.psk),
            )

    def _first_message(self, device: Device, peer: str, sa: IkeSa | None) -> bool:
        """MM1 / AM1 from ``peer``: a resend of one this responder answered, a collision with
        its own exchange, or a new SA to consider (True; the caller then needs a crypto map
        toward the peer, else IOS ignores the offer)."""
        if sa is not None and sa.role == "R":
            self._duplicate(device, sa)
            return False
        if sa is not None:  # both initiated at once: IOS keeps its own exchange
            return False
        self._ike(
            device, None, f"received packet from {peer} dport 500 sport 500 Global (N) NEW SA", peer
        )
        return True

    def _on_mm1(
        self,
        device: Device,
        peer: str,
        sa: IkeSa | None,
        local: tuple[str, str] | None,
        sender_cfg: CryptoConfig,
    ) -> None:
        if not self._first_message(device, peer, sa) or local is None:
            return
        cfg = self.config(device)
        self._ike(device, None, f"Created a peer struct for {peer}, peer port 500", peer)
        if cfg.key_for(peer) is None:
            self._ike(device, None, f"!No pre-shared key with {peer}!", peer)
            device.log(
                f"%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Main mode failed with peer at {peer}"
            )
            return
        self._ike(device, None, f"found peer pre-shared key matching {peer}", peer)
        chosen = self._choose_policy(device, peer, sender_cfg.policies, cfg.policies)
        if chosen is None:
            self._ike(
                device,
                None,
                f"!phase 1 SA policy not acceptable! (local {local[1]} remote {peer})",
                peer,
            )
            self._ike(device, None, "Sending NOTIFY NO_PROPOSAL_CHOSEN protocol 1", peer)
            device.log(
                f"%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Main mode failed with peer at {peer}"
            )
            return
        sa = IkeSa(peer, local[1], "R", created=self.clock.now(), policy=chosen)
        state_of(device).isakmp.append(sa)
        self._transition(device, sa, "IKE_R_MM1", "MM_NO_STATE")
        self._transition(device, sa, "IKE_R_MM2", "MM_SA_SETUP")
        self._send_mm(device, sa, "MM2")

    # -- aggressive mode -------------------------------------------------------------------
    def _on_am1(
        self,
        device: Device,
        peer: str,
        sa: IkeSa | None,
        local: tuple[str, str] | None,
        sender_cfg: CryptoConfig,
        initiator_key: str | None,
    ) -> None:
        if not self._first_message(device, peer, sa) or local is None:
            return
        cfg = self.config(device)
        if cfg.aggressive_disabled:
            device.log(AG_MODE_DISABLED)
            return
        self._ike(device, None, f"Created a peer struct for {peer}, peer port 500", peer)
        key = cfg.key_for(peer)
        if key is None:
            self._ike(device, None, f"!No pre-shared key with {peer}!", peer)
            self._am_failed(device, peer)
            return
        self._ike(device, None, f"found peer pre-shared key matching {peer}", peer)
        self._ike(device, None, "processing SA payload. message ID = 0", peer)
        chosen = self._choose_policy(device, peer, _one_group(sender_cfg.policies), cfg.policies)
        if chosen is None:
            self._ike(
                device,
                None,
                f"!phase 1 SA policy not acceptable! (local {local[1]} remote {peer})",
                peer,
            )
            self._ike(device, None, "Sending NOTIFY NO_PROPOSAL_CHOSEN protocol 1", peer)
            self._am_failed(device, peer)
            return
        sa = IkeSa(
            peer,
            local[1],
            "R",
            state="AG_NO_STATE",
            created=self.clock.now(),
            policy=chosen,
            aggressive=True,
            psk=key,
        )
        state_of(device).isakmp.append(sa)
        self._transition(device, sa, "IKE_R_AM1", "AG_NO_STATE")
        for payload in ("KE", "NONCE", "ID"):
            self._ike(device, sa, f"processing {payload} payload. message ID = 0")
        self._assign_conn(device, sa)  # DH done: the SA gets its conn-id, as at MM3
        self._ike(
            device, sa, "SA is doing pre-shared key authentication using id type ID_IPV4_ADDR"
        )
        self._transition(device, sa, "IKE_R_AM2", "AG_INIT_EXCH")
        self._send_mm(device, sa, "AM2")

    def _on_am2(self, device: Device, sa: IkeSa, responder_key: str | None) -> None:
        if sa.state == "AG_NO_STATE":
            for payload in ("SA", "KE", "NONCE"):
                self._ike(device, sa, f"processing {payload} payload. message ID = 0")
            self._ike(device, sa, "atts are acceptable. Next payload is 3")
            self._assign_conn(device, sa)
            self._transition(device, sa, "IKE_I_AM2", "AG_INIT_EXCH")
        self._ike(device, sa, "processing ID payload. message ID = 0")
        self._ike(device, sa, "processing HASH payload. message ID = 0")
        if responder_key != sa.psk:
            # HASH_R was computed with the responder's key. AM2 travels in the clear, so the
            # initiator (not the responder, as in main mode) is the end that finds the mismatch.
            # It drops AM2 and keeps resending AM1 until "Death by retransmission".
            self._am_hash_failed(device, sa)
            return
        self._ike(device, sa, "SA authentication status:\n\tauthenticated")
        self._ike(device, sa, f"SA has been authenticated with {sa.peer}")
        sa.state = "AG_AUTH"
        self._send_mm(device, sa, "AM3")
        self._transition(device, sa, "IKE_P1_COMPLETE", "QM_IDLE")
        entry = next((e for e in self.config(device).entries if e.key == sa.entry), None)
        if entry is not None:
            self.quick_mode(device, entry, sa.peer)

    def _on_am3(self, device: Device, sa: IkeSa, initiator_key: str | None) -> None:
        self._ike(device, sa, "processing HASH payload. message ID = 0")
        if initiator_key != sa.psk:
            self._am_hash_failed(device, sa)
            return
        self._cancel(sa)
        self._ike(device, sa, "SA authentication status:\n\tauthenticated")
        self._ike(device, sa, f"SA has been authenticated with {sa.peer}")
        self._transition(device, sa, "IKE_P1_COMPLETE", "QM_IDLE")

    def _am_hash_failed(self, device: Device, sa: IkeSa) -> None:
        # No capture: the debug line is the lab's wording; the syslog is the documented
        # IKMP_MODE_FAILURE message (field guide §4.2 row 3) with the aggressive mode name.
        self._ike(device, sa, f"!Hash payload verification failed with peer {sa.peer}")
        self._am_failed(device, sa.peer)

    def _am_failed(self, device: Device, peer: str) -> None:
        device.log(
            f"%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Aggressive mode failed with peer at {peer}"
        )

    def _choose_policy(
        self,
        device: Device,
        peer: str,
        offered: tuple[IsakmpPolicy, ...],
        mine: tuple[IsakmpPolicy, ...],
    ) -> IsakmpPolicy | None:
        for i, offer in enumerate(offered, start=1):
            for policy in mine:
                self._ike(
                    device,
                    None,
                    f"Checking ISAKMP transform {i} against priority {policy.priority} policy",
                    peer,
                )
                self._ike(device, None, f"      encryption {offer.encr.upper()}", peer)
                self._ike(device, None, f"      hash {offer.hash.upper()}", peer)
                self._ike(device, None, f"      default group {offer.group}", peer)
                self._ike(device, None, f"      auth {offer.auth}", peer)
                reason = policy.matches(offer)
                if reason is None:
                    self._ike(device, None, "atts are acceptable. Next payload is 3", peer)
                    return policy
                self._ike(device, None, reason, peer)
                self._ike(device, None, "atts are not acceptable. Next payload is 3", peer)
        return None

    def _on_mm5(self, device: Device, sa: IkeSa, sender_cfg: CryptoConfig, sender: Device) -> None:
        if sa.state == "QM_IDLE":
            self._duplicate(device, sa)
            return
        theirs = sender_cfg.key_for(sa.local)
        mine = self.config(device).key_for(sa.peer)
        if theirs != mine:
            # The responder decrypts MSG5 with its own key and reads garbage.
            self._ike(device, sa, "!reserved not zero on ID payload!")
            device.log(
                f"%CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from {sa.peer} failed its sanity check or is malformed"
            )
            return
        self._ike(device, sa, "SA authentication status:\n\tauthenticated")
        self._ike(device, sa, f"SA has been authenticated with {sa.peer}")
        self._transition(device, sa, "IKE_R_MM5", "MM_KEY_EXCH")
        # QM_IDLE before MSG6 leaves: the initiator starts quick mode as soon as it arrives.
        self._transition(device, sa, "IKE_P1_COMPLETE", "QM_IDLE")
        self._cancel(sa)
        self._send_mm(device, sa, "MM6")

    # -- phase 2 ---------------------------------------------------------------------------
    def _spi(self) -> int:
        return self.rng.randrange(0x10000000, 0xFFFFFFFF)

    def quick_mode(self, device: Device, entry: MapEntry, peer: str) -> None:
        sa = self.find_sa(device, peer)
        state = state_of(device)
        if sa is None or sa.state != "QM_IDLE" or entry.key in state.ipsec:
            return
        cfg = self.config(device)
        aces = cfg.permits(entry.acl)
        if not aces:
            return
        offered = tuple(
            cfg.transform_sets[t] for t in entry.transform_sets if t in cfg.transform_sets
        )
        mid = self.rng.randrange(10**8, 2 * 10**9)
        spi = self._spi()
        state.qm_attempts[entry.key] = int(self.clock.now())
        self._ike(device, sa, f"beginning Quick Mode exchange, M-ID of {mid}")
        self._ipsec(
            device,
            peer,
            f"IPSEC(sa_request): ,\n  (key eng. msg.) OUTBOUND local= {sa.local}:0, remote= {peer}:0,\n    local_proxy= {_proxy(aces[0].src)},\n    remote_proxy= {_proxy(aces[0].dst)}",
        )
        self._ike(
            device, sa, f"sending packet to {peer} my_port 500 peer_port 500 (I) QM_IDLE      "
        )
        self._send(
            device,
            sa.local,
            peer,
            lambda r: self._on_qm1(r, sa.local, device, entry, aces[0], offered, spi, mid),
        )

    def _ipsec(self, device: Device, peer: str | None, text: str) -> None:
        self.debug(device, "ipsec", peer, text)

    def _on_qm1(
        self,
        device: Device,
        peer: str,
        initiator: Device,
        their_entry: MapEntry,
        ace: Ace,
        offered: tuple[tuple[str, ...], ...],
        spi_i: int,
        mid: int,
    ) -> None:
        sa = self.find_sa(device, peer)
        if sa is None or sa.state != "QM_IDLE":
            device.log(
                f"%CRYPTO-4-IKMP_NO_SA: IKE message from {peer} has no SA and is not an initialization offer"
            )
            return
        self._ike(
            device, sa, f"received packet from {peer} dport 500 sport 500 Global (R) QM_IDLE      "
        )
        self._ike(device, sa, f"processing HASH payload. message ID = {mid}")
        self._ike(device, sa, f"processing SA payload. message ID = {mid}")
        self._ike(device, sa, "Checking IPSec proposal 1")
        cfg = self.config(device)
        candidates = [e for e in cfg.entries if peer in e.peers]
        mirrored = [
            e
            for e in candidates
            if any(a.src == ace.dst and a.dst == ace.src for a in cfg.permits(e.acl))
        ]
        reason = None
        chosen: MapEntry | None = None
        transform: tuple[str, ...] = ()
        if not mirrored:
            self._ike(device, sa, "atts are acceptable.")
            self._ipsec(
                device, peer, "IPSEC(validate_transform_proposal): proxy identities not supported"
            )
            reason = 32
        else:
            chosen = mirrored[0]
            mine = [cfg.transform_sets[t] for t in chosen.transform_sets if t in cfg.transform_sets]
            common = [t for t in offered if t in mine]
            for t in offered:
                self._ike(device, sa, f"transform 1, {t[0].upper().replace('-', '_')} ")
            if not common or chosen.pfs != their_entry.pfs:
                self._ike(device, sa, "atts are not acceptable.")
                what = "{" + " ".join(offered[0] if offered else ()) + "}"
                self._ipsec(
                    device,
                    peer,
                    f"IPSEC(ipsec_process_proposal): transform proposal not supported for identity: {what}",
                )
                reason = 256
            else:
                self._ike(device, sa, "atts are acceptable.")
                transform = common[0]
        if reason is not None or chosen is None:
            local = sa.local
            self._ike(device, sa, f"!IPSec policy invalidated proposal with error {reason}")
            self._ike(
                device, sa, f"!phase 2 SA policy not acceptable! (local {local} remote {peer})"
            )
            self._ike(device, sa, "Sending NOTIFY PROPOSAL_NOT_CHOSEN protocol 3")
            self._ike(device, sa, f'!deleting node {mid} error TRUE reason "QM rejected"')
            self._send(device, sa.local, peer, lambda r: self._on_qm_rejected(r, sa.local, mid))
            return
        spi_r = self._spi()
        self._install(
            device, chosen, sa, ace.dst, ace.src, spi_r, spi_i, transform, initiator=False
        )
        self._send(
            device,
            sa.local,
            peer,
            lambda r: self._on_qm2(r, sa.local, their_entry, ace, spi_i, spi_r, transform),
        )

    def _on_qm_rejected(self, device: Device, peer: str, mid: int) -> None:
        sa = self.find_sa(device, peer)
        self._ike(device, sa, "processing NOTIFY PROPOSAL_NOT_CHOSEN protocol 3", peer)
        self._ike(device, sa, f'!deleting node {mid} error TRUE reason "Delete Larval"', peer)

    def _on_qm2(
        self,
        device: Device,
        peer: str,
        entry: MapEntry,
        ace: Ace,
        spi_in: int,
        spi_out: int,
        transform: tuple[str, ...],
    ) -> None:
        sa = self.find_sa(device, peer)
        if sa is None:
            return
        self._ike(device, sa, "Old State = IKE_QM_I_QM1  New State = IKE_QM_PHASE2_COMPLETE")
        self._install(
            device, entry, sa, ace.src, ace.dst, spi_in, spi_out, transform, initiator=True
        )

    def _install(
        self,
        device: Device,
        entry: MapEntry,
        sa: IkeSa,
        local_net: ipaddress.IPv4Network,
        remote_net: ipaddress.IPv4Network,
        spi_in: int,
        spi_out: int,
        transform: tuple[str, ...],
        initiator: bool,
    ) -> None:
        state = state_of(device)
        conn = state.next_ipsec_conn
        state.next_ipsec_conn += 2
        state.ipsec[entry.key] = IpsecSa(
            entry.key,
            sa.peer,
            sa.local,
            local_net,
            remote_net,
            spi_in,
            spi_out,
            transform,
            entry.pfs,
            self.clock.now(),
            entry.lifetime_sec,
            entry.lifetime_kb,
            conn,
            conn + 1,
            initiator,
        )
        state.counters.setdefault(entry.key, FlowCounters())
        for direction, spi in (("INBOUND", spi_in), ("OUTBOUND", spi_out)):
            self._ipsec(
                device,
                sa.peer,
                f"IPSEC(create_sa): sa created,\n  (sa) sa_dest= {sa.local if direction == 'INBOUND' else sa.peer}, sa_proto= 50, \n    sa_spi= 0x{spi:X}({spi}), \n    sa_trans= {' '.join(transform)} , sa_conn_id= {conn}",
            )
        if device.running.has_line("crypto logging session"):
            device.log(
                f"%CRYPTO-5-SESSION_STATUS: Crypto tunnel v2 is UP.  Peer {sa.peer}:500       Id: {sa.peer}"
            )

    # -- traffic and timers ----------------------------------------------------------------
    def _pulse(self) -> None:
        self.sync()
        now = self.clock.now()
        for name in sorted(self.traffic_sources):
            device = self.devices.get(name)
            if device is not None:
                self._drive(device, now)
        for device in self.devices.values():
            self._expire(device, now)
        self.clock.call_later(PULSE_S, self._pulse)

    def _drive(self, device: Device, now: float) -> None:
        """Interesting traffic from this router's LAN: start IKE where no SA carries it."""
        cfg = self.config(device)
        state = state_of(device)
        for entry in cfg.entries:
            aces = cfg.permits(entry.acl)
            if not aces or not entry.peers or entry.key in state.ipsec:
                continue
            if not self.interesting(device, _host(aces[0].dst), entry.map_name):
                continue
            peer = entry.peers[0]
            sa = self.find_sa(device, peer)
            if sa is None:
                self.initiate(device, entry, peer)
            elif (
                sa.state == "QM_IDLE"
                and now - state.qm_attempts.get(entry.key, -1e9) >= RETRANSMIT_S
            ):
                self.quick_mode(device, entry, peer)

    def interesting(self, device: Device, dst: str, map_name: str) -> bool:
        """Is traffic to ``dst`` routed out of an interface carrying crypto map ``map_name``?"""
        hop = resolve(device_rib(device), ipaddress.IPv4Address(dst))
        if hop is None:
            return False
        return hop[0] in self.config(device).map_interfaces.get(map_name, ())

    def _expire(self, device: Device, now: float) -> None:
        state = state_of(device)
        for key, sa in list(state.ipsec.items()):
            age = now - sa.created
            if age >= sa.lifetime_sec - (60 if sa.initiator else 0):
                del state.ipsec[key]  # rekey: the next pulse negotiates fresh SAs
        for ike in list(state.isakmp):
            lifetime = ike.policy.lifetime if ike.policy else 86400
            if not ike.deleted and ike.state == "QM_IDLE" and now - ike.created >= lifetime:
                self._delete_sa(
                    device, ike, f'Lifetime Expired" state ({ike.role}) QM_IDLE (peer {ike.peer})'
                )

    def sync(self) -> None:
        """Bring data-plane counters up to now (traffic is integrated, not simulated per packet)."""
        now = self.clock.now()
        dt = now - self._synced_at
        # Every show command syncs the whole fleet; under a burst of sessions (a hub with
        # hundreds of spokes) reads a quarter of a lab second apart share one sync.
        if dt < SYNC_GRAIN_S:
            return
        self._synced_at = now
        for name in sorted(self.traffic_sources):
            device = self.devices.get(name)
            if device is not None:
                self._flow(device, dt)

    def _flow(self, device: Device, dt: float) -> None:
        cfg = self.config(device)
        state = state_of(device)
        for entry in cfg.entries:
            aces = cfg.permits(entry.acl)
            sa = state.ipsec.get(entry.key)
            if not aces or not self.interesting(device, _host(aces[0].dst), entry.map_name):
                continue
            counters = state.counters.setdefault(entry.key, FlowCounters())
            sent = TRAFFIC_PPS * dt
            if sa is None:
                counters.no_sa += sent
                continue
            self._round_trip(device, sa, aces[0], sent)

    def _round_trip(self, device: Device, sa: IpsecSa, ace: Ace, packets: float) -> float:
        """Send ``packets`` into the tunnel; how many replies came back decrypted."""
        sa.encaps += packets
        state_of(device).counters.setdefault(sa.entry, FlowCounters()).encaps += packets
        got = self._esp(device, sa, packets)
        if got is None:
            return 0.0
        peer_dev, psa, arrived = got
        # The far end answers only if its route back to our LAN leads into the tunnel.
        if arrived <= 0 or not self.interesting(peer_dev, _host(ace.src), psa.entry.split()[0]):
            return 0.0
        psa.encaps += arrived
        state_of(peer_dev).counters.setdefault(psa.entry, FlowCounters()).encaps += arrived
        back = self._esp(peer_dev, psa, arrived)
        return back[2] if back else 0.0

    def _esp(
        self, device: Device, sa: IpsecSa, packets: float
    ) -> tuple[Device, IpsecSa, float] | None:
        """Carry ``packets`` ESP packets to the peer; the peer's SA and what it decapsulated."""
        delivery = self.network.send(device, sa.peer, Proto.ESP, src_ip=sa.local)
        peer_dev = self.device_at(sa.peer)
        if delivery is None or peer_dev is None:
            return None
        ratio = 1.0
        for fault in self.network.faults:
            if fault.kind is FaultKind.LOSS and fault.drops(
                Proto.ESP, device.name, peer_dev.name, sa.peer
            ):
                ratio *= 1 - fault.percent / 100
        psa = next((p for p in state_of(peer_dev).ipsec.values() if p.spi_in == sa.spi_out), None)
        if psa is None:
            itf = delivery.interface or "?"
            self._limited(
                peer_dev,
                f"invspi-{sa.spi_out}",
                f"%CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for "
                f"destaddr={sa.peer}, prot=50, spi=0x{sa.spi_out:X}({sa.spi_out}), srcaddr={sa.local}, "
                f"input interface={itf}",
            )
            if self.config(peer_dev).invalid_spi_recovery:
                state_of(device).ipsec.pop(sa.entry, None)  # the peer tells us; we renegotiate
            return None
        arrived = packets * ratio
        if self.network.has_fault(FaultKind.REORDER, peer_dev.name):
            dropped = arrived * 0.1
            psa.replay_failed += dropped
            state_of(peer_dev).counters.setdefault(
                psa.entry, FlowCounters()
            ).replay_failed += dropped
            arrived -= dropped
            self._limited(
                peer_dev,
                f"replay-{psa.conn_in}",
                f"%CRYPTO-4-PKT_REPLAY_ERR: decrypt: replay check failed connection id={psa.conn_in}",
            )
        psa.decaps += arrived
        state_of(peer_dev).counters.setdefault(psa.entry, FlowCounters()).decaps += arrived
        return peer_dev, psa, arrived

    def _dpd_round(self) -> None:
        for device in self.devices.values():
            cfg = self.config(device)
            if cfg.keepalive is None:
                continue
            for sa in list(state_of(device).isakmp):
                if sa.deleted or sa.state != "QM_IDLE":
                    continue
                ok = self._send(
                    device, sa.local, sa.peer, lambda r, sa=sa: self._dpd_answer(r, sa.local)
                )
                answered = ok and self._has_partner(sa)
                sa.dpd_misses = 0 if answered else sa.dpd_misses + 1
                if sa.dpd_misses >= 2:
                    self._ike(device, sa, "DPD/R_U_THERE DPD retransmit exceeded")
                    self.clear_peer(device, sa.peer, notify=False)
        self.clock.call_later(10.0, self._dpd_round)

    def _dpd_answer(self, device: Device, peer: str) -> None:
        if self.find_sa(device, peer) is None:
            device.log(
                f"%CRYPTO-4-IKMP_NO_SA: IKE message from {peer} has no SA and is not an initialization offer"
            )

    def _has_partner(self, sa: IkeSa) -> bool:
        peer_dev = self.device_at(sa.peer)
        if peer_dev is None:
            return False
        partner = self.find_sa(peer_dev, sa.local)
        if partner is None:
            return False
        back = self.network.send(peer_dev, sa.local, Proto.IKE, src_ip=sa.peer)
        return back is not None

    # -- operator actions ------------------------------------------------------------------
    def clear_ipsec(self, device: Device, peer: str | None = None, notify: bool = True) -> None:
        self.sync()
        state = state_of(device)
        for key, sa in list(state.ipsec.items()):
            if peer is None or sa.peer == peer:
                del state.ipsec[key]
                peer_dev = self.device_at(sa.peer)
                if notify and peer_dev is not None and self.find_sa(device, sa.peer):
                    sent = self.network.send(device, sa.peer, Proto.IKE, src_ip=sa.local)
                    if sent is not None:
                        pstate = state_of(peer_dev)
                        for pkey, psa in list(pstate.ipsec.items()):
                            if psa.spi_in == sa.spi_out:
                                del pstate.ipsec[pkey]

    def clear_peer(self, device: Device, peer: str, notify: bool = True) -> None:
        self.clear_ipsec(device, peer, notify)
        for sa in list(state_of(device).isakmp):
            if sa.peer == peer and not sa.deleted:
                self._delete_sa(
                    device, sa, f'Manually deleted" state ({sa.role}) {sa.state} (peer {peer})'
                )

    def clear_isakmp(self, device: Device) -> None:
        for sa in list(state_of(device).isakmp):
            if not sa.deleted:
                self._delete_sa(
                    device, sa, f'Manually deleted" state ({sa.role}) {sa.state} (peer {sa.peer})'
                )

    def _desync(self, device: Device, peer_router: str) -> None:
        """Lose the IPsec SAs with ``peer_router`` without telling it (a reboot, a lost delete)."""
        peer_dev = self.devices.get(peer_router)
        addresses = {str(i.address) for i in interfaces(peer_dev.running)} if peer_dev else set()
        state = state_of(device)
        for key, sa in list(state.ipsec.items()):
            if sa.peer in addresses:
                del state.ipsec[key]

    def ping_through(self, device: Device, dst: str, count: int) -> str:
        """Results of ``count`` echoes from a LAN source that crypto encrypts: ``!`` or ``.``."""
        self.sync()
        cfg = self.config(device)
        for entry in cfg.entries:
            aces = [a for a in cfg.permits(entry.acl) if ipaddress.IPv4Address(dst) in a.dst]
            if not aces or not self.interesting(device, dst, entry.map_name):
                continue
            state = state_of(device)
            marks = ""
            if entry.key not in state.ipsec:
                self._drive(device, self.clock.now())
                marks = "."
            sa = state.ipsec.get(entry.key)
            if sa is None:
                return "." * count
            n = count - len(marks)
            ok = round(self._round_trip(device, sa, aces[0], n))
            return marks + "!" * ok + "." * (n - ok)
        return ""


def _one_group(policies: tuple[IsakmpPolicy, ...]) -> tuple[IsakmpPolicy, ...]:
    """AM1 carries one KE payload, so it offers only the policies of the first one's DH group."""
    return tuple(p for p in policies if p.group == policies[0].group) if policies else ()


def _host(net: ipaddress.IPv4Network) -> str:
    return str(net.network_address + 1) if net.num_addresses > 2 else str(net.network_address)


def _proxy(net: ipaddress.IPv4Network) -> str:
    return f"{net.network_address}/{net.netmask}/256/0"
