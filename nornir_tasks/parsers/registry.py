"""The parser register: command patterns to pure text -> model functions.

A pattern is the full IOS command in words. ``*`` matches one argument word (an address, a
number) and a trailing ``...`` accepts any further words. Lookup accepts IOS abbreviations:
each typed word must be a prefix of the pattern word (``sh cry isa sa``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from nornir_tasks.parsers._unparsed import collecting
from nornir_tasks.parsers.cleaning import clean_device_text

ParserFn = Callable[[str], Any]
F = TypeVar("F", bound=ParserFn)
T = TypeVar("T")


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
# command -> resolve()'s answer: a fleet sends the same few commands to every host, and the
# scan of every pattern cost more than a small parse (34,000 look-ups at 2,000 hosts: 12 s).
_RESOLVED: dict[str, tuple[str, ParserFn] | UnknownCommandError] = {}
_RESOLVED_MAX = 4096


def parser(pattern: str) -> Callable[[F], F]:
    """Register ``fn`` as the parser of ``pattern``; a second registration raises."""

    def register(fn: F) -> F:
        key = " ".join(pattern.split())
        if key in _REGISTRY:
            raise ValueError(f"parser for {key!r} is already registered")
        words = tuple(key.split())
        open_ended = words[-1] == "..."
        _REGISTRY[key] = _Entry(words[:-1] if open_ended else words, open_ended, fn)
        _RESOLVED.clear()
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
    known = _RESOLVED.get(command)
    if known is None:
        try:
            known = _resolve(command)
        except UnknownCommandError as exc:
            known = exc
        if len(_RESOLVED) >= _RESOLVED_MAX:  # pasted text can name any number of commands
            _RESOLVED.clear()
        _RESOLVED[command] = known
    if isinstance(known, UnknownCommandError):
        raise UnknownCommandError(str(known))
    return known


def _resolve(command: str) -> tuple[str, ParserFn]:
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


@dataclass(frozen=True)
class ParseResult(Generic[T]):
    """A parser's model plus the lines it did not recognise (``(line number, text)``).

    Line numbers count from 1 in the cleaned text (``clean_device_text`` keeps the lines).
    ``unparsed`` holds the first few hundred; ``unparsed_count`` counts them all.
    """

    command: str  # the registered pattern that read the text
    value: T
    unparsed: tuple[tuple[int, str], ...] = ()
    unparsed_count: int = 0

    @property
    def understood(self) -> bool:
        """Every line of the output was recognised."""
        return self.unparsed_count == 0

    @property
    def complete(self) -> bool:
        """Every line recognised and nothing cut off (the model's own ``complete``)."""
        return self.understood and bool(getattr(self.value, "complete", True))


def _numbered(lines: Sequence[str], skipped: Sequence[str]) -> tuple[tuple[int, str], ...]:
    """Line numbers of the skipped lines (one pass over the text), in text order; a line
    reported twice takes its next occurrence; 0 when it cannot be found."""
    wanted = {text.strip() for text in skipped}
    where: dict[str, list[int]] = {}
    for number, line in enumerate(lines, 1):
        key = line.strip()
        if key in wanted:
            where.setdefault(key, []).append(number)
    out: list[tuple[int, str]] = []
    for text in skipped:
        key = text.strip()
        numbers = where.get(key)
        out.append((numbers.pop(0) if numbers else 0, key[:200]))
    return tuple(sorted(out))


def _significant(text: str) -> int:
    """Lines a parser could have recognised: not blank, not an echo, prompt or exec timestamp."""
    from nornir_tasks.parsers._common import is_echo, is_exec_timestamp  # imports this module
    from nornir_tasks.parsers._text import clean_lines

    return sum(
        1
        for line in clean_lines(text)
        if line.strip() and not is_echo(line) and not is_exec_timestamp(line)
    )


def parse_result(command: str, text: str, strict: bool = False) -> ParseResult[Any]:
    """Clean ``text``, parse it as the output of ``command``, and report what was not read.

    Raises ``ParseError`` when the device refused the command, when no line at all is one of
    the command's output, or (``strict``) when any line was not recognised.
    """
    pattern, fn = resolve(command)
    cleaned = clean_device_text(text)
    with collecting() as skipped:
        value = fn(cleaned)
    if not skipped.count:
        return ParseResult(pattern, value)
    lines = cleaned.split("\n")
    unparsed = _numbered(lines, skipped.lines)
    read = skipped.read if skipped.read is not None else _significant(cleaned)
    if strict or skipped.count >= read:
        reason = "not a line of this command's output"
        if not strict:
            reason = "no line of this command's output"
        raise ParseError(command, unparsed[0][1][:200], reason)
    return ParseResult(pattern, value, unparsed, skipped.count)


def parse(command: str, text: str, strict: bool = False) -> Any:
    """Parse ``text`` as the output of ``command`` and return its model (see ``parse_result``)."""
    return parse_result(command, text, strict).value
