"""Lines a parser did not recognise, collected while ``parse_result`` runs it.

A parser calls ``skip(line)`` for a line it does not know instead of raising: a new software
release that adds one line must not blind the tool. Called outside ``collecting()`` (a parser
used directly), ``skip`` does nothing, so parsers stay plain ``text -> model`` functions.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field

# Enough to show an engineer what was not read; a 50 MB paste of noise must not be kept twice.
KEEP = 200


@dataclass
class Skipped:
    """The first ``KEEP`` unknown lines (as the parser saw them) and how many there were."""

    lines: list[str] = field(default_factory=list)
    count: int = 0
    read: int | None = None  # lines handed to the parser's line reader, when it says
    scans: int = 0  # readings by ``_feed.feed_lines`` (whose contract ``_wrapped`` relies on)

    def add(self, line: str) -> None:
        self.count += 1
        if len(self.lines) < KEEP:
            self.lines.append(line)


def note_read(count: int, line_scan: bool = False) -> None:
    """Record that ``count`` lines were handed to the parser's line reader (so "no line was
    recognised" is ``skipped.count >= read``, without counting the text again); ``line_scan``:
    by ``feed_lines``."""
    skipped = _CURRENT.get()
    if skipped is not None:
        skipped.read = (skipped.read or 0) + count
        skipped.scans += line_scan


_CURRENT: ContextVar[Skipped | None] = ContextVar("vpndiag_unparsed", default=None)


def skip(line: str) -> None:
    """Record ``line`` as not recognised by the parser that is running."""
    skipped = _CURRENT.get()
    if skipped is not None:
        skipped.add(line)


def skipper() -> Callable[[str], None]:
    """``skip``, looked up once for a reading that skips line after line."""
    skipped = _CURRENT.get()
    return skipped.add if skipped is not None else _ignore


def _ignore(line: str) -> None:
    return None


class collecting:  # noqa: N801  (used as a function: ``with collecting() as skipped``)
    """Collect the lines skipped by parsers called inside the ``with`` block (a class, not a
    generator: every parse and every second reading enters one)."""

    def __init__(self) -> None:
        self.skipped = Skipped()

    def __enter__(self) -> Skipped:
        self.token = _CURRENT.set(self.skipped)
        return self.skipped

    def __exit__(self, *exc: object) -> None:
        _CURRENT.reset(self.token)
