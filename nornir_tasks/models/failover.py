"""Failover state models: track objects, IP SLA operations and EEM policies as the device shows them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class TrackState(StrEnum):
    """State of a track object (``Reachability is Up``)."""

    UP = "Up"
    DOWN = "Down"
    UNKNOWN = "Unknown"


class TrackKind(StrEnum):
    """What a track object follows (shared by ``show track`` and the running configuration)."""

    IP_SLA = "ip sla"
    INTERFACE = "interface"
    IP_ROUTE = "ip route"
    LIST_BOOLEAN = "list boolean"
    LIST_THRESHOLD = "list threshold"
    STUB = "stub-object"
    OTHER = "other"


@dataclass(frozen=True)
class Track:
    """One ``Track N`` block of ``show track``."""

    track_id: int
    kind: TrackKind
    object: str  # "34" (SLA), "GigabitEthernet0/0", "10.21.12.0 255.255.255.0", "boolean"
    mode: str | None  # "state", "reachability", "line-protocol", "ip routing", "and", "weight"
    header: str  # the description line as printed: "IP SLA 34 state"
    state: TrackState
    state_detail: str | None  # "no ip route", "hw down", "RIP/6/102"
    delayed: str | None  # "Up (1 sec remaining) (connected)": a pending delayed change
    changes: int | None
    last_change: str | None
    delay_up_s: float | None
    delay_down_s: float | None
    return_code: str | None  # "Latest operation return code: OK"
    rtt_ms: int | None
    first_hop_interface: str | None
    members: tuple[str, ...]  # list tracks: "object 1 Up", "object 2 weight 10 Down"
    tracked_by: tuple[str, ...]  # "Static IP Routing 0", "HSRP Ethernet0/0 3", "EEM 1"
    threshold_down: int | None = None  # "Metric threshold down 255 up 254" (route metric, lists)
    threshold_up: int | None = None


@dataclass(frozen=True)
class TrackTable:
    """``show track``: tracks keyed by track number."""

    tracks: Mapping[int, Track]
    complete: bool


class SlaActivity(StrEnum):
    """The code in front of an entry of ``show ip sla summary``."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    PENDING = "pending"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class SlaSummaryEntry:
    """One row of ``show ip sla summary``."""

    entry_id: int
    activity: SlaActivity
    type: str
    destination: str | None
    rtt_stats: str | None  # as printed: "RTT=44", "-"
    rtt_ms: float | None  # "RTT=44" -> 44.0, "RTT=500u" -> 0.5
    return_code: str | None
    last_run: str | None


@dataclass(frozen=True)
class SlaSummary:
    """``show ip sla summary``."""

    entries: Mapping[int, SlaSummaryEntry]
    complete: bool


@dataclass(frozen=True)
class McastResponderRow:
    """A responder row of an mcast operation in ``show ip sla statistics``."""

    oper_id: int
    status: str
    loss_sd: int
    delay: str  # "min/avg/max" as printed
    destination: str


@dataclass(frozen=True)
class SlaStatistics:
    """One operation of ``show ip sla statistics``."""

    entry_id: int
    type: str | None
    latest_rtt: str | None  # as printed: "6 milliseconds", "NoConnection/Busy/Timeout"
    rtt_ms: int | None
    start_time: str | None
    return_code: str | None  # "OK", "Timeout", "No connection", "Socket connect error"
    successes: int | None
    failures: int | None
    time_to_live: str | None  # "Forever", "3600 sec"
    operational_state: str | None
    mcast_rows: tuple[McastResponderRow, ...]
    # Every other "Key: value" line, as printed: "Latest DNS RTT": "0 ms", "Over thresholds
    # occurred": "FALSE", Y.1731 and HTTP fields; a release adding a line keeps its value.
    other: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SlaStatisticsTable:
    """``show ip sla statistics``: operations keyed by entry number."""

    entries: Mapping[int, SlaStatistics]
    complete: bool


@dataclass(frozen=True)
class SlaConfiguration:
    """One entry of ``show ip sla configuration``."""

    entry_id: int
    type: str | None
    target: str | None
    source_address: str | None
    source_interface: str | None
    vrf: str | None
    owner: str | None
    tag: str | None
    timeout_ms: int | None
    frequency_s: int | None
    threshold_ms: int | None
    request_size: int | None
    next_start: str | None  # "Start Time already passed", "Pending trigger"
    life: str | None  # "Forever", "3600"
    ageout: str | None
    recurring: bool | None
    status: str | None  # "Active", "notInService"
    # Every other "Key: value" line of the entry, as printed: "Verify data": "No",
    # "Number of history Buckets kept": "15" (IOS-XE prints history and distribution settings)
    other: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SlaConfigurationTable:
    """``show ip sla configuration``: entries keyed by entry number."""

    entries: Mapping[int, SlaConfiguration]
    complete: bool


@dataclass(frozen=True)
class EemAction:
    """``action 1.0 cli command "enable"``: label, verb, arguments."""

    label: str
    verb: str
    args: str


@dataclass(frozen=True)
class EemPolicy:
    """One registered policy of ``show event manager policy registered``."""

    number: int
    policy_class: str  # applet, script
    policy_type: str  # user, system
    event_type: str  # "timer cron", "track", "syslog", "none"
    trap: bool
    time_registered: str
    name: str
    event_details: tuple[str, ...]  # "cron entry {00 00 * * *}", "maxrun 20.000"
    cron_entry: str | None
    maxrun_s: float | None
    actions: tuple[EemAction, ...]
    security: str | None = None  # the "Secu" column of releases that print it ("none", "md5")


@dataclass(frozen=True)
class EemPolicyTable:
    """``show event manager policy registered``."""

    policies: tuple[EemPolicy, ...]
    complete: bool


@dataclass(frozen=True)
class EemHistoryEvent:
    """One row of ``show event manager history events``."""

    number: int
    job_id: int
    proc: str  # "Actv"
    status: str  # "success", "abort"
    time: str
    event_type: str
    policy_class: str | None  # "applet"
    name: str


@dataclass(frozen=True)
class EemHistory:
    """``show event manager history events``."""

    events: tuple[EemHistoryEvent, ...]
    complete: bool
