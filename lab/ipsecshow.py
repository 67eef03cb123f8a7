"""``show crypto ipsec sa`` blocks, shared by crypto map and tunnel-interface flows.

Layouts follow ``lab_iosxe_ipsec_sa_encaps_no_decaps_spoke``, ``genie_iosxe_ipsec_sa_detail_cat9k_gcm``
and, for a tunnel's ``TunnelN-head-0``, ``genie_iosxe_ipsec_sa_interface_tunnel_head``; an SA
in UDP (NAT-T) says ``current_peer X port 4500`` and ``in use settings ={Tunnel UDP-Encaps, }``
as ``ntc_ios_ipsec_sa_detail_two_tunnels_natt`` and an IOS-XE sVTI behind NAT (code index
file 12021870946) print them.
"""

from __future__ import annotations

import ipaddress

from lab.cryptocfg import Ace, MapEntry, show_transform
from lab.device import Device
from lab.routing import interfaces
from lab.sadb import FlowCounters, IpsecSa


def _ident(net: ipaddress.IPv4Network, prot: int = 0) -> str:
    return f"({net.network_address}/{net.netmask}/{prot}/0)"


def _plaintext_mtu(sa: IpsecSa | None) -> int:
    """1500 less the ESP overhead; ESP in UDP costs its 8-byte UDP header more."""
    if sa is None:
        return 1500
    return 1430 if sa.udp_encaps else 1438


def _counters_block(c: FlowCounters, sa: IpsecSa | None, detail: bool) -> list[str]:
    enc = int(sa.encaps if sa else 0)
    dec = int(sa.decaps if sa else 0)
    replay = int(c.replay_failed)
    lines = [
        f"    #pkts encaps: {enc}, #pkts encrypt: {enc}, #pkts digest: {enc}",
        f"    #pkts decaps: {dec}, #pkts decrypt: {dec}, #pkts verify: {dec}",
        "    #pkts compressed: 0, #pkts decompressed: 0",
        "    #pkts not compressed: 0, #pkts compr. failed: 0",
        "    #pkts not decompressed: 0, #pkts decompress failed: 0",
    ]
    if detail:
        lines += [
            f"    #pkts no sa (send) {int(c.no_sa)}, #pkts invalid sa (rcv) 0",
            "    #pkts encaps failed (send) 0, #pkts decaps failed (rcv) 0",
            "    #pkts invalid prot (recv) 0, #pkts verify failed: 0",
            "    #pkts invalid identity (recv) 0, #pkts invalid len (rcv) 0",
            "    #pkts replay rollover (send): 0, #pkts replay rollover (rcv) 0",
            f"    ##pkts replay failed (rcv): {replay}",
            "    #pkts tagged (send): 0, #pkts untagged (rcv): 0",
            "    #pkts not tagged (send): 0, #pkts not untagged (rcv): 0",
            "    #pkts internal err (send): 0, #pkts internal err (recv) 0",
        ]
    lines.append(f"    #send errors {c.send_errors}, #recv errors {replay}")
    return lines


def _sa_block(
    d: Device, sa: IpsecSa, spi: int, conn: int, map_name: str, mode: str = "Tunnel"
) -> list[str]:
    left = max(0, int(sa.lifetime_sec - (d.clock.now() - sa.created)))
    kb = max(0, sa.lifetime_kb - int((sa.encaps + sa.decaps) * 100 / 1024))
    return [
        f"      spi: 0x{spi:X}({spi})",
        f"        transform: {show_transform(sa.transform)} ,",
        f"        in use settings ={{{mode}{' UDP-Encaps' if sa.udp_encaps else ''}, }}",
        f"        conn id: {conn}, flow_id: CSR:{conn % 1000}, sibling_flags FFFFFFFF80000048, crypto map: {map_name}",
        f"        sa timing: remaining key lifetime (k/sec): ({kb}/{left})",
        "        IV size: 16 bytes",
        "        replay detection support: Y",
        "        Status: ACTIVE(ACTIVE)",
        "",
    ]


def ident_block(
    d: Device,
    itf: str,
    entry: MapEntry,
    ace: Ace,
    detail: bool,
    gre: bool = False,
    transport: bool | None = None,
) -> list[str]:
    """One flow's block; ``gre``: GRE over IPsec (DMVPN, ``tunnel mode gre ip``), idents of
    protocol 47, as the GRE captures print them (``clarkson_ios_ipsec_sa_gre_esp_null_15_2``);
    ``transport``: the SA's mode is transport (default: a GRE flow's is)."""
    state = d.crypto
    sa = state.ipsec.get(entry.key)
    counters = state.counters.get(entry.key, FlowCounters())
    peer = sa.peer if sa else (entry.peers[0] if entry.peers else "0.0.0.0")
    local = sa.local if sa else _interface_address(d, itf)
    out = [
        "   protected vrf: (none)",
        f"   local  ident (addr/mask/prot/port): {_ident(ace.src, 47 if gre else 0)}",
        f"   remote ident (addr/mask/prot/port): {_ident(ace.dst, 47 if gre else 0)}",
        f"   current_peer {peer} port {4500 if sa and sa.udp_encaps else 500}",
        "     PERMIT, flags={origin_is_acl,}",
        *_counters_block(counters, sa, detail),
        "",
        f"     local crypto endpt.: {local}, remote crypto endpt.: {peer}",
        f"     plaintext mtu {_plaintext_mtu(sa)}, path mtu 1500, ip mtu 1500, ip mtu idb {itf}",
        f"     current outbound spi: 0x{sa.spi_out:X}({sa.spi_out})"
        if sa
        else "     current outbound spi: 0x0(0)",
    ]
    pfs = f"Y, DH group: {sa.pfs}" if sa and sa.pfs else "N, DH group: none"
    mode = "Transport" if (gre if transport is None else transport) else "Tunnel"
    return [*out, f"     PFS (Y/N): {pfs}", "", *_sa_sections(d, sa, entry.map_name, mode)]


def _interface_address(d: Device, itf: str) -> str:
    """The crypto endpoint of a flow with no SA yet: the interface's address."""
    found = (str(i.address) for i in interfaces(d.running) if i.name == itf and i.address)
    return next(found, "0.0.0.0")


def _sa_sections(d: Device, sa: IpsecSa | None, map_name: str, mode: str) -> list[str]:
    """The inbound and outbound esp / ah / pcp sections (only esp ever holds an SA here)."""
    out = ["     inbound esp sas:"]
    if sa:
        out += _sa_block(d, sa, sa.spi_in, sa.conn_in, map_name, mode)
    out += ["     inbound ah sas:", "", "     inbound pcp sas:", "", "     outbound esp sas:"]
    if sa:
        out += _sa_block(d, sa, sa.spi_out, sa.conn_out, map_name, mode)
    return [*out, "     outbound ah sas:", "", "     outbound pcp sas:", ""]
