"""ASA ``show vpn-sessiondb [summary]`` and ``show vpn-sessiondb [detail] l2l``.

Sample (summary, ASA 9.x)::

    ---------------------------------------------------------------------------
    VPN Session Summary
    ---------------------------------------------------------------------------
                                   Active : Cumulative : Peak Concur : Inactive
                                 ----------------------------------------------
    Site-to-Site VPN             :     99 :    3506999 :          99
      IKEv2 IPsec                :      9 :       3999 :           9
    Total Active and Inactive    :     99             Total Cumulative : 3506999
    Device Total VPN Capacity    :    750
    Device Load                  :     2%
    Tunnels Summary
    IKEv1                        :     99 :    3502999 :              99
    Totals                       :     99 :    351999

Sample (detail l2l, 9.x; 8.x indents by one space and says ``Session ID`` and
``IKE Sessions: 1 IPSec Sessions: 2``)::

    Session Type: LAN-to-LAN Detailed

    Connection   : 169.254.104.1
    Index        : 7379                   IP Addr      : 169.254.104.1
    Protocol     : IKEv2 IPsecOverNatT
    Encryption   : IKEv2: (1)AES256  IPsecOverNatT: (2)AES-GCM-128
    Bytes Tx     : 2005616                Bytes Rx     : 79487
    Login Time   : 04:00:32 PDT Sun Jul 29 2018
    Duration     : 14h:24m:35s

    IKE Tunnels: 1
    IPsec Tunnels: 4

    IKEv2:
      Tunnel ID    : 7379.1
      UDP Src Port : 500                    UDP Dst Port : 500
      Rekey Int (T): 28800 Seconds          Rekey Left(T): 20119 Seconds
    IPsec:
      Tunnel ID    : 7379.2
      Local Addr   : 169.254.44.0/255.255.252.0/0/0
      Bytes Tx     : 3256642959             Bytes Rx     : 268532214
      Pkts Tx      : 4539818                Pkts Rx      : 2958857
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nornir_tasks.models.vpn_sessiondb import (
    VpnSession,
    VpnSessionSummary,
    VpnSessionTable,
    VpnSummaryRow,
    VpnTunnel,
)
from nornir_tasks.parsers._common import table_lines, to_int
from nornir_tasks.parsers._unparsed import skip
from nornir_tasks.parsers.registry import parser

SUMMARY = "show vpn-sessiondb summary"
L2L = "show vpn-sessiondb l2l"

# INFO: There are presently no active sessions / There are presently no active sessions
_NO_SESSIONS = re.compile(r"^\s*(?:INFO:\s*)?There are presently no active sessions", re.I)

# ---------------------------------------------------------------------------
_RULE = re.compile(r"^\s*-{10,}\s*$")
# VPN Session Summary / Tunnels Summary
_SECTION = re.compile(r"^\s*(VPN Session Summary|Tunnels Summary)\s*$")
# Active : Cumulative : Peak Concur : Inactive
_COLUMNS = re.compile(r"^\s*Active\s*:\s*Cumulative\s*:")
# AnyConnect Client            :     38 :     330351 :         442 :        0
_ROW = re.compile(r"^(\s*)(\S.*?)\s*:\s*(\d+)\s*:\s*(\d+)\s*:\s*(\d+)(?:\s*:\s*(\d+))?\s*$")
# Total Active and Inactive    :     38             Total Cumulative : 331391
_TOTAL = re.compile(r"^\s*Total Active and Inactive\s*:\s*(\d+)\s+Total Cumulative\s*:\s*(\d+)")
# Device Total VPN Capacity    :   5000
_CAPACITY = re.compile(r"^\s*Device Total VPN Capacity\s*:\s*(\d+)")
# Device Load                  :     1%
_LOAD = re.compile(r"^\s*Device Load\s*:\s*(\d+)%")
# Totals                       :    113 :    3543638
_TOTALS = re.compile(r"^\s*Totals\s*:\s*(\d+)\s*:\s*(\d+)")


@dataclass
class _Summary:
    section: str = "VPN Session Summary"
    sessions: list[VpnSummaryRow] = field(default_factory=list)
    tunnels: list[VpnSummaryRow] = field(default_factory=list)
    top: tuple[int, str] | None = None  # (indent, name) of the last unindented row
    numbers: dict[str, int | None] = field(default_factory=dict)


def _summary_row(state: _Summary, m: re.Match[str]) -> None:
    indent, name = len(m[1]), m[2].strip()
    parent = None
    if state.top is not None and indent > state.top[0]:
        parent = state.top[1]
    else:
        state.top = (indent, name)
    numbers = [to_int(x) for x in (m[3], m[4], m[5], m[6])]
    row = VpnSummaryRow(name, numbers[0], numbers[1], numbers[2], numbers[3], parent)
    (state.tunnels if state.section == "Tunnels Summary" else state.sessions).append(row)


def _summary_line(state: _Summary, line: str) -> bool:
    """Read one summary line; False when it is not a line of this output."""
    if _RULE.match(line) or _COLUMNS.match(line):
        return True
    if m := _SECTION.match(line):
        state.section, state.top = m[1], None
    elif m := _TOTAL.match(line):
        state.numbers["total"], state.numbers["cumulative"] = to_int(m[1]), to_int(m[2])
    elif m := _CAPACITY.match(line):
        state.numbers["capacity"] = to_int(m[1])
    elif m := _LOAD.match(line):
        state.numbers["load"] = to_int(m[1])
    elif m := _TOTALS.match(line):
        state.numbers["t_active"], state.numbers["t_cumulative"] = to_int(m[1]), to_int(m[2])
    elif m := _ROW.match(line):
        _summary_row(state, m)
    else:
        return False
    return True


@parser("show vpn-sessiondb")
@parser("show vpn-sessiondb summary")
def parse_vpn_sessiondb_summary(text: str) -> VpnSessionSummary:
    """``show vpn-sessiondb [summary]``: session and tunnel counts per kind, load, capacity."""
    state = _Summary()
    for line in table_lines(SUMMARY, text):
        if _NO_SESSIONS.match(line):
            continue
        if not _summary_line(state, line):
            skip(line)
    n = state.numbers
    return VpnSessionSummary(
        sessions=tuple(state.sessions),
        tunnels=tuple(state.tunnels),
        total_active_inactive=n.get("total"),
        total_cumulative=n.get("cumulative"),
        capacity=n.get("capacity"),
        load_percent=n.get("load"),
        tunnels_total_active=n.get("t_active"),
        tunnels_total_cumulative=n.get("t_cumulative"),
        # The session table ends with the load line; without it the output was cut.
        complete=not state.sessions or "load" in n,
    )


# Session Type: LAN-to-LAN Detailed
_SESSION_TYPE = re.compile(r"^\s*Session Type:\s*(.+?)\s*$")
# IKEv2: / IPsec: / IPsecOverNatT: / IKE: / NAC:
_BLOCK = re.compile(r"^\s*([A-Za-z][\w-]*)\s*:\s*$")
# IKE Sessions: 1 IPSec Sessions: 2 / IKEv2 Tunnels: 1
_COUNT = re.compile(r"([A-Za-z][\w-]*) (?:Tunnels|Sessions):\s*(\d+)")
# Index        : 1                      IP Addr      : 172.16.0.1  (one or two pairs a line)
_PAIR = re.compile(
    r"([A-Za-z][\w /().-]*?)\s*:(?:\s*(.*?))?(?=\s{2,}[A-Za-z][\w /().-]*?\s*:|\s*$)"
)
# Encryption   : IKEv2: (1)AES-GCM-256  IPsecOverNatT: (1)AES-GCM-256 (per-protocol summary)
_WHOLE = re.compile(r"^\s*(Encryption|Hashing)\s*:\s*(\S+: \(.*)$")
# 86400 Seconds / 4608000 K-Bytes
_LEADING_INT = re.compile(r"^(\d+)")

_SESSION_KEYS = {
    "Index": "index",
    "IP Addr": "peer",
    "Protocol": "protocol",
    "Encryption": "encryption",
    "Hashing": "hashing",
    "Bytes Tx": "bytes_tx",
    "Bytes Rx": "bytes_rx",
    "Login Time": "login_time",
    "Duration": "duration",
}
_TUNNEL_KEYS = {
    "Tunnel ID": "tunnel_id",
    "Session ID": "tunnel_id",
    "Local Addr": "local_addr",
    "Remote Addr": "remote_addr",
    "Encryption": "encryption",
    "Hashing": "hashing",
    "Bytes Tx": "bytes_tx",
    "Bytes Rx": "bytes_rx",
    "Pkts Tx": "pkts_tx",
    "Pkts Rx": "pkts_rx",
    "Rekey Int (T)": "rekey_int_sec",
    "Rekey Left(T)": "rekey_left_sec",
}
_INT_FIELDS = {"index", "bytes_tx", "bytes_rx", "pkts_tx", "pkts_rx"}
_INT_FIELDS |= {"rekey_int_sec", "rekey_left_sec"}


@dataclass
class _Tunnel:
    kind: str
    values: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class _Session:
    connection: str
    values: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    tunnels: list[_Tunnel] = field(default_factory=list)


def _typed(values: dict[str, str]) -> dict[str, str | int | None]:
    out: dict[str, str | int | None] = {}
    for name, value in values.items():
        if name in _INT_FIELDS:
            m = _LEADING_INT.match(value)
            out[name] = int(m[1]) if m else None
        else:
            out[name] = value or None
    return out


def _build(session: _Session) -> VpnSession:
    tunnels = tuple(
        VpnTunnel(kind=t.kind, fields=dict(t.fields), **_typed(t.values))  # type: ignore[arg-type]
        for t in session.tunnels
    )
    return VpnSession(
        connection=session.connection,
        tunnel_counts=dict(session.counts),
        tunnels=tunnels,
        fields=dict(session.fields),
        **_typed(session.values),  # type: ignore[arg-type]
    )


def _pairs(line: str) -> list[tuple[str, str]]:
    if m := _WHOLE.match(line):
        return [(m[1], m[2].strip())]
    return [(k.strip(), (v or "").strip()) for k, v in _PAIR.findall(line.strip())]


def _store(session: _Session, key: str, value: str) -> None:
    if session.tunnels:
        tunnel = session.tunnels[-1]
        name = _TUNNEL_KEYS.get(key)
        (tunnel.values if name else tunnel.fields)[name or key] = value
    else:
        name = _SESSION_KEYS.get(key)
        (session.values if name else session.fields)[name or key] = value


def _l2l_line(sessions: list[_Session], line: str) -> bool:
    """Read one line of a session block; False when it is not one."""
    if counts := _COUNT.findall(line):
        if sessions:
            sessions[-1].counts.update({k: int(v) for k, v in counts})
        return True
    if (m := _BLOCK.match(line)) and sessions and m[1] != "Connection":
        sessions[-1].tunnels.append(_Tunnel(m[1]))
        return True
    pairs = _pairs(line)
    if not pairs:
        return False
    for key, value in pairs:
        if key == "Connection":
            sessions.append(_Session(value))
        elif sessions:
            _store(sessions[-1], key, value)
        else:
            return False
    return True


@parser("show vpn-sessiondb l2l ...")
@parser("show vpn-sessiondb detail l2l ...")
def parse_vpn_sessiondb_l2l(text: str) -> VpnSessionTable:
    """``show vpn-sessiondb [detail] l2l``: one session per peer with its IKE and IPsec tunnels."""
    session_type: str | None = None
    sessions: list[_Session] = []
    for line in table_lines(L2L, text):
        if not line.strip() or _NO_SESSIONS.match(line):
            continue
        if m := _SESSION_TYPE.match(line):
            session_type = session_type or m[1]
            continue
        if not _l2l_line(sessions, line):
            skip(line)
    built = tuple(_build(s) for s in sessions)
    # Duration is the last line every layout prints for a session before its tunnels.
    complete = all(s.duration is not None for s in built)
    return VpnSessionTable(session_type, built, complete)
