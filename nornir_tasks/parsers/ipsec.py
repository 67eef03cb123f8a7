"""``show crypto ipsec sa [detail | peer X [detail] | interface X [detail]]`` (IOS, IOS-XE, ASA).

IOS / IOS-XE::

    interface: GigabitEthernet3
        Crypto map tag: vpn-crypto-map, local addr 1.1.1.2
       protected vrf: (none)
       local  ident (addr/mask/prot/port): (20.20.20.0/255.255.255.0/0/0)
       remote ident (addr/mask/prot/port): (10.10.10.0/255.255.255.0/0/0)
       current_peer 1.1.1.1 port 500
         PERMIT, flags={origin_is_acl,}
        #pkts encaps: 4, #pkts encrypt: 4, #pkts digest: 4
        #send errors 0, #recv errors 0
         local crypto endpt.: 1.1.1.2, remote crypto endpt.: 1.1.1.1
         plaintext mtu 1438, path mtu 1500, ip mtu 1500, ip mtu idb GigabitEthernet3
         current outbound spi: 0x397C36EE(964441838)
         PFS (Y/N): N, DH group: none
         inbound esp sas:
          spi: 0x658F7C11(1703902225)
            transform: esp-256-aes esp-sha256-hmac ,
            in use settings ={Tunnel, }
            conn id: 2076, flow_id: CSR:76, sibling_flags FFFFFFFF80000048, crypto map: vpn-crypto-map
            sa timing: remaining key lifetime (k/sec): (4607999/83191)
            IV size: 16 bytes
            replay detection support: Y
            Status: ACTIVE(ACTIVE)
         ...
         outbound pcp sas:

ASA::

    interface: COLO                  (or "peer address: 8.8.8.8" for "show crypto ipsec sa peer X")
        Crypto map tag: COLO-MAP, seq num: 2, local addr: 172.16.248.119
          access-list 2 extended permit ip 172.16.122.32 255.255.255.240 host 172.30.1.153
          local ident (addr/mask/prot/port): (172.16.122.32/255.255.255.240/0/0)
          current_peer: 8.8.8.8
          #send errors: 0, #recv errors: 0
          local crypto endpt.: 172.16.248.119/4500, remote crypto endpt.: 8.8.8.8/4500
          path mtu 1500, ipsec overhead 82(52), media mtu 1500
          current outbound spi: 50023DDC
        inbound esp sas:
          spi: 0x32F752FF (855069439)
             SA State: active
             slot: 0, conn_id: 159694848, crypto-map: COLO-MAP
             sa timing: remaining key lifetime (kB/sec): (2699423/25461)

A flow is complete when its last line arrived: IOS always ends a flow with ``outbound pcp sas:``;
an ASA flow ends after its last outbound SA (``replay detection support`` and, if announced, the
anti-replay bitmap). Output cut anywhere before that sets ``complete=False``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, fields
from functools import partial
from typing import Any, TypeVar

from nornir_tasks.models.ipsec import IpsecFlow, IpsecSa, IpsecSaTable, SaDirection, SaProtocol
from nornir_tasks.parsers._feed import feed_lines
from nornir_tasks.parsers._ipsec_flow import (
    _access_list,
    _action,
    _counters,
    _dynamic_peer,
    _icmp,
    _ident,
    _interface,
    _map_tag,
    _mtu,
    _peer_address,
    _peer_or_spi,
    _pfs,
    _pmtu,
    _protected_vrf,
)
from nornir_tasks.parsers._ipsec_sa import (
    _bitmap,
    _bitmap_values,
    _iv,
    _lifetime,
    _replay,
    _sa_keys,
    _section,
    _settings,
    _spi,
    _status,
    _transform,
    _volume_rekey_disabled,
)
from nornir_tasks.parsers._ipsec_scan import _Scan
from nornir_tasks.parsers.registry import parser

COMMAND = "show crypto ipsec sa"

_FLOW_KEYS = frozenset(f.name for f in fields(IpsecFlow))
_M = TypeVar("_M", IpsecFlow, IpsecSa)


def _no_sas(scan: _Scan, s: str) -> bool:
    # There are no ipsec sas   (ASA)   /   No SAs found   (IOS, nothing to show)
    return s.lower().startswith(("there are no ipsec sas", "no sas found"))


_Handler = Callable[[_Scan, str], bool]
# Dispatch on the first four characters of the stripped line: one dict lookup per line.
_DISPATCH: dict[str, _Handler] = {
    "inte": _interface,
    "peer": _peer_address,
    "Cryp": _map_tag,
    "prot": _protected_vrf,
    "Prot": _protected_vrf,
    "acce": _access_list,
    "loca": _ident,
    "remo": _ident,
    "curr": _peer_or_spi,
    "PERM": _action,
    "DENY": _action,
    "BYPA": _action,
    "dyna": _dynamic_peer,
    "plai": _mtu,
    "path": _mtu,
    "PMTU": _pmtu,
    "ICMP": _icmp,
    "PFS ": _pfs,
    "inbo": _section,
    "outb": _section,
    "spi:": _spi,
    "tran": _transform,
    "in u": _settings,
    "conn": _sa_keys,
    "slot": _sa_keys,
    "sa t": _lifetime,
    "Kilo": _volume_rekey_disabled,
    "IV s": _iv,
    "repl": _replay,
    "Stat": _status,
    "SA S": _status,
    "Anti": _bitmap,
    "Ther": _no_sas,
    "No S": _no_sas,
}


def _line(scan: _Scan, s: str) -> bool:
    if s[0] == "#":
        return _counters(scan, s)
    handler = _DISPATCH.get(s[:4])
    return handler(scan, s) if handler is not None else _bitmap_values(scan, s)


def _sa_done(sa: dict[str, Any], asa: bool) -> bool:
    if asa:
        return "replay_detection" in sa and not sa.get("_bitmap_pending")
    return "status" in sa


def _flow_complete(flow: dict[str, Any]) -> bool:
    if flow["_done"]:
        return True
    if not flow["_asa"]:
        return False
    # ASA prints no ah/pcp sections: the flow ends with its last outbound SA.
    if (SaDirection.OUTBOUND, SaProtocol.ESP) not in flow["_sections"]:
        return False
    sas = flow["_sas"]
    if sas and not _sa_done(sas[-1], asa=True):
        return False
    outbound = any(sa["direction"] is SaDirection.OUTBOUND for sa in sas)
    return outbound or not flow.get("current_outbound_spi_value")


def _defaults(cls: type[_M]) -> dict[str, Any]:
    return {f.name: f.default for f in fields(cls) if f.default is not MISSING}


_FLOW_DEFAULTS, _SA_DEFAULTS = _defaults(IpsecFlow), _defaults(IpsecSa)


def _frozen(cls: type[_M], defaults: dict[str, Any], values: dict[str, Any]) -> _M:
    """An instance of ``cls`` holding ``values`` (complete, checked field names) over defaults.

    A frozen dataclass ``__init__`` sets each field through ``object.__setattr__``: for the 72
    fields of a flow that was a third of the whole parse. The scanner has already built the
    values under the field names, so the instance dict is filled in one step; the instance is
    as frozen, comparable and printable as one built by ``__init__``.
    """
    instance = object.__new__(cls)
    instance.__dict__.update(defaults)
    instance.__dict__.update(values)
    return instance


def _build_sa(sa: dict[str, Any]) -> IpsecSa:
    return _frozen(IpsecSa, _SA_DEFAULTS, {k: v for k, v in sa.items() if k[0] != "_"})


def _build_flow(flow: dict[str, Any]) -> IpsecFlow:
    values = {k: v for k, v in flow.items() if k in _FLOW_KEYS}
    values.setdefault("other_counters", {})
    values["sas"] = tuple(_build_sa(sa) for sa in flow["_sas"])
    values["complete"] = _flow_complete(flow)
    return _frozen(IpsecFlow, _FLOW_DEFAULTS, values)


@parser("show crypto ipsec sa")
@parser("show crypto ipsec sa detail")
@parser("show crypto ipsec sa peer *")
@parser("show crypto ipsec sa peer * detail")
@parser("show crypto ipsec sa interface *")
@parser("show crypto ipsec sa interface * detail")
def parse_ipsec_sa(text: str) -> IpsecSaTable:
    """Parse ``show crypto ipsec sa`` (any of the variants above) into flows and SAs."""
    scan = _Scan()
    feed_lines(COMMAND, text, partial(_line, scan))
    flows = tuple(_build_flow(flow) for flow in scan.flows)
    cut = scan.orphan or not scan.context_used
    return IpsecSaTable(flows=flows, complete=not cut and all(f.complete for f in flows))
