"""What a router's IP SLA operations, tracks and EEM applets have done so far.

The failover engine writes these records; the show commands read them. Times are sim-clock
seconds (``SimClock.now()``). Kept apart from the engine so that the command modules, which
``lab.cli`` imports, do not import the CLI back.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from lab.clock import DAYS, EPOCH, MONTHS
from lab.failovercfg import Applet, SlaOperation, TrackDef


class OpStatus(StrEnum):
    """The operational state IOS reports (RTTMON-MIB rttMonCtrlOperState)."""

    ACTIVE = "active"  # "*" in show ip sla summary
    PENDING = "pending"  # "~": not scheduled, start-time pending, or start still ahead
    INACTIVE = "inactive"  # "^": its life has run out


@dataclass
class ProbeRecord:
    """One ``ip sla N`` operation: when it runs and what its last run returned."""

    operation: SlaOperation
    schedule_line: str  # "" if unscheduled; a change of either field restarts the operation
    first_run: float | None  # None: never starts (unscheduled or start-time pending)
    ends_at: float | None  # end of its life; None: forever
    next_run: float | None
    return_code: str = "Unknown"
    rtt_ms: int | None = None
    successes: int = 0
    failures: int = 0
    last_start: float | None = None

    def status(self, now: float) -> OpStatus:
        if self.first_run is None or now < self.first_run:
            return OpStatus.PENDING
        if self.ends_at is not None and now >= self.ends_at:
            return OpStatus.INACTIVE
        return OpStatus.ACTIVE


@dataclass
class TrackRecord:
    """One ``track N`` object: its reported state and any delayed change."""

    definition: TrackDef
    up: bool
    last_change: float
    changes: int = 1  # IOS counts the initial Down of a new track as a change
    pending: tuple[bool, float] | None = None  # (new state, due) while a delay runs
    detail: str | None = None  # of what the object is now: "no ip route", "hw admin-down"
    reported_detail: str | None = None  # of the reported state (they differ during a delay)
    first_hop: str | None = None
    was_first_hop: str | None = None
    return_code: str = "Unknown"  # of the SLA it tracks
    rtt_ms: int | None = None


@dataclass
class Registration:
    """An applet as EEM registered it (a changed applet is registered again)."""

    applet: Applet
    registered_at: float
    next_timer: float | None = None  # watchdog / countdown timers


@dataclass(frozen=True)
class EemRun:
    """One line of ``show event manager history events``."""

    job_id: int
    started: float
    event_type: str
    name: str
    status: str  # "success" or "abort"


@dataclass
class FailoverState:
    probes: dict[int, ProbeRecord] = field(default_factory=dict)
    tracks: dict[int, TrackRecord] = field(default_factory=dict)
    applets: dict[str, Registration] = field(default_factory=dict)
    history: list[EemRun] = field(default_factory=list)
    next_job: int = 1
    # Set by the engine: run an applet by hand (``event manager run``).
    run_applet: Callable[[Applet], None] | None = field(default=None, repr=False)


# -- times as IOS prints them ----------------------------------------------------------------
def _tm(at: float) -> time.struct_time:
    return time.gmtime(EPOCH + at)


def long_time(at: float) -> str:
    """``07:10:18 UTC Fri Oct 22 2021`` (show ip sla statistics)."""
    t = _tm(at)
    day, month = DAYS[t.tm_wday], MONTHS[t.tm_mon - 1]
    return f"{t.tm_hour:02}:{t.tm_min:02}:{t.tm_sec:02} UTC {day} {month} {t.tm_mday} {t.tm_year}"


def eem_time(at: float, compact: bool = False) -> str:
    """``Fri Jun 14 16:50:53 2024``; ``compact``: ``Wed Mar10 13:22:46 2021`` (EEM history)."""
    t = _tm(at)
    day, month = DAYS[t.tm_wday], MONTHS[t.tm_mon - 1]
    date = f"{month}{t.tm_mday:2}" if compact else f"{month} {t.tm_mday:2}"
    return f"{day} {date} {t.tm_hour:02}:{t.tm_min:02}:{t.tm_sec:02} {t.tm_year}"


def elapsed(seconds: float) -> str:
    """IOS's age format: ``00:01:23`` within a day, then ``1d16h``, then ``2w3d``."""
    s = max(0, int(seconds))
    if s < 86400:
        return f"{s // 3600:02}:{s // 60 % 60:02}:{s % 60:02}"
    if s < 7 * 86400:
        return f"{s // 86400}d{s // 3600 % 24:02}h"
    return f"{s // (7 * 86400)}w{s // 86400 % 7}d"
