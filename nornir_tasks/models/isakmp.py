"""IKEv1 (ISAKMP) phase-1 SAs: ``show crypto isakmp sa [detail]`` and ASA ``show crypto ikev1 sa``.

IOS prints a table (``dst src state conn-id [slot] status``), its ``detail`` a wider table keyed
by ``C-id`` with local/remote, and the ASA one block per peer (``IKE Peer:``, type, role, state).
One ``IsakmpSa`` covers all three; fields a layout does not print are ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class IsakmpState(StrEnum):
    """Phase-1 states of IOS routers and ASA firewalls (field guide §4.1)."""

    MM_NO_STATE = "MM_NO_STATE"
    MM_SA_SETUP = "MM_SA_SETUP"
    MM_KEY_EXCH = "MM_KEY_EXCH"
    MM_KEY_AUTH = "MM_KEY_AUTH"
    AG_NO_STATE = "AG_NO_STATE"
    AG_INIT_EXCH = "AG_INIT_EXCH"
    AG_AUTH = "AG_AUTH"
    QM_IDLE = "QM_IDLE"
    MM_ACTIVE = "MM_ACTIVE"
    MM_WAIT_MSG2 = "MM_WAIT_MSG2"
    MM_WAIT_MSG3 = "MM_WAIT_MSG3"
    MM_WAIT_MSG4 = "MM_WAIT_MSG4"
    MM_WAIT_MSG5 = "MM_WAIT_MSG5"
    MM_WAIT_MSG6 = "MM_WAIT_MSG6"
    AM_ACTIVE = "AM_ACTIVE"
    AM_WAIT_MSG2 = "AM_WAIT_MSG2"  # ASA aggressive-mode initiator: AM1 sent, no AM2
    AM_WAIT_MSG3 = "AM_WAIT_MSG3"  # ASA aggressive-mode responder: AM2 sent, no AM3
    UNKNOWN = "UNKNOWN"


class IsakmpStatus(StrEnum):
    ACTIVE = "ACTIVE"
    DELETED = "DELETED"
    STDBY = "STDBY"
    UNKNOWN = "UNKNOWN"


@dataclass(frozen=True)
class IsakmpSa:
    """One phase-1 SA. ``state``/``status`` are enums; the ``*_text`` fields keep the word."""

    ipv6: bool = False
    dst: str | None = None
    src: str | None = None
    local: str | None = None
    remote: str | None = None
    state: IsakmpState | None = None
    state_text: str | None = None
    conn_id: int | None = None
    slot: int | None = None
    status: IsakmpStatus | None = None
    status_text: str | None = None
    deleted: bool = False
    index: int | None = None
    type: str | None = None
    role: str | None = None
    direction: str | None = None
    rekey: bool | None = None
    f_vrf: str | None = None
    i_vrf: str | None = None
    encr: str | None = None
    hash: str | None = None
    auth: str | None = None
    dh_group: int | None = None
    lifetime: str | None = None
    lifetime_sec: int | None = None
    lifetime_remaining_sec: int | None = None
    capabilities: str | None = None
    engine_id: str | None = None
    engine_conn_id: int | None = None


@dataclass(frozen=True)
class IsakmpSaTable:
    """All phase-1 SAs; the ASA summary counts are ``None`` on IOS."""

    sas: tuple[IsakmpSa, ...]
    complete: bool
    active_sa_count: int | None = None
    rekey_sa_count: int | None = None
    total_sa_count: int | None = None
