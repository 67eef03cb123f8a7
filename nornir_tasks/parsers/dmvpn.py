"""``show dmvpn [detail]`` (IOS, IOS-XE).

Plain (one section per multipoint interface; rows of one NBMA peer share ``# Ent``)::

    Interface: Tunnel90, IPv4 NHRP Details
    Type:Spoke, NHRP Peers:3,

     # Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb
     ----- --------------- --------------- ----- -------- -----
         1 172.29.0.1          172.30.90.1   IKE     3w5d     S
         2 172.29.134.1       172.30.72.72    UP 00:29:40   DT2
                              172.30.72.72    UP 00:29:40   DT1
         1 UNKNOWN            172.28.172.30  NHRP    never    IX
         1 2001:DB8:1201::122
                               192.2.1.122    UP 00:02:19     D

Detail adds the interface, its servers, a ``Target Network`` column and the crypto sockets::

    Interface Tunnel0 is up/up, Addr. is 192.168.124.4, VRF ""
       Tunnel Src./Dest. addr: 10.43.1.4/MGRE, Tunnel VRF ""
       Protocol/Transport: "multi-GRE/IP", Protect "PF"
    IPv4 NHS:
    192.168.124.1  RE priority = 0 cluster = 0
    Type:Spoke, Total NBMA Peers (v4/v6): 1
        1 10.13.1.1         192.168.124.1    UP 02:03:49     S   192.168.124.1/32
    Crypto Session Details:
    Interface: Tunnel0
      IKEv2 SA: local 10.43.1.4/500 remote 10.13.1.1/500 Active
      Crypto Session Status: UP-ACTIVE
      IPSEC FLOW: permit 47 host 10.43.1.4 host 10.13.1.1
            Inbound:  #pkts dec'ed 105 drop 0 life (KB/Sec) 4271572/3198
            Outbound: #pkts enc'ed 105 drop 0 life (KB/Sec) 4271572/3198
       Outbound SPI : 0x51EA68B2, transform : esp-aes esp-sha256-hmac
        Socket State: Open

The output is complete when no row is left half (an IPv6 NBMA waiting for its row).
"""

from __future__ import annotations

import re
from typing import Any

from nornir_tasks.models.dmvpn import (
    DmvpnInterface,
    DmvpnNhs,
    DmvpnPeer,
    DmvpnSession,
    DmvpnState,
    DmvpnTable,
)
from nornir_tasks.parsers._feed import feed_lines
from nornir_tasks.parsers.registry import parser

COMMAND = "show dmvpn"
_STATES = {s.value for s in DmvpnState}

# Legend: Attrb --> S - Static, D - Dynamic, I - Incomplete / N - NATed, L - Local, X - No Socket
# # Ent --> Number of NHRP entries ... / NHS Status: E --> ... / UpDn Time --> ... / =====
# # Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb / ----- ---------- / Ent  Peer ...
# Interface State Control: Disabled / nhrp event-publisher : Disabled / Crypto Session Details:
# NHRP group: X / Output QoS service-policy applied: X / Session: [0x0CBF2718] / Active SAs: 2
# Pending DMVPN Sessions:
_NOISE = re.compile(
    r"(Legend:|[A-Z]\d? - \w|# Ent\b|Ent\s+Peer|NHS Status:|UpDn Time -->|[-=]{5}|"
    r"Interface State Control|nhrp event-publisher|Crypto Session Details|NHRP group:|"
    r"Output QoS|Session: \[|Session ID:|Active SAs:|Capabilities:|fvrf:|Pending DMVPN Sessions)"
)
# Interface: Tunnel84, IPv4 NHRP Details
_SECTION = re.compile(r"Interface: (\S+), IPv[46] NHRP Details")
# Interface Tunnel0 is up/up, Addr. is 192.168.124.4, VRF ""   /  Tunnel51 is admin down
_DETAIL_SECTION = re.compile(r"(?:Interface )?(Tunnel\S+) is ([^,]+?)(?:, Addr\. is ([^,]+),.*)?")
# Type:Spoke, NHRP Peers:1,   /   Type:Hub, Total NBMA Peers (v4/v6): 3
_TYPE = re.compile(r"Type:\s*([\w/]+),\s*(?:NHRP Peers|Total NBMA Peers \(v4/v6\)):\s*(\d+)")
# Tunnel Src./Dest. addr: 10.43.1.4/MGRE, Tunnel VRF ""
_SOURCE = re.compile(r"Tunnel Src\./Dest\. addr: ([^,]+)")
# Protocol/Transport: "multi-GRE/IP", Protect "PF"
_PROTECT = re.compile(r'Protocol/Transport: "[^"]*", Protect "([^"]*)"')
# IPv4 NHS:   /   IPv4 NHS: 10.169.128.253 RE
_NHS_TITLE = re.compile(r"IPv[46] NHS:\s*(.*)$")
# 192.168.124.1  RE priority = 0 cluster = 0   /   10.169.128.253 RE
_NHS = re.compile(r"(\d+\.\d+\.\d+\.\d+)\s+([REWD]+)(?:\s+priority = (\d+) cluster = (\d+))?$")
# 1 172.29.0.1          172.30.90.1   IKE     3w5d     S   [172.30.90.1/32]
_ROW = re.compile(r"(\d+)\s+(\S+)\s+(\S+)\s+([A-Z]+)\s+(\S+)\s+(\w+)(?:\s+(\S+/\d+))?$")
# (second row of one NBMA peer)      172.30.72.72    UP 00:29:40   DT1   [172.30.72.72/32]
_MORE = re.compile(r"([\d.]+|[0-9A-Fa-f:]+)\s+([A-Z]+)\s+(\S+)\s+(\w+)(?:\s+(\S+/\d+))?$")
# (second row, NBMA repeated) 1.1.1.1    172.16.123.4    UP 00:00:06    I2    172.16.123.4/32
_MORE_NBMA = re.compile(r"(\d+\.\d+\.\d+\.\d+)\s+" + _MORE.pattern)
# 1 2001:DB8:1201::122            (an IPv6 NBMA; its row follows on the next line)
_WRAPPED = re.compile(r"(\d+)\s+([0-9A-Fa-f:]+:[0-9A-Fa-f:]*)$")
# IKEv2 SA: local 10.43.1.4/500 remote 10.13.1.1/500 Active
_IKE = re.compile(r"IKE(?:v[12])? SA: local (\S+?)/\d+ remote (\S+?)/\d+ (\w+)")
# Crypto Session Status: UP-ACTIVE
_STATUS = re.compile(r"Crypto Session Status: (\S+)")
# IPSEC FLOW: permit 47 host 10.43.1.4 host 10.13.1.1  (after "fvrf: (none)," on one line in 15.x)
_FLOW = re.compile(r"IPSEC FLOW: permit \S+ host (\S+) host (\S+)")
# Inbound:  #pkts dec'ed 105 drop 0 life (KB/Sec) 4271572/3198
_COUNT = re.compile(r"(Inbound|Outbound):\s+#pkts (?:dec|enc)'ed (\d+)")
# Outbound SPI : 0x51EA68B2, transform : esp-aes esp-sha256-hmac
_SPI = re.compile(r"Outbound SPI : (0x ?[0-9A-Fa-f]+)")
# Socket State: Open
_SOCKET = re.compile(r"Socket State: (\w+)")
# Interface: Tunnel0       (a crypto session of the detail output)
_SESSION = re.compile(r"Interface: (Tunnel\S+)$")


class _Scan:
    def __init__(self) -> None:
        self.interfaces: list[dict[str, Any]] = []
        self.sessions: list[dict[str, Any]] = []
        self.nbma: tuple[int, str | None] | None = None  # the current group's (# Ent, NBMA)
        self.wrapped = False  # an IPv6 NBMA waits for its row
        self.in_nhs = False

    def section(self, name: str) -> dict[str, Any]:
        if self.interfaces and self.interfaces[-1]["interface"] == name:
            return self.interfaces[-1]
        self.interfaces.append({"interface": name, "role": None, "peer_count": None,
                                "peers": [], "nhs": []})  # fmt: skip
        self.nbma, self.in_nhs = None, False
        return self.interfaces[-1]

    def current(self) -> dict[str, Any]:
        return self.interfaces[-1] if self.interfaces else self.section("Tunnel?")


def _peer(scan: _Scan, tunnel: str, state: str, updn: str, attrb: str, target: str | None) -> None:
    assert scan.nbma is not None
    count, nbma = scan.nbma
    sec = scan.current()
    sec["peers"].append(DmvpnPeer(
        sec["interface"], nbma, tunnel, DmvpnState(state) if state in _STATES else DmvpnState.UNKNOWN,
        state, updn, attrb, count, target,
    ))  # fmt: skip
    scan.wrapped = False


def _rows(scan: _Scan, s: str) -> bool:
    if (m := _WRAPPED.fullmatch(s)) is not None:
        scan.nbma, scan.wrapped = (int(m[1]), m[2]), True
        return True
    if (m := _ROW.fullmatch(s)) is not None and m[2] != "Peer":
        scan.nbma = (int(m[1]), None if m[2] == "UNKNOWN" else m[2])
        _peer(scan, m[3], m[4], m[5], m[6], m[7])
        return True
    if scan.nbma is not None and (m := _MORE.fullmatch(s)) is not None:
        _peer(scan, m[1], m[2], m[3], m[4], m[5])
        return True
    if scan.nbma is not None and (m := _MORE_NBMA.fullmatch(s)) is not None:
        _peer(scan, m[2], m[3], m[4], m[5], m[6])
        return True
    return False


def _interface(scan: _Scan, s: str) -> bool:
    if (m := _SECTION.match(s)) is not None:
        scan.section(m[1])
    elif (m := _DETAIL_SECTION.fullmatch(s)) is not None:
        sec = scan.section(m[1])
        sec.update(line_state=m[2], address=m[3])
    elif (m := _TYPE.match(s)) is not None:
        scan.current().update(role=m[1], peer_count=int(m[2]))
        scan.in_nhs = False
    elif (m := _SOURCE.match(s)) is not None:
        scan.current()["source"] = m[1]
    elif (m := _PROTECT.match(s)) is not None:
        scan.current()["protect"] = m[1]
    elif (m := _NHS_TITLE.fullmatch(s)) is not None:
        scan.in_nhs = True
        return not m[1] or _nhs(scan, m[1])
    elif scan.in_nhs and _NHS.fullmatch(s):
        return _nhs(scan, s)
    else:
        return False
    return True


def _nhs(scan: _Scan, s: str) -> bool:
    m = _NHS.fullmatch(s)
    if m is None:
        return False
    prio, cluster = (int(m[3]), int(m[4])) if m[3] is not None else (None, None)
    scan.current()["nhs"].append(DmvpnNhs(m[1], m[2], prio, cluster))
    return True


def _session(scan: _Scan, s: str) -> bool:
    if (m := _SESSION.fullmatch(s)) is not None:
        scan.sessions.append({"interface": m[1]})
        return True
    if not scan.sessions:
        return False
    sess = scan.sessions[-1]
    if (m := _IKE.match(s)) is not None:
        sess.update(local=m[1], peer=m[2], ike_active=m[3] == "Active")
    elif (m := _STATUS.match(s)) is not None:
        sess["status"] = m[1]
    elif (m := _FLOW.search(s)) is not None:  # 15.x: "fvrf: (none),   IPSEC FLOW: permit ..."
        sess.setdefault("local", m[1])
        sess.setdefault("peer", m[2])
    elif (m := _COUNT.match(s)) is not None:
        sess["pkts_decaps" if m[1] == "Inbound" else "pkts_encaps"] = int(m[2])
    elif (m := _SPI.match(s)) is not None:
        sess["outbound_spi"] = m[1].replace(" ", "")
    elif (m := _SOCKET.match(s)) is not None:
        sess["socket_state"] = m[1]
    else:
        return False
    return True


def _line(scan: _Scan, s: str) -> bool:
    if (_SESSION.fullmatch(s) or scan.sessions) and _session(scan, s):
        return True
    if _NOISE.match(s):
        return True
    return _interface(scan, s) or _rows(scan, s)


_FIELDS = ("peer", "local", "status", "ike_active", "pkts_decaps", "pkts_encaps",
           "outbound_spi", "socket_state")  # fmt: skip


def _build_session(sess: dict[str, Any]) -> DmvpnSession:
    return DmvpnSession(sess["interface"], *(sess.get(f) for f in _FIELDS))


def _build_interface(sec: dict[str, Any]) -> DmvpnInterface:
    return DmvpnInterface(
        sec["interface"], sec["role"], sec["peer_count"], tuple(sec["peers"]),
        sec.get("address"), sec.get("line_state"), sec.get("source"), sec.get("protect"),
        tuple(sec["nhs"]),
    )  # fmt: skip


@parser("show dmvpn")
@parser("show dmvpn detail")
@parser("show dmvpn interface *")
@parser("show dmvpn interface * detail")
def parse_dmvpn(text: str) -> DmvpnTable:
    """Parse ``show dmvpn [detail]``: interfaces, their NBMA peers and crypto sockets."""
    scan = _Scan()
    feed_lines(COMMAND, text, lambda s: _line(scan, s))
    return DmvpnTable(
        interfaces=tuple(_build_interface(sec) for sec in scan.interfaces),
        sessions=tuple(_build_session(s) for s in scan.sessions),
        complete=not scan.wrapped,
    )
