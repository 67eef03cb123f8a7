"""Mutation fuzzing of every golden capture and lab capture through parse, diagnose and lint.

A mutation is one to three edits of a real capture: a line deleted, duplicated or cut, the text
truncated, a character replaced by any byte (control characters included), two tokens swapped,
a number made huge (320 digits, 2**64, -1), terminal noise added (ANSI, ``--More--``,
backspaces, CR), or a command left with no arguments (``crypto isakmp policy``). Each mutated
text goes through its target:

- ``parse``: ``parse_result(command, text)`` with the capture's own command;
- ``diagnose``: ``fleet_from_captures`` + every check (``checks.diagnose``), as ``vpndiag
  diagnose`` reads a pasted file, alone or with the other end of the tunnel;
- ``lint``: ``failover.lint`` of the configuration in the capture.

The only exception allowed is the documented ``ParseError`` (the text is not the command's
output). Everything is seeded: a crash is reproduced from (seed, index).
"""

from __future__ import annotations

import contextlib
import random
import re
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from nornir_tasks.checks import diagnose
from nornir_tasks.diagnose import Capture, fleet_from_captures
from nornir_tasks.failover.lint import lint, lint_target
from nornir_tasks.parsers import ParseError, parse_result

ROOT = Path(__file__).resolve().parent
GOLDEN = ROOT / "golden"
LAB = ROOT / "checks" / "captures"


@dataclass(frozen=True)
class Sample:
    name: str
    text: str
    command: str | None  # None: a whole host capture (prompts name the commands)
    config: bool = False  # holds a running configuration (a lint target)


@cache
def samples() -> tuple[Sample, ...]:
    """Every golden capture (with its command) and every lab host capture."""
    found: list[Sample] = []
    for case in sorted(p for p in GOLDEN.iterdir() if (p / "raw.txt").exists()):
        meta = yaml.safe_load((case / "provenance.yaml").read_text())
        command = str(meta.get("parse_as") or meta["command"])
        text = (case / "raw.txt").read_text()
        config = command.startswith(("show running", "show startup"))
        found.append(Sample(case.name, text, command, config))
    for path in sorted(LAB.glob("*/*.txt")):
        text = path.read_text()
        found.append(Sample(f"{path.parent.name}/{path.stem}", text, None, "hostname " in text))
    return tuple(found)


# -- mutators: (rng, lines) -> lines ----------------------------------------------------------

Lines = list[str]
_NUMBER = re.compile(r"\d+")
_NOISE = (
    "\x00",
    "\x01",
    "\x07",
    "\x08",
    "\x0b",
    "\x1b",
    "\x1b[1;31m",
    "\x1b[0m",
    "\r",
    "\t",
    "\x7f",
    " --More-- \b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b",
    "<--- More --->\r              \r",
    "\ufffd",
    "%",
    "#",
    ">",
    ":",
)
_HUGE = ("9" * 320, str(2**64), "18446744073709551616", "-1", "0", "4294967296", "99999999999")


def _pick(rng: random.Random, lines: Lines) -> int:
    return rng.randrange(len(lines)) if lines else 0


def delete_line(rng: random.Random, lines: Lines) -> Lines:
    if lines:
        del lines[_pick(rng, lines)]
    return lines


def duplicate_line(rng: random.Random, lines: Lines) -> Lines:
    if lines:
        i = _pick(rng, lines)
        lines.insert(i, lines[i])
    return lines


def truncate_text(rng: random.Random, lines: Lines) -> Lines:
    text = "\n".join(lines)
    return text[: rng.randrange(len(text) + 1)].split("\n")


def truncate_line(rng: random.Random, lines: Lines) -> Lines:
    if lines:
        i = _pick(rng, lines)
        lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
    return lines


def flip_char(rng: random.Random, lines: Lines) -> Lines:
    if lines and (i := _pick(rng, lines)) is not None and lines[i]:
        at = rng.randrange(len(lines[i]))
        new = (
            chr(rng.randrange(0, 0x80)) if rng.random() < 0.8 else chr(rng.randrange(0x80, 0x3000))
        )
        lines[i] = lines[i][:at] + new + lines[i][at + 1 :]
    return lines


def insert_noise(rng: random.Random, lines: Lines) -> Lines:
    if lines:
        i = _pick(rng, lines)
        at = rng.randrange(len(lines[i]) + 1)
        lines[i] = lines[i][:at] + rng.choice(_NOISE) + lines[i][at:]
    return lines


def swap_tokens(rng: random.Random, lines: Lines) -> Lines:
    """Two tokens swapped, within a line or between two lines."""
    if not lines:
        return lines
    i, j = _pick(rng, lines), _pick(rng, lines)
    a, b = lines[i].split(" "), lines[j].split(" ")
    x, y = rng.randrange(len(a)), rng.randrange(len(b))
    if i == j:
        a[x], a[y] = a[y], a[x]
        lines[i] = " ".join(a)
    else:
        a[x], b[y] = b[y], a[x]
        lines[i], lines[j] = " ".join(a), " ".join(b)
    return lines


def huge_number(rng: random.Random, lines: Lines) -> Lines:
    numbered = [i for i, line in enumerate(lines) if _NUMBER.search(line)]
    if numbered:
        i = rng.choice(numbered)
        spans = [m.span() for m in _NUMBER.finditer(lines[i])]
        start, end = rng.choice(spans)
        lines[i] = lines[i][:start] + rng.choice(_HUGE) + lines[i][end:]
    return lines


def empty_args(rng: random.Random, lines: Lines) -> Lines:
    """A command with no (or fewer) arguments: ``crypto isakmp policy``, `` mode``."""
    commands = [i for i, line in enumerate(lines) if len(line.split()) > 1]
    if commands:
        i = rng.choice(commands)
        indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        words = lines[i].split()
        lines[i] = indent + " ".join(words[: rng.randrange(1, len(words))])
    return lines


def blank_line(rng: random.Random, lines: Lines) -> Lines:
    lines.insert(_pick(rng, lines), rng.choice(("", " ", "!", "end", "^C", "R1#")))
    return lines


MUTATORS: tuple[Callable[[random.Random, Lines], Lines], ...] = (
    delete_line,
    duplicate_line,
    truncate_text,
    truncate_line,
    flip_char,
    insert_noise,
    swap_tokens,
    huge_number,
    empty_args,
    blank_line,
)


def mutate(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    for _ in range(rng.choice((1, 1, 2, 3))):
        lines = rng.choice(MUTATORS)(rng, lines)
    return "\n".join(lines)


# -- targets ------------------------------------------------------------------------------------


def run_parse(sample: Sample, text: str) -> None:
    if sample.command is not None:
        with contextlib.suppress(ParseError):
            parse_result(sample.command, text)


def run_diagnose(sample: Sample, text: str, other: Sample | None = None) -> None:
    captures = [Capture(sample.name.replace("/", "_"), text)]
    if other is not None:
        captures.append(Capture(other.name.replace("/", "_"), other.text))
    fleet, _ = fleet_from_captures(captures)
    diagnose(fleet)


def run_lint(sample: Sample, text: str) -> None:
    if sample.config:
        lint(lint_target(sample.name, text))


TARGETS = ("parse", "diagnose", "lint")


def _target(name: str, sample: Sample, text: str, other: Sample | None) -> None:
    if name == "parse":
        run_parse(sample, text)
    elif name == "diagnose":
        run_diagnose(sample, text, other)
    else:
        run_lint(sample, text)


@dataclass(frozen=True)
class Crash:
    sample: str
    target: str
    seed: int
    index: int
    error: str
    text: str


@dataclass
class Outcome:
    mutations: int = 0
    crashes: list[Crash] = field(default_factory=list)


def _cases(seed: int, count: int) -> Iterator[tuple[int, random.Random, Sample]]:
    pool = samples()
    for index in range(count):
        rng = random.Random(f"{seed}:{index}")  # each case reproducible on its own
        yield index, rng, pool[rng.randrange(len(pool))]


def run(seed: int, count: int) -> Outcome:
    """``count`` mutations from ``seed``, each through the targets its sample has."""
    outcome = Outcome()
    pool = samples()
    for index, rng, sample in _cases(seed, count):
        text = mutate(rng, sample.text)
        other = rng.choice(pool) if rng.random() < 0.3 else None
        outcome.mutations += 1
        for name in TARGETS:
            try:
                _target(name, sample, text, other)
            except Exception:  # every exception is a finding of the fuzzer
                error = traceback.format_exc(limit=-3)
                outcome.crashes.append(Crash(sample.name, name, seed, index, error, text))
    return outcome
