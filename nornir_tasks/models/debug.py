"""What a safe debug capture brought back, and whether the router was left clean."""

from __future__ import annotations

from dataclasses import dataclass

from nornir_tasks.models.logs import LogEvent


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
