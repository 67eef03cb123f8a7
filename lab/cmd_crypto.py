"""Crypto exec commands: show crypto isakmp/ipsec/session/map and clear crypto.

Layouts follow the IOS-XE captures in the shared corpus (``genie_iosxe_isakmp_sa_*``,
``lab_iosxe_ipsec_sa_encaps_no_decaps_spoke``, ``genie_iosxe_ipsec_sa_detail_cat9k_gcm``,
``genie_iosxe_crypto_session_*``, ``genie_iosxe_crypto_map_*``).
"""

from __future__ import annotations

import ipaddress

from lab.commands import Session, command
from lab.cryptocfg import CryptoConfig, MapEntry, read_crypto_config, show_transform
from lab.device import Device
from lab.dmvpncrypto import dmvpn_ipsec_blocks, dmvpn_sessions
from lab.ikev2show import peer_lines, session_status, vti_ipsec_blocks, vti_sessions
from lab.ipsecshow import ident_block
from lab.routing import interfaces
from lab.sadb import IkeSa, P1State


def _engine_sync(d: Device) -> None:
    d.engine().sync()


def _ike_rows(d: Device) -> list[IkeSa]:
    return sorted(d.crypto.isakmp, key=lambda s: (s.deleted, s.conn_id, s.peer))


def _ends(sa: IkeSa) -> tuple[str, str]:
    """(dst, src): dst is the responder of the exchange, src the initiator."""
    return (sa.peer, sa.local) if sa.role == "I" else (sa.local, sa.peer)


@command("show crypto isakmp sa")
def show_isakmp_sa(s: Session, args: tuple[str, ...]) -> str:
    rows = [
        "IPv4 Crypto ISAKMP SA",
        "dst             src             state          conn-id status",
    ]
    for sa in _ike_rows(s.device):
        dst, src = _ends(sa)
        status = "ACTIVE (deleted)" if sa.deleted else "ACTIVE"
        rows.append(f"{dst:<16}{src:<16}{sa.state:<15}{sa.conn_id:>7} {status}")
    return "\n".join(rows) + "\n\nIPv6 Crypto ISAKMP SA\n\n"


@command("show crypto isakmp sa detail")
def show_isakmp_sa_detail(s: Session, args: tuple[str, ...]) -> str:
    d = s.device
    out = [
        "Codes: C - IKE configuration mode, D - Dead Peer Detection",
        "       K - Keepalives, N - NAT-traversal",
        "       T - cTCP encapsulation, X - IKE Extended Authentication",
        "       psk - Preshared key, rsig - RSA signature",
        "       renc - RSA encryption",
        "IPv4 Crypto ISAKMP SA",
        "",
        "C-id  Local           Remote          I-VRF  Status Encr Hash   Auth DH Lifetime Cap.",
        "",
    ]
    cfg = read_crypto_config(d.running)
    for sa in _ike_rows(d):
        policy = sa.policy or (cfg.policies[0] if cfg.policies else None)
        encr = (policy.encr.split()[0] if policy else "des")[:4]
        hsh = policy.hash if policy else "sha"
        group = policy.group if policy else 1
        life = int((policy.lifetime if policy else 86400) - (d.clock.now() - sa.created))
        h, rem = divmod(max(life, 0), 3600)
        cap = "D" if cfg.keepalive else ""
        status = "ACTIVE" if not sa.deleted else "DELETED"
        out.append(
            f"{sa.conn_id:<6}{sa.local:<16}{sa.peer:<16}       {status} {encr:<4} {hsh:<6} psk  {group:<2} "
            f"{h:02}:{rem // 60:02}:{rem % 60:02} {cap}"
        )
        out.append(f"       Engine-id:Conn-id =  SW:{sa.conn_id % 1000}")
        out.append("")
    out += ["IPv6 Crypto ISAKMP SA", ""]
    return "\n".join(out) + "\n"


def _ipsec_sa(s: Session, peer: str | None, detail: bool) -> str:
    d = s.device
    _engine_sync(d)
    cfg = read_crypto_config(d.running)
    out: list[str] = []
    for itf in interfaces(d.running):
        maps = [m for m, ifs in cfg.map_interfaces.items() if itf.name in ifs]
        if not maps:
            continue
        block: list[str] = []
        for entry in (e for e in cfg.entries if e.map_name in maps):
            sa = d.crypto.ipsec.get(entry.key)
            if peer and peer not in (sa.peer if sa else "", *entry.peers):
                continue
            for ace in cfg.permits(entry.acl):
                block += ident_block(d, itf.name, entry, ace, detail)
        if block or not peer:
            out += [
                f"interface: {itf.name}",
                f"    Crypto map tag: {maps[0]}, local addr {itf.address}",
                "",
            ]
            out += block
    out += vti_ipsec_blocks(d, peer, detail)
    out += dmvpn_ipsec_blocks(d, peer, detail)
    return "\n".join(out) + "\n" if out else ""


@command("show crypto ipsec sa [...]")
def show_ipsec_sa(s: Session, args: tuple[str, ...]) -> str:
    words = [a.lower() for a in args]
    detail = bool(words) and "detail".startswith(words[-1])
    peer = (
        args[words.index("peer") + 1]
        if "peer" in words and words.index("peer") + 1 < len(args)
        else None
    )
    return _ipsec_sa(s, peer, detail)


def _session_status(d: Device, peer: str, entries: list[MapEntry]) -> tuple[str, IkeSa | None]:
    ike = d.crypto.find_sa(peer)
    has_ipsec = any(e.key in d.crypto.ipsec for e in entries)
    if ike is not None and ike.state == P1State.QM_IDLE:
        return ("UP-ACTIVE" if has_ipsec else "UP-IDLE"), ike
    if has_ipsec:
        return "UP-NO-IKE", ike
    if ike is not None:
        return "DOWN-NEGOTIATING", ike
    return "DOWN", None


_SESSION_CODES = [
    "Code: C - IKE Configuration mode, D - Dead Peer Detection     ",
    "K - Keepalives, N - NAT-traversal, T - cTCP encapsulation     ",
    "X - IKE Extended Authentication, F - IKE Fragmentation",
    "R - IKE Auto Reconnect, U - IKE Dynamic Route Update",
    "S - SIP VPN",
    "",
]


@command("show crypto session [...]")
def show_crypto_session(s: Session, args: tuple[str, ...]) -> str:
    d = s.device
    _engine_sync(d)
    detail = bool(args) and "detail".startswith(args[-1].lower())
    cfg = read_crypto_config(d.running)
    out = ["Crypto session current status", ""]
    if detail:
        out += _SESSION_CODES
    for itf in interfaces(d.running):
        maps = [m for m, ifs in cfg.map_interfaces.items() if itf.name in ifs]
        peers: dict[str, list[MapEntry]] = {}
        for entry in (e for e in cfg.entries if e.map_name in maps):
            for peer in entry.peers[:1]:
                peers.setdefault(peer, []).append(entry)
        for peer, entries in peers.items():
            out += _session(d, cfg, itf.name, peer, entries, detail)
    out += vti_sessions(d, detail)
    out += dmvpn_sessions(d, detail)
    return "\n".join(out) + "\n"


def _session(
    d: Device, cfg: CryptoConfig, itf: str, peer: str, entries: list[MapEntry], detail: bool
) -> list[str]:
    """One peer's block: session status, its IKE SA, then each IPsec flow."""
    if any(e.ikev2_profile for e in entries):
        return _v2_session(d, cfg, itf, peer, entries, detail)
    status, ike = _session_status(d, peer, entries)
    out = [f"Interface: {itf}", f"Session status: {status}"]
    if detail:
        out += [
            f"Peer: {peer} port 500 fvrf: (none) ivrf: (none)",
            "      Phase1_id: " + (peer if ike else "(none)"),
            "      Desc: (none)",
        ]
    else:
        out.append(f"Peer: {peer} port 500 ")
    if ike is not None:
        active = "Active" if ike.state == P1State.QM_IDLE else "Inactive"
        out.append(f"  IKEv1 SA: local {ike.local}/500 remote {peer}/500 {active} ")
        if detail:
            cap = "D" if cfg.keepalive else "(none)"
            out.append(f"          Capabilities:{cap} connid:{ike.conn_id} lifetime:23:59:00")
    for entry in entries:
        out += _flows(d, cfg, entry, detail)
    out.append("")
    return out


def _v2_session(
    d: Device, cfg: CryptoConfig, itf: str, peer: str, entries: list[MapEntry], detail: bool
) -> list[str]:
    """An IKEv2 crypto map peer's block, worded as a VTI's (``lab.ikev2show``)."""
    sa = d.crypto.find_v2(peer)
    has_ipsec = any(e.key in d.crypto.ipsec for e in entries)
    out = [f"Interface: {itf}"]
    if sa is not None and sa.profile:
        out.append(f"Profile: {sa.profile}")
    out += [f"Session status: {session_status(sa, has_ipsec)}", *peer_lines(peer, sa, detail)]
    for entry in entries:
        out += _flows(d, cfg, entry, detail)
    return [*out, ""]


def _flows(d: Device, cfg: CryptoConfig, entry: MapEntry, detail: bool) -> list[str]:
    sa = d.crypto.ipsec.get(entry.key)
    out = []
    for ace in cfg.permits(entry.acl):
        out.append(f"  IPSEC FLOW: permit ip {_net(ace.src)} {_net(ace.dst)} ")
        out.append(f"        Active SAs: {2 if sa else 0}, origin: crypto map")
        if detail:
            dec = int(sa.decaps) if sa else 0
            enc = int(sa.encaps) if sa else 0
            left = int(sa.lifetime_sec - (d.clock.now() - sa.created)) if sa else 0
            kb = sa.lifetime_kb if sa else 0
            out.append(f"        Inbound:  #pkts dec'ed {dec} drop 0 life (KB/Sec) {kb}/{left}")
            out.append(f"        Outbound: #pkts enc'ed {enc} drop 0 life (KB/Sec) {kb}/{left}")
    return out


def _net(net: ipaddress.IPv4Network) -> str:
    if net.prefixlen == 32:
        return f"host {net.network_address}"
    return f"{net.network_address}/{net.netmask}"


@command("show crypto map [...]")
def show_crypto_map(s: Session, args: tuple[str, ...]) -> str:
    d = s.device
    cfg = read_crypto_config(d.running)
    out: list[str] = []
    for entry in cfg.entries:
        out += _map_entry(d, cfg, entry)
    return "\n".join(out) + "\n"


def _map_entry(d: Device, cfg: CryptoConfig, entry: MapEntry) -> list[str]:
    out = [f'Crypto Map IPv4 "{entry.map_name}" {entry.seq} ipsec-isakmp']
    missing_ts = [t for t in entry.transform_sets if t not in cfg.transform_sets]
    if not entry.peers or entry.acl is None or not entry.transform_sets or missing_ts:
        out.append("\tWARNING: This crypto map is in an incomplete state!")
        out.append("\t\t(missing peer or access-list definitions)")
    if entry.description:
        out.append(f"\tDescription: {entry.description}")
    out += [f"\tPeer = {p}" for p in entry.peers]
    if entry.acl:
        out.append(f"\tExtended IP access list {entry.acl}")
        for ace in cfg.acls.get(entry.acl, ()):
            src = _acl_net(ace.src)
            dst = _acl_net(ace.dst)
            out.append(f"\t    access-list {entry.acl} {ace.action} ip {src} {dst}")
    else:
        out.append("\tNo matching address list set.")
    sa = d.crypto.ipsec.get(entry.key)
    if sa:
        out.append(f"\tCurrent peer: {sa.peer}")
    return out + _map_settings(cfg, entry)


def _map_settings(cfg: CryptoConfig, entry: MapEntry) -> list[str]:
    out = [
        f"\tSecurity association lifetime: {entry.lifetime_kb} kilobytes/{entry.lifetime_sec} seconds",
        "\tDualstack (Y/N): N",
        "\tResponder-Only (Y/N): N",
        f"\tPFS (Y/N): {'Y' if entry.pfs else 'N'}",
    ]
    if entry.pfs:
        out.append(f"\tDH group:  {entry.pfs}")
    out += ["\tMixed-mode : Disabled", "\tTransform sets={ "]
    for name in entry.transform_sets:
        ts = cfg.transform_sets.get(name)
        if ts:
            out.append(f"\t\t{name}:  {{ {show_transform(ts)}  }} , ")
    out += ["\t}", f"\tInterfaces using crypto map {entry.map_name}:"]
    out += [f"\t\t{i}" for i in cfg.map_interfaces.get(entry.map_name, ())]
    out.append("")
    return out


def _acl_net(net: ipaddress.IPv4Network) -> str:
    if net.prefixlen == 0:
        return "any"
    if net.prefixlen == 32:
        return f"host {net.network_address}"
    return f"{net.network_address} {net.hostmask}"


# -- clear ------------------------------------------------------------------------------------
@command("clear crypto sa [...]")
def clear_crypto_sa(s: Session, args: tuple[str, ...]) -> str:
    peer = args[1] if len(args) > 1 and args[0].lower() == "peer" else None
    s.device.engine().clear_ipsec(s.device, peer)
    return ""


@command("clear crypto isakmp [...]")
def clear_crypto_isakmp(s: Session, args: tuple[str, ...]) -> str:
    s.device.engine().clear_isakmp(s.device)
    return ""


@command("clear crypto session [...]")
def clear_crypto_session(s: Session, args: tuple[str, ...]) -> str:
    engine = s.device.engine()
    peer = args[args.index("remote") + 1] if "remote" in args[:-1] else None
    state = s.device.crypto
    peers = [sa.peer for sa in state.isakmp] + [sa.peer for sa in state.ikev2]
    for found in dict.fromkeys(peers):  # each peer once, IKEv1 and IKEv2 alike
        if peer is None or found == peer:
            engine.clear_peer(s.device, found)
    return ""
