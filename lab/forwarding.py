"""A router's live routing table: its configuration, the links faults hold down, its tracks.

Kept out of the command modules so that the network, the engines and the show commands all
read the same table without importing one another.
"""

from __future__ import annotations

from lab.device import Device
from lab.faults import FaultKind
from lab.routing import Interface, Route, build_rib, interfaces


def link_up(device: Device, name: str) -> bool:
    """False while a ``link_down`` fault holds the interface down."""
    return not any(
        f.kind is FaultKind.LINK_DOWN and f.router == device.name and f.interface == name
        for f in device.faults
    )


def track_up(device: Device, track_id: int) -> bool:
    return device.tracks.get(track_id, True)


def device_rib(device: Device) -> list[Route]:
    """The routing table, rebuilt only when config, tracks or faults change."""
    key = (tuple(device.faults), tuple(sorted(device.tracks.items())))
    return device.memo(
        "rib",
        key,
        lambda: build_rib(
            device.running, lambda n: link_up(device, n), lambda t: track_up(device, t)
        ),
    )


def device_interfaces(device: Device) -> list[Interface]:
    return device.memo("interfaces", None, lambda: interfaces(device.running))
