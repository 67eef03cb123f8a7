"""``show crypto isakmp sa [detail]`` (IOS, IOS-XE, ASA) and ASA ``show crypto ikev1 sa [detail]``.

IOS-XE (the IPv6 section may lack its header line; classic IOS adds a ``slot`` column)::

    IPv4 Crypto ISAKMP SA
    dst             src             state          conn-id status
    100.0.10.2      100.13.220.2    QM_IDLE          29609 ACTIVE
    100.0.10.2      100.12.82.2     MM_NO_STATE      29188 ACTIVE (deleted)

    IPv6 Crypto ISAKMP SA

IOS-XE ``detail``::

    C-id  Local           Remote          I-VRF  Status Encr Hash   Auth DH Lifetime Cap.
    29609 100.0.10.2      100.13.220.2     RED      ACTIVE aes  sha    psk  16 00:01:47 D
           Engine-id:Conn-id =  SW:12609

ASA (``show crypto isakmp sa`` / ``show crypto ikev1 sa``; detail adds Encrypt/Hash/Auth/Lifetime)::

    IKEv1 SAs:
       Active SA: 1
        Rekey SA: 0 (A tunnel will report 1 Active and 1 Rekey SA during rekey)
    Total IKE SA: 1

    1   IKE Peer: 203.0.113.1
        Type    : L2L             Role    : initiator
        Rekey   : no              State   : MM_ACTIVE

    There are no IKEv2 SAs

Older ASA/PIX table layout::

    IKE Peer      Type  Dir   Rky  State      Encrypt Hash  Auth    Lifetime
    1 209.165.200.225 User  Resp  No   AM_Active  3des    SHA   preshrd 86400

The IKEv2 section of the ASA output is not modelled here (``show crypto ikev2 sa`` is).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from nornir_tasks.models.isakmp import IsakmpSa, IsakmpSaTable, IsakmpState, IsakmpStatus
from nornir_tasks.parsers._feed import feed_lines
from nornir_tasks.parsers._kinds import FirstMatch
from nornir_tasks.parsers.registry import parser

COMMAND = "show crypto isakmp sa"

_STATES = {s.value for s in IsakmpState}
_STATUSES = {s.value for s in IsakmpStatus} - {IsakmpStatus.UNKNOWN.value}
# An IPv4 or IPv6 address (the published IPv6 captures are anonymised into non-literals, and
# forum posts mask octets: "124.29.X.X")
_ADDR = r"[0-9A-Fa-fXx.:]*[.:][0-9A-Fa-fXx.:]*"
_HHMMSS = re.compile(r"(\d+):(\d\d):(\d\d)$")


class _Scan:
    def __init__(self) -> None:
        self.sas: list[dict[str, Any]] = []
        self.ipv6 = False
        self.status_column = True
        self.slot_column = False
        self.asa_columns: list[str] = []
        self.in_legend = False
        self.skipping_ikev2 = False
        self.cut = False
        self.awaiting_state = False
        self.counts: dict[str, int] = {}

    def add(self, **values: Any) -> dict[str, Any]:
        sa = {"ipv6": self.ipv6, **values}
        self.sas.append(sa)
        return sa


def _state(text: str) -> IsakmpState:
    upper = text.upper()
    return IsakmpState(upper) if upper in _STATES else IsakmpState.UNKNOWN


def _status(text: str) -> IsakmpStatus:
    return IsakmpStatus(text) if text in _STATUSES else IsakmpStatus.UNKNOWN


def _seconds(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    m = _HHMMSS.match(text)
    return int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3]) if m else None


# IPv4 Crypto ISAKMP SA / IPv6 Crypto ISAKMP SA
_SECTION = re.compile(r"IPv([46]) Crypto ISAKMP SA")


def _section(scan: _Scan, m: re.Match[str]) -> None:
    scan.ipv6 = m[1] == "6"


# dst             src             state          conn-id slot status
_TABLE_HEADER = re.compile(r"dst\s+src\s+state\s+conn-id(?P<rest>.*)")


def _table_header(scan: _Scan, m: re.Match[str]) -> None:
    rest = m["rest"].split()
    scan.slot_column, scan.status_column = "slot" in rest, "status" in rest


# C-id  Local           Remote          I-VRF  Status Encr Hash   Auth DH Lifetime Cap.
_DETAIL_HEADER = re.compile(r"(?:C-id|Conn-id|conn-id)\s+Local\s+Remote\b")
# Codes: C - IKE configuration mode, D - Dead Peer Detection
_LEGEND = re.compile(r"Codes?:\s*C - IKE")
#        K - Keepalives, N - NAT-traversal      (legend continuation)
_LEGEND_MORE = re.compile(r"[\w.]+ - \w")


def _legend(scan: _Scan, m: re.Match[str]) -> None:
    scan.in_legend = True


def _nothing(scan: _Scan, m: re.Match[str]) -> None:
    return None


# 100.0.10.2      100.12.82.2     MM_NO_STATE      29188 ACTIVE (deleted)
# 20.0.0.10       20.0.0.14       QM_IDLE           1001    0 ACTIVE
_TABLE_ROW = re.compile(rf"(?P<dst>{_ADDR})\s+(?P<src>{_ADDR})(?:\s+(?P<rest>.*))?$")


def _table_row(scan: _Scan, m: re.Match[str]) -> None:
    tokens = (m["rest"] or "").split()
    state = tokens.pop(0) if tokens else None
    conn = tokens.pop(0) if tokens and tokens[0].isdigit() else None
    slot = tokens.pop(0) if tokens and tokens[0].isdigit() else None
    status = tokens.pop(0) if tokens and tokens[0].isupper() else None
    deleted = bool(tokens) and tokens[0] == "(deleted)"
    scan.add(
        dst=m["dst"],
        src=m["src"],
        state=_state(state) if state else None,
        state_text=state,
        conn_id=int(conn) if conn else None,
        slot=int(slot) if slot else None,
        status=_status(status) if status else None,
        status_text=status,
        deleted=deleted or status == "DELETED",
    )
    # A row that stops before its last column was cut off.
    missing_status = scan.status_column and status is None
    if conn is None or missing_status or (scan.slot_column and slot is None):
        scan.cut = True


# 29609 100.0.10.2      100.13.220.2     RED      ACTIVE aes  sha    psk  16 00:01:47 D
_DETAIL_ROW = re.compile(rf"\d+\s+{_ADDR}(?:\s|$)")


def _detail_row(scan: _Scan, m: re.Match[str]) -> None:
    tokens = m.string.split()
    sa = scan.add(conn_id=int(tokens[0]), local=tokens[1])
    if len(tokens) > 2:
        sa["remote"] = tokens[2]
    at = next((i for i in (3, 4) if i < len(tokens) and tokens[i] in _STATUSES), None)
    if at is None and len(tokens) >= 9:
        at = 3 if len(tokens) <= 9 else 4  # a status word we do not know yet
    if at is None:
        scan.cut = True
        return
    if at == 4:
        f_vrf, sep, i_vrf = tokens[3].rpartition("/")
        sa["i_vrf"], sa["f_vrf"] = i_vrf, (f_vrf if sep else None)
    sa["status"], sa["status_text"] = _status(tokens[at]), tokens[at]
    sa["deleted"] = tokens[at] == "DELETED"
    rest = tokens[at + 1 :]
    for key, value in zip(("encr", "hash", "auth"), rest, strict=False):
        sa[key] = value
    if len(rest) < 5:
        scan.cut = True
        return
    sa["dh_group"] = int(rest[3]) if rest[3].isdigit() else None
    sa["lifetime"], sa["lifetime_sec"] = rest[4], _seconds(rest[4])
    sa["capabilities"] = " ".join(rest[5:]) or None


#        Engine-id:Conn-id =  SW:12609
_ENGINE = re.compile(r"Engine-id:Conn-id\s*=\s*(?:(\w+):(\d+))?")


def _engine(scan: _Scan, m: re.Match[str]) -> None:
    if scan.sas and m[1]:
        scan.sas[-1]["engine_id"], scan.sas[-1]["engine_conn_id"] = m[1], int(m[2])


# IKEv1 SAs:          (ASA; "IKEv2 SAs:" starts the section this parser skips)
_ASA_VERSION = re.compile(r"IKEv([12]) SAs:")


def _asa_version(scan: _Scan, m: re.Match[str]) -> None:
    scan.skipping_ikev2 = m[1] == "2"


# Active SA: 1 / Rekey SA: 0 (A tunnel will report ...) / Total IKE SA: 1
_ASA_COUNT = re.compile(r"(Active|Rekey|Total IKE) SA:\s*(\d+)")


def _asa_count(scan: _Scan, m: re.Match[str]) -> None:
    scan.counts[m[1]] = int(m[2])


# There are no IKEv1 SAs / There are no IKEv2 SAs / There are no isakmp sas
_NO_SAS = re.compile(r"There are no (?:IKEv[12]|isakmp|ike) sas", re.I)
# 1   IKE Peer: 203.0.113.1
_ASA_PEER = re.compile(r"(?:(\d+)\s+)?IKE Peer:\s*(\S+)")


def _asa_peer(scan: _Scan, m: re.Match[str]) -> None:
    scan.add(index=int(m[1]) if m[1] else None, remote=m[2])
    scan.awaiting_state = True


# Type    : L2L             Role    : initiator
# Rekey   : no              State   : MM_ACTIVE
_ASA_FIELDS = re.compile(r"(?:Type|Role|Rekey|State|Encrypt|Hash|Auth|Lifetime(?: Remaining)?)\s*:")
_ASA_FIELD = re.compile(r"([A-Za-z][A-Za-z ]*?)\s*:\s*(\S+)")


def _asa_fields(scan: _Scan, m: re.Match[str]) -> None:
    if not scan.sas:
        scan.cut = True
        return
    sa = scan.sas[-1]
    for key, value in _ASA_FIELD.findall(m.string):
        _asa_value(sa, key.lower(), value)
    if "state" in sa:
        scan.awaiting_state = False


def _asa_value(sa: dict[str, Any], key: str, value: str) -> None:
    if key == "state":
        sa["state"], sa["state_text"] = _state(value), value
    elif key == "rekey":
        sa["rekey"] = value.lower() in ("yes", "y")
    elif key in ("type", "role", "hash", "auth"):
        sa[key] = value
    elif key == "encrypt":
        sa["encr"] = value
    elif key == "lifetime":
        sa["lifetime"], sa["lifetime_sec"] = value, _seconds(value)
    elif key == "lifetime remaining":
        sa["lifetime_remaining_sec"] = _seconds(value)
    elif key == "dir":
        sa["direction"] = value


# IKE Peer      Type  Dir   Rky  State      Encrypt Hash  Auth    Lifetime
_ASA_TABLE_HEADER = re.compile(r"IKE Peer\s+Type\s+Dir\b")


def _asa_table_header(scan: _Scan, m: re.Match[str]) -> None:
    scan.asa_columns = m.string.split()[2:]


# 1 209.165.200.225 User  Resp  No   AM_Active  3des    SHA   preshrd 86400
_ASA_TABLE_ROW = re.compile(r"(\d+)\s+(\S+)(?:\s+\S+)+$")


def _asa_table_row(scan: _Scan, m: re.Match[str]) -> None:
    tokens = m.string.split()
    sa = scan.add(index=int(tokens[0]), remote=tokens[1])
    for column, value in zip(scan.asa_columns, tokens[2:], strict=False):
        key = column.lower()
        _asa_value(sa, "rekey" if key == "rky" else key, value)
    if len(tokens) - 2 < len(scan.asa_columns):
        scan.cut = True


_Handler = Callable[[_Scan, re.Match[str]], None]
# Order matters: the first pattern that matches a line decides its kind.
_KINDS: tuple[tuple[re.Pattern[str], _Handler], ...] = (
    (_SECTION, _section),
    (_TABLE_HEADER, _table_header),
    (_DETAIL_HEADER, _nothing),
    (_LEGEND, _legend),
    (_ENGINE, _engine),
    (_ASA_VERSION, _asa_version),
    (_ASA_COUNT, _asa_count),
    (_NO_SAS, _nothing),
    (_ASA_TABLE_HEADER, _asa_table_header),
    (_ASA_PEER, _asa_peer),
    (_ASA_FIELDS, _asa_fields),
    (_TABLE_ROW, _table_row),
)
# The kinds, then a detail row, in one regex call (see ``_kinds``).
_FIRST = FirstMatch((*_KINDS, (_DETAIL_ROW, _detail_row)))


def _line(scan: _Scan, s: str) -> bool:
    if scan.skipping_ikev2 and not s.startswith("IKEv1 SAs:"):
        return True
    if scan.in_legend:
        if _LEGEND_MORE.match(s):
            return True
        scan.in_legend = False
    row = _ASA_TABLE_ROW.match(s) if scan.asa_columns else None
    if row:
        _asa_table_row(scan, row)
        return True
    found = _FIRST(s)
    if found is None:
        return False
    m, handler = found
    handler(scan, m)
    return True


@parser("show crypto isakmp sa")
@parser("show crypto isakmp sa detail")
@parser("show crypto ikev1 sa")
@parser("show crypto ikev1 sa detail")
def parse_isakmp_sa(text: str) -> IsakmpSaTable:
    """Parse IKEv1 phase-1 SAs from any of the IOS, IOS-XE or ASA layouts."""
    scan = _Scan()
    feed_lines(COMMAND, text, partial(_line, scan))
    return IsakmpSaTable(
        sas=tuple(IsakmpSa(**sa) for sa in scan.sas),
        # An ASA "IKE Peer:" block that never reached its State line was cut off.
        complete=not (scan.cut or scan.awaiting_state),
        active_sa_count=scan.counts.get("Active"),
        rekey_sa_count=scan.counts.get("Rekey"),
        total_sa_count=scan.counts.get("Total IKE"),
    )
