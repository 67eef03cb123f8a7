"""DMVPN's crypto sockets as ``show crypto session [detail]``, ``show crypto ipsec sa`` and the
``Crypto Session Details`` of ``show dmvpn detail`` print them: one block per NBMA peer.

The flow is GRE between the two NBMA addresses (``IPSEC FLOW: permit 47 host A host B``,
idents ``(A/255.255.255.255/47/0)``, ``in use settings ={Transport, }``), as the IOS-XE
IKEv2 spoke of code index file 19067977171 shows it in ``show dmvpn detail`` and
``show crypto ipsec sa``; the session blocks otherwise follow the VTI ones (``ikev2show``).
"""

from __future__ import annotations

import ipaddress

from lab.crypto.dmvpnsa import mgre_tunnels, socket_key, source_address
from lab.cryptocfg import Ace, MapEntry, show_transform
from lab.device import Device
from lab.dmvpncfg import MgreTunnel
from lab.ipsecshow import ident_block
from lab.sadb import Ikev2Sa, IpsecSa, V2Status


def _peers(device: Device, tunnel: MgreTunnel) -> list[str]:
    """NBMA peers with a socket or an IKEv2 SA on this tunnel, by address."""
    prefix = tunnel.head + " "
    found = {sa.peer for key, sa in device.crypto.ipsec.items() if key.startswith(prefix)}
    found |= {s.peer for s in device.crypto.ikev2 if s.entry.startswith(prefix) and not s.deleted}
    return sorted(found, key=lambda a: int(ipaddress.IPv4Address(a)))


def _ike(device: Device, tunnel: MgreTunnel, peer: str) -> Ikev2Sa | None:
    key = socket_key(device, tunnel, peer)
    return next((s for s in device.crypto.ikev2 if s.entry == key and not s.deleted), None)


def _status(sa: Ikev2Sa | None, pair: IpsecSa | None) -> str:
    if sa is not None and sa.status is V2Status.READY:
        return "UP-ACTIVE" if pair else "UP-IDLE"
    if pair is not None:
        return "UP-NO-IKE"
    return "DOWN-NEGOTIATING" if sa is not None else "DOWN"


def _counters(device: Device, pair: IpsecSa | None) -> list[str]:
    dec, enc = (int(pair.decaps), int(pair.encaps)) if pair else (0, 0)
    left = int(pair.lifetime_sec - (device.clock.now() - pair.created)) if pair else 0
    kb = pair.lifetime_kb if pair else 0
    return [
        f"        Inbound:  #pkts dec'ed {dec} drop 0 life (KB/Sec) {kb}/{left}",
        f"        Outbound: #pkts enc'ed {enc} drop 0 life (KB/Sec) {kb}/{left}",
    ]


def session_detail(device: Device, tunnel: MgreTunnel, peer: str) -> list[str]:
    """One peer of ``Crypto Session Details`` (``show dmvpn detail``)."""
    sa = _ike(device, tunnel, peer)
    pair = device.crypto.ipsec.get(socket_key(device, tunnel, peer))
    local = source_address(device, tunnel) or "0.0.0.0"
    out = [
        f"Interface: {tunnel.name}",
        f"Session: [0x{0x0CBF2700 + device.nhrp.seq_for(peer):08X}]",
    ]
    if sa is not None:
        active = "Active" if sa.status is V2Status.READY else "Inactive"
        out += [
            f"  Session ID: {sa.session_id}",
            f"  IKEv2 SA: local {sa.local}/500 remote {peer}/500 {active}",
            f"          Capabilities:{'D' if sa.dpd else '(none)'} connid:{sa.tunnel_id} "
            "lifetime:23:59:00",
        ]
    out += [
        f"  Crypto Session Status: {_status(sa, pair)}",
        f"  fvrf: (none), Phase1_id: {peer if sa else '(none)'}",
        f"  IPSEC FLOW: permit 47 host {local} host {peer}",
        f"        Active SAs: {2 if pair else 0}, origin: crypto map",
        *_counters(device, pair),
    ]
    if pair is not None:
        out.append(
            f"   Outbound SPI : 0x{pair.spi_out:X}, transform : {show_transform(pair.transform)}"
        )
    out += [f"    Socket State: {'Open' if pair else 'Closed'}", ""]
    return out


def dmvpn_sessions(device: Device, detail: bool) -> list[str]:
    """The DMVPN blocks of ``show crypto session [detail]``."""
    out: list[str] = []
    for tunnel in mgre_tunnels(device):
        local = source_address(device, tunnel) or "0.0.0.0"
        for peer in _peers(device, tunnel):
            out += _session(device, tunnel, peer, local, detail)
    return out


def _session(device: Device, tunnel: MgreTunnel, peer: str, local: str, detail: bool) -> list[str]:
    sa = _ike(device, tunnel, peer)
    pair = device.crypto.ipsec.get(socket_key(device, tunnel, peer))
    out = [f"Interface: {tunnel.name}"]
    if sa is not None and sa.profile:
        out.append(f"Profile: {sa.profile}")
    out.append(f"Session status: {_status(sa, pair)}")
    if detail:
        out += [
            f"Peer: {peer} port 500 fvrf: (none) ivrf: (none)",
            f"      Phase1_id: {peer if sa else '(none)'}",
            "      Desc: (none)",
        ]
    else:
        out.append(f"Peer: {peer} port 500 ")
    if sa is not None:
        active = "Active" if sa.status is V2Status.READY else "Inactive"
        out += [
            f"  Session ID: {sa.session_id}  ",
            f"  IKEv2 SA: local {sa.local}/500 remote {peer}/500 {active} ",
        ]
        if detail:
            out.append(f"          Capabilities:{'D' if sa.dpd else '(none)'} connid:"
                       f"{sa.tunnel_id} lifetime:23:59:00")  # fmt: skip
    out += [
        f"  IPSEC FLOW: permit 47 host {local} host {peer} ",
        f"        Active SAs: {2 if pair else 0}, origin: crypto map",
    ]
    if detail:
        out += _counters(device, pair)
    return [*out, ""]


def dmvpn_ipsec_blocks(device: Device, peer: str | None, detail: bool) -> list[str]:
    """The ``interface: TunnelN`` blocks of ``show crypto ipsec sa``: one per NBMA peer."""
    out: list[str] = []
    for tunnel in mgre_tunnels(device):
        local = source_address(device, tunnel) or "0.0.0.0"
        peers = [p for p in _peers(device, tunnel) if peer in (None, p)]
        if not peers or not tunnel.protection:
            continue
        out += [
            f"interface: {tunnel.name}",
            f"    Crypto map tag: {tunnel.head}, local addr {local}",
            "",
        ]
        for nbma in peers:
            out += _gre_block(device, tunnel, local, nbma, detail)
    return out


def _gre_block(
    device: Device, tunnel: MgreTunnel, local: str, peer: str, detail: bool
) -> list[str]:
    seq = device.nhrp.seq_for(peer)
    entry = MapEntry(tunnel.head, seq, (peer,), None, (), None, 3600, 4608000, "")
    hosts = Ace("permit", ipaddress.IPv4Network(f"{local}/32"), ipaddress.IPv4Network(f"{peer}/32"))
    return ident_block(device, tunnel.name, entry, hosts, detail, gre=True)
