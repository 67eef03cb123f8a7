"""Feeding device output to a crypto line scanner: cleaning, CLI errors, unknown lines.

The text is cleaned like ``clean_lines`` (with a fast path for long output that carries no
paging or CR noise), a CLI error reply raises, echoed commands and exec timestamps before the
output are passed over, and every line the scanner does not know is reported with ``skip``::

    R1#show crypto ipsec sa                      <- echo, passed over
    Load for five secs: 1%/0%; one minute: 2%    <- exec timestamp, passed over
    peer address: 10.1.1.2                       <- ASA, unknown to the scanner: skipped
    interface: GigabitEthernet3                  <- read
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

from nornir_tasks.parsers._common import (
    MAX_LINE,
    cli_error,
    has_huge_number,
    is_echo,
    is_exec_timestamp,
    unreadable,
)
from nornir_tasks.parsers._text import clean_lines
from nornir_tasks.parsers._unparsed import note_read, skipper
from nornir_tasks.parsers.registry import ParseError


def _line_batches(text: str, size: int = 1 << 20) -> Iterator[list[str]]:
    """The lines of ``text``, about ``size`` characters at a time: a 50 MB paste is never
    held as one list of a million line strings beside the list the parser keeps."""
    if len(text) <= size:  # the usual case, without the loop
        if text:
            yield text.split("\n")
        return
    start = 0
    while start < len(text):
        end = text.find("\n", start + size)
        end = len(text) if end < 0 else end
        yield text[start:end].split("\n")
        start = end + 1


def _significant(text: str) -> Iterator[str]:
    """Non-blank lines of ``text``, stripped, without echoed commands or bare prompts.

    The lines ``clean_lines`` keeps, several times faster on clean output: only a line that
    starts with a hostname character and contains ``#`` or ``>`` can be an echoed command or
    a bare prompt, so only those go through ``clean_lines``' patterns.
    """
    if "\r" in text or "--More--" in text:
        yield from (s for s in map(str.strip, clean_lines(text)) if s)
        return
    for batch in _line_batches(text):
        for raw in batch:
            maybe_prompt = raw[:1] not in ("", " ", "\t", "#") and ("#" in raw or ">" in raw)
            if maybe_prompt and not clean_lines(raw.rstrip()):
                continue
            line = raw.strip()
            if line:
                yield line


def significant_lines(text: str) -> list[str]:
    """``_significant`` as a list (for tests and callers that need every line at once)."""
    return list(_significant(text))


def feed_lines(command: str, text: str, handle: Callable[[str], bool]) -> None:
    """Pass every non-blank, stripped line of ``text`` to ``handle`` (True = recognised),
    streaming: no list of the lines is built.

    Raises ParseError on a CLI error reply. A line ``handle`` does not recognise, or one no
    device prints (see ``_common.unreadable``), is reported with ``skip``.

    Contract of a parser that reads through ``feed_lines`` (one call, its only reading): its
    model is built from what ``handle`` kept, and ``handle`` leaves no trace of a line it does
    not recognise before it has recognised one. So a text none of whose lines is recognised
    alone is not read as a whole either, which lets ``_wrapped.reread`` try a joined line alone
    instead of re-reading the whole text (tests/parsers/test_feed_contract.py).
    """
    huge = has_huge_number(text)
    lines = _significant(text)
    read = 0
    for s in lines:  # echoed commands and exec timestamps before the output are passed over
        if not (is_echo(s) or is_exec_timestamp(s)):
            lines = itertools.chain((s,), lines)
            break
    skip = skipper()
    for s in lines:
        if "%" in s and cli_error((s,)) is not None:
            raise ParseError(command, s, "the device rejected the command")
        read += 1
        # ``unreadable`` asked only when it can say yes: this loop runs for every line
        if ((huge or len(s) > MAX_LINE) and unreadable(s, huge)) or not handle(s):
            skip(s)
    note_read(read, line_scan=True)
