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
no continuation reads as a line of its own (``name: value``). So clean output costs nothing,
and an unknown line that merely follows a long one is reported, not glued onto it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

# Shorter lines were not broken by a terminal (80 columns) or a page's text box.
WRAP_MIN = 60
# "peer address: 10.9.9.9", "Widget frobnication: high": a line of its own, not a tail
_OWN_LINE = re.compile(r"[A-Za-z][\w ./()-]{0,40}:(?:\s|$)")


@dataclass(frozen=True)
class Rejoined:
    lines: list[str]
    consumed: int  # unread lines that are now part of a joined line
    tails: bool  # no continuation reads as a line of its own: a cut-short value may grow


def rejoined(lines: Sequence[str], unparsed: Sequence[tuple[int, str]]) -> Rejoined | None:
    """``lines`` with each unread line appended to the long line above it (the unread line left
    blank, so line numbers stay); a line broken in three joins twice. None if nothing joins."""
    unread = {number for number, _ in unparsed if number > 1}
    out = list(lines)
    joined: dict[int, int] = {}  # line number -> the line number it was appended to
    tails = True
    for number in sorted(unread):
        target = joined.get(number - 1) or number - 1
        above, below = out[target - 1], out[number - 1]
        if len(above.rstrip()) < WRAP_MIN or not below.strip():
            continue
        tails = tails and not _OWN_LINE.match(below.strip())
        out[target - 1] = above.rstrip() + _glue(above, below) + below.strip()
        out[number - 1] = ""
        joined[number] = target
    if not joined:
        return None
    consumed = len(joined) + len(set(joined.values()) & unread)
    return Rejoined(out, consumed, tails)


def _glue(above: str, below: str) -> str:
    # The break kept its blank on one side ("RSA, " | "Auth") or fell inside a word ("Au" | "th").
    return " " if above[-1:].isspace() or below[:1].isspace() else ""


def better(first: Any, second: Any, unread: tuple[int, int], joins: Rejoined) -> bool:
    """The second reading (of the joined text) reads every joined line and keeps the first's
    values (or grows those a break cut short, when ``joins.tails``)."""
    if unread[1] > unread[0] - joins.consumed:
        return False
    from nornir_tasks.models import to_jsonable  # the rare path: not paid by clean output

    before, after = Counter(_leaves(to_jsonable(first))), Counter(_leaves(to_jsonable(second)))
    lost, gained = before - after, after - before
    if not lost:
        return True
    grown = {(path, str(value)) for path, value in gained}
    return joins.tails and all(_grew(path, str(value), grown) for path, value in lost)


def _grew(path: str, value: str, grown: set[tuple[str, str]]) -> bool:
    return any(p == path and v.startswith(value) and v != value for p, v in grown)


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item, f"{path}[]")
    elif value is not None:
        yield path, value
