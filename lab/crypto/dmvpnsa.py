"""DMVPN's IPsec: one profile instance of ``TunnelN-head-0`` per NBMA peer, by IKEv2.

For a multipoint tunnel with ``tunnel protection ipsec profile P [shared]`` IOS builds the
crypto map ``TunnelN-head-0``; each NBMA peer gets its own entry (a "profile instance",
65537, 65538 ... in ``show crypto map``) whose flow is GRE between the two NBMA addresses
(``IPSEC FLOW: permit 47 host A host B``, ``in use settings ={Transport, }``: the IOS-XE
``show dmvpn detail`` / ``show crypto ipsec sa`` capture of code index file 19067977171).
A spoke wants a socket to each of its servers and to each spoke it resolved or answered; a
hub answers whoever negotiates with it. The IKEv2 engine (``ikev2auth``) asks this module for
those entries beside the static VTIs' ones, so DMVPN SAs are negotiated, shown, expired and
cleared like the VTIs'.
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace

from lab.cryptocfg import CryptoConfig, MapEntry
from lab.device import Device
from lab.dmvpncfg import MgreTunnel, read_dmvpn_config
from lab.forwarding import device_interfaces
from lab.ikev2cfg import Ikev2Config, TunnelInterface, vti_entry


def mgre_tunnels(device: Device) -> tuple[MgreTunnel, ...]:
    return device.memo("dmvpn", None, lambda: read_dmvpn_config(device.running))


def protected(device: Device) -> list[MgreTunnel]:
    """The multipoint tunnels that IPsec protects and are not shut down."""
    return [t for t in mgre_tunnels(device) if t.protection and not t.shutdown]


def source_address(device: Device, tunnel: MgreTunnel) -> str | None:
    """The tunnel source's address: this router's NBMA address on the cloud."""
    for itf in device_interfaces(device):
        if tunnel.source in (itf.name, str(itf.address)) and itf.address is not None:
            return str(itf.address)
    return None


def entry_for(
    device: Device, tunnel: MgreTunnel, peer: str, crypto: CryptoConfig, ikev2: Ikev2Config
) -> MapEntry:
    """The profile instance toward ``peer``: the tunnel's IPsec profile, its own sequence."""
    as_vti = TunnelInterface(tunnel.name, tunnel.source, peer, "gre multipoint",
                             tunnel.protection, tunnel.shutdown)  # fmt: skip
    return replace(vti_entry(as_vti, ikev2, crypto), seq=device.nhrp.seq_for(peer))


def wanted_peers(device: Device, tunnel: MgreTunnel) -> list[str]:
    """Servers, spokes being resolved or answered, and peers that already negotiated."""
    peers = [n for n in (tunnel.nhs_nbma(s) for s in tunnel.nhs) if n]
    peers += [p for p, name in device.nhrp.wanted.items() if name == tunnel.name]
    prefix = tunnel.head + " "
    peers += [s.peer for s in device.crypto.ikev2 if not s.deleted and s.entry.startswith(prefix)]
    return list(dict.fromkeys(peers))


def dmvpn_entries(device: Device, crypto: CryptoConfig, ikev2: Ikev2Config) -> list[MapEntry]:
    return [
        entry_for(device, t, peer, crypto, ikev2)
        for t in protected(device)
        for peer in wanted_peers(device, t)
    ]


def dmvpn_entry_toward(
    device: Device, peer: str, crypto: CryptoConfig, ikev2: Ikev2Config
) -> MapEntry | None:
    """A responder's entry for an initiator it has not heard of: the first protected
    multipoint tunnel takes it (a hub learns its spokes this way)."""
    tunnels = protected(device)
    return entry_for(device, tunnels[0], peer, crypto, ikev2) if tunnels else None


def socket_key(device: Device, tunnel: MgreTunnel, peer: str) -> str:
    return f"{tunnel.head} {device.nhrp.seq_for(peer)}"


def socket_up(device: Device, tunnel: MgreTunnel, peer: str) -> bool:
    """The peer's IPsec SA pair is installed (``Socket State: Open``)."""
    return socket_key(device, tunnel, peer) in device.crypto.ipsec


def tunnel_of_head(device: Device, head: str) -> MgreTunnel | None:
    return next((t for t in mgre_tunnels(device) if t.head == head), None)


def nbma_owner(device: Device, address: str) -> str | None:
    """The interface of ``device`` holding ``address`` (its NBMA), if any."""
    ip = ipaddress.IPv4Address(address)
    return next((i.name for i in device_interfaces(device) if i.address == ip), None)
