"""The parser register: command patterns to pure text -> model functions.

A pattern is the full IOS command in words. ``*`` matches one argument word (an address, a
number) and a trailing ``...`` accepts any further words. Lookup accepts IOS abbreviations:
each typed word must be a prefix of the pattern word (``sh cry isa sa``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

ParserFn = Callable[[str], Any]
F = TypeVar("F", bound=ParserFn)


class ParseError(ValueError):
    """The text is not the output of the command (or cannot be read as it)."""

    def __init__(self, command: str, line: str, reason: str = "unrecognised line") -> None:
        self.command = command
        self.line = line
        self.reason = reason
        super().__init__(f"{command}: {reason}: {line!r}")


class UnknownCommandError(LookupError):
    """No parser is registered for the command (or the abbreviation is ambiguous)."""


@dataclass(frozen=True)
class _Entry:
    words: tuple[str, ...]
    open_ended: bool
    fn: ParserFn


_REGISTRY: dict[str, _Entry] = {}


def parser(pattern: str) -> Callable[[F], F]:
    """Register ``fn`` as the parser of ``pattern``; a second registration raises."""

    def register(fn: F) -> F:
        key = " ".join(pattern.split())
        if key in _REGISTRY:
            raise ValueError(f"parser for {key!r} is already registered")
        words = tuple(key.split())
        open_ended = words[-1] == "..."
        _REGISTRY[key] = _Entry(words[:-1] if open_ended else words, open_ended, fn)
        return fn

    return register


def registered_commands() -> list[str]:
    """All registered patterns, sorted."""
    return sorted(_REGISTRY)


def _word_matches(typed: str, full: str) -> bool:
    return full == "*" or full.startswith(typed)


def _matches(entry: _Entry, typed: list[str]) -> bool:
    if len(typed) < len(entry.words) or (len(typed) > len(entry.words) and not entry.open_ended):
        return False
    return all(_word_matches(t, w) for t, w in zip(typed, entry.words, strict=False))


def resolve(command: str) -> tuple[str, ParserFn]:
    """Find the parser for ``command`` (abbreviations allowed, ``| filters`` ignored)."""
    typed = command.split("|", 1)[0].lower().split()
    hits = [(k, e) for k, e in _REGISTRY.items() if _matches(e, typed)]
    if not hits:
        raise UnknownCommandError(f"no parser for {command!r}")
    # Prefer exact word counts over open-ended patterns, then the most specific pattern.
    hits.sort(key=lambda h: (h[1].open_ended, -len(h[1].words), h[1].words.count("*")))
    best = hits[0]
    tied = [
        h
        for h in hits
        if (h[1].open_ended, len(h[1].words)) == (best[1].open_ended, len(best[1].words))
    ]
    exact = [
        h for h in tied if all(w == "*" or w == t for t, w in zip(typed, h[1].words, strict=False))
    ]
    if len(tied) > 1 and len(exact) != 1:
        names = ", ".join(sorted(k for k, _ in tied))
        raise UnknownCommandError(f"ambiguous command {command!r}: {names}")
    key, entry = exact[0] if len(tied) > 1 else best
    return key, entry.fn


def parse(command: str, text: str) -> Any:
    """Parse ``text`` as the output of ``command`` and return its model."""
    return resolve(command)[1](text)
