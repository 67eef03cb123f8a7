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

import re
from collections.abc import Callable
from dataclasses import MISSING, fields
from functools import partial
from typing import Any, TypeVar

from nornir_tasks.models.ipsec import (
    Ident,
    IpsecFlow,
    IpsecSa,
    IpsecSaTable,
    SaDirection,
    SaProtocol,
)
from nornir_tasks.parsers._feed import feed_lines
from nornir_tasks.parsers.registry import parser

COMMAND = "show crypto ipsec sa"

# Crypto map tag: vpn-crypto-map, local addr 1.1.1.2
# Crypto map tag: COLO-MAP, seq num: 2, local addr: 172.16.248.119
_MAP_TAG = re.compile(
    r"Crypto map tag:\s*([^,]+?),\s*(?:seq num:\s*(\d+),\s*)?local addr(:)?\s*(\S+)"
)
# protected vrf: (none)        /  ASA: Protected vrf (ivrf): Global
_PROTECTED_VRF = re.compile(r"[Pp]rotected vrf(?: \(ivrf\))?:\s*(\S+)")
# local  ident (addr/mask/prot/port): (20.20.20.0/255.255.255.0/0/0)
_IDENT = re.compile(r"(local|remote)\s+ident \(addr/mask/prot/port\):\s*\(([^)]*)\)")
# current_peer 1.1.1.1 port 500   /  ASA: current_peer: 172.20.0.21
_PEER = re.compile(r"current_peer:?\s+(\S+)(?:\s+port\s+(\d+))?")
# current outbound spi: 0x397C36EE(964441838)   /  ASA: current inbound spi : 32F752FF
_CURRENT_SPI = re.compile(r"current (outbound|inbound) spi\s*:\s*(\S+)")
# PERMIT, flags={origin_is_acl,}
_ACTION = re.compile(r"(PERMIT|DENY|BYPASS),?\s*flags=\{([^}]*)\}")
# dynamic allocated peer ip: 10.135.1.5
_DYNAMIC_PEER = re.compile(r"dynamic allocated peer ip:\s*(\S+)")
# #pkts encaps: 4, #pkts encrypt: 4, #pkts digest: 4  /  #send errors 0  /  ##pkts replay failed (rcv): 0
_COUNTER = re.compile(r"#+([^#:,\d]+):?\s*(\d+)")
# local crypto endpt.: 1.1.1.2, remote crypto endpt.: 1.1.1.1  (ASA adds /4500)
_ENDPOINTS = re.compile(r"local crypto endpt\.:\s*([^,\s]+),\s*remote crypto endpt\.:\s*(\S+)")
# local crypto endpt.: 2001:DB8:1101::131,   /   remote crypto endpt.: 2001:DB8:1202::123
# (IPv6 endpoints do not fit one line: IOS-XE prints each on its own)
_ENDPOINT_ONE = re.compile(r"(local|remote) crypto endpt\.:\s*([^,\s]+),?\s*$")
# plaintext mtu 1438, path mtu 1500, ip mtu 1500, ip mtu idb GigabitEthernet3
# path mtu 1500, ipsec overhead 82(52), media mtu 1500   (ASA)
# plaintext mtu 1446, path mtu 1500, ipv6 mtu 1500, ipv6 mtu idb TenGigabitEthernet0/0/1
_MTU_ITEM = re.compile(
    r"(plaintext mtu|path mtu|ipv?6? mtu idb|ipv?6? mtu|ipsec overhead|media mtu)\s+(\S+)"
)
# PMTU time remaining (sec): 0, DF policy: copy-df
_PMTU = re.compile(r"PMTU time remaining \(sec\):\s*(\d+),\s*DF policy:\s*(\S+)")
# ICMP error validation: disabled, TFC packets: disabled
_ICMP = re.compile(r"ICMP error validation:\s*(\S+),\s*TFC packets:\s*(\S+)")
# PFS (Y/N): N, DH group: none / ..., DH group: none, PQC Key Exchange: ML-KEM-1024 (17.x)
# PFS (Y/N): Y, DH group: group14, AKE group: AKE1: MLKEM512
_PFS = re.compile(
    r"PFS \(Y/N\):\s*([YN]),\s*DH group:\s*([^,\s]+)"
    r"(?:,\s*(?:PQC Key Exchange|AKE group):\s*(.+?))?\s*$"
)
# spi: 0x658F7C11(1703902225)   /  ASA: spi: 0x1E8246FC (511854332)
_SPI = re.compile(r"spi:\s*0x([0-9A-Fa-f]+)")
# in use settings ={Tunnel, }
_SETTINGS = re.compile(r"in use settings\s*=\s*\{([^}]*)\}")
# sa timing: remaining key lifetime (k/sec): (4607999/83191)  /  ASA: (sec): 548
_LIFETIME = re.compile(r"remaining key lifetime \(([^)]*)\):\s*\(?(\d+)(?:/(\d+))?")
# sa timing: remaining key lifetime 1 hours, 10 mins   (17.x when volume rekey is disabled)
_LIFETIME_WORDS = re.compile(r"remaining key lifetime (?:(\d+) hours?,?\s*)?(?:(\d+) mins?)?")
# IV size: 16 bytes
_IV = re.compile(r"IV size:\s*(\d+)")
# replay detection support: Y  replay window size: 1024
_REPLAY = re.compile(r"replay detection support:\s*([YN])(?:\s+replay window size:\s*(\d+))?")

# Counter labels as printed (IOS, IOS-XE detail, ASA) -> IpsecFlow field.
_COUNTERS = {
    "pkts encaps": "pkts_encaps",
    "pkts encrypt": "pkts_encrypt",
    "pkts digest": "pkts_digest",
    "pkts decaps": "pkts_decaps",
    "pkts decrypt": "pkts_decrypt",
    "pkts verify": "pkts_verify",
    "pkts compressed": "pkts_compressed",
    "pkts decompressed": "pkts_decompressed",
    "pkts not compressed": "pkts_not_compressed",
    "pkts compr. failed": "pkts_compr_failed",
    "pkts comp failed": "pkts_compr_failed",
    "pkts not decompressed": "pkts_not_decompressed",
    "pkts decompress failed": "pkts_decompress_failed",
    "pkts decomp failed": "pkts_decompress_failed",
    "pkts no sa (send)": "pkts_no_sa_send",
    "pkts invalid sa (rcv)": "pkts_invalid_sa_rcv",
    "pkts encaps failed (send)": "pkts_encaps_failed_send",
    "pkts decaps failed (rcv)": "pkts_decaps_failed_rcv",
    "pkts invalid prot (recv)": "pkts_invalid_prot_recv",
    "pkts verify failed": "pkts_verify_failed",
    "pkts invalid identity (recv)": "pkts_invalid_identity_recv",
    "pkts invalid len (rcv)": "pkts_invalid_len_rcv",
    "pkts replay rollover (send)": "pkts_replay_rollover_send",
    "pkts replay rollover (rcv)": "pkts_replay_rollover_rcv",
    "pkts replay failed (rcv)": "pkts_replay_failed",
    "pkts replay failed": "pkts_replay_failed",
    "pkts tagged (send)": "pkts_tagged_send",
    "pkts untagged (rcv)": "pkts_untagged_rcv",
    "pkts not tagged (send)": "pkts_not_tagged_send",
    "pkts not untagged (rcv)": "pkts_not_untagged_rcv",
    "pkts internal err (send)": "pkts_internal_err_send",
    "pkts internal err (recv)": "pkts_internal_err_recv",
    "pre-frag successes": "pre_frag_successes",
    "pre-frag failures": "pre_frag_failures",
    "fragments created": "fragments_created",
    "PMTUs sent": "pmtus_sent",
    "PMTUs rcvd": "pmtus_rcvd",
    "decapsulated frags needing reassembly": "decapsulated_frags_needing_reassembly",
    "decapsulated frgs needing reassembly": "decapsulated_frags_needing_reassembly",
    "send errors": "send_errors",
    "recv errors": "recv_errors",
}
_MTU_FIELDS = {
    "plaintext mtu": "plaintext_mtu",
    "path mtu": "path_mtu",
    "ip mtu": "ip_mtu",
    "ipsec overhead": "ipsec_overhead",
    "media mtu": "media_mtu",
}
# Keys of "conn id: 2076, flow_id: CSR:76, sibling_flags FF..., crypto map: X, initiator : True"
# and ASA "slot: 0, conn_id: 3, crypto-map: def".
_SA_KEYS = {
    "conn id": "conn_id",
    "conn_id": "conn_id",
    "flow_id": "flow_id",
    "flow id": "flow_id",
    "sibling_flags": "sibling_flags",
    "crypto map": "crypto_map",
    "crypto-map": "crypto_map",
    "slot": "slot",
    "initiator": "initiator",
}
_INT_SA_KEYS = frozenset({"conn_id", "slot"})
_SECTIONS = {f"{d.value} {p.value} sas:": (d, p) for d in SaDirection for p in SaProtocol}
_FLOW_KEYS = frozenset(f.name for f in fields(IpsecFlow))
_M = TypeVar("_M", IpsecFlow, IpsecSa)
_DIGITS = re.compile(r"\d+")
_NON_WORD = re.compile(r"[^0-9a-z]+")


class _Scan:
    """Mutable state of one pass; flows and SAs are dicts until the end."""

    def __init__(self) -> None:
        self.flows: list[dict[str, Any]] = []
        self.flow: dict[str, Any] | None = None
        self.sa: dict[str, Any] | None = None
        self.section: tuple[SaDirection, SaProtocol] | None = None
        self.interface = ""
        self.map_tag: str | None = None
        self.map_seq: int | None = None
        self.local_addr: str | None = None
        self.asa = False
        self.peer_header = False  # ASA "peer address:" opened the output instead of "interface:"
        self.context_used = True
        self.orphan = False
        self.counter_cache: dict[str, tuple[tuple[str, int], ...]] = {}

    def open_flow(self) -> dict[str, Any]:
        flow: dict[str, Any] = {
            "interface": self.interface,
            "crypto_map_tag": self.map_tag,
            "crypto_map_seq": self.map_seq,
            "local_addr": self.local_addr,
            "_asa": self.asa,
            "_sas": [],
            "_done": False,
            "_sections": set(),
        }
        if not self.interface and not self.peer_header:
            self.orphan = True
        self.flows.append(flow)
        self.flow, self.sa, self.section = flow, None, None
        self.context_used = True
        return flow

    def flow_opening(self, key: str) -> dict[str, Any]:
        """The current flow, or a new one if ``key`` already belongs to the current one."""
        flow = self.flow
        if flow is None or key in flow:
            return self.open_flow()
        return flow

    def current(self) -> dict[str, Any]:
        return self.flow if self.flow is not None else self.open_flow()


def _int_prefix(value: str) -> int | None:
    """``82(52)`` -> 82, ``1500`` -> 1500, anything else -> None."""
    digits = _DIGITS.match(value)
    return int(digits.group()) if digits else None


def _split_port(value: str) -> tuple[str, int | None]:
    addr, sep, port = value.rpartition("/")
    if sep and port.isdigit():
        return addr, int(port)
    return value, None


def _spi_value(text: str) -> int | None:
    token = text.split("(", 1)[0].strip()
    token = token[2:] if token[:2] in ("0x", "0X") else token
    try:
        return int(token, 16)
    except ValueError:
        return None


def _interface(scan: _Scan, s: str) -> bool:
    # interface: GigabitEthernet3
    name = s[10:].strip() if s.startswith("interface:") else ""
    if not name:
        return False
    scan.interface, scan.map_tag, scan.map_seq, scan.local_addr = name, None, None, None
    scan.flow, scan.sa, scan.section, scan.context_used = None, None, None, False
    return True


def _peer_address(scan: _Scan, s: str) -> bool:
    # peer address: 10.0.0.2   (ASA "show crypto ipsec sa peer X": it stands for "interface:")
    if not s.startswith("peer address:") or not s[13:].strip():
        return False
    scan.peer_header = True  # the flows that follow have a context, though no interface
    return True


def _map_tag(scan: _Scan, s: str) -> bool:
    m = _MAP_TAG.match(s)
    if not m:
        return False
    scan.map_tag, seq, colon, scan.local_addr = m.groups()
    scan.map_seq = int(seq) if seq else None
    scan.asa = bool(colon or seq)
    scan.flow, scan.sa, scan.section, scan.context_used = None, None, None, False
    if not scan.interface and not scan.peer_header:
        scan.orphan = True
    return True


def _protected_vrf(scan: _Scan, s: str) -> bool:
    m = _PROTECTED_VRF.match(s)
    if not m:
        return False
    scan.flow_opening("protected_vrf")["protected_vrf"] = m.group(1)
    return True


def _access_list(scan: _Scan, s: str) -> bool:
    # access-list 2 extended permit ip 172.16.122.32 255.255.255.240 host 172.30.1.153  (ASA)
    if not s.startswith("access-list "):
        return False
    scan.flow_opening("access_list")["access_list"] = s
    return True


def _ident(scan: _Scan, s: str) -> bool:
    m = _IDENT.match(s)
    if not m:
        return _endpoints(scan, s)
    parts = m.group(2).rsplit("/", 3)
    if len(parts) != 4 or not parts[2].isdigit() or not parts[3].isdigit():
        return False
    key = f"{m.group(1)}_ident"
    flow = scan.flow_opening("local_ident") if key == "local_ident" else scan.current()
    flow[key] = Ident(parts[0], parts[1], int(parts[2]), int(parts[3]))
    return True


def _peer_or_spi(scan: _Scan, s: str) -> bool:
    m = _PEER.match(s)
    if m:
        flow = scan.current()
        flow["current_peer"] = m.group(1)
        flow["peer_port"] = int(m.group(2)) if m.group(2) else None
        if s[12:13] == ":":
            flow["_asa"] = True
        return True
    m = _CURRENT_SPI.match(s)
    if not m:
        return False
    flow = scan.current()
    flow[f"current_{m.group(1)}_spi"] = m.group(2)
    if m.group(1) == "outbound":
        flow["current_outbound_spi_value"] = _spi_value(m.group(2))
    return True


def _action(scan: _Scan, s: str) -> bool:
    m = _ACTION.match(s)
    if not m:
        return False
    flow = scan.current()
    flow["action"] = m.group(1)
    flow["flags"] = tuple(f.strip() for f in m.group(2).split(",") if f.strip())
    return True


def _dynamic_peer(scan: _Scan, s: str) -> bool:
    m = _DYNAMIC_PEER.match(s)
    if not m:
        return False
    scan.current()["dynamic_peer"] = m.group(1)
    return True


def _counter_pairs(label_value: list[tuple[str, str]]) -> tuple[tuple[str, int], ...]:
    pairs = []
    for label, value in label_value:
        words = " ".join(label.split())
        name = _COUNTERS.get(words) or "~" + _NON_WORD.sub("_", words.lower()).strip("_")
        pairs.append((name, int(value)))
    return tuple(pairs)


def _counters(scan: _Scan, s: str) -> bool:
    # Counter lines repeat verbatim across flows (mostly zeros): parse each distinct line once.
    pairs = scan.counter_cache.get(s)
    if pairs is None:
        pairs = scan.counter_cache[s] = _counter_pairs(_COUNTER.findall(s))
    if not pairs:
        return False
    flow = scan.current()
    for name, value in pairs:
        if name[0] == "~":
            flow.setdefault("other_counters", {})[name[1:]] = value
        else:
            flow[name] = value
    return True


def _endpoints(scan: _Scan, s: str) -> bool:
    m = _ENDPOINTS.match(s)
    if not m:
        return _endpoint_one(scan, s)
    flow = scan.current()
    flow["local_crypto_endpt"], flow["local_crypto_port"] = _split_port(m.group(1))
    flow["remote_crypto_endpt"], flow["remote_crypto_port"] = _split_port(m.group(2))
    return True


def _endpoint_one(scan: _Scan, s: str) -> bool:
    m = _ENDPOINT_ONE.match(s)
    if not m:
        return False
    flow = scan.current()
    side = m.group(1)
    flow[f"{side}_crypto_endpt"], flow[f"{side}_crypto_port"] = _split_port(m.group(2))
    return True


def _mtu(scan: _Scan, s: str) -> bool:
    items = _MTU_ITEM.findall(s)
    if not items:
        return False
    flow = scan.current()
    for key, value in items:
        key = key.replace("ipv6", "ip")  # an IPv6 tunnel's "ipv6 mtu" is its ip mtu
        if key == "ip mtu idb":
            flow["ip_mtu_idb"] = value.rstrip(",")
        else:
            flow[_MTU_FIELDS[key]] = _int_prefix(value)
    return True


def _pmtu(scan: _Scan, s: str) -> bool:
    m = _PMTU.match(s)
    if not m:
        return False
    flow = scan.current()
    flow["pmtu_time_remaining_sec"], flow["df_policy"] = int(m.group(1)), m.group(2)
    return True


def _icmp(scan: _Scan, s: str) -> bool:
    m = _ICMP.match(s)
    if not m:
        return False
    flow = scan.current()
    flow["icmp_error_validation"], flow["tfc_packets"] = m.group(1), m.group(2)
    return True


def _pfs(scan: _Scan, s: str) -> bool:
    m = _PFS.match(s)
    if not m:
        return False
    flow = scan.current()
    flow["pfs"], flow["dh_group"] = m.group(1) == "Y", m.group(2)
    if m.group(3):
        flow["pqc_key_exchange"] = m.group(3)
    return True


def _section(scan: _Scan, s: str) -> bool:
    # inbound esp sas:  ...  outbound pcp sas:
    section = _SECTIONS.get(s)
    if section is None:
        return False
    flow = scan.current()
    scan.section, scan.sa = section, None
    flow["_sections"].add(section)
    if section == (SaDirection.OUTBOUND, SaProtocol.PCP):
        flow["_done"] = True
    return True


def _spi(scan: _Scan, s: str) -> bool:
    m = _SPI.match(s)
    if not m:
        return False
    flow = scan.flow
    if flow is None or scan.section is None:
        scan.orphan = True
        return True
    direction, protocol = scan.section
    sa: dict[str, Any] = {
        "direction": direction,
        "protocol": protocol,
        "spi": s[4:].strip(),
        "spi_value": int(m.group(1), 16),
    }
    flow["_sas"].append(sa)
    scan.sa = sa
    return True


def _sa(scan: _Scan) -> dict[str, Any] | None:
    if scan.sa is None:
        scan.orphan = True
    return scan.sa


def _transform(scan: _Scan, s: str) -> bool:
    # transform: esp-256-aes esp-sha256-hmac ,
    if not s.startswith("transform:"):
        return False
    sa = _sa(scan)
    if sa is not None:
        sa["transform"] = s[10:].strip().rstrip(",").strip()
    return True


def _settings(scan: _Scan, s: str) -> bool:
    m = _SETTINGS.match(s)
    if not m:
        return False
    sa = _sa(scan)
    if sa is not None:
        sa["in_use_settings"] = tuple(x.strip() for x in m.group(1).split(",") if x.strip())
    return True


def _sa_keys(scan: _Scan, s: str) -> bool:
    # conn id: 2076, flow_id: CSR:76, sibling_flags FFFFFFFF80000048, crypto map: vpn-crypto-map
    # slot: 0, conn_id: 3, crypto-map: def   (ASA)
    found: dict[str, Any] = {}
    for part in s.split(","):
        key, sep, value = part.partition(":")
        if not sep:
            key, _, value = part.strip().partition(" ")
        name = _SA_KEYS.get(key.strip())
        if name is None:
            continue
        value = value.strip()
        if name in _INT_SA_KEYS:
            if not value.isdigit():
                return False
            found[name] = int(value)
        elif name == "initiator":
            found[name] = value.lower() == "true"
        else:
            found[name] = value
    if not found:
        return False
    sa = _sa(scan)
    if sa is not None:
        sa.update(found)
    return True


def _lifetime_words(scan: _Scan, s: str) -> bool:
    m = _LIFETIME_WORDS.search(s)
    if not m or not (m.group(1) or m.group(2)):
        return False
    sa = _sa(scan)
    if sa is not None:
        sa["remaining_lifetime_sec"] = int(m.group(1) or 0) * 3600 + int(m.group(2) or 0) * 60
    return True


def _volume_rekey_disabled(scan: _Scan, s: str) -> bool:
    # Kilobyte Volume Rekey has been disabled  (no kB lifetime to read: it stays None)
    return s.startswith("Kilobyte Volume Rekey has been disabled")


def _lifetime(scan: _Scan, s: str) -> bool:
    m = _LIFETIME.search(s) if s.startswith("sa timing:") else None
    if not m:
        return s.startswith("sa timing:") and _lifetime_words(scan, s)
    sa = _sa(scan)
    if sa is None:
        return True
    units, first, second = m.groups()
    if second is not None:
        sa["remaining_lifetime_kb"], sa["remaining_lifetime_sec"] = int(first), int(second)
    elif units.strip().lower().startswith("k"):
        sa["remaining_lifetime_kb"] = int(first)
    else:
        sa["remaining_lifetime_sec"] = int(first)
    return True


def _iv(scan: _Scan, s: str) -> bool:
    m = _IV.match(s)
    if not m:
        return False
    sa = _sa(scan)
    if sa is not None:
        sa["iv_size_bytes"] = int(m.group(1))
    return True


def _replay(scan: _Scan, s: str) -> bool:
    m = _REPLAY.match(s)
    if not m:
        return False
    sa = _sa(scan)
    if sa is not None:
        sa["replay_detection"] = m.group(1) == "Y"
        if m.group(2):
            sa["replay_window_size"] = int(m.group(2))
    return True


def _status(scan: _Scan, s: str) -> bool:
    # Status: ACTIVE(ACTIVE)   /  ASA: SA State: active
    head, sep, value = s.partition(":")
    if not sep or head not in ("Status", "SA State") or not value.strip():
        return False
    sa = _sa(scan)
    if sa is not None:
        sa["status"] = value.strip()
    return True


def _bitmap(scan: _Scan, s: str) -> bool:
    # Anti replay bitmap:        (ASA; the values follow on the next line)
    if s != "Anti replay bitmap:":
        return False
    sa = _sa(scan)
    if sa is not None:
        sa["anti_replay_bitmap"] = None
        sa["_bitmap_pending"] = True
    return True


def _bitmap_values(scan: _Scan, s: str) -> bool:
    #  0xFFFFFFFF 0xFFFFFFFF
    sa = scan.sa
    if sa is None or not sa.get("_bitmap_pending") or not s.startswith("0x"):
        return False
    sa["anti_replay_bitmap"], sa["_bitmap_pending"] = s, False
    return True


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
