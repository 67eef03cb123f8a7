"""Recall on the real captures in tests/golden: how much of what the device printed we keep.

Run: ``.venv/bin/python bench/corpus_recall.py [--cases GLOB] [--set NAME] [--verbose]``. Prints
Markdown. ``--set`` keeps the cases whose provenance names that collection (``set: NAME``).

For every case whose ``provenance.yaml`` lists ``printed_values`` (the values read off the raw
text: addresses, counters, states, SPIs, names), the capture is parsed as its command
(``parse_as`` or ``command``) and each value is looked for in the parse JSON: equal to a leaf, a
word of a string leaf, or the same number (``0x76F99C4C`` = ``76f99c4c`` = ``1995021388``). A
parser that raises is a refusal and scores 0. For labelled failures (``diagnosed_cause.finding``)
the capture also goes through ``vpndiag diagnose`` and scores whether that finding code comes out.
"""

from __future__ import annotations

import argparse
import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from nornir_tasks.checks import diagnose
from nornir_tasks.diagnose import Capture, fleet_from_captures
from nornir_tasks.models import to_jsonable
from nornir_tasks.parsers import ParseError, UnknownCommandError, parse_result

GOLDEN = Path(__file__).resolve().parents[1] / "tests" / "golden"
THRESHOLD = 0.9
_WORDS = re.compile(r"[\s,;()\[\]{}=/]+")


@dataclass(frozen=True)
class Score:
    case: str
    command: str
    found: int
    total: int
    refused: str | None
    missing: tuple[str, ...]
    unparsed: int = 0  # lines the parser did not recognise
    cause: str | None = None  # the finding the author's diagnosis maps to
    cause_named: bool | None = None

    @property
    def recall(self) -> float:
        return self.found / self.total if self.total else 1.0


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    elif value is not None:
        yield value


def _number(text: str) -> int | None:
    """'105' -> 105, '0x2D' -> 45, '23:07:14' -> 83234 (seconds); a bare 8/16-digit hex word (an
    SPI) -> its value too."""
    if re.fullmatch(r"-?\d+%?", text):  # "41%" (device load) is 41
        return int(text.rstrip("%"))
    if m := re.fullmatch(r"(\d+):([0-5]\d):([0-5]\d)", text):  # a time left, kept as seconds
        return int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3])
    if re.fullmatch(r"0[xX][0-9a-fA-F]+", text) or re.fullmatch(
        r"[0-9a-fA-F]{8}|[0-9a-fA-F]{16}", text
    ):
        return int(text, 16)
    return None


def _index(parsed: Any) -> tuple[set[str], set[int]]:
    """Every leaf of the parse JSON as lower-case words and as numbers."""
    words: set[str] = set()
    numbers: set[int] = set()
    for leaf in _leaves(to_jsonable(parsed)):
        if isinstance(leaf, bool):  # the device printed Yes/No (or True/False)
            words.update(("yes", "true") if leaf else ("no", "false"))
            continue
        if isinstance(leaf, (int, float)):
            numbers.add(int(leaf))
            words.add(str(leaf))
            continue
        text = str(leaf).strip()
        words.add(text.lower())
        for word in _WORDS.split(text):
            word = word.strip(".:'\"").lower()
            # "HW:49" (flow_id) holds 49; IPv6 and times stay whole as well.
            for part in (word, *word.split(":")):
                if part:
                    words.add(part)
                    if (n := _number(part)) is not None:
                        numbers.add(n)
    return words, numbers


def _found(value: str, words: set[str], numbers: set[int]) -> bool:
    text = value.strip().lower()
    if text in words or text.removeprefix("0x") in words or f"0x{text}" in words:
        return True
    number = _number(value.strip())
    return number is not None and number in numbers


def _cause_named(case: Path, finding: str) -> bool:
    text = (case / "raw.txt").read_text()
    fleet, _ = fleet_from_captures([Capture(case.name, text)])
    return any(f.code == finding for f in diagnose(fleet))


def score(case: Path) -> Score:
    meta = yaml.safe_load((case / "provenance.yaml").read_text())
    command = str(meta.get("parse_as") or meta["command"])
    values = [str(v) for v in meta.get("printed_values", [])]
    cause = (meta.get("diagnosed_cause") or {}).get("finding")
    named = _cause_named(case, cause) if cause else None
    try:
        result = parse_result(command, (case / "raw.txt").read_text())
    except (ParseError, UnknownCommandError) as exc:
        refused = str(exc)[:80]
        return Score(case.name, command, 0, len(values), refused, tuple(values), 0, cause, named)
    words, numbers = _index(result.value)
    missing = tuple(v for v in values if not _found(v, words, numbers))
    kept = len(values) - len(missing)
    unparsed = result.unparsed_count
    return Score(case.name, command, kept, len(values), None, missing, unparsed, cause, named)


def _table(scores: list[Score], verbose: bool) -> list[str]:
    lines = [
        "| case | command | values kept | lines not read | refused | cause named |",
        "|---|---|---|---|---|---|",
    ]
    for s in scores:
        cause = "" if s.cause is None else f"{s.cause}: {'yes' if s.cause_named else 'no'}"
        refused = s.refused or ""
        lines.append(
            f"| {s.case} | `{s.command}` | {s.found}/{s.total} ({s.recall:.0%}) | {s.unparsed} "
            f"| {refused} | {cause} |"
        )
        if verbose and s.missing and not s.refused:
            lines.append(f"|  | missing: {', '.join(s.missing[:12])} |  |  |  |  |")
    return lines


def _totals(scores: list[Score]) -> list[str]:
    shows = [s for s in scores if not s.command.startswith(("debug", "show logging"))]
    good = [s for s in shows if s.refused is None and s.recall >= THRESHOLD]
    refused = [s for s in shows if s.refused]
    labelled = [s for s in scores if s.cause]
    named = [s for s in labelled if s.cause_named]
    values = sum(s.total for s in scores)
    kept = sum(s.found for s in scores)
    return [
        f"- captures scored: {len(scores)} ({len(shows)} show outputs)",
        f"- show outputs with >= {THRESHOLD:.0%} of their printed values: {len(good)}/{len(shows)}"
        f" ({len(good) / max(len(shows), 1):.0%})",
        f"- refused: {len(refused)}",
        f"- printed values kept overall: {kept}/{values} ({kept / max(values, 1):.1%})",
        f"- labelled failures whose cause `vpndiag diagnose` names: {len(named)}/{len(labelled)}",
    ]


def _verdict(case: Path) -> tuple[str, bool, str]:
    """(kind, right, what came out) of one capture through ``vpndiag diagnose``: a labelled
    failure is right when one of its codes comes out at the severity its provenance states
    (critical unless it says less); an unlabelled capture is right when nothing is critical."""
    meta = yaml.safe_load((case / "provenance.yaml").read_text()) or {}
    cause = meta.get("diagnosed_cause") or {}
    codes = set((meta.get("expected_findings") or {}).get("any_of", []))
    codes |= {cause["finding"]} if cause.get("finding") else set()
    fleet, _ = fleet_from_captures([Capture(case.name, (case / "raw.txt").read_text())])
    found = [(f.code, str(f.severity)) for f in diagnose(fleet)]
    got = ", ".join(sorted({f"{c}:{s}" for c, s in found})) or "-"
    if not codes:
        return "unlabelled", all(s != "critical" for _, s in found), got
    if "expected_findings" in meta:  # any of the codes, any severity (tests/checks/test_corpus)
        return "labelled", any(c in codes for c, _ in found), got
    wanted = str(cause.get("severity", "critical"))
    return "labelled", any(c in codes and s == wanted for c, s in found), got


def verdicts(cases: list[Path], verbose: bool) -> list[str]:
    """Verdicts right / total over every capture, labelled failures and the rest apart."""
    rows = [(c.name, *_verdict(c)) for c in cases]
    lines = []
    for kind in ("labelled", "unlabelled"):
        mine = [r for r in rows if r[1] == kind]
        right = sum(r[2] for r in mine)
        lines.append(f"- verdicts right, {kind} captures: {right}/{len(mine)}")
        lines += [f"  - wrong: {r[0]} -> {r[3]}" for r in mine if not r[2] and verbose]
    lines.append(
        "  (an unlabelled capture is right without a critical finding; the few whose output "
        "itself shows a broken state, tests/checks/test_corpus.py BROKEN_STATE, count as wrong)"
    )
    return lines


def _selected(provenance: Path, collection: str | None) -> bool:
    meta = yaml.safe_load(provenance.read_text())
    return "printed_values" in meta and collection in (None, meta.get("set"))


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--cases", default="*", help="glob over case folder names")
    args.add_argument("--set", help="only the cases whose provenance says 'set: NAME'")
    args.add_argument("--verbose", action="store_true", help="list the values not found")
    args.add_argument("--verdicts", action="store_true", help="score every capture's verdict")
    opts = args.parse_args()
    if opts.verdicts:
        every = sorted(
            p
            for p in GOLDEN.iterdir()
            if fnmatch.fnmatch(p.name, opts.cases) and (p / "raw.txt").exists()
        )
        print("\n".join(verdicts(every, opts.verbose)))
        return
    cases = sorted(
        p
        for p in GOLDEN.iterdir()
        if fnmatch.fnmatch(p.name, opts.cases) and _selected(p / "provenance.yaml", opts.set)
    )
    scores = [score(case) for case in cases]
    print("\n".join([*_table(scores, opts.verbose), "", *_totals(scores)]))


if __name__ == "__main__":
    main()
