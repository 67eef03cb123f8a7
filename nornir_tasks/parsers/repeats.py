"""One command's output given more than once in a text: the copies, and which one is current.

Engineers paste session logs where a command was run twice, or paste one output twice::

    R1#show crypto ipsec sa              <- a prompt echoing the command again: a new copy
    interface: GigabitEthernet0/0
       ...
    interface: GigabitEthernet0/0        <- a title the output prints once, seen again: a new copy
    IPv4 Crypto ISAKMP SA                <- (a pasted table's header line, the same)

A text that is one run of lines said k times over (IKEv2 rows pasted twice, no prompt and no
title) is k copies too. Identical copies in a row count once: nothing in them shows that time
passed (a paste repeated, or a command run again with nothing changed cannot be told apart).
A different copy is newer state; the last one is the current state and the one before it the
earlier poll. Exec timestamps (``Time source is NTP, 10:21:33.412 UTC ...``) and the poll marks
vpndiag writes into saved evidence (``! vpndiag: poll 2``) are part of what is compared: two
readings taken at different times are two polls even when nothing else changed.
Pure: text in, copies out.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import NamedTuple

from nornir_tasks.parsers._titles import title_of
from nornir_tasks.parsers.registry import UnknownCommandError, resolve

# An echoed command after its prompt ("R1#show crypto ipsec sa", "R1(config)#do sh cry isa sa",
# "ASA# packet-tracer input ..."), or a bare one ("show crypto map", "ping 10.1.1.1")
_ECHO = re.compile(
    r"^\s*(?:(?P<host>[\w.\-/]{1,64})(?:\([\w\-]+\))?[>#]\s*(?:do\s+)?(?P<cmd>[a-z]\S*\s.*?)"
    r"|[#>]?\s*(?P<bare>(?:sh(?:ow?)?|ping|packet-tracer)\s+\S.*?))\s*$",
    re.I,
)
# A bare prompt ("R1#"): ends a copy's text, compared as nothing.
_BARE_PROMPT = re.compile(r"^\s*[\w.\-/]{1,64}(?:\([\w\-]+\))?[>#]\s*$")
# "! vpndiag: poll 2": saved evidence marks each poll of a command it read twice.
POLL_MARK = "! vpndiag: poll "


class Copy:
    """One copy of the output: its lines, where it starts (line 1 = 1) and, when its prompt
    line is not among them, the command as typed there. (A plain class: a dataclass costs
    ``vpndiag diagnose`` a millisecond of start.)"""

    __slots__ = ("_key", "first_line", "lines", "typed")

    def __init__(self, lines: tuple[str, ...], first_line: int, typed: str = "") -> None:
        self.lines = lines
        self.first_line = first_line
        self.typed = typed
        self._key: tuple[str, ...] | None = None

    def with_typed(self, typed: str) -> Copy:
        return Copy(self.lines, self.first_line, typed)

    @property
    def text(self) -> str:
        """The copy as a parser reads it (poll marks removed)."""
        return "\n".join(line for line in self.lines if not line.startswith(POLL_MARK))

    @property
    def key(self) -> tuple[str, ...]:
        """What is compared: the lines without blanks or spacing, an echo by the command as
        typed (typed again, differently, it is a second run)."""
        if self._key is None:
            typed = (f"> {' '.join(self.typed.split())}",) if self.typed else ()
            self._key = typed + _key(self.lines)
        return self._key


class Repeat(NamedTuple):
    """What a text held for one command: how many copies, how many different ones, and the
    lines that changed between the last two different ones (``(before, after)``)."""

    command: str
    copies: int
    distinct: int
    changed: tuple[tuple[str, str], ...] = ()


def _pattern(command: str) -> str | None:
    try:
        return resolve(command)[0]
    except UnknownCommandError:
        return None


class _SeveralRoutersError(Exception):
    """Prompts of two routers: their outputs are not copies of one another."""


def _echo_of(line: str, pattern: str | None, hosts: set[str]) -> bool:
    """The line echoes a command read by the same parser as ``pattern``; the prompt of a
    second router raises ``_SeveralRoutersError``."""
    if "#" not in line and ">" not in line and line.lstrip()[:1] not in ("s", "S", "p"):
        return False
    m = _ECHO.match(line)
    if m is None or pattern is None:
        return False
    if m["host"]:
        hosts.add(m["host"])
        if len(hosts) > 1:
            raise _SeveralRoutersError
    return _same(m["cmd"] or m["bare"], pattern)


def _same(typed: str, pattern: str | None) -> bool:
    """``typed`` is read by the parser of ``pattern``. Its first words are compared first: a
    command no parser knows would make the register import every parser module."""
    words = typed.split("|", 1)[0].lower().split()
    full = (pattern or "").split()
    if not words or any(
        not (f in ("*", "...") or f.startswith(w)) for w, f in zip(words, full, strict=False)
    ):
        return False
    return _pattern(typed) == pattern


def _normal(line: str) -> str | None:
    """The line as compared: spacing collapsed; None for a line that says nothing."""
    if not line.strip() or _BARE_PROMPT.match(line):
        return None
    return " ".join(line.split())


def _starts(lines: Sequence[str], pattern: str | None, recognised: bool) -> list[int]:
    """Indexes of the lines that start a copy after the first (none when prompts of several
    routers are in the text: each router's output is its own)."""
    try:
        return _cuts(lines, pattern, recognised)
    except _SeveralRoutersError:
        return []


def _cuts(lines: Sequence[str], pattern: str | None, recognised: bool) -> list[int]:
    starts: list[int] = []
    begin = 0  # where the current copy starts
    seen: dict[tuple[int, str], int] = {}  # its titles, and the line each was first seen on
    content = False  # the current copy holds a line beyond its echo and titles
    echoed = recognised  # it began with this command's echo (or is known to be its output)
    hosts: set[str] = set()
    for index, line in enumerate(lines):
        stripped = line.lstrip()
        if not stripped or _BARE_PROMPT.match(line):
            continue
        title = title_of(stripped, stripped[0] == line[0])
        echo = title is None and _echo_of(line, pattern, hosts)
        # an echo ends a copy that is recognisably this command's output (its echo or a title)
        again = echo and content and (echoed or bool(seen))
        if again or (title is not None and title in seen):
            at = index if echo else _with_head(lines, begin, seen[title], index)  # type: ignore[index]
            starts.append(_before_timestamps(lines, at, begin))
            begin, seen, content, echoed = starts[-1], {}, False, False
        if title is not None:
            seen.setdefault(title, index)
        elif echo:
            echoed = echoed or not content
        elif not _LEADING.match(line):  # an exec timestamp heads the run: no content of it
            content = True
    return starts


def _with_head(lines: Sequence[str], begin: int, first: int, again: int) -> int:
    """Where the copy whose title is seen again at ``again`` starts: the lines that came
    before the title in the current copy (an engine line, a legend) come before it again."""
    head = [_normal(line) for line in lines[begin:first]]
    head = [h for h in head if h is not None]
    at, wanted = again, list(head)
    while wanted and at > first + 1:
        at -= 1
        norm = _normal(lines[at])
        if norm is None:
            continue
        if norm != wanted[-1]:
            return again
        wanted.pop()
    return at if not wanted else again


# "Load for five secs: 1%/0%; ..." / "Time source is NTP, ..." / "! vpndiag: poll 2": they
# belong to the copy after them, not the one before.
_LEADING = re.compile(
    r"^\s*(?:Load for five secs:|Time source is |No time source,|! vpndiag: poll )"
)


def leads_output(line: str) -> bool:
    """An exec timestamp or a poll mark: printed before an output, part of it."""
    return bool(_LEADING.match(line))


def _before_timestamps(lines: Sequence[str], index: int, begin: int) -> int:
    floor = begin + 1
    while index > floor and _LEADING.match(lines[index - 1]):
        index -= 1
    return index


def _period(keys: Sequence[str]) -> int:
    """The length of the run the keys repeat (k >= 2 times, nothing else); 0 when none."""
    n = len(keys)
    for p in range(1, n // 2 + 1):
        if n % p == 0 and keys[p] == keys[0] and list(keys[p:]) == list(keys[:-p]):
            return p
    return 0


def _key_line(line: str) -> str | None:
    """A line as compared: an echo by the command as typed (the prompt aside: the same
    router), any other line with its spacing collapsed; None for a blank or bare prompt."""
    if (normal := _normal(line)) is None:
        return None
    m = _ECHO.match(line)
    if m is None:
        return normal
    # typed again at its prompt: a second run; a bare echo is a write-up's label, no proof
    return f"> {' '.join(m['cmd'].split())}" if m["cmd"] else None


def _key(lines: Sequence[str]) -> tuple[str, ...]:
    return tuple(k for line in lines if (k := _key_line(line)) is not None)


def split_copies(command: str, text: str, recognised: bool = False) -> tuple[Copy, ...]:
    """The copies of ``command``'s output in ``text``, in order (one when it was given once).

    ``recognised``: the text is known to start with the command's output (a block ``vpndiag
    diagnose`` found by its header), so an echo of the command in it starts the next copy."""
    lines = text.split("\n")
    pattern = _pattern(command)
    starts = _starts(lines, pattern, recognised)
    if starts and not _own(lines[: starts[0]], pattern):
        starts = starts[1:]  # what came first is another command's output, not a copy
    cuts = [0, *starts, len(lines)]
    copies = tuple(Copy(tuple(lines[a:b]), a + 1) for a, b in itertools.pairwise(cuts))
    if len(copies) > 1 or _selects_lines(command) or not _first_line_again(text):
        return copies
    key = copies[0].key
    period = _period(key)
    if not period:
        return copies
    # Identical copies without prompt or title: cut where each run of key lines ends.
    return _cut_runs(lines, len(key) // period, period)


def _selects_lines(command: str) -> bool:
    """The command filters its output line by line (``| include``, ``| exclude``, ``| section``,
    abbreviated or not): what it prints repeats by itself. ``| include peer|encaps|decaps`` of
    two flows with the same peer and counters (two proxy pairs that carried nothing: 0 and 0)
    is one run said twice, and both flows are in one output."""
    _, bar, rest = command.partition("|")
    word = rest.split()[0].lower() if bar and rest.split() else ""
    return bool(word) and any(k.startswith(word) for k in ("include", "exclude", "section", "grep"))


def _own(lines: Sequence[str], pattern: str | None) -> bool:
    """``lines`` are this command's output, not another command's (a session log's
    ``show run | section crypto`` before the command's own prompt)."""
    first = next((line for line in lines if line.strip()), "")
    m = _ECHO.match(first)
    return m is None or _same(m["cmd"] or m["bare"], pattern)


def _first_line_again(text: str) -> bool:
    """The first non-blank line is in the text twice (else it cannot be a run said twice)."""
    stripped = text.lstrip()
    first = stripped.split("\n", 1)[0].strip()
    return bool(first) and stripped.find(first, len(first)) >= 0


def _cut_runs(lines: Sequence[str], times: int, period: int) -> tuple[Copy, ...]:
    bounds, counted = [0], 0
    for index, line in enumerate(lines):
        if _key_line(line) is not None:
            counted += 1
            if counted % period == 0 and len(bounds) < times:
                bounds.append(index + 1)
    bounds.append(len(lines))
    return tuple(Copy(tuple(lines[a:b]), a + 1) for a, b in itertools.pairwise(bounds))


def distinct(copies: Sequence[Copy]) -> list[Copy]:
    """The copies with a run of identical ones counted once (the run's last kept)."""
    out: list[Copy] = []
    for copy in copies:
        if out and out[-1].key == copy.key:
            out[-1] = copy
        else:
            out.append(copy)
    return out


# Lines quoted as what changed between the last two different copies.
CHANGES_QUOTED = 6


def changes(before: Copy, after: Copy) -> tuple[tuple[str, str], ...]:
    """Lines of ``before`` that ``after`` says otherwise, paired in order (at most a few)."""
    import difflib  # only when a text held two different copies

    matcher = difflib.SequenceMatcher(None, before.key, after.key, autojunk=False)
    pairs: list[tuple[str, str]] = []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        old, new = list(before.key[a0:a1]), list(after.key[b0:b1])
        width = max(len(old), len(new))
        pairs += [
            (old[i] if i < len(old) else "", new[i] if i < len(new) else "") for i in range(width)
        ]
        if len(pairs) >= CHANGES_QUOTED:
            break
    return tuple(pairs[:CHANGES_QUOTED])


def is_log_command(command: str) -> bool:
    """``show logging`` or a debug, however abbreviated (``sh logg``, ``deb cry isa``): its
    output is one copy, whatever it repeats (the log reader merges what two pastes share)."""
    pattern = _pattern(command)
    if pattern is None:
        return command.split()[:2] == ["show", "logging"] or command.startswith("deb")
    return pattern.startswith(("show logging", "debug "))


def current(command: str, text: str) -> tuple[Copy, Repeat | None]:
    """The copy of ``command``'s output that is the current state (the last different one),
    and what the text repeated. A log (``show logging``, debug) is one copy: the log reader
    merges what two pastes of it share."""
    if is_log_command(command):
        return Copy(tuple(text.split("\n")), 1), None
    copies = split_copies(command, text)
    return distinct(copies)[-1], summary(command, copies)


def summary(command: str, copies: Sequence[Copy]) -> Repeat | None:
    """What the copies say, or None when the output was given once, or when every copy is a
    poll vpndiag itself took and marked (saved evidence: polling twice is no repeat)."""
    if len(copies) < 2 or all(c.key and c.key[0].startswith(POLL_MARK) for c in copies):
        return None
    kept = distinct(copies)
    changed = changes(kept[-2], kept[-1]) if len(kept) > 1 else ()
    return Repeat(command, len(copies), len(kept), changed)


# #pkts encaps: 120, #pkts encrypt: 120, #pkts digest: 120 / #pkts decaps: 118, ...
_TRAFFIC = re.compile(r"#pkts (?:encaps|decaps): (\d+)")


def traffic_moved(changed: Sequence[tuple[str, str]]) -> bool:
    """An IPsec packet counter grew between the two copies: traffic passed the tunnel."""
    for old, new in changed:
        a, b = _TRAFFIC.findall(old), _TRAFFIC.findall(new)
        if a and len(a) == len(b) and any(int(y) > int(x) for x, y in zip(a, b, strict=True)):
            return True
    return False


def _run_only(line: str) -> bool:
    """A compared line that tells runs apart, not state: an echo, a time stamp, a poll mark."""
    return not line or line.startswith("> ") or leads_output(line)


def describe(repeat: Repeat) -> str:
    """One sentence an engineer reads: what was found and which copy was taken."""
    said = f"'{repeat.command}' is in the input {repeat.copies} times"
    if repeat.distinct == 1:
        return f"{said}, each copy identical: read once (nothing in them shows time passed between them)"
    same = repeat.copies - repeat.distinct
    dupes = f" ({same} identical repeat(s) read once)" if same else ""
    if repeat.changed and all(_run_only(a) and _run_only(b) for a, b in repeat.changed):
        return (
            f"{said}{dupes}: the same output from two runs of the command (typed again, or "
            "at another time), taken as two polls: nothing else changed between the last two"
        )
    moved = "; IPsec packet counters grew between the last two: traffic passed"
    return (
        f"{said}{dupes}: {repeat.distinct} different outputs, the last read as the current "
        f"state and the one before it as the earlier poll{moved if traffic_moved(repeat.changed) else ''}"
    )
