"""What a safe debug capture brought back, whether the router was left clean, and the
report's account of every debug a run started or finished."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from nornir_tasks.models.logs import LogEvent

__all__ = ["DebugCapture", "DebugOrigin", "DebugRecord"]


@dataclass(frozen=True)
class DebugCapture:
    host: str
    peer: str
    lines: tuple[str, ...]  # the new log lines the capture saw, verbatim
    events: tuple[LogEvent, ...]
    refused: str | None = None  # why no debug was started (CPU too high ...)
    error: str | None = None  # what interrupted the capture, if anything
    cleanup_verified: bool = False  # ``show debugging`` read back clean afterwards
    peers: tuple[str, ...] = ()  # every peer debugged (``peer`` is the first)
    kinds: tuple[str, ...] = ()  # ``debug crypto <kind>`` turned on
    started: str = ""  # ISO 8601 UTC, when the first debug command was sent
    seconds_on: float | None = None  # from the first debug command to the verified cleanup
    cleanup_note: str = ""  # how the cleanup went when not simply on the same session
    conditions: tuple[str, ...] = ()  # as the platform words them ("peer 198.51.100.130" on ASA)

    def typed_conditions(self) -> tuple[str, ...]:
        """The ``debug crypto condition`` commands the debug ran under: they say whose lines
        the capture holds (``checks.logview``), so they go above its lines as evidence."""
        conditions = self.conditions or tuple(f"peer ipv4 {p}" for p in self.peers or (self.peer,))
        return tuple(f"debug crypto condition {c}" for c in conditions)

    def record(self) -> DebugRecord | None:
        """The report's line for this capture (None: refused, nothing was turned on)."""
        if self.refused is not None:
            return None
        notes = [n for n in (self.error, self.cleanup_note) if n]
        return DebugRecord(
            host=self.host,
            conditions=self.conditions
            or tuple(f"peer ipv4 {p}" for p in (self.peers or (self.peer,))),
            kinds=self.kinds,
            started=self.started,
            seconds=self.seconds_on,
            cleanup_verified=self.cleanup_verified,
            origin=DebugOrigin.THIS_RUN,
            note="; ".join(notes),
        )


class DebugOrigin(StrEnum):
    THIS_RUN = "this run"
    EARLIER_RUN = "earlier run"  # left open by a run that was killed or cut off; finished now
    OTHER_RUN = "other run"  # a vpndiag process still running owns it: not touched


@dataclass(frozen=True)
class DebugRecord:
    """One debug in a report: router, conditions, how long, and whether its cleanup was seen.

    ``seconds``: how long the debug was on, up to the verified cleanup (for an earlier run's
    debug: from its start until this run cleaned it up); None when never verified.
    """

    host: str
    conditions: tuple[str, ...]
    kinds: tuple[str, ...]
    started: str
    seconds: float | None
    cleanup_verified: bool
    origin: DebugOrigin
    note: str = ""

    @property
    def left_on(self) -> bool:
        """Debug may still be running on the router (an error, except another run's)."""
        return not self.cleanup_verified and self.origin is not DebugOrigin.OTHER_RUN
