"""What a collection run brought back from one host: raw text, parsed models, what went wrong."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["CommandOutput", "HostCollection", "HostStatus", "OutputStatus"]


class OutputStatus(StrEnum):
    OK = "ok"
    UNSUPPORTED = "unsupported"  # "% Invalid input": the image has no such command
    INCOMPLETE = "incomplete"  # truncated or unreadable after the retry
    ERROR = "error"  # the session failed while running it
    SKIPPED = "skipped"  # the platform has no such command (not sent)


class HostStatus(StrEnum):
    OK = "ok"
    PARTIAL = "partial"  # reached, but some outputs are missing or incomplete
    UNREACHABLE = "unreachable"
    AUTH_FAILED = "auth_failed"
    TIMEOUT = "timeout"
    FAILED = "failed"


@dataclass(frozen=True)
class CommandOutput:
    """One command's output: its text as the device printed it and, once parsed, its model.

    The one container raw text travels in, from a device session or a saved file to the
    evidence the checks read.
    """

    command: str
    raw: str
    status: OutputStatus = OutputStatus.OK
    parsed: Any = None
    error: str | None = None
    attempts: int = 1
    unparsed: tuple[tuple[int, str], ...] = ()  # (line number, text) the parser did not know


@dataclass(frozen=True)
class HostCollection:
    host: str
    status: HostStatus
    outputs: tuple[CommandOutput, ...] = ()
    error: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def output(self, command: str) -> CommandOutput | None:
        return next((o for o in self.outputs if o.command == command), None)

    def parsed(self, command: str) -> Any:
        out = self.output(command)
        return out.parsed if out is not None and out.status is OutputStatus.OK else None
