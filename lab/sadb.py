"""One router's security-association database: IKE SAs, IPsec SA pairs, flow counters.

The crypto engines (``lab.crypto``) write it; ``show crypto ...`` reads it. It is plain data
held by the router (``Device.crypto``), so the show commands never need the engine.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from enum import StrEnum

from lab.clock import Timer
from lab.cryptocfg import IsakmpPolicy


class P1State(StrEnum):
    """An IKEv1 SA's state as ``show crypto isakmp sa`` prints it (Cisco's state names)."""

    MM_NO_STATE = "MM_NO_STATE"  # main mode: MM1 sent or received
    MM_SA_SETUP = "MM_SA_SETUP"  # policies agreed (MM2)
    MM_KEY_EXCH = "MM_KEY_EXCH"  # DH done, authentication pending (MM3/MM4)
    QM_IDLE = "QM_IDLE"  # phase 1 complete: quick mode may run
    AG_NO_STATE = "AG_NO_STATE"  # aggressive mode: AM1 sent or received
    AG_INIT_EXCH = "AG_INIT_EXCH"  # AM2 sent or received
    AG_AUTH = "AG_AUTH"  # HASH_R verified, AM3 leaving


@dataclass
class IkeSa:
    """An IKEv1 (ISAKMP) SA as ``show crypto isakmp sa`` lists it, with its exchange state."""

    peer: str
    local: str
    role: str  # "I" or "R"
    state: P1State = P1State.MM_NO_STATE
    fsm: str = "IKE_READY"
    conn_id: int = 0
    created: float = 0.0
    retransmits: int = 0
    timer: Timer | None = None
    policy: IsakmpPolicy | None = None
    deleted: bool = False
    entry: str = ""  # crypto map entry that started it (initiator)
    dpd_misses: int = 0
    aggressive: bool = False
    psk: str | None = None  # aggressive mode: the key this end's hashes are computed with


class V2Status(StrEnum):
    """An IKEv2 SA's status as ``show crypto ikev2 sa`` prints it."""

    IN_NEG = "IN-NEG"  # IKE_SA_INIT or IKE_AUTH under way
    READY = "READY"  # authenticated, the first child SA installed
    DELETE = "DELETE"  # being torn down


@dataclass
class Ikev2Sa:
    """An IKEv2 SA as ``show crypto ikev2 sa`` lists it, with its exchange state."""

    peer: str
    local: str
    role: str  # "I" or "R"
    entry: str  # the VTI's entry key ("Tunnel21-head-0 1")
    tunnel_id: int
    session_id: int
    spi_i: str  # 16 hex digits
    spi_r: str = "0000000000000000"
    status: V2Status = V2Status.IN_NEG
    exchange: str = "IKE_SA_INIT"  # the exchange waiting for its response
    created: float = 0.0
    ready_at: float = 0.0
    retransmits: int = 0
    timer: Timer | None = None
    chosen: tuple[str, str, int] = ("", "", 0)  # encryption, integrity, DH group
    profile: str | None = None
    lifetime: int = 86400
    dpd: tuple[int, int] | None = None
    dpd_misses: int = 0
    last_dpd: float = 0.0
    deleted: bool = False
    msg_id: int = 0  # the next request's message id
    child_spi: int = 0  # the initiator's inbound ESP SPI, offered in IKE_AUTH
    port: int = 500  # 4500 once a NAT was detected (both ends float to it)
    nat: str = ""  # "inside": this end is behind the NAT; "outside": the peer is
    remote_id: str = ""  # the identity the peer sent in IKE_AUTH (its own address)
    auth: tuple[str, ...] = ("PSK", "PSK")  # Auth sign, Auth verify: "PSK" or "RSA"


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
    udp_encaps: bool = False  # ESP in UDP 4500 (NAT-T)


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
    ikev2: list[Ikev2Sa] = field(default_factory=list)
    ipsec: dict[str, IpsecSa] = field(default_factory=dict)  # entry key -> SA pair
    counters: dict[str, FlowCounters] = field(default_factory=dict)
    next_conn: int = 1001
    next_ipsec_conn: int = 2001
    next_ikev2: int = 1  # IKEv2 tunnel ids and session ids count from 1 on IOS-XE
    last_log: dict[str, float] = field(default_factory=dict)
    qm_attempts: dict[str, int] = field(default_factory=dict)
    v2_attempts: dict[str, float] = field(default_factory=dict)  # VTI entry -> last IKE_SA_INIT
    # show crypto ikev2 stats exchange: (exchange or notify, "TX(REQ)"...) -> count
    v2_stats: dict[tuple[str, str], int] = field(default_factory=dict)
    v2_other: dict[str, int] = field(default_factory=dict)  # OTHER COUNTERS: NO_NAT, NAT_INSIDE
    admin_down: set[str] = field(default_factory=set)  # tunnel interfaces seen shut down

    def count_v2(self, name: str, column: str) -> None:
        self.v2_stats[(name, column)] = self.v2_stats.get((name, column), 0) + 1

    def find_sa(self, peer: str) -> IkeSa | None:
        """The live (not deleted) IKE SA with ``peer``."""
        return next((s for s in self.isakmp if s.peer == peer and not s.deleted), None)

    def find_v2(self, peer: str) -> Ikev2Sa | None:
        """The live IKEv2 SA with ``peer``."""
        return next((s for s in self.ikev2 if s.peer == peer and not s.deleted), None)

    def counters_of(self, entry: str) -> FlowCounters:
        return self.counters.setdefault(entry, FlowCounters())
