"""IKEv2 SAs: ``show crypto ikev2 sa [detail]`` on IOS / IOS-XE (and the ASA layout)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Ikev2Status(StrEnum):
    READY = "READY"
    IN_NEG = "IN-NEG"
    DELETE = "DELETE"
    UNKNOWN = "UNKNOWN"


@dataclass(frozen=True)
class Ikev2ChildSa:
    """ASA ``Child sa:`` block: traffic selectors and the ESP SPIs in/out."""

    local_selector: str
    remote_selector: str | None = None
    esp_spi_in: str | None = None
    esp_spi_out: str | None = None


@dataclass(frozen=True)
class Ikev2Sa:
    """One ``Tunnel-id`` row and the lines indented under it."""

    tunnel_id: int
    local: str | None = None
    local_port: int | None = None
    remote: str | None = None
    remote_port: int | None = None
    fvrf: str | None = None
    ivrf: str | None = None
    status: Ikev2Status | None = None
    status_text: str | None = None
    role: str | None = None
    ipv6: bool = False
    encr: str | None = None
    keysize: int | None = None
    prf: str | None = None
    hash: str | None = None
    dh_group: int | None = None
    auth_sign: str | None = None
    auth_verify: str | None = None
    pqc_key_exchange: str | None = None
    lifetime_sec: int | None = None
    active_time_sec: int | None = None
    ce_id: int | None = None
    session_id: int | None = None
    session_status: str | None = None
    status_description: str | None = None
    local_spi: str | None = None
    remote_spi: str | None = None
    local_id: str | None = None
    remote_id: str | None = None
    local_req_msg_id: int | None = None
    remote_req_msg_id: int | None = None
    local_next_msg_id: int | None = None
    remote_next_msg_id: int | None = None
    local_req_queued: int | None = None
    remote_req_queued: int | None = None
    local_window: int | None = None
    remote_window: int | None = None
    dpd_interval_sec: int | None = None
    dpd_retry: int | None = None
    fragmentation: str | None = None
    dynamic_route_update: str | None = None
    extended_authentication: str | None = None
    nat_t: str | None = None
    cts_sgt: str | None = None
    initiator: bool | None = None
    pushed_ip: str | None = None
    remote_subnets: tuple[str, ...] = ()
    child_sas: tuple[Ikev2ChildSa, ...] = ()
    ike_count: int | None = None  # ASA "IKE count:1, CHILD count:2" of the session
    child_count: int | None = None
    peer_type: str | None = None  # "PEER TYPE: IOS-XE" (17.x detail)
    quantum_safe: str | None = None  # "Quantum-safe Encryption using PQC: ML-KEM-1024", as printed
    local_sys_id: str | None = None  # "Local Sys Id: sks1 Remote Sys Id: sks2" (SKS / PPK)
    remote_sys_id: str | None = None


@dataclass(frozen=True)
class Ikev2SaTable:
    sas: tuple[Ikev2Sa, ...]
    complete: bool


@dataclass(frozen=True)
class Ikev2ExchangeCount:
    """One row of ``show crypto ikev2 stats exchange``: an exchange or a notify, counted."""

    name: str  # IKE_SA_INIT, NO_PROPOSAL_CHOSEN, NAT_DETECTION_SOURCE_IP
    section: str  # "exchanges", "error_notify", "other_notify"
    tx_req: int
    tx_res: int
    rx_req: int
    rx_res: int
    line: str  # as the router printed it (evidence)


@dataclass(frozen=True)
class Ikev2ExchangeStats:
    """``show crypto ikev2 stats exchange``: what this router's IKEv2 sent and received, by
    exchange and notify, since the last ``clear crypto ikev2 stats exchange`` (all peers)."""

    rows: tuple[Ikev2ExchangeCount, ...]
    other: tuple[tuple[str, int], ...]  # OTHER COUNTERS: NO_NAT, NAT_INSIDE

    def row(self, name: str) -> Ikev2ExchangeCount | None:
        return next((r for r in self.rows if r.name == name), None)
