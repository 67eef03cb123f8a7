"""``show crypto ikev2 sa [detail | remote X [detail]]`` (IOS, IOS-XE; also the ASA layout).

IOS / IOS-XE (IOS 15.2 prints no ``PRF:``; C8000v doubles some spaces in the section titles)::

     IPv4 Crypto IKEv2  SA

    Tunnel-id Local                 Remote                fvrf/ivrf            Status
    1         202.100.1.1/500       61.128.1.1/500        none/none            READY
          Encr: AES-CBC, keysize: 256, PRF: SHA512, Hash: SHA512, DH Grp:5, Auth sign: PSK, Auth verify: PSK
          Life/Active Time: 86400/298 sec
          CE id: 76468, Session-id: 17155
          Local spi: 000D3669857A0F82       Remote spi: E0419B1DB02DE6AE
          Local req msg id:  214            Remote req msg id:  6
          DPD configured for 60 seconds, retry 3
          Fragmentation not  configured.
          NAT-T is not detected
          Initiator of SA : Yes
          Remote subnets:
          10.0.0.0 255.0.0.0

IPv6 SAs put the addresses on their own lines::

    Tunnel-id    fvrf/ivrf              Status
    1          none/none             READY
    Local  2001:DB8:1101::131/500
    Remote  2001:DB8:1201::122/500

ASA::

    IKEv2 SAs:
    Session-id:1, Status:UP-ACTIVE, IKE count:1, CHILD count:2
    Tunnel-id Local                 Remote                 Status         Role
      3686011 2001:db8:2:1::1/500   2001:db8:2:1::2/500    READY    INITIATOR
    Child sa: local selector  2001:db8:1:2::/0 - 2001:db8:1:2:ffff:ffff:ffff:ffff/65535
              remote selector 2001:db8:3:2::/0 - 2001:db8:3:2:ffff:ffff:ffff:ffff/65535
              ESP spi in/out: 0xbe064bdc/0x5db6eff3

An SA is complete once its ``Life/Active Time`` line (and, in detail, ``Initiator of SA``) arrived.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields
from functools import partial
from typing import Any

from nornir_tasks.models.ikev2 import Ikev2ChildSa, Ikev2Sa, Ikev2SaTable, Ikev2Status
from nornir_tasks.parsers._feed import feed_lines
from nornir_tasks.parsers._kinds import FirstMatch
from nornir_tasks.parsers.registry import parser

COMMAND = "show crypto ikev2 sa"

_STATUSES = {s.value for s in Ikev2Status}
_FIELDS = frozenset(f.name for f in fields(Ikev2Sa))
# Lines only the detail variant prints: an SA that has one must also reach "Initiator of SA".
_DETAIL_KEYS = ("status_description", "local_id", "dpd_interval_sec", "nat_t")


class _Scan:
    def __init__(self) -> None:
        self.sas: list[dict[str, Any]] = []
        self.ipv6 = False
        self.session: dict[str, Any] = {}
        self.subnets = False
        self.cut = False

    def current(self) -> dict[str, Any] | None:
        if not self.sas:
            self.cut = True  # a body line before any Tunnel-id row: cut at the top
            return None
        return self.sas[-1]


def _split_port(value: str) -> tuple[str, int | None]:
    addr, sep, port = value.rpartition("/")
    return (addr, int(port)) if sep and port.isdigit() else (value, None)


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


# IPv4 Crypto IKEv2 SA   /  " IPv6 Crypto IKEv2  SA "   /   IPv4 Crypto IKEv2 Session
_SECTION = re.compile(r"IPv([46]) Crypto IKEv2\s+S(?:A|ession)")


def _section(scan: _Scan, m: re.Match[str]) -> None:
    scan.ipv6 = m[1] == "6"


# Tunnel-id Local                 Remote                fvrf/ivrf            Status
_HEADER = re.compile(r"Tunnel-id\s")
# IKEv2 SAs:   /  There are no IKEv2 SAs   (ASA)
_ASA_TITLE = re.compile(r"IKEv2 SAs:|There are no IKEv2 SAs", re.I)


def _nothing(scan: _Scan, m: re.Match[str]) -> None:
    return None


# Session-id:1, Status:UP-ACTIVE, IKE count:1, CHILD count:2     (ASA)
_ASA_SESSION = re.compile(
    r"Session-id:\s*(\d+),\s*Status:\s*([\w-]+)(?:,\s*IKE count:\s*(\d+),\s*CHILD count:\s*(\d+))?"
)
# Session-id: 100     (ASA detail, under the SA)
_ASA_DETAIL_SESSION = re.compile(r"Session-id:\s*(\d+)$")


def _asa_session(scan: _Scan, m: re.Match[str]) -> None:
    scan.session = {"session_id": int(m[1]), "session_status": m[2]}
    if m[3] is not None:
        scan.session.update(ike_count=int(m[3]), child_count=int(m[4]))


def _asa_detail_session(scan: _Scan, m: re.Match[str]) -> None:
    if (sa := scan.current()) is not None:
        sa["session_id"] = int(m[1])


# 1         202.100.1.1/500       61.128.1.1/500        none/none            READY
# 1          none/none             READY                                       (IPv6 layout)
#   3686011 2001:db8:2:1::1/500   2001:db8:2:1::2/500    READY    INITIATOR   (ASA)
_ROW = re.compile(r"(\d+)\s+\S+/\S+(?:\s+\S+){0,3}$")
# READY / IN-NEG / DELETE : a status word, unlike an address/port column
_STATUS_WORD = re.compile(r"[A-Z][A-Z-]*$")


def _status(text: str) -> dict[str, Any]:
    status = Ikev2Status(text) if text in _STATUSES else Ikev2Status.UNKNOWN
    return {"status": status, "status_text": text}


def _vrfs(text: str) -> dict[str, Any]:
    fvrf, _, ivrf = text.partition("/")
    return {"fvrf": fvrf, "ivrf": ivrf}


def _row(scan: _Scan, m: re.Match[str]) -> None:
    tokens = m.string.split()
    sa: dict[str, Any] = {"tunnel_id": int(tokens[0]), "ipv6": scan.ipv6, **scan.session}
    scan.sas.append(sa)
    scan.subnets = False
    if len(tokens) == 3 and _STATUS_WORD.match(tokens[2]):
        sa.update(_vrfs(tokens[1]), **_status(tokens[2]))
        return
    if len(tokens) < 5:
        for key, value in zip(("local", "remote"), tokens[1:3], strict=False):
            sa[key], sa[f"{key}_port"] = _split_port(value)
        scan.cut = True
        return
    sa["local"], sa["local_port"] = _split_port(tokens[1])
    sa["remote"], sa["remote_port"] = _split_port(tokens[2])
    if "/" in tokens[3]:
        sa.update(_vrfs(tokens[3]), **_status(tokens[4]))
    else:
        sa.update(_status(tokens[3]), role=tokens[4])
    sa["ipv6"] = sa["ipv6"] or ":" in tokens[1]


# Local  2001:DB8:1101::131/500   /  Remote  2001:DB8:1201::122/500   (IPv6 layout)
_ADDRESS_LINE = re.compile(r"(Local|Remote)\s+([0-9A-Fa-f:.]+/\d+)$")


def _address_line(scan: _Scan, m: re.Match[str]) -> None:
    sa = scan.current()
    if sa is not None:
        key = m[1].lower()
        sa[key], sa[f"{key}_port"] = _split_port(m[2])


# Encr: AES-CBC, keysize: 256, PRF: SHA512, Hash: SHA512, DH Grp:21, Auth sign: PSK, Auth verify: PSK
_ENCR = re.compile(r"Encr:")
_ENCR_KEYS = {
    "Encr": "encr",
    "keysize": "keysize",
    "PRF": "prf",
    "Hash": "hash",
    "DH Grp": "dh_group",
    "Auth sign": "auth_sign",
    "Auth verify": "auth_verify",
}


def _encr(scan: _Scan, m: re.Match[str]) -> None:
    sa = scan.current()
    if sa is None:
        return
    for part in m.string.split(","):
        key, _, value = part.partition(":")
        name = _ENCR_KEYS.get(key.strip())
        if name is not None:
            value = value.strip()
            sa[name] = _int(value) if name in ("keysize", "dh_group") else value


# PQC Key Exchange: ML-KEM-1024
# Status Description: Negotiation done / Local id: x / Remote id: y / Dynamic Route Update: enabled
# Pushed IP address: 8.1.9.4
_TEXT = re.compile(
    r"(PQC Key Exchange|Status Description|Local id|Remote id|Dynamic Route Update"
    r"|Pushed IP address|PEER TYPE):\s*(.*)"
)
# Quantum-safe Encryption using PQC: ML-KEM-1024 / Quantum Resistance Enabled (17.x detail)
_QUANTUM = re.compile(r"(Quantum[- ][Ss]afe Encryption.*|Quantum Resistance Enabled)$")
_TEXT_KEYS = {
    "PQC Key Exchange": "pqc_key_exchange",
    "Status Description": "status_description",
    "Local id": "local_id",
    "Remote id": "remote_id",
    "Dynamic Route Update": "dynamic_route_update",
    "Pushed IP address": "pushed_ip",
    "PEER TYPE": "peer_type",
}


def _text(scan: _Scan, m: re.Match[str]) -> None:
    sa = scan.current()
    if sa is not None:
        sa[_TEXT_KEYS[m[1]] if m.re is _TEXT else "quantum_safe"] = m[m.lastindex or 1].strip()


# Life/Active Time: 86400/298 sec
_LIFE = re.compile(r"Life/Active Time:\s*(\d+)/(\d+)")


def _life(scan: _Scan, m: re.Match[str]) -> None:
    sa = scan.current()
    if sa is not None:
        sa["lifetime_sec"], sa["active_time_sec"] = int(m[1]), int(m[2])


# CE id: 76468, Session-id: 17155
_CE = re.compile(r"CE id:\s*(\d+),\s*Session-id:\s*(\d+)")


def _ce(scan: _Scan, m: re.Match[str]) -> None:
    sa = scan.current()
    if sa is not None:
        sa["ce_id"], sa["session_id"] = int(m[1]), int(m[2])


# Local spi: 000D3669857A0F82       Remote spi: E0419B1DB02DE6AE
# Local req msg id:  214            Remote req msg id:  6
# Local Sys Id: sks1 Remote Sys Id: sks2
_PAIR = re.compile(r"Local ([A-Za-z ]+?):\s*(\S+)\s+Remote ([A-Za-z ]+?):\s*(\S+)$")


def _pair(scan: _Scan, m: re.Match[str]) -> None:
    sa = scan.current()
    if sa is None:
        return
    for side, label, value in (("local", m[1], m[2]), ("remote", m[3], m[4])):
        name = f"{side}_{label.lower().replace(' ', '_')}"
        if name in _FIELDS:
            sa[name] = value if label.lower() in ("spi", "sys id") else _int(value)


# DPD configured for 60 seconds, retry 3
_DPD = re.compile(r"DPD configured for (\d+) seconds?, retry (\d+)")


def _dpd(scan: _Scan, m: re.Match[str]) -> None:
    sa = scan.current()
    if sa is not None:
        sa["dpd_interval_sec"], sa["dpd_retry"] = int(m[1]), int(m[2])


# Fragmentation not  configured. / Extended Authentication not configured.
# NAT-T is not detected / Cisco Trust Security SGT is disabled
_STATE_TEXT = re.compile(
    r"(Fragmentation|Extended Authentication|NAT-T is|Cisco Trust Security SGT is)\s+(.*?)\.?$"
)
_STATE_KEYS = {
    "Fragmentation": "fragmentation",
    "Extended Authentication": "extended_authentication",
    "NAT-T is": "nat_t",
    "Cisco Trust Security SGT is": "cts_sgt",
}


def _state_text(scan: _Scan, m: re.Match[str]) -> None:
    sa = scan.current()
    if sa is not None:
        sa[_STATE_KEYS[m[1]]] = m[2]


# Initiator of SA : Yes
_INITIATOR = re.compile(r"Initiator of SA\s*:\s*(\w+)")


def _initiator(scan: _Scan, m: re.Match[str]) -> None:
    sa = scan.current()
    if sa is not None:
        sa["initiator"] = m[1].lower() == "yes"


# Remote subnets:
_SUBNETS = re.compile(r"Remote subnets:")


def _subnets(scan: _Scan, m: re.Match[str]) -> None:
    if scan.current() is not None:
        scan.subnets = True
        scan.sas[-1]["remote_subnets"] = []


# 10.0.0.0 255.0.0.0     (a remote subnet)
_SUBNET = re.compile(r"[0-9A-Fa-f.:]+(?:/\d+|\s+[0-9.]+)$")
# Child sa: local selector  2001:db8:1:2::/0 - 2001:db8:1:2:ffff:ffff:ffff:ffff/65535   (ASA)
_CHILD = re.compile(r"Child sa:\s*local selector\s+(.+)")
# remote selector 2001:db8:3:2::/0 - 2001:db8:3:2:ffff:ffff:ffff:ffff/65535
_CHILD_REMOTE = re.compile(r"remote selector\s+(.+)")
# ESP spi in/out: 0xbe064bdc/0x5db6eff3
_CHILD_SPI = re.compile(r"ESP spi in/out:\s*(\w+)/(\w+)")


def _child(scan: _Scan, m: re.Match[str]) -> None:
    sa = scan.current()
    if sa is not None:
        sa.setdefault("child_sas", []).append({"local_selector": m[1].strip()})


def _child_field(scan: _Scan, m: re.Match[str]) -> None:
    sa = scan.current()
    children = sa.get("child_sas") if sa is not None else None
    if not children:
        scan.cut = True
        return
    if m.re is _CHILD_REMOTE:
        children[-1]["remote_selector"] = m[1].strip()
    else:
        children[-1]["esp_spi_in"], children[-1]["esp_spi_out"] = m[1], m[2]


_Handler = Callable[[_Scan, re.Match[str]], None]
_KINDS: tuple[tuple[re.Pattern[str], _Handler], ...] = (
    (_SECTION, _section),
    (_HEADER, _nothing),
    (_ASA_TITLE, _nothing),
    (_ASA_SESSION, _asa_session),
    (_ASA_DETAIL_SESSION, _asa_detail_session),
    (_ROW, _row),
    (_ADDRESS_LINE, _address_line),
    (_ENCR, _encr),
    (_LIFE, _life),
    (_CE, _ce),
    (_PAIR, _pair),
    (_TEXT, _text),
    (_QUANTUM, _text),
    (_DPD, _dpd),
    (_STATE_TEXT, _state_text),
    (_INITIATOR, _initiator),
    (_SUBNETS, _subnets),
    (_CHILD, _child),
    (_CHILD_REMOTE, _child_field),
    (_CHILD_SPI, _child_field),
)
_FIRST = FirstMatch(_KINDS)  # the first kind that reads a line, in one regex call


def _line(scan: _Scan, s: str) -> bool:
    if scan.subnets and _SUBNET.match(s):
        scan.sas[-1]["remote_subnets"].append(s)
        return True
    found = _FIRST(s)
    if found is None:
        return False
    m, handler = found
    scan.subnets = False  # a known line ends the "Remote subnets:" list
    handler(scan, m)
    return True


def _sa_complete(sa: dict[str, Any]) -> bool:
    if "status" not in sa or "lifetime_sec" not in sa:
        return False
    return "initiator" in sa or not any(key in sa for key in _DETAIL_KEYS)


def _build(sa: dict[str, Any]) -> Ikev2Sa:
    values = dict(sa)
    values["remote_subnets"] = tuple(sa.get("remote_subnets", ()))
    values["child_sas"] = tuple(Ikev2ChildSa(**c) for c in sa.get("child_sas", ()))
    return Ikev2Sa(**values)


@parser("show crypto ikev2 sa")
@parser("show crypto ikev2 sa detail")
@parser("show crypto ikev2 sa remote *")
@parser("show crypto ikev2 sa remote * detail")
def parse_ikev2_sa(text: str) -> Ikev2SaTable:
    """Parse IKEv2 SAs (IPv4 and IPv6 sections, plain or detail, IOS or ASA layout)."""
    scan = _Scan()
    feed_lines(COMMAND, text, partial(_line, scan))
    complete = not scan.cut and all(_sa_complete(sa) for sa in scan.sas)
    return Ikev2SaTable(sas=tuple(_build(sa) for sa in scan.sas), complete=complete)
