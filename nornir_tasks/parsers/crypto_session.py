"""``show crypto session [detail | remote X [detail]]`` on IOS / IOS-XE.

::

    Crypto session current status

    Code: C - IKE Configuration mode, D - Dead Peer Detection
    K - Keepalives, N - NAT-traversal, T - cTCP encapsulation

    Interface: Tunnel3111
    Profile: ISAKMP-inner-LOC_A
    Uptime: 7w0d
    Session status: DOWN-NEGOTIATING
    Peer: 192.168.1.1 port 500 fvrf: (none) ivrf: (none)
          Desc: (none)
          Phase1_id: (none)
      Session ID: 0
      IKEv1 SA: local 94.140.184.80/500 remote 192.168.1.1/500 Inactive
              Capabilities:(none) connid:0 lifetime:0
      IPSEC FLOW: permit ip 100.75.0.0/255.255.255.192 192.168.25.0/255.255.255.128
            Active SAs: 0, origin: crypto map
            Inbound:  #pkts dec'ed 0 drop 0 life (KB/Sec) 0/0
            Outbound: #pkts enc'ed 0 drop 0 life (KB/Sec) 0/0

Easy VPN sessions add ``Username:``, ``Group:`` and ``Assigned address:`` lines and print
``IKE SA:`` without a version.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from nornir_tasks.models.crypto_session import (
    CryptoSession,
    CryptoSessionTable,
    IkeSaStatus,
    SessionIkeSa,
    SessionIpsecFlow,
    SessionStatus,
)
from nornir_tasks.parsers._feed import feed_lines
from nornir_tasks.parsers._kinds import FirstMatch
from nornir_tasks.parsers.registry import parser

COMMAND = "show crypto session"

_SESSION_STATUSES = {s.value for s in SessionStatus}
_IKE_STATUSES = {s.value for s in IkeSaStatus}


class _Scan:
    def __init__(self) -> None:
        self.sessions: list[dict[str, Any]] = []
        self.session: dict[str, Any] | None = None
        self.flow: dict[str, Any] | None = None
        self.session_id: int | None = None
        self.detail = False
        self.in_legend = False
        self.orphan = False
        self.wrapped_ike = False  # an IKE SA line whose "remote ..." half is on the next line

    def current(self) -> dict[str, Any]:
        if self.session is None:
            self.orphan = True
            self.session = {"interface": "", "ike_sas": [], "ipsec_flows": []}
            self.sessions.append(self.session)
        return self.session


def _split_port(value: str) -> tuple[str, int | None]:
    addr, sep, port = value.rpartition("/")
    return (addr, int(port)) if sep and port.isdigit() else (value, None)


# Crypto session current status
_TITLE = re.compile(r"Crypto session current status")
# Code: C - IKE Configuration mode, D - Dead Peer Detection
_LEGEND = re.compile(r"Codes?:\s*C - IKE")
# K - Keepalives, N - NAT-traversal, T - cTCP encapsulation     (legend continuation)
_LEGEND_MORE = re.compile(r"[A-Z] - \w")


def _title(scan: _Scan, m: re.Match[str]) -> None:
    return None


def _legend(scan: _Scan, m: re.Match[str]) -> None:
    scan.in_legend = scan.detail = True


# Interface: Tunnel0
_INTERFACE = re.compile(r"Interface:\s*(\S+)")


def _interface(scan: _Scan, m: re.Match[str]) -> None:
    scan.session = {"interface": m[1], "ike_sas": [], "ipsec_flows": []}
    scan.sessions.append(scan.session)
    scan.flow, scan.session_id = None, None


# Session status: UP-ACTIVE
_STATUS = re.compile(r"Session status:\s*(\S+)")


def _status(scan: _Scan, m: re.Match[str]) -> None:
    session = scan.current()
    text = m[1]
    session["status_text"] = text
    session["status"] = SessionStatus(text) if text in _SESSION_STATUSES else SessionStatus.UNKNOWN


# Profile: prof / Uptime: 7w0d / Username: cisco / Group: easy / Assigned address: 10.3.3.4
# Desc: (none) / Phase1_id: SOME_DEVICE1234.1pc.com
_FIELD = re.compile(r"(Profile|Uptime|Username|Group|Assigned address|Desc|Phase1_id):\s*(.*)")
_FIELD_NAMES = {
    "Profile": "profile",
    "Uptime": "uptime",
    "Username": "username",
    "Group": "group",
    "Assigned address": "assigned_address",
    "Desc": "desc",
    "Phase1_id": "phase1_id",
}


def _field(scan: _Scan, m: re.Match[str]) -> None:
    if m[1] in ("Desc", "Phase1_id"):
        scan.detail = True
    scan.current()[_FIELD_NAMES[m[1]]] = m[2].strip()


# Peer: 192.168.1.1 port 500 fvrf: (none) ivrf: inner
_PEER = re.compile(r"Peer:\s*(\S+)(?:\s+port\s+(\d+))?(?:\s+fvrf:\s*(\S+))?(?:\s+ivrf:\s*(\S+))?")


def _peer(scan: _Scan, m: re.Match[str]) -> None:
    session = scan.current()
    session["peer"], session["fvrf"], session["ivrf"] = m[1], m[3], m[4]
    session["peer_port"] = int(m[2]) if m[2] else None


# Session ID: 3
_SESSION_ID = re.compile(r"Session ID:\s*(\d+)")


def _session_id(scan: _Scan, m: re.Match[str]) -> None:
    scan.session_id = int(m[1])


# IKEv2 SA: local 2.2.2.2/500 remote 1.1.1.1/500 Active     (also "IKE SA:", "IKEv1 SA:")
# IKEv2 SA: local 2001:101:0:1::1/500                        (IPv6: "remote" wraps to the next line)
_IKE_SA = re.compile(r"(IKE(?:v[12])?) SA:\s*local\s+(\S+)(?:\s+remote\s+(\S+)\s+(\S+))?\s*$")
#         remote 2001:101:0:1::2/500 Active
_IKE_SA_REMOTE = re.compile(r"remote\s+(\S+)\s+(\S+)\s*$")


def _ike_sa_remote(scan: _Scan, m: re.Match[str]) -> None:
    sas = scan.current()["ike_sas"]
    if not scan.wrapped_ike or not sas:
        scan.orphan = True
        return
    remote, remote_port = _split_port(m[1])
    status = m[2]
    sas[-1].update(
        remote=remote,
        remote_port=remote_port,
        status=IkeSaStatus(status) if status in _IKE_STATUSES else IkeSaStatus.UNKNOWN,
        status_text=status,
    )
    scan.wrapped_ike = False


def _ike_sa(scan: _Scan, m: re.Match[str]) -> None:
    local, local_port = _split_port(m[2])
    remote, remote_port = _split_port(m[3]) if m[3] else ("", None)
    status = m[4] or ""
    scan.wrapped_ike = m[3] is None
    scan.current()["ike_sas"].append(
        {
            "version": m[1],
            "local": local,
            "local_port": local_port,
            "remote": remote,
            "remote_port": remote_port,
            "status": IkeSaStatus(status) if status in _IKE_STATUSES else IkeSaStatus.UNKNOWN,
            "status_text": status,
            "session_id": scan.session_id,
        }
    )
    scan.session_id = None


# Capabilities:DN connid:2913 lifetime:09:03:41
_CAPABILITIES = re.compile(r"Capabilities:\s*(\S+)\s+connid:\s*(\d+)\s+lifetime:\s*(\S+)")


def _capabilities(scan: _Scan, m: re.Match[str]) -> None:
    scan.detail = True
    sas = scan.current()["ike_sas"]
    if not sas:
        scan.orphan = True
        return
    sas[-1].update(capabilities=m[1], conn_id=int(m[2]), lifetime=m[3])


# IPSEC FLOW: permit 47 host 2.2.2.2 host 1.1.1.1
_FLOW = re.compile(r"IPSEC FLOW:\s*(.+)")


def _flow(scan: _Scan, m: re.Match[str]) -> None:
    scan.flow = {"flow": m[1].strip()}
    scan.current()["ipsec_flows"].append(scan.flow)


def _current_flow(scan: _Scan) -> dict[str, Any] | None:
    if scan.flow is None:
        scan.orphan = True
    return scan.flow


# Active SAs: 2, origin: crypto map
_ACTIVE_SAS = re.compile(r"Active SAs:\s*(\d+)(?:,\s*origin:\s*(.+))?")


def _active_sas(scan: _Scan, m: re.Match[str]) -> None:
    flow = _current_flow(scan)
    if flow is not None:
        flow["active_sas"] = int(m[1])
        flow["origin"] = m[2].strip() if m[2] else None


# Inbound:  #pkts dec'ed 0 drop 0 life (KB/Sec) 0/0
# Outbound: #pkts enc'ed 0 drop 0 life (KB/Sec) 0/0
# Inbound:  #pkts dec'ed 449282 drop 0 life (KB/Sec) KB Vol Rekey Disabled/3060
_TRAFFIC = re.compile(
    r"(Inbound|Outbound):\s*#pkts (?:dec|enc)'ed\s+(\d+)\s+drop\s+(\d+)\s+"
    r"life \(KB/Sec\)\s+(?:(\d+)|KB Vol Rekey Disabled)/(\d+)"
)


def _traffic(scan: _Scan, m: re.Match[str]) -> None:
    scan.detail = True
    flow = _current_flow(scan)
    if flow is None:
        return
    if m[1] == "Inbound":
        keys = ("inbound_pkts_decrypted", "inbound_drops", "inbound_life_kb", "inbound_life_sec")
    else:
        keys = (
            "outbound_pkts_encrypted",
            "outbound_drops",
            "outbound_life_kb",
            "outbound_life_sec",
        )
    values = (int(v) if v is not None else None for v in m.groups()[1:])
    flow.update(zip(keys, values, strict=True))


_Handler = Callable[[_Scan, re.Match[str]], None]
_KINDS: tuple[tuple[re.Pattern[str], _Handler], ...] = (
    (_TITLE, _title),
    (_LEGEND, _legend),
    (_INTERFACE, _interface),
    (_STATUS, _status),
    (_FIELD, _field),
    (_PEER, _peer),
    (_SESSION_ID, _session_id),
    (_IKE_SA, _ike_sa),
    (_IKE_SA_REMOTE, _ike_sa_remote),
    (_CAPABILITIES, _capabilities),
    (_FLOW, _flow),
    (_ACTIVE_SAS, _active_sas),
    (_TRAFFIC, _traffic),
)
_FIRST = FirstMatch(_KINDS)  # the first kind that reads a line, in one regex call


def _line(scan: _Scan, s: str) -> bool:
    if scan.in_legend and _LEGEND_MORE.match(s):
        return True
    scan.in_legend = False
    found = _FIRST(s)
    if found is None:
        return False
    m, handler = found
    handler(scan, m)
    return True


def _session_complete(session: dict[str, Any], detail: bool) -> bool:
    if "status" not in session or "peer" not in session:
        return False
    if session["ike_sas"] and detail and "conn_id" not in session["ike_sas"][-1]:
        return False
    flows = session["ipsec_flows"]
    if not flows:
        return True
    last = flows[-1]
    return "active_sas" in last and (not detail or "outbound_life_sec" in last)


def _build(session: dict[str, Any]) -> CryptoSession:
    values = dict(session)
    values["ike_sas"] = tuple(SessionIkeSa(**sa) for sa in session["ike_sas"])
    values["ipsec_flows"] = tuple(SessionIpsecFlow(**f) for f in session["ipsec_flows"])
    return CryptoSession(**values)


@parser("show crypto session")
@parser("show crypto session detail")
@parser("show crypto session remote *")
@parser("show crypto session remote * detail")
def parse_crypto_session(text: str) -> CryptoSessionTable:
    """Parse the per-peer crypto sessions; the same interface may appear in several."""
    scan = _Scan()
    feed_lines(COMMAND, text, partial(_line, scan))
    complete = not scan.orphan and not scan.wrapped_ike
    complete = complete and all(_session_complete(s, scan.detail) for s in scan.sessions)
    return CryptoSessionTable(sessions=tuple(_build(s) for s in scan.sessions), complete=complete)
