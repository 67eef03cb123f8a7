"""The parser register: command patterns to pure text -> model functions.

A pattern is the full IOS command in words. ``*`` matches one argument word (an address, a
number) and a trailing ``...`` accepts any further words. Lookup accepts IOS abbreviations:
each typed word must be a prefix of the pattern word (``sh cry isa sa``).

Parser modules are imported on demand: ``_index.PARSERS_BY_MODULE`` names the patterns each
module registers, and a lookup first imports the modules of every indexed pattern the command
could match (importing all of them cost ``parse`` and ``diagnose`` ≈ 0.1 s of start). A
command no indexed pattern matches imports every module the index does not list before it is
called unknown, so a module missing from the index is slow, not lost; a test keeps the index
equal to what the modules register. (It used to import every module: a paste with one
``show users`` cost ``diagnose`` 0.1 s.)
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from nornir_tasks.parsers._index import PARSERS_BY_MODULE
from nornir_tasks.parsers._unparsed import collecting
from nornir_tasks.parsers._wrapped import reread
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
    module: str = ""  # the module that registered it (``_index`` maps patterns to these)


_REGISTRY: dict[str, _Entry] = {}
# command -> resolve()'s answer: a fleet sends the same few commands to every host, and the
# scan of every pattern cost more than a small parse (34,000 look-ups at 2,000 hosts: 12 s).
_RESOLVED: dict[str, tuple[str, ParserFn] | UnknownCommandError] = {}
_RESOLVED_MAX = 4096


def parser(pattern: str) -> Callable[[F], F]:
    """Register ``fn`` as the parser of ``pattern``; a second registration raises."""

    module = str(sys._getframe(1).f_globals.get("__name__", ""))

    def register(fn: F) -> F:
        key = " ".join(pattern.split())
        if key in _REGISTRY:
            raise ValueError(f"parser for {key!r} is already registered")
        words, open_ended = _words(key)
        _REGISTRY[key] = _Entry(words, open_ended, fn, module)
        _RESOLVED.clear()
        return fn

    return register


def _words(pattern: str) -> tuple[tuple[str, ...], bool]:
    words = tuple(pattern.split())
    open_ended = words[-1] == "..."
    return (words[:-1] if open_ended else words), open_ended


def load_all(unindexed: bool = False) -> None:
    """Import every parser module of the package (what on-demand lookups avoid), or only
    those ``_index`` does not list."""
    import pkgutil  # only here: a lookup of a known command never needs it

    import nornir_tasks.parsers as package  # this module is imported by the package

    for found in pkgutil.iter_modules(package.__path__):
        if unindexed and found.name in PARSERS_BY_MODULE:
            continue
        if not found.name.startswith("_") and found.name != "registry":
            importlib.import_module(f"{package.__name__}.{found.name}")


def _index() -> tuple[tuple[_Entry, str], ...]:
    """Each indexed pattern (as an entry that is never called) and its module."""
    global _INDEX
    if _INDEX is None:
        _INDEX = tuple(
            (_Entry(*_words(pattern), _no_parser), f"nornir_tasks.parsers.{module}")
            for module, patterns in PARSERS_BY_MODULE.items()
            for pattern in patterns
        )
    return _INDEX


_INDEX: tuple[tuple[_Entry, str], ...] | None = None


def _no_parser(text: str) -> None:
    raise AssertionError("an index entry is never called")


def modules_for(typed: list[str]) -> set[str]:
    """The modules of every indexed pattern the typed words could match."""
    return {module for entry, module in _index() if _matches(entry, typed)}


def _load_for(typed: list[str]) -> None:
    """Import the modules ``typed`` could need: with them all registered, the lookup (ties
    and ambiguity included) is what importing every module gives."""
    for module in modules_for(typed):
        # Not a ``sys.modules`` test: a module another thread is importing is there half
        # registered; ``import_module`` waits for it to finish.
        importlib.import_module(module)


def registered_commands() -> list[str]:
    """All registered patterns, sorted (every parser module imported first)."""
    load_all()
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


def _hits(typed: list[str]) -> list[tuple[str, _Entry]]:
    # A snapshot: another thread's lookup may be importing a module that registers more.
    return [(k, e) for k, e in tuple(_REGISTRY.items()) if _matches(e, typed)]


def _resolve(command: str) -> tuple[str, ParserFn]:
    typed = command.split("|", 1)[0].lower().split()
    _load_for(typed)
    hits = _hits(typed)
    if not hits:
        load_all(unindexed=True)  # a module the index does not know yet (its test names it)
        hits = _hits(typed)
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


# The log reader joins the messages a paste wrapped itself (``logs._wrapped``); a debug line
# it has no pattern for is ordinary there, not half of a broken line.
_OWN_WRAPS = ("debug ", "show logging")


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
    if not strict and not pattern.startswith(_OWN_WRAPS):
        # lines a terminal or a page wrapped; ``blind``: one line scan that read no line
        blind = skipped.scans == 1 and skipped.count == skipped.read
        second = reread(fn, lines, unparsed, value, blind)
        if second is not None:
            value, skipped, lines = second
            if not skipped.count:
                return ParseResult(pattern, value)
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
