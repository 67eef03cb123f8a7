"""Flow-level lines of ``show crypto ipsec sa``: the context (interface, crypto map), idents,
peer, action, counters, endpoints, MTU and PFS. One handler per line shape; each returns whether
it read the line.
"""

from __future__ import annotations

import re

from nornir_tasks.models.ipsec import Ident
from nornir_tasks.parsers._ipsec_scan import _Scan

# Crypto map tag: vpn-crypto-map, local addr 1.1.1.2
# Crypto map tag: COLO-MAP, seq num: 2, local addr: 172.16.248.119
_MAP_TAG = re.compile(
    r"Crypto map tag:\s*([^,]+?),\s*(?:seq num:\s*(\d+),\s*)?local addr(:)?\s*(\S+)"
)
# protected vrf: (none)        /  ASA: Protected vrf (ivrf): Global
_PROTECTED_VRF = re.compile(r"[Pp]rotected vrf(?: \(ivrf\))?:\s*(\S+)")
# local  ident (addr/mask/prot/port): (20.20.20.0/255.255.255.0/0/0)
# (a paste may lose the closing bracket: "(200.122.164.0/255.255.255.0/0/0" at the end of the line)
_IDENT = re.compile(r"(local|remote)\s+ident \(addr/mask/prot/port\):\s*\(([^)]*?)(?:\)|\s*$)")
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
_DIGITS = re.compile(r"\d+")
_NON_WORD = re.compile(r"[^0-9a-z]+")


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
    # The ASA prints it before its flow's idents: after an ident it opens the next flow (a paste
    # without the "Crypto map tag" lines that would have opened it).
    flow = scan.flow
    if flow is None or "access_list" in flow or "local_ident" in flow:
        flow = scan.open_flow()
    flow["access_list"] = s
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
        # a second current_peer is the next flow's ("| include peer|encaps|decaps" keeps no
        # ident or interface line to open it)
        flow = scan.flow_opening("current_peer")
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
    # A counter this flow already holds starts the next flow: output filtered with
    # "| include encaps|decaps" keeps only the counter lines of every flow.
    first = pairs[0][0]
    flow = scan.current() if first[0] == "~" else scan.flow_opening(first)
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
