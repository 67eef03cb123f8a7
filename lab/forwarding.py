"""A router's live routing table: its configuration, the links faults hold down, its tracks.

Kept out of the command modules so that the network, the engines and the show commands all
read the same table without importing one another.
"""

from __future__ import annotations

from lab.asacfg import asa_interfaces, asa_routes
from lab.device import Device
from lab.faults import FaultKind
from lab.ikev2cfg import read_ikev2_config
from lab.routing import Interface, Route, build_rib, interfaces, rib_from


def link_up(device: Device, name: str) -> bool:
    """False while a ``link_down`` fault holds the interface down; a protected tunnel
    interface's line protocol follows its IPsec SA pair (up only while it has one)."""
    if name.startswith("Tunnel") and not tunnel_up(device, name):
        return False
    return not any(
        f.kind is FaultKind.LINK_DOWN and f.router == device.name and f.interface == name
        for f in device.faults
    )


def tunnel_up(device: Device, name: str) -> bool:
    """A point-to-point tunnel with ``tunnel protection`` is up while its ``TunnelN-head-0``
    SA pair exists; a tunnel that is shut down is down whatever it had."""
    cfg = device.memo("ikev2", None, lambda: read_ikev2_config(device.running))
    vti = next((t for t in cfg.tunnels if t.name == name), None)
    if vti is not None and vti.shutdown:
        return False
    if vti is None or vti.protection is None or vti.mode == "gre multipoint":
        return True  # a multipoint tunnel is up with its source; its SAs are per peer
    return f"{vti.head} 1" in device.crypto.ipsec


def track_up(device: Device, track_id: int) -> bool:
    return device.tracks.get(track_id, True)


def device_rib(device: Device) -> list[Route]:
    """The routing table, rebuilt only when config, tracks or faults change."""
    tunnels = tuple(sorted(k for k in device.crypto.ipsec if k.startswith("Tunnel")))
    key = (tuple(device.faults), tuple(sorted(device.tracks.items())), tunnels)
    return device.memo("rib", key, lambda: _rib(device))


def _rib(device: Device) -> list[Route]:
    up = lambda n: link_up(device, n)  # noqa: E731
    tracked = lambda t: track_up(device, t)  # noqa: E731
    if device.platform == "asa":  # interfaces by nameif, "route outside ..."
        return rib_from(device_interfaces(device), asa_routes(device.running), up, tracked)
    return build_rib(device.running, up, tracked)


def device_interfaces(device: Device) -> list[Interface]:
    read = asa_interfaces if device.platform == "asa" else interfaces
    return device.memo("interfaces", None, lambda: read(device.running))
