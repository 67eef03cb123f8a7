"""IPsec (phase 2) state as shown by ``show crypto ipsec sa`` on IOS, IOS-XE and ASA.

One ``IpsecFlow`` is one proxy-identity pair (``local ident`` / ``remote ident``) with its
counters and its SAs; the interface and crypto map it hangs off are repeated on every flow so
that checks can iterate over a flat list. A counter the device did not print is ``None``
(``detail`` adds the error counters; ASA prints other ones).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class SaDirection(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class SaProtocol(StrEnum):
    ESP = "esp"
    AH = "ah"
    PCP = "pcp"


@dataclass(frozen=True)
class Ident:
    """``(addr/mask/prot/port)`` of a proxy identity, e.g. ``10.1.1.0/255.255.255.0/0/0``."""

    addr: str
    mask: str
    prot: int
    port: int


@dataclass(frozen=True)
class IpsecSa:
    """One inbound or outbound ESP/AH/PCP SA (``spi: 0x...`` and the lines under it)."""

    direction: SaDirection
    protocol: SaProtocol
    spi: str
    spi_value: int
    transform: str | None = None
    in_use_settings: tuple[str, ...] = ()
    conn_id: int | None = None
    flow_id: str | None = None
    sibling_flags: str | None = None
    crypto_map: str | None = None
    slot: int | None = None
    initiator: bool | None = None
    remaining_lifetime_kb: int | None = None
    remaining_lifetime_sec: int | None = None
    iv_size_bytes: int | None = None
    replay_detection: bool | None = None
    replay_window_size: int | None = None
    status: str | None = None
    anti_replay_bitmap: str | None = None


@dataclass(frozen=True)
class IpsecFlow:
    """One proxy-identity pair under an interface / crypto map, with counters and SAs."""

    interface: str
    crypto_map_tag: str | None = None
    crypto_map_seq: int | None = None
    local_addr: str | None = None
    protected_vrf: str | None = None
    access_list: str | None = None
    local_ident: Ident | None = None
    remote_ident: Ident | None = None
    current_peer: str | None = None
    peer_port: int | None = None
    dynamic_peer: str | None = None
    action: str | None = None
    flags: tuple[str, ...] = ()
    pkts_encaps: int | None = None
    pkts_encrypt: int | None = None
    pkts_digest: int | None = None
    pkts_decaps: int | None = None
    pkts_decrypt: int | None = None
    pkts_verify: int | None = None
    pkts_compressed: int | None = None
    pkts_decompressed: int | None = None
    pkts_not_compressed: int | None = None
    pkts_compr_failed: int | None = None
    pkts_not_decompressed: int | None = None
    pkts_decompress_failed: int | None = None
    pkts_no_sa_send: int | None = None
    pkts_invalid_sa_rcv: int | None = None
    pkts_encaps_failed_send: int | None = None
    pkts_decaps_failed_rcv: int | None = None
    pkts_invalid_prot_recv: int | None = None
    pkts_verify_failed: int | None = None
    pkts_invalid_identity_recv: int | None = None
    pkts_invalid_len_rcv: int | None = None
    pkts_replay_rollover_send: int | None = None
    pkts_replay_rollover_rcv: int | None = None
    pkts_replay_failed: int | None = None
    pkts_tagged_send: int | None = None
    pkts_untagged_rcv: int | None = None
    pkts_not_tagged_send: int | None = None
    pkts_not_untagged_rcv: int | None = None
    pkts_internal_err_send: int | None = None
    pkts_internal_err_recv: int | None = None
    pre_frag_successes: int | None = None
    pre_frag_failures: int | None = None
    fragments_created: int | None = None
    pmtus_sent: int | None = None
    pmtus_rcvd: int | None = None
    decapsulated_frags_needing_reassembly: int | None = None
    send_errors: int | None = None
    recv_errors: int | None = None
    other_counters: Mapping[str, int] = field(default_factory=dict)
    local_crypto_endpt: str | None = None
    local_crypto_port: int | None = None
    remote_crypto_endpt: str | None = None
    remote_crypto_port: int | None = None
    plaintext_mtu: int | None = None
    path_mtu: int | None = None
    ip_mtu: int | None = None
    ip_mtu_idb: str | None = None
    ipsec_overhead: int | None = None
    media_mtu: int | None = None
    pmtu_time_remaining_sec: int | None = None
    df_policy: str | None = None
    icmp_error_validation: str | None = None
    tfc_packets: str | None = None
    current_outbound_spi: str | None = None
    current_outbound_spi_value: int | None = None
    current_inbound_spi: str | None = None
    pfs: bool | None = None
    dh_group: str | None = None
    pqc_key_exchange: str | None = None  # IOS-XE 17.x: "PQC Key Exchange: ML-KEM-1024"
    sas: tuple[IpsecSa, ...] = ()
    complete: bool = True


@dataclass(frozen=True)
class IpsecSaTable:
    """Everything ``show crypto ipsec sa`` printed; ``complete`` is False if it was cut off."""

    flows: tuple[IpsecFlow, ...]
    complete: bool
