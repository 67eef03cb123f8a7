"""An ASA's live crypto state: ``show crypto ikev1|isakmp sa``, ``show crypto ipsec sa``,
``clear crypto ikev1 sa``. The SAs are the ones the lab's IKE engine negotiated with the
ASA's IOS peers (``Device.crypto``); only the wording is the ASA's.

Layouts follow the shared golden cases ``lab_asa_ikev1_sa_l2l_initiator_mm_active``,
``lab_asa_isakmp_sa_l2l_no_ikev2`` and the ntc-templates ASA ``show crypto ipsec sa`` capture
(networktocode/ntc-templates tests/cisco_asa/show_crypto_ipsec_sa, commit 20a9f346).
"""

from __future__ import annotations

from ipaddress import IPv4Network

from lab.asacrypto import ios_to_asa_transform
from lab.asashow import asa_state, config, ikev2_block, live_sas
from lab.commands import Session, asa_command
from lab.cryptocfg import MapEntry
from lab.device import Device
from lab.sadb import IpsecSa


def ikev1_block(d: Device) -> str:
    sas = live_sas(d)
    if not sas:
        return "\nThere are no IKEv1 SAs\n"
    out = [
        "",
        "IKEv1 SAs:",
        "",
        f"   Active SA: {len(sas)}",
        "    Rekey SA: 0 (A tunnel will report 1 Active and 1 Rekey SA during rekey)",
        f"Total IKE SA: {len(sas)}",
        "",
    ]
    for i, sa in enumerate(sas, start=1):
        role = "initiator" if sa.role == "I" else "responder"
        out += [
            f"{i:<3} IKE Peer: {sa.peer}",
            f"    Type    : L2L             Role    : {role} ",
            f"    Rekey   : no              State   : {asa_state(sa)} ",
        ]
    return "\n".join(out) + "\n"


@asa_command("show crypto ikev1 sa")
def show_ikev1_sa(s: Session, args: tuple[str, ...]) -> str:
    return ikev1_block(s.device)


@asa_command("show crypto isakmp sa")
def show_isakmp_sa(s: Session, args: tuple[str, ...]) -> str:
    """IKEv1 and IKEv2 together, as the golden case ``lab_asa_isakmp_sa_l2l_no_ikev2`` shows."""
    return ikev1_block(s.device) + ikev2_block(s.device)


@asa_command("clear crypto ikev1 sa [...]")
def clear_ikev1_sa(s: Session, args: tuple[str, ...]) -> str:
    d = s.device
    engine = d.crypto_engine
    if engine is None:
        return ""
    peers = [args[0]] if args else sorted({sa.peer for sa in live_sas(d)})
    for peer in peers:
        engine.clear_peer(d, peer)
    return ""


# -- show crypto ipsec sa ------------------------------------------------------------------------
def _hex(spi: int) -> str:
    return f"{spi:08X}"


def _mask(net: IPv4Network) -> str:
    return f"{net.network_address}/{net.netmask}"


def _acl_addr(net: IPv4Network) -> str:
    if net.prefixlen == 32:
        return f"host {net.network_address}"
    return f"{net.network_address} {net.netmask}"


def _acl_line(entry: MapEntry, sa: IpsecSa) -> str:
    return (
        f"      access-list {entry.acl} extended permit ip "
        f"{_acl_addr(sa.local_net)} {_acl_addr(sa.remote_net)} "
    )


def _counters(sa: IpsecSa) -> list[str]:
    enc, dec = int(sa.encaps), int(sa.decaps)
    return [
        f"      #pkts encaps: {enc}, #pkts encrypt: {enc}, #pkts digest: {enc}",
        f"      #pkts decaps: {dec}, #pkts decrypt: {dec}, #pkts verify: {dec}",
        "      #pkts compressed: 0, #pkts decompressed: 0",
        f"      #pkts not compressed: {enc}, #pkts comp failed: 0, #pkts decomp failed: 0",
        "      #pre-frag successes: 0, #pre-frag failures: 0, #fragments created: 0",
        "      #PMTUs sent: 0, #PMTUs rcvd: 0, #decapsulated frgs needing reassembly: 0",
        "      #TFC rcvd: 0, #TFC sent: 0",
        "      #Valid ICMP Errors rcvd: 0, #Invalid ICMP Errors rcvd: 0",
        f"      #send errors: 0, #recv errors: {int(sa.replay_failed)}",
    ]


def _esp_sas(d: Device, sa: IpsecSa, map_name: str, version: str) -> list[str]:
    out: list[str] = []
    transform = ios_to_asa_transform(sa.transform)
    left = max(0, int(sa.lifetime_sec - (d.clock.now() - sa.created)))
    kb = max(0, sa.lifetime_kb - int((sa.encaps + sa.decaps) * 0.1))
    for direction, spi in (("inbound", sa.spi_in), ("outbound", sa.spi_out)):
        out += [
            f"    {direction} esp sas:",
            f"      spi: 0x{_hex(spi)} ({spi})",
            "         SA State: active",
            f"         transform: {transform} no compression",
            f"         in use settings ={{L2L, Tunnel, {version}, }}",
            f"         slot: 0, conn_id: {sa.conn_in}, crypto-map: {map_name}",
            f"         sa timing: remaining key lifetime (kB/sec): ({kb}/{left})",
            "         IV size: 16 bytes",
            "         replay detection support: Y",
            "         Anti replay bitmap:",
            "          0x00000000 0x00000001",
        ]
    return out


def _sa_block(d: Device, entry: MapEntry, sa: IpsecSa) -> list[str]:
    # An IKEv2 SA names its version and port 500 in the endpoints, as the ASA how-to capture
    # (code index file 70432723204) prints them; IKEv1 SAs print "/0".
    version, port = ("IKEv2", 500) if entry.ikev2_profile else ("IKEv1", 0)
    return [
        f"    Crypto map tag: {entry.map_name}, seq num: {entry.seq}, local addr: {sa.local}",
        "",
        _acl_line(entry, sa),
        "      Protected vrf (ivrf): Global",
        f"      local ident (addr/mask/prot/port): ({_mask(sa.local_net)}/0/0)",
        f"      remote ident (addr/mask/prot/port): ({_mask(sa.remote_net)}/0/0)",
        f"      current_peer: {sa.peer}",
        "",
        "",
        *_counters(sa),
        "",
        f"      local crypto endpt.: {sa.local}/{port}, remote crypto endpt.: {sa.peer}/{port}",
        "      path mtu 1500, ipsec overhead 74(44), media mtu 1500",
        "      PMTU time remaining (sec): 0, DF policy: copy-df",
        "      ICMP error validation: disabled, TFC packets: disabled",
        f"      current outbound spi: {_hex(sa.spi_out)}",
        f"      current inbound spi : {_hex(sa.spi_in)}",
        "",
        *_esp_sas(d, sa, entry.map_name, version),
    ]


def ipsec_sa_text(d: Device, peer: str | None) -> str:
    live_sas(d)  # brings the counters up to date
    cfg = config(d)
    by_map: dict[str, list[str]] = {}
    for entry in cfg.entries:
        sa = d.crypto.ipsec.get(entry.key)
        if sa is None or (peer is not None and sa.peer != peer):
            continue
        itf = next(iter(cfg.map_interfaces.get(entry.map_name, ())), "outside")
        by_map.setdefault(itf, []).extend([*_sa_block(d, entry, sa), ""])
    if not by_map:
        return "\nThere are no ipsec sas\n"
    out: list[str] = []
    for itf, lines in by_map.items():
        out += [f"interface: {itf}", *lines]
    return "\n".join(out) + "\n"


@asa_command("show crypto ipsec sa [...]")
def show_ipsec_sa(s: Session, args: tuple[str, ...]) -> str:
    words = [a.lower() for a in args]
    peer = None
    if words[:1] == ["peer"] and len(args) > 1:
        peer = args[1]
    elif words and words[0] not in ("detail", "summary"):
        return "ERROR: % Invalid input detected at '^' marker.\n"
    return ipsec_sa_text(s.device, peer)
