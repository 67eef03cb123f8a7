"""Checks shared by the parsers of this package: CLI error replies and exec-prompt noise."""

from __future__ import annotations

import re
from collections.abc import Iterable

from nornir_tasks.parsers._text import clean_lines
from nornir_tasks.parsers._unparsed import note_read, skip
from nornir_tasks.parsers.registry import ParseError

# Terminals wrap at 511 columns at most; a longer "line" is not device output (and keeps
# int() of a digit run far below Python's 4300-digit conversion limit).
MAX_LINE = 4096
# Device counters are 64-bit: 20 digits at most. A longer digit run is not a number a device
# printed (a corrupted paste); its line is not read, so no parser or rule ever does arithmetic
# on it (float(10**320) overflows).
_HUGE_NUMBER = re.compile(r"\d{21}")

# "% Invalid input detected at '^' marker.", "ERROR: % Invalid input detected at '^' marker.",
# "% Incomplete command.", "% Ambiguous command:  "sh ip"", "% Unknown command or computer name"
_CLI_ERROR = re.compile(
    r"^\s*(?:ERROR:\s*)?%\s*(?:Invalid input|Incomplete command|Ambiguous command"
    r"|Unrecognized command|Unknown command|Bad IP address|Invalid command)",
    re.I,
)
# "Load for five secs: 1%/0%; one minute: 2%; five minutes: 3%" / "Time source is NTP, 19:10:39..."
# (printed before every command under "terminal exec prompt timestamp")
_EXEC_TIMESTAMP = re.compile(r"^\s*(?:Load for five secs:|Time source is |No time source,)")
# An echoed command, indented or bare: "        PE1#show processes cpu | include process",
# "show ip route 192.168.154.0", "R1# show event manager history events",
# "# show crypto isakmp sa" (a write-up that dropped the hostname)
# "R1#show ...", "sh ...", "R16(config-if)#do sh dmvpn" (a show run from configuration mode)
_ECHO = re.compile(
    r"^\s*(?:[\w.\-/()]{0,64}[>#]\s*)?(?:do\s+)?(?:sh(?:ow?)?|deb(?:ug)?|more)\s+\S", re.I
)


def cli_error(lines: Iterable[str]) -> str | None:
    """The first line that is the CLI refusing the command, if any."""
    for line in lines:
        if "%" in line and _CLI_ERROR.match(line):
            return line
    return None


def raise_on_cli_error(command: str, lines: Iterable[str]) -> None:
    """Raise ParseError when the device answered with a CLI error instead of output."""
    line = cli_error(lines)
    if line is not None:
        raise ParseError(command, line, "the device rejected the command")


def is_exec_timestamp(line: str) -> bool:
    """True for the load/time lines IOS prints before output under exec prompt timestamps."""
    return bool(_EXEC_TIMESTAMP.match(line))


def is_echo(line: str) -> bool:
    """True for an echoed show/debug/more command (with or without its prompt)."""
    return bool(_ECHO.match(line))


def has_huge_number(text: str) -> bool:
    """One search of the whole text: then only its lines need the per-line search."""
    # Every parse pays this: a regex search costs 30-60 ns a character, a bytes translate and
    # find 20 times less. 1 MB at a time (no copy of a 50 MB paste), overlapping by 20 so no
    # run is cut in two.
    if len(text) <= _CHUNK:
        return _huge_in(text)
    return any(_huge_in(text[i : i + _CHUNK + 20]) for i in range(0, len(text), _CHUNK))


def _huge_in(chunk: str) -> bool:
    if not chunk.isascii():
        other = chunk.encode("utf-8", "surrogatepass").translate(None, _ASCII)
        if any(c.isdecimal() for c in other.decode("utf-8", "surrogatepass")):
            return bool(_HUGE_NUMBER.search(chunk))  # digits of another script: ``\d`` knows them
    # ``\d`` is 0-9 in the rest (a non-ASCII character becomes one "?", so runs stay runs)
    return _21_ZEROS in chunk.encode("ascii", "replace").translate(_DIGITS_TO_ZERO)


_CHUNK = 1 << 20
_21_ZEROS = b"0" * 21
_ASCII = bytes(range(128))
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")


def unreadable(line: str, huge: bool) -> bool:
    """A line no device prints: too long, or (``huge``: the text has one) a number past 64 bits."""
    return len(line) > MAX_LINE or (huge and bool(_HUGE_NUMBER.search(line)))


def readable(lines: list[str], text: str) -> list[str]:
    """``lines`` (of ``text``) without the unreadable ones, which are reported with ``skip``."""
    huge = has_huge_number(text)
    if not huge and max(map(len, lines), default=0) <= MAX_LINE:
        return lines
    out: list[str] = []
    for line in lines:
        if unreadable(line, huge):
            skip(line)
        else:
            out.append(line)
    return out


def table_lines(command: str, text: str) -> list[str]:
    """Cleaned lines of a show command: no blanks, echoes or exec timestamps; CLI errors raise."""
    lines = clean_lines(text)
    raise_on_cli_error(command, lines)
    significant = [s for s in lines if s.strip() and not is_exec_timestamp(s) and not is_echo(s)]
    note_read(len(significant))
    return readable(significant, text)


def to_int(text: str | None) -> int | None:
    """``int`` of a digits-only string, else None (device fields can say "Unknown")."""
    if text is None or not text.isdigit() or len(text) > 18:
        return None
    return int(text)
