"""Sweep other projects' public test fixtures through our parsers and the offline diagnosis.

Run: ``.venv/bin/python bench/fixture_sweep.py --ntc DIR --genie DIR [--verbose]``. Prints
Markdown. The fixture sets are NOT in this repository (nor vendored into it): pass checkouts of

- networktocode/ntc-templates (``tests/cisco_{ios,xe,asa}/<command>/*.raw`` beside the
  ``.yml`` with the expected ``parsed_sample``), and
- CiscoTestAutomation/genieparser (``src/genie/libs/parser/{ios,iosxe,asa}/tests/<Class>/cli/
  equal/*_output.txt`` (or ``*_output.py``) with ``*_expected.py`` and ``*_arguments.json``).

A sparse clone is enough, e.g. ``git clone --no-checkout URL d && git -C d sparse-checkout set
tests/cisco_ios tests/cisco_xe tests/cisco_asa && git -C d checkout``. Either may be omitted.

Method. A fixture is selected when its command is one vpndiag parses: the ntc-templates folder
name with ``_`` as spaces, or the genieparser class's ``cli_command`` template filled from the
case's arguments, resolved through the parser register (``parsers.resolve``). ``EXCLUDED`` lists
the subcommands an open-ended pattern (``show logging ...``) would catch but whose output is a
different thing (on-board logs, btrace, route summary, ``| count``). For each fixture:

- **refused**: ``parse_result`` raised (``ParseError``: the text was refused as a whole; any
  other exception is a crash and is named as such);
- **unparsed**: the share of non-blank lines the parser reported as not recognised;
- **recall**: the share of the expected leaf values (ntc ``parsed_sample``; genie
  ``expected_output`` values, plus dict keys that are data: addresses, interface names) found
  in our parse JSON, matched as ``bench/corpus_recall.py`` does (a leaf, a word of a leaf, or the
  same number). Values are those another project's parser extracted, so 100 % is not expected
  (derived fields, normalised spellings); a low recall points at lines read wrongly;
- **diagnose**: the raw text as an engineer would paste it (no prompt) through
  ``fleet_from_captures`` and every check: ``crash`` when it raised, ``blind`` when no block of
  the paste was recognised as device output, else the finding codes by severity.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from corpus_recall import _found, _index

from nornir_tasks.checks import diagnose
from nornir_tasks.diagnose import Capture, fleet_from_captures
from nornir_tasks.models import to_jsonable
from nornir_tasks.parsers import ParseError, UnknownCommandError, parse_result, resolve

EXCLUDED = re.compile(
    r"^show logging (onboard|process|count)|^show processes cpu (history|platform)"
    r"|^show ip route (vrf \S+ )?summary|^show ip sla statistics aggregated"
    r"|^show interfaces? (\S+ )?(switchport|description|status|trunk|transceiver|accounting"
    r"|counters|link|detail|capabilities|summary|stats|ip brief|mtu|mac-accounting|private-vlan"
    r"|etherchannel|flowcontrol|human-readable)"
    r"|^show interfaces \|"  # the subcommands print tables, not interface records
    r"|^show crypto pki certificates pem"  # the certificates as PEM text, not the listing
    r"|\| count "  # prints "Number of lines which match regexp = N", not the command's output
)
# Fixtures whose unread lines were looked at and are left unread on purpose, and why: counted
# apart from the ones over 10 % unparsed that nobody has explained.
ACCOUNTED = {
    "src/genie/libs/parser/iosxe/tests/ShowIpSlaStatistics/cli/equal/golden_output_3_output.txt": (
        "spliced from two captures: its first four lines (return code, successes, failures, "
        "time to live) come before any 'IPSLA operation id' and belong to no operation; "
        "genie's own expected output leaves them out too"
    ),
}
# Genie keys that are data, not schema words: addresses, interfaces, numbered entries.
_DATA_KEY = re.compile(
    r"^(\d{1,3}(\.\d{1,3}){3}(/\d+)?|[0-9a-fA-F:]*::[0-9a-fA-F:/]*|[A-Z][\w-]*\d[\d/.:]*)$"
)


@dataclass(frozen=True)
class Fixture:
    source: str  # "ntc" or "genie"
    path: str  # inside its repository
    command: str
    text: str
    expected: Any  # the other project's parse, or None


@dataclass(frozen=True)
class Sweep:
    fixture: Fixture
    refused: str | None
    lines: int  # non-blank
    unparsed: int
    found: int
    total: int
    missing: tuple[str, ...]
    verdict: str

    @property
    def unparsed_share(self) -> float:
        return self.unparsed / self.lines if self.lines else 0.0

    @property
    def recall(self) -> float | None:
        return self.found / self.total if self.total else None


def _known(command: str) -> bool:
    try:
        resolve(command)
    except UnknownCommandError:
        return False
    return not EXCLUDED.search(command)


def ntc_fixtures(root: Path) -> Iterator[Fixture]:
    for platform in ("cisco_ios", "cisco_xe", "cisco_asa"):
        for folder in sorted((root / "tests" / platform).glob("*")):
            command = folder.name.replace("_", " ")
            if not folder.is_dir() or not _known(command):
                continue
            for raw in sorted(folder.glob("*.raw")):
                yml = raw.with_suffix(".yml")
                meta = yaml.safe_load(yml.read_text()) if yml.exists() else None
                expected = (meta or {}).get("parsed_sample")
                text = raw.read_text(errors="replace")
                yield Fixture("ntc", str(raw.relative_to(root)), command, text, expected)


def _literal(module: Path, name: str) -> Any:
    """The literal assigned to ``name`` at the top of a genie test module (None if absent)."""
    tree = ast.parse(module.read_text(errors="replace"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            try:
                return ast.literal_eval(node.value)
            except ValueError:
                return None
    return None


def _classes(root: Path, os_name: str) -> dict[str, tuple[list[str], list[str]]]:
    """Genie parser class -> (its command templates, its base class names), from the modules.

    Templates are ``cli_command`` or ``parser_command`` (genie hides some parsers, e.g.
    ``ShowIpRoute``, from its own discovery under that second name)."""
    found: dict[str, tuple[list[str], list[str]]] = {}
    for module in sorted((root / "src/genie/libs/parser" / os_name).glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(errors="replace"))):
            if not isinstance(node, ast.ClassDef):
                continue
            templates = [t for item in node.body for t in _assigned(item, "cli_command")]
            templates = templates or [
                t for item in node.body for t in _assigned(item, "parser_command")
            ]
            bases = [b.id for b in node.bases if isinstance(b, ast.Name)]
            found[node.name] = (templates, bases)
    return found


def _templates(cls: str, *maps: dict[str, tuple[list[str], list[str]]]) -> list[str]:
    """A class's templates, else its first base's (``ShowLogging_iosxe`` is iosxe's
    ``ShowLogging``: ios parsers often only subclass the IOS-XE one)."""
    for index, classes in enumerate(maps):
        if cls not in classes:
            continue
        templates, bases = classes[cls]
        if templates:
            return templates
        for base in bases:
            name = re.sub(r"_(iosxe|ios|asa)$", "", base)
            # the same name is the next platform's class (ios ShowLogging(ShowLogging_iosxe))
            found = _templates(name, *(maps[index + 1 :] if name == cls else maps))
            if found:
                return found
    return []


def _assigned(item: ast.stmt, name: str) -> list[str]:
    if not (
        isinstance(item, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == name for t in item.targets)
    ):
        return []
    try:
        value = ast.literal_eval(item.value)
    except ValueError:
        return []
    return [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)]


def _fill(templates: list[str], args: dict[str, Any]) -> str | None:
    """The template whose placeholders the arguments fill, using the most of them."""
    fits = []
    for template in templates:
        names = set(re.findall(r"{(\w+)}", template))
        if names <= set(args):
            fits.append((len(names), template.format(**{k: args[k] for k in names})))
    return " ".join(max(fits)[1].split()) if fits else None


def genie_fixtures(root: Path) -> Iterator[Fixture]:
    iosxe = _classes(root, "iosxe")
    for os_name in ("ios", "iosxe", "asa"):
        classes = iosxe if os_name == "iosxe" else _classes(root, os_name)
        tests = root / "src/genie/libs/parser" / os_name / "tests"
        for cls in sorted(p.name for p in tests.glob("*")):
            templates = _templates(cls, classes, iosxe)
            for output in sorted((tests / cls / "cli" / "equal").glob("[!.]*_output.*")):
                stem = output.name[: -len(output.suffix)].removesuffix("_output")
                args_file = output.with_name(f"{stem}_arguments.json")
                args = json.loads(args_file.read_text()) if args_file.exists() else {}
                command = _fill(templates, args)
                if command is None or not _known(command):
                    continue
                text = (
                    output.read_text(errors="replace")
                    if output.suffix == ".txt"
                    else _genie_text(output)
                )
                exp = output.with_name(f"{stem}_expected.py")
                expected = _literal(exp, "expected_output") if exp.exists() else None
                yield Fixture("genie", str(output.relative_to(root)), command, text, expected)


def _genie_text(module: Path) -> str:
    """The raw device text held in a ``*_output.py`` module (its one string literal)."""
    for name in ("output", "raw", "golden_output"):
        value = _literal(module, name)
        if isinstance(value, dict):
            value = value.get("execute.return_value")
        if isinstance(value, str):
            return value
    return ""


def _expected_values(expected: Any) -> list[str]:
    out: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and _DATA_KEY.match(key):
                    out.append(key)
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif isinstance(value, bool) or value is None:
            return  # derived (True/False) or absent: not text the device printed
        elif str(value).strip():
            out.append(str(value).strip())

    walk(expected)
    return out


def _leaf_numbers(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaf_numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaf_numbers(item)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield value


def _same_float(value: str, floats: set[float]) -> bool:
    """'0.00' and '4.52%' are the floats 0.0 and 4.52 (corpus_recall matches integers only)."""
    m = re.fullmatch(r"(\d+\.\d+)%?", value)
    return m is not None and float(m[1]) in floats


def _verdict(fixture: Fixture) -> str:
    try:
        fleet, _ = fleet_from_captures([Capture("R1", fixture.text)])
        if not any(h.outputs for h in fleet.hosts):
            return "blind"
        findings = diagnose(fleet)
    except Exception as exc:  # the point of the sweep: any crash is a result
        return f"crash: {type(exc).__name__}"
    codes = sorted({f"{f.code}({f.severity.value[0].upper()})" for f in findings})
    return " ".join(codes) or "no finding"


def sweep(fixture: Fixture) -> Sweep:
    lines = sum(1 for line in fixture.text.splitlines() if line.strip())
    values = _expected_values(fixture.expected)
    verdict = _verdict(fixture)
    try:
        result = parse_result(fixture.command, fixture.text)
    except (ParseError, UnknownCommandError) as exc:
        return Sweep(fixture, str(exc)[:70], lines, lines, 0, len(values), (), verdict)
    except Exception as exc:
        return Sweep(
            fixture,
            f"CRASH {type(exc).__name__}: {exc}"[:70],
            lines,
            lines,
            0,
            len(values),
            (),
            verdict,
        )
    words, numbers = _index(result.value)
    floats = {x for x in _leaf_numbers(to_jsonable(result.value)) if isinstance(x, float)}
    missing = tuple(
        v for v in values if not _found(v, words, numbers) and not _same_float(v, floats)
    )
    found = len(values) - len(missing)
    return Sweep(fixture, None, lines, result.unparsed_count, found, len(values), missing, verdict)


def _row(s: Sweep, verbose: bool) -> list[str]:
    recall = "" if s.recall is None else f"{s.found}/{s.total} ({s.recall:.0%})"
    name = s.fixture.path.replace("src/genie/libs/parser/", "").replace("/cli/equal", "")
    command = s.fixture.command.replace("|", "\\|")  # a "| include" must not end the cell
    rows = [
        f"| {s.fixture.source} | {name} | `{command}` | {s.refused or ''} "
        f"| {s.unparsed}/{s.lines} | {recall} | {s.verdict} |"
    ]
    if verbose and s.missing:
        rows.append(f"|  | missing: {', '.join(s.missing[:15])[:300]} |  |  |  |  |  |")
    return rows


def _is_config(s: Sweep) -> bool:
    return resolve(s.fixture.command)[0].startswith(("show running-config", "show startup"))


def _totals(sweeps: list[Sweep]) -> list[str]:
    """The totals of all fixtures, then of the show outputs alone: a configuration's model keeps
    only what VPN diagnosis reads, so its expected-value share measures another thing."""
    shows = [s for s in sweeps if not _is_config(s)]
    return [
        "All fixtures:",
        *_counts(sweeps),
        "",
        "Show outputs and logs (configurations left out):",
        *_counts(shows),
    ]


def _counts(sweeps: list[Sweep]) -> list[str]:
    n = len(sweeps)
    refused = [s for s in sweeps if s.refused]
    clean = [s for s in sweeps if not s.refused and s.unparsed == 0]
    over = [s for s in sweeps if not s.refused and s.unparsed_share > 0.1]
    tenth = [s for s in over if s.fixture.path not in ACCOUNTED]
    scored = [s for s in sweeps if s.recall is not None]
    good = [s for s in scored if not s.refused and (s.recall or 0) >= 0.9]
    found, total = sum(s.found for s in scored), sum(s.total for s in scored)
    crash = [s for s in sweeps if s.verdict.startswith("crash")]
    blind = [s for s in sweeps if s.verdict == "blind"]
    critical = [s for s in sweeps if "(C)" in s.verdict]
    return [
        f"- fixtures: {n} (ntc-templates {sum(s.fixture.source == 'ntc' for s in sweeps)},"
        f" genieparser {sum(s.fixture.source == 'genie' for s in sweeps)})",
        f"- refused by the parser: {len(refused)}",
        f"- every non-blank line read: {len(clean)}/{n}",
        f"- more than 10 % of the lines left unparsed: {len(tenth)}"
        f" (and {len(over) - len(tenth)} accounted for, see below)",
        f"- with >= 90 % of the expected values: {len(good)}/{len(scored)};"
        f" values found overall {found}/{total} ({found / max(total, 1):.1%})",
        f"- `diagnose` on the bare paste: crashes {len(crash)}, blind (nothing recognised)"
        f" {len(blind)}, with a critical finding {len(critical)}",
    ]


def _by_parser(sweeps: list[Sweep]) -> list[str]:
    """One row per registered pattern: the same parser's fixtures added up."""
    groups: dict[str, list[Sweep]] = {}
    for s in sweeps:
        groups.setdefault(resolve(s.fixture.command)[0], []).append(s)
    rows = [
        "| parser | fixtures | refused | lines unparsed | expected values found |",
        "|---|---|---|---|---|",
    ]
    for pattern, group in sorted(groups.items()):
        lines, unparsed = sum(s.lines for s in group), sum(s.unparsed for s in group)
        found, total = sum(s.found for s in group), sum(s.total for s in group)
        rows.append(
            f"| `{pattern}` | {len(group)} | {sum(bool(s.refused) for s in group)} "
            f"| {unparsed}/{lines} | {found}/{total} ({found / max(total, 1):.0%}) |"
        )
    return rows


def _commit(root: Path) -> str:
    run = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    return run.stdout.strip() or "(not a git checkout)"


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--ntc", type=Path, help="a checkout of networktocode/ntc-templates")
    args.add_argument("--genie", type=Path, help="a checkout of CiscoTestAutomation/genieparser")
    args.add_argument("--grep", default="", help="only fixtures whose path or command has this")
    args.add_argument("--verbose", action="store_true", help="list the expected values not found")
    opts = args.parse_args()
    fixtures: list[Fixture] = []
    header = []
    if opts.ntc:
        fixtures += ntc_fixtures(opts.ntc)
        header.append(f"- ntc-templates at {_commit(opts.ntc)}")
    if opts.genie:
        fixtures += genie_fixtures(opts.genie)
        header.append(f"- genieparser at {_commit(opts.genie)}")
    chosen = [f for f in fixtures if opts.grep in f.path or opts.grep in f.command]
    sweeps = [sweep(f) for f in chosen]
    table = [
        "| set | fixture | command | refused | unparsed lines | expected values found "
        "| diagnose (bare paste) |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in sweeps:
        table += _row(s, opts.verbose)
    accounted = [f"- `{s.fixture.path}`: {ACCOUNTED[s.fixture.path]}" for s in sweeps
                 if s.fixture.path in ACCOUNTED]  # fmt: skip
    notes = ["", "Unread lines accounted for:", *accounted] if accounted else []
    print("\n".join([*header, "", *table, "", *_by_parser(sweeps), "", *_totals(sweeps), *notes]))


if __name__ == "__main__":
    main()
