"""Device lines a terminal or a web page wrapped, joined back for a second reading.

An 80-column terminal, a ticket or a forum's text box breaks a long line anywhere, even inside
a word or a value, and the parser sees two lines it cannot read as a whole::

          Encr: AES-CBC, keysize: 256, PRF: SHA1, Hash: SHA96, DH Grp:2, Auth sign: RSA, Au
    th verify: RSA
            conn id: 130, flow_id: 130, sibling_flags 80000000, crypto map: Tunnel10
    2-head-0

``parse_result`` asks for the joined text only when a parser left lines unread. It keeps the
second reading only when every joined line is read and the first reading's values are kept,
except a value the break cut short, which may grow (``Tunnel10`` -> ``Tunnel102-head-0``) when
no continuation reads as a line of its own (``name: value``), and a field the first reading
lacked, which may fill then too or when every break fell inside a word (``Au`` | ``th verify``). So
clean output costs nothing, and an unknown line that merely follows a long one is reported,
not glued onto it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from nornir_tasks.parsers._unparsed import Skipped, collecting

# Shorter lines were not broken by a terminal (80 columns) or a page's text box.
WRAP_MIN = 60
# Joins tried one by one when all at once did not help (each try is a whole second reading).
_ONE_BY_ONE = 8
# "peer address: 10.9.9.9", "Widget frobnication: high": a line of its own, not a tail
_OWN_LINE = re.compile(r"[A-Za-z][\w ./()-]{0,40}:(?:\s|$)")


@dataclass(frozen=True)
class Rejoined:
    lines: list[str]
    consumed: int  # unread lines that are now part of a joined line
    tails: bool  # no continuation reads as a line of its own: a cut-short value may grow
    mid_word: bool  # every join continues a word ("Au" | "th verify"): an absent field may fill
    heads: tuple[str, ...] = ()  # the lines continued, as they were before the join
    continuations: tuple[str, ...] = ()  # what was appended to them
    onto_read: bool = False  # each join appends a line to the one above, which was read


def reread(
    parse: Callable[[str], Any],
    lines: Sequence[str],
    unparsed: Sequence[tuple[int, str]],
    first: Any,
    blind: bool = False,
) -> tuple[Any, Skipped, list[str]] | None:
    """The reading of ``lines`` with the wraps joined back (the model, the lines it still did
    not read, the joined lines), if it is ``better`` than ``first``: every join at once, else
    each alone in turn (the first few), keeping those that help.

    ``blind``: the first reading was one ``feed_lines`` scan that read no line (foreign text,
    the common case of a paste tried as every command). Then a trial none of whose joined lines
    is read on its own is not parsed: by ``feed_lines``' contract its scan would read nothing
    either and build the first reading's model, which is never ``better`` (each trial is a whole
    second reading; a one-line probe costs a line)."""
    unread = {number for number, _ in unparsed}
    joins = candidates(lines, unread)
    if not joins:
        return None  # the same text again would read the same
    trials = [joins] + ([[j] for j in joins[:_ONE_BY_ONE]] if len(joins) > 1 else [])
    kept: list[tuple[int, int]] = []
    best: tuple[Any, Skipped, list[str]] | None = None
    leaves = _LeavesOf()
    alone = _ReadAlone(parse) if blind else None
    for trial in trials:
        if best is None and alone is not None and not alone.any(lines, trial):
            continue
        joined = rejoin(lines, sorted({*kept, *trial}), unread)
        with collecting() as skipped:
            value = parse("\n".join(joined.lines))
        before = (first, len(unparsed)) if best is None else (best[0], best[1].count)
        added = rejoin(lines, [j for j in trial if j not in kept], unread - {t for _, t in kept})
        if better(before[0], value, (before[1], skipped.count), added, leaves):
            best, kept = (value, skipped, joined.lines), sorted({*kept, *trial})
            if trial is joins:
                break
    return best


# (parser, joined line) -> may be read alone. The answer is a pure function of the two, and the
# same joined lines come back when the same paste is read again (every poll of a host, every cut
# or block of a long log tried as each command); bounded, as pasted text can hold any number.
_READ_ALONE: dict[tuple[Callable[[str], Any], str], bool] = {}
_READ_ALONE_MAX = 4096


class _ReadAlone:
    """Whether a joined line may be read: False only when ``parse``, given the line alone, handed
    it to its ``feed_lines`` scan and skipped it (each line asked once)."""

    def __init__(self, parse: Callable[[str], Any]) -> None:
        self.parse = parse

    def any(self, lines: Sequence[str], joins: Sequence[tuple[int, int]]) -> bool:
        """Whether any line ``rejoin(lines, joins)`` joins may be read (without copying
        ``lines``: most trials of foreign text end here)."""
        joined: dict[int, str] = {}
        for number, target in joins:
            above = joined.get(target, lines[target - 1])
            joined[target] = _joined(above, lines[number - 1])
        return any(self.read(line) for line in joined.values())

    def read(self, line: str) -> bool:
        known = _READ_ALONE.get((self.parse, line))
        if known is None:
            known = self._probe(line)
            if len(_READ_ALONE) >= _READ_ALONE_MAX:
                _READ_ALONE.clear()
            _READ_ALONE[self.parse, line] = known
        return known

    def _probe(self, line: str) -> bool:
        with collecting() as skipped:
            try:
                self.parse(line)
            except Exception:  # a CLI error reply, or a crash the full reading must show
                return True
        return not (skipped.scans == 1 and skipped.read == 1 and skipped.count == 1)


def candidates(lines: Sequence[str], unread: set[int]) -> list[tuple[int, int]]:
    """(unread line, the line it would be appended to), in text order: the line above, when that
    is long; a line broken in three (its middle part long too) appends its third part to the
    first."""
    targets: dict[int, int] = {}
    for number in sorted(n for n in unread if n > 1):
        if len(lines[number - 2].rstrip()) >= WRAP_MIN and lines[number - 1].strip():
            targets[number] = targets.get(number - 1) or number - 1
    return sorted(targets.items())


def rejoin(lines: Sequence[str], joins: Sequence[tuple[int, int]], unread: set[int]) -> Rejoined:
    """``lines`` with each join's line appended to its target (and left blank, so line numbers
    stay)."""
    out, tails, mid_word = list(lines), True, True
    heads, continuations = [], []
    for number, target in joins:
        above, below = out[target - 1], out[number - 1]
        tails = tails and not _OWN_LINE.match(below.strip())
        mid_word = mid_word and not _glue(above, below)
        heads.append(lines[target - 1])
        continuations.append(below.strip())
        out[target - 1] = _joined(above, below)
        out[number - 1] = ""
    consumed = len(joins) + len({target for _, target in joins} & unread)
    onto_read = all(target == number - 1 and target not in unread for number, target in joins)
    return Rejoined(out, consumed, tails, mid_word, tuple(heads), tuple(continuations), onto_read)


def _joined(above: str, below: str) -> str:
    return above.rstrip() + _glue(above, below) + below.strip()


def _glue(above: str, below: str) -> str:
    # The break kept its blank on one side ("RSA, " | "Auth") or fell inside a word ("Au" | "th").
    return " " if above[-1:].isspace() or below[:1].isspace() else ""


def better(
    first: Any,
    second: Any,
    unread: tuple[int, int],
    joins: Rejoined,
    leaves: _LeavesOf | None = None,
) -> bool:
    """The second reading (of the joined text) reads every joined line, finds some value the
    first did not, and keeps the first's values: a value cut short may grow (``joins.tails``),
    an absent one may fill (``joins.tails`` or ``joins.mid_word``); or (``_in_place``) the
    first half of a row read as a row of its own is read whole."""
    if unread[1] > unread[0] - joins.consumed:
        return False
    leaves = leaves or _LeavesOf()
    before, after = leaves.of(first), leaves.of(second, keep=False)
    lost, gained = before - after, after - before
    grown = {(path, str(value)) for path, value in gained if value is not None}
    if not grown:
        return False
    if all(
        (joins.tails or joins.mid_word)
        if value is None
        else joins.tails and _grew(path, str(value), grown)
        for path, value in lost
        if not (value is False and path.endswith(".complete"))  # the record is whole now
    ):
        return True
    return _in_place(lost, gained, joins, after)


def _in_place(
    lost: Counter[tuple[str, Any]],
    gained: Counter[tuple[str, Any]],
    joins: Rejoined,
    after: Counter[tuple[str, Any]],
) -> bool:
    """The first half of a wrapped row read as a row of its own (``... none/none  READ`` |
    ``Y``, ``2001:db8::2/50`` | ``0  READY  INITIATOR``), its fields then read otherwise
    (``UNKNOWN`` for ``READ``, port 50, lifetime ``00``): the joined reading replaces them in
    place. Each continuation goes onto the line just above it, which the first reading read;
    no record is lost or added (every path lost is gained again, as many times); every
    printed word of those rows that the first reading kept is still in it (or grew). A
    continuation that reads like a line of its own (``Auth verify: PSK``) may only fill
    fields the first reading lacked, with its own words."""
    by_path = Counter(path for path, _ in gained)
    if not joins.onto_read or any(
        by_path[path] < n for path, n in Counter(p for p, _ in lost).items()
    ):
        return False
    if not joins.tails:  # "Auth verify: PSK" after "... Auth sign: PSK, ": a field's own words
        alone = " ".join(joins.continuations).replace(",", " ").split()
        added = {str(value) for _, value in gained if value is not None}
        return all(value is None for _, value in lost) and any(v in alone for v in added)
    kept_before = _words(lost + (after - gained))
    now = _words(after)
    return all(
        word in now or any(n.startswith(word) for n in now)  # a value cut short grew
        for word in _printed(joins.heads)
        if word in kept_before
    )


def _printed(lines: Sequence[str]) -> set[str]:
    return {w.strip(",;") for line in lines for w in line.split() if w.strip(",;")}


def _words(leaves: Counter[tuple[str, Any]]) -> set[str]:
    words: set[str] = set()
    for _, value in leaves:
        if value is not None and not isinstance(value, bool):
            words.add(str(value))
            words.update(str(value).split())
    return words


class _LeavesOf:
    """The leaves of a model, the last one kept: every trial of ``reread`` is compared with the
    same first (or best) reading, whose JSON costs more than a small parse."""

    def __init__(self) -> None:
        self.model: Any = None
        self.leaves: Counter[tuple[str, Any]] | None = None

    def of(self, model: Any, keep: bool = True) -> Counter[tuple[str, Any]]:
        if self.leaves is not None and model is self.model:
            return self.leaves
        from nornir_tasks.models import to_jsonable  # the rare path: not paid by clean output

        leaves = Counter(_leaves(to_jsonable(model)))
        if keep:
            self.model, self.leaves = model, leaves
        return leaves


def _grew(path: str, value: str, grown: set[tuple[str, str]]) -> bool:
    return any(p == path and v.startswith(value) and v != value for p, v in grown)


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item, f"{path}[]")
    else:
        yield path, value
