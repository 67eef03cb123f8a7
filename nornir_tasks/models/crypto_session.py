"""Per-peer crypto sessions: ``show crypto session [detail]`` on IOS / IOS-XE."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SessionStatus(StrEnum):
    """``Session status:`` values (field guide §4.2 row 24)."""

    UP_ACTIVE = "UP-ACTIVE"
    UP_IDLE = "UP-IDLE"
    UP_NO_IKE = "UP-NO-IKE"
    UP_STANDBY = "UP-STANDBY"
    DOWN = "DOWN"
    DOWN_NEGOTIATING = "DOWN-NEGOTIATING"
    UNKNOWN = "UNKNOWN"


class IkeSaStatus(StrEnum):
    ACTIVE = "Active"
    INACTIVE = "Inactive"
    UNKNOWN = "Unknown"


@dataclass(frozen=True)
class SessionIkeSa:
    """An ``IKE SA`` / ``IKEv1 SA`` / ``IKEv2 SA`` line (and its ``Capabilities`` line)."""

    version: str
    local: str
    local_port: int | None
    remote: str
    remote_port: int | None
    status: IkeSaStatus
    status_text: str
    session_id: int | None = None
    capabilities: str | None = None
    conn_id: int | None = None
    lifetime: str | None = None


@dataclass(frozen=True)
class SessionIpsecFlow:
    """An ``IPSEC FLOW:`` line with its ``Active SAs`` and (detail) traffic lines."""

    flow: str
    active_sas: int | None = None
    origin: str | None = None
    inbound_pkts_decrypted: int | None = None
    inbound_drops: int | None = None
    inbound_life_kb: int | None = None
    inbound_life_sec: int | None = None
    outbound_pkts_encrypted: int | None = None
    outbound_drops: int | None = None
    outbound_life_kb: int | None = None
    outbound_life_sec: int | None = None


@dataclass(frozen=True)
class CryptoSession:
    """One ``Interface:`` block; the same interface may appear more than once."""

    interface: str
    status: SessionStatus | None = None
    status_text: str | None = None
    profile: str | None = None
    uptime: str | None = None
    username: str | None = None
    group: str | None = None
    assigned_address: str | None = None
    peer: str | None = None
    peer_port: int | None = None
    fvrf: str | None = None
    ivrf: str | None = None
    desc: str | None = None
    phase1_id: str | None = None
    ike_sas: tuple[SessionIkeSa, ...] = ()
    ipsec_flows: tuple[SessionIpsecFlow, ...] = ()


@dataclass(frozen=True)
class CryptoSessionTable:
    sessions: tuple[CryptoSession, ...]
    complete: bool
