"""IOS exec-command matching: keyword abbreviation and IOS's three error messages.

A pattern is a string of words: a keyword, ``<x>`` for one argument word, ``[...]`` for any
further words (possibly none) and ``<...>`` for one or more further words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

H = TypeVar("H")


@dataclass(frozen=True)
class Match(Generic[H]):
    handler: H
    args: tuple[str, ...]  # the words matched by <x>, then the rest words


@dataclass(frozen=True)
class Invalid:
    """``% Invalid input detected at '^' marker.`` at character ``column`` of the line."""

    column: int


@dataclass(frozen=True)
class Incomplete:
    """``% Incomplete command.``"""


@dataclass(frozen=True)
class Ambiguous:
    """``% Ambiguous command:  "<line>"``"""


@dataclass(frozen=True)
class _Pattern(Generic[H]):
    words: tuple[str, ...]
    rest: str  # "", "[...]" or "<...>"
    handler: H


def _is_arg(word: str) -> bool:
    return word.startswith("<") and word.endswith(">")


class Grammar(Generic[H]):
    """A set of command patterns, matched the way the IOS parser matches keywords."""

    def __init__(self) -> None:
        self._patterns: list[_Pattern[H]] = []

    def add(self, pattern: str, handler: H) -> None:
        words = tuple(pattern.split())
        rest = words[-1] if words and words[-1] in ("[...]", "<...>") else ""
        self._patterns.append(_Pattern(words[: len(words) - bool(rest)], rest, handler))

    def command(self, pattern: str) -> Callable[[H], H]:
        def register(handler: H) -> H:
            self.add(pattern, handler)
            return handler

        return register

    def match(self, line: str) -> Match[H] | Invalid | Incomplete | Ambiguous:
        tokens = line.split()
        columns = _columns(line)
        candidates = list(self._patterns)
        args: dict[int, list[str]] = {id(p): [] for p in candidates}
        for pos, token in enumerate(tokens):
            still = [p for p in candidates if pos < len(p.words) or p.rest]
            keywords = {
                p.words[pos] for p in still if pos < len(p.words) and not _is_arg(p.words[pos])
            }
            lowered = token.lower()
            exact = lowered if lowered in keywords else None
            prefixed = {k for k in keywords if k.startswith(lowered)}
            chosen = exact or (next(iter(prefixed)) if len(prefixed) == 1 else None)
            if chosen is None and len(prefixed) > 1:
                return Ambiguous()
            nxt: list[_Pattern[H]] = []
            for p in still:
                if pos < len(p.words):
                    word = p.words[pos]
                    if _is_arg(word) and chosen is None:
                        args[id(p)].append(token)
                        nxt.append(p)
                    elif word == chosen:
                        nxt.append(p)
                else:  # into the rest words
                    args[id(p)].append(token)
                    nxt.append(p)
            if not nxt:
                return Invalid(columns[pos])
            candidates = nxt
        complete = [
            p
            for p in candidates
            if len(tokens) >= len(p.words) and (p.rest != "<...>" or len(tokens) > len(p.words))
        ]
        if not complete:
            return Incomplete()
        best = min(complete, key=lambda p: (bool(p.rest), -len(p.words)))
        return Match(best.handler, tuple(args[id(best)]))


def _columns(line: str) -> list[int]:
    cols, in_word = [], False
    for i, ch in enumerate(line):
        if ch != " " and not in_word:
            cols.append(i)
        in_word = ch != " "
    return cols
