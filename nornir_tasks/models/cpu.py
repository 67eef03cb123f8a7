"""CPU models: ``show processes cpu`` (and its ``| include CPU`` one-liner)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CpuProcess:
    """One process row of ``show processes cpu``."""

    pid: int
    runtime_ms: int
    invoked: int
    usecs: int
    five_seconds: float
    one_minute: float
    five_minutes: float
    tty: int
    name: str


@dataclass(frozen=True)
class CpuUsage:
    """``CPU utilization for five seconds: 3%/0%; one minute: 2%; five minutes: 1%`` and rows."""

    five_seconds: int | None
    interrupt: int | None  # the "/0%" part: time spent at interrupt level
    one_minute: int | None
    five_minutes: int | None
    processes: tuple[CpuProcess, ...]
    complete: bool
