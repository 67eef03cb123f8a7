"""Running-configuration models, routing and failover: static routes, IP SLA operations,
tracks, EEM applets and route maps (what a second ISP's failover is made of).

Re-exported by ``models.config``, where ``RunningConfig`` holds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: a configuration without failover needs none of them
    from nornir_tasks.models.failover import EemAction, TrackKind


@dataclass(frozen=True)
class StaticRoute:
    """``ip route 0.0.0.0 0.0.0.0 203.0.113.1 250 track 10 name ISP1``."""

    prefix: str
    mask: str
    interface: str | None
    next_hop: str | None
    distance: int | None
    track: int | None
    name: str | None
    permanent: bool
    tag: int | None
    vrf: str | None
    line: str


@dataclass(frozen=True)
class SlaSchedule:
    """``ip sla schedule 10 life forever start-time now``."""

    life: str | None  # "forever", "3600"
    start_time: str | None  # "now", "pending", "after 00:05:00", "12:00 Jan 1"
    ageout: int | None
    recurring: bool
    line: str


@dataclass(frozen=True)
class SlaOperation:
    """``ip sla 10`` and its operation lines."""

    entry_id: int
    type: str | None  # "icmp-echo", "tcp-connect", "udp-jitter"
    target: str | None
    port: int | None
    source_interface: str | None
    source_ip: str | None
    frequency_s: int | None
    timeout_ms: int | None
    threshold_ms: int | None
    vrf: str | None
    tag: str | None
    schedule: SlaSchedule | None


@dataclass(frozen=True)
class TrackObject:
    """``track 10 ip sla 10 reachability`` and ``delay down 15 up 60``."""

    track_id: int
    kind: TrackKind
    object: str  # "10" (SLA), "GigabitEthernet0/0", "10.0.0.0 255.0.0.0", "boolean"
    mode: str | None  # as configured; None when omitted (``track 1 ip sla 1`` means state)
    delay_up_s: int | None
    delay_down_s: int | None
    members: tuple[str, ...]  # list tracks: "object 1", "object 2 not", "threshold weight up 20"


@dataclass(frozen=True)
class EemApplet:
    """``event manager applet NAME`` with its event and actions."""

    name: str
    options: str | None  # "authorization bypass", "class A"
    events: tuple[str, ...]  # "track 10 state down", "syslog pattern \"...\""
    actions: tuple[EemAction, ...]
    description: str | None


@dataclass(frozen=True)
class RouteMapEntry:
    """``route-map NAME permit 10`` with its match and set lines."""

    name: str
    action: str
    seq: int | None
    matches: tuple[str, ...]  # "ip address NAT", "interface GigabitEthernet0/0"
    sets: tuple[str, ...]
