"""Every real show output pasted twice: does vpndiag read it as it reads it once?

Run: ``.venv/bin/python bench/pasted_twice.py [--ntc DIR] [--genie DIR]``. Prints Markdown.
The captures are tests/golden (show outputs; logs and debug are merged by the log reader, not
split) and, when given, the ntc-templates / genieparser fixtures ``bench/fixture_sweep.py``
selects. Each one is pasted twice, bare (no prompt) and after a prompt each time
(``R9#<command>``), and read two ways:

- **parse**: ``vpndiag parse``'s reading (``parsers.repeats.current`` then ``parse_result``;
  before the repeats module, ``parse_result`` of the whole text) gives the same model as the
  capture pasted once;
- **diagnose**: ``fleet_from_captures`` + every check gives the same findings (code, host,
  peer, severity) as the capture pasted once, ``OUTPUT_REPEATED`` aside (it says what was
  read once).

Captures holding several routers' prompts or other commands' output are left out: pasted
twice they are a session log, not one output twice. Runs against any checkout:
``PYTHONPATH=/path/to/other/checkout .venv/bin/python bench/pasted_twice.py`` measures it.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

from nornir_tasks.checks import diagnose
from nornir_tasks.diagnose import Capture, fleet_from_captures
from nornir_tasks.models import to_jsonable
from nornir_tasks.parsers import ParseError, parse_result, resolve

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
# "R1#show ...", "ASA/act# sh ...": a prompt with something typed after it
_PROMPT = re.compile(r"^\s*([\w.\-/]{1,64})(?:\([\w\-]+\))?[>#]\s*(\S.*)$", re.M)


def _read(command: str, text: str) -> object:
    try:
        from nornir_tasks.parsers.repeats import current
    except ImportError:  # a checkout from before the repeats module
        return to_jsonable(parse_result(command, text).value)
    copy, _ = current(command, text)
    return to_jsonable(parse_result(command, copy.text).value)


def _verdict(name: str, text: str) -> set[tuple[str, str, str | None, str]]:
    fleet, _ = fleet_from_captures([Capture(name, text)])
    return {
        (f.code, f.host, f.peer, f.severity.value)
        for f in diagnose(fleet)
        if f.code != "OUTPUT_REPEATED"
    }


def _one_output(command: str, raw: str) -> bool:
    """No second router's prompt and no other command's echo in the capture."""
    own = resolve(command)[0]
    hosts, others = set(), False
    for m in _PROMPT.finditer(raw):
        hosts.add(m[1])
        try:
            others = others or resolve(m[2])[0] != own
        except LookupError:
            others = True
    return len(hosts) <= 1 and not others


def golden() -> Iterator[tuple[str, str, str]]:
    for case in sorted(GOLDEN.iterdir()):
        meta = yaml.safe_load((case / "provenance.yaml").read_text())
        command = str(meta.get("parse_as") or meta["command"])
        if not command.startswith(("debug", "show logging")):
            yield f"golden/{case.name}", command, (case / "raw.txt").read_text()


def fixtures(ntc: Path | None, genie: Path | None) -> Iterator[tuple[str, str, str]]:
    sys.path.insert(0, str(Path(__file__).parent))
    from fixture_sweep import genie_fixtures, ntc_fixtures

    found = [*(ntc_fixtures(ntc) if ntc else ()), *(genie_fixtures(genie) if genie else ())]
    for f in found:
        if not f.command.startswith("show logging") and "running-config" not in f.command:
            yield f"{f.source}/{f.path}", f.command, f.text


def check(name: str, command: str, raw: str) -> tuple[bool, bool, bool] | None:
    """(bare parse same, prompted parse same, verdicts same); None when left out."""
    raw = raw.rstrip("\n")
    try:
        if not _one_output(command, raw):
            return None
        once = _read(command, raw)
        prompted_once = _read(command, f"R9#{command}\n{raw}")
    except (ParseError, LookupError):
        return None
    bare = _read(command, f"{raw}\n{raw}\n") == once
    prompted = _read(command, f"R9#{command}\n{raw}\nR9#{command}\n{raw}\n") == prompted_once
    verdict = _verdict(name, f"{raw}\n{raw}\n") == _verdict(name, raw)
    return bare, prompted, verdict


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--ntc", type=Path)
    args.add_argument("--genie", type=Path)
    opts = args.parse_args()
    rows: dict[str, list[tuple[bool, bool, bool]]] = {"golden": [], "fixtures": []}
    for group, source in (("golden", golden()), ("fixtures", fixtures(opts.ntc, opts.genie))):
        for name, command, raw in source:
            result = check(name, command, raw)
            if result is not None:
                rows[group].append(result)
                if not all(result):
                    print(
                        f"- {name} `{command}`: bare {result[0]}, prompted {result[1]}, "
                        f"verdict {result[2]}"
                    )
    print("\n| set | outputs | parse same (bare) | parse same (prompts) | verdict same (bare) |")
    print("|---|---|---|---|---|")
    for group, results in rows.items():
        n = len(results)
        sums = [sum(r[i] for r in results) for i in range(3)]
        print(f"| {group} | {n} | " + " | ".join(f"{s}/{n}" for s in sums) + " |")


if __name__ == "__main__":
    main()
