"""The first of an ordered table of line patterns that matches a line, found in one regex call.

The crypto line scanners try their kinds of line in order and the first pattern that matches
decides (``_KINDS`` of ``isakmp``, ``crypto_map``, ``crypto_session``, ``ikev2``)::

    (_SECTION, _section),        # IPv4 Crypto ISAKMP SA
    (_TABLE_HEADER, _table_header),
    ...

Tried one by one from Python, a line no kind reads cost twenty regex calls, and most lines of
a paste tried as every command are such lines. One alternation of all the patterns answers in
one call: at one position the leftmost alternative that matches wins, which is the loop's
order; the winner's own pattern is then matched again for its groups.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Generic, TypeVar

H = TypeVar("H")

# (?P<name>  and  (?P=name): renamed per alternative, so two patterns may use the same name
_NAMED = re.compile(r"\(\?P([<=])(\w+)([>)])")
# \1 .. \9: a numbered back-reference would point at another group inside the alternation
_NUMBERED_REF = re.compile(r"\\[1-9]")
# Flags a pattern may carry into the alternation as a scoped group; UNICODE is every str
# pattern's default.
_SCOPED = {re.IGNORECASE: "i", re.MULTILINE: "m", re.DOTALL: "s"}
_DEFAULT = re.UNICODE


class FirstMatch(Generic[H]):
    """``first(line)``: the match of the first pattern of ``kinds`` that matches ``line`` at its
    start (``re.match``) and that pattern's handler, or None."""

    def __init__(self, kinds: Sequence[tuple[re.Pattern[str], H]]) -> None:
        self.kinds = tuple(kinds)
        self.any = re.compile("|".join(_alternative(i, p) for i, (p, _) in enumerate(self.kinds)))

    def __call__(self, line: str) -> tuple[re.Match[str], H] | None:
        found = self.any.match(line)
        if found is None:
            return None
        # The alternative's own group closes last, so it is ``lastgroup`` ("k3" -> kinds[3]).
        pattern, handler = self.kinds[int(str(found.lastgroup)[1:])]
        m = pattern.match(line)
        assert m is not None  # the same pattern matched inside the alternation
        return m, handler


def _alternative(index: int, pattern: re.Pattern[str]) -> str:
    source = pattern.pattern
    if _NUMBERED_REF.search(source):
        raise ValueError(f"numbered back-reference in {source!r}: name the group")
    flags = pattern.flags & ~_DEFAULT
    if flags & ~sum(_SCOPED):
        raise ValueError(f"flags {pattern.flags!r} of {source!r} cannot be scoped")
    source = _NAMED.sub(lambda m: f"(?P{m[1]}k{index}_{m[2]}{m[3]}", source)
    letters = "".join(letter for flag, letter in _SCOPED.items() if flags & flag)
    body = f"(?{letters}:{source})" if letters else source
    return f"(?P<k{index}>{body})"
