"""What a tunnel of a host is and which interface carries it. Pure.

The peer address keys a tunnel everywhere (report, history, drift); for a VTI and a DMVPN
tunnel the tunnel interface is the rest of its identity, and the kind says what going away
means: a DMVPN spoke-to-spoke shortcut is built by traffic and ages out after its NHRP hold
time (expected), a hub-spoke or configured tunnel does not.

- DMVPN (``show dmvpn`` read): a static row (``S``: the NHS or an ``ip nhrp map``) is the
  spoke's tunnel to its hub; a dynamic row is a registered spoke on a hub (``Type:Hub``) and a
  shortcut on a spoke; a crypto socket on the mGRE interface that no row names is a spoke the
  hub refuses to register (a hub), or a shortcut being torn down (a spoke).
- A point-to-point tunnel interface whose ``tunnel destination`` is the peer, or IOS's
  ``TunnelN-head-0`` map in ``show crypto ipsec sa``: a VTI (sVTI or GRE over IPsec).
- A shut multipoint tunnel (``checks.admin_down``) names its servers by NBMA: DMVPN hub.
- A crypto map entry naming the peer (``show crypto map`` or the running configuration, IOS and
  ASA): a crypto-map tunnel. Anything else (an SA no configuration names): dynamic.
"""

from __future__ import annotations

from dataclasses import dataclass

from nornir_tasks.checks.admin_down import shut_tunnels
from nornir_tasks.checks.evidence import HostEvidence
from nornir_tasks.models.crypto_map import CryptoMapTable
from nornir_tasks.models.dmvpn import DmvpnInterface, DmvpnPeer, DmvpnTable
from nornir_tasks.models.tunnel_status import TunnelKind


@dataclass(frozen=True)
class TunnelIdentity:
    kind: TunnelKind
    interface: str | None  # the tunnel interface (VTI, DMVPN); None for crypto maps


def _same(a: str, b: str) -> bool:
    return a.replace(" ", "").lower() == b.replace(" ", "").lower()


def _is_hub(interface: DmvpnInterface) -> bool:
    if interface.role is not None:
        return "hub" in interface.role.lower()
    return not interface.nhs  # brief ``show dmvpn``: a spoke lists its servers


def _row_kind(interface: DmvpnInterface, rows: list[DmvpnPeer]) -> TunnelKind:
    if any(p.static for p in rows):
        return TunnelKind.DMVPN_HUB
    return TunnelKind.DMVPN_SPOKE if _is_hub(interface) else TunnelKind.DMVPN_SHORTCUT


def _dmvpn(host: HostEvidence, peer: str) -> TunnelIdentity | None:
    if not host.has("show dmvpn*"):
        return None
    interfaces = [i for t in host.models(DmvpnTable) for i in t.interfaces]
    for interface in interfaces:
        rows = [p for p in interface.peers if p.nbma == peer]
        if rows:
            return TunnelIdentity(_row_kind(interface, rows), interface.interface)
    for flow in (f for f in host.flows if f.current_peer == peer):
        found = next((i for i in interfaces if _same(i.interface, flow.interface)), None)
        if found is not None:
            kind = TunnelKind.DMVPN_SPOKE if _is_hub(found) else TunnelKind.DMVPN_SHORTCUT
            return TunnelIdentity(kind, found.interface)
    return None


def _vti(host: HostEvidence, peer: str) -> TunnelIdentity | None:
    config = host.config
    for interface in config.interfaces.values() if config is not None else ():
        multipoint = "multipoint" in (interface.tunnel_mode or "")
        if interface.tunnel_destination == peer and interface.tunnel_protection and not multipoint:
            return TunnelIdentity(TunnelKind.VTI, interface.name)
    for flow in host.flows:
        if flow.current_peer == peer and (flow.crypto_map_tag or "").endswith("-head-0"):
            return TunnelIdentity(TunnelKind.VTI, flow.interface)
    return None


def _shut(host: HostEvidence, peer: str) -> TunnelIdentity | None:
    """A shut multipoint tunnel's server (its NHS by NBMA): no ``show dmvpn`` row or SA is
    left to name it, the configuration does (``admin_down``)."""
    for tunnel in shut_tunnels(host):
        if peer in tunnel.peers:
            return TunnelIdentity(TunnelKind.DMVPN_HUB, tunnel.name)
    return None


def _in_crypto_map(host: HostEvidence, peer: str) -> bool:
    if any(peer in e.peers for t in host.models(CryptoMapTable) for e in t.entries):
        return True
    config = host.config
    maps = config.crypto_maps if config is not None else ()
    return any(peer in e.peers for m in maps for e in m.entries)


def tunnel_identity(host: HostEvidence, peer: str) -> TunnelIdentity:
    """The kind of the tunnel to ``peer`` and its tunnel interface (see the module docstring)."""
    found = _dmvpn(host, peer) or _vti(host, peer) or _shut(host, peer)
    if found is not None:
        return found
    if _in_crypto_map(host, peer):
        return TunnelIdentity(TunnelKind.CRYPTO_MAP, None)
    return TunnelIdentity(TunnelKind.DYNAMIC, None)
