"""What a tracked object sees: an IP SLA result, an interface, a route, a list of tracks.

``observe`` gives the object's own state before ``delay up/down`` holds it back; the
failover engine (``lab.failover``) applies the delay and announces changes with
``describe`` (IOS's wording of the object in ``%TRACK-6-STATE``).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from lab.device import Device
from lab.failovercfg import TrackDef
from lab.failoverstate import FailoverState, OpStatus
from lab.forwarding import device_rib, link_up
from lab.routing import interfaces, resolve

_SHORT = {
    "GigabitEthernet": "Gi",
    "FastEthernet": "Fa",
    "Ethernet": "Et",
    "Loopback": "Lo",
    "Tunnel": "Tu",
}


@dataclass(frozen=True)
class Observation:
    """The tracked object's own state, before ``delay`` holds it back."""

    up: bool
    detail: str | None = None
    first_hop: str | None = None
    return_code: str = "Unknown"
    rtt_ms: int | None = None


def object_of(track: TrackDef) -> tuple[str, str, str, tuple[tuple[int, bool], ...]]:
    """What a track watches: a new object makes a new track, a new delay does not."""
    return track.kind, track.target, track.mode, track.objects


def observe(device: Device, state: FailoverState, track: TrackDef, now: float) -> Observation:
    if track.kind == "ip sla":
        return _observe_sla(state, track, now)
    if track.kind == "interface":
        return _observe_interface(device, track)
    if track.kind == "ip route":
        return _observe_route(device, track)
    return _observe_list(state, track)


def _observe_sla(state: FailoverState, track: TrackDef, now: float) -> Observation:
    record = state.probes.get(int(track.target)) if track.target.isdigit() else None
    if record is None or record.status(now) is not OpStatus.ACTIVE:
        return Observation(False)  # never scheduled, pending or expired: Down (pitfall 3)
    code = record.return_code
    # "state" wants OK; "reachability" also accepts an RTT over threshold.
    up = code == "OK" or (track.mode == "reachability" and code == "Over threshold")
    return Observation(up, return_code=code, rtt_ms=record.rtt_ms)


def _observe_interface(device: Device, track: TrackDef) -> Observation:
    itf = next((i for i in interfaces(device.running) if i.name == track.target), None)
    if itf is None:
        return Observation(False)
    if itf.shutdown:
        return Observation(False, "hw admin-down")
    if not link_up(device, itf.name):
        return Observation(False, "hw down")
    if track.mode == "ip routing" and itf.address is None:
        return Observation(False, "no IP addr")
    return Observation(True)


def _observe_route(device: Device, track: TrackDef) -> Observation:
    rib = device_rib(device)
    prefix = ipaddress.IPv4Network(track.target)
    route = next((r for r in rib if r.prefix == prefix), None)
    if route is None:
        return Observation(False, "no ip route")
    hop = route.interface
    if hop is None and route.next_hop is not None:
        found = resolve(rib, route.next_hop)
        hop = found[0] if found else None
    return Observation(True, "static" if route.code == "S" else "connected", hop)


def _observe_list(state: FailoverState, track: TrackDef) -> Observation:
    members = []
    for number, negated in track.objects:
        other = state.tracks.get(number)  # a missing member counts as Down
        members.append((other is not None and other.up) != negated)
    up = all(members) if track.target == "and" else any(members)
    return Observation(bool(members) and up)


def describe(track: TrackDef) -> str:
    if track.kind == "interface":
        return f"interface {_short(track.target)} {track.mode}"
    if track.kind == "list":
        return f"list boolean {track.target}"
    return f"{track.kind} {track.target} {track.mode}"


def _short(name: str) -> str:
    for long, short in _SHORT.items():
        if name.startswith(long):
            return short + name[len(long) :]
    return name
