"""Compare ``vpndiag parse`` and ``vpndiag diagnose`` of another commit with this tree's, capture by capture.

Run: ``.venv/bin/python bench/parse_diff.py --against REV [--ntc DIR] [--genie DIR] [--batfish DIR]``.

Why. Parser and input-cleaning heuristics (repeats, annotation marks, wraps) are judged on real
device output; a change that fixes one paste may misread an ordinary one. This runs every real
capture reachable from here through both trees and lists what changed, for a person to classify
(improvement or regression).

Captures: ``tests/golden/*/raw.txt`` (command from provenance.yaml), ``/work/shared/corpus``
(meta.yaml), the lab session pastes of ``tests/checks/captures`` (diagnose only), and with the
options the fixtures ``bench/fixture_sweep.py`` (ntc-templates, genieparser) and
``bench/config_sweep.py`` (Batfish configurations, as ``show running-config``) read, and
``--extra DIR``: variants made by hand (``DIR/<name>/raw.txt``, the command in ``command.txt``).

Method. REV is unpacked with ``git archive`` into ``--work``/tree-REV; one worker process per
tree imports that tree's ``nornir_tasks`` and runs its click commands in process (``parse
--format json`` when the capture has a command, ``diagnose --format json`` on the raw file),
so both trees read the same files with the same dependencies. A capture differs when the parse
JSON, the parse's standard error (unparsed lines, repeat notes) or the findings (code,
severity, host, peer, summary) differ. ``--show N`` prints the first N differences in full.
"""

from __future__ import annotations

import argparse
import difflib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path("/work/shared/corpus")


def _yaml(path: Path) -> dict[str, Any]:
    import yaml

    data = yaml.safe_load(path.read_text()) if path.exists() else None
    return data if isinstance(data, dict) else {}


def _command(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def captures(opts: argparse.Namespace, texts: Path) -> list[dict[str, Any]]:
    """Every capture: an id, the command to parse it as (or None) and the file to read."""
    items: list[dict[str, Any]] = []
    for raw in sorted((ROOT / "tests/golden").glob("*/raw.txt")):
        cmd = _command(_yaml(raw.parent / "provenance.yaml").get("command"))
        items.append({"id": f"golden/{raw.parent.name}", "command": cmd, "file": str(raw)})
    for raw in sorted(CORPUS.glob("*/raw.txt")):
        cmd = _command(_yaml(raw.parent / "meta.yaml").get("command"))
        items.append({"id": f"corpus/{raw.parent.name}", "command": cmd, "file": str(raw)})
    for raw in sorted((ROOT / "tests/checks/captures").glob("*/*.txt")):
        rel = raw.relative_to(ROOT / "tests/checks/captures")
        items.append({"id": f"lab/{rel}", "command": None, "file": str(raw)})
    for raw in sorted(opts.extra.glob("*/raw.txt")) if opts.extra else []:
        cmd_file = raw.parent / "command.txt"
        cmd = _command(cmd_file.read_text().strip()) if cmd_file.exists() else None
        items.append({"id": f"extra/{raw.parent.name}", "command": cmd, "file": str(raw)})
    items += _fixtures(opts, texts)
    if opts.batfish:
        sys.path.insert(0, str(ROOT / "bench"))
        from config_sweep import configs

        for path in configs(opts.batfish):
            rel = path.relative_to(opts.batfish)
            items.append(
                {"id": f"batfish/{rel}", "command": "show running-config", "file": str(path)}
            )
    return [i for i in items if opts.grep in i["id"]]


def _fixtures(opts: argparse.Namespace, texts: Path) -> list[dict[str, Any]]:
    if not (opts.ntc or opts.genie):
        return []
    sys.path.insert(0, str(ROOT / "bench"))
    from fixture_sweep import genie_fixtures, ntc_fixtures

    found = list(ntc_fixtures(opts.ntc)) if opts.ntc else []
    found += list(genie_fixtures(opts.genie)) if opts.genie else []
    items = []
    for n, fx in enumerate(found):
        path = texts / f"{n}.txt"
        path.write_text(fx.text)
        items.append({"id": f"{fx.source}/{fx.path}", "command": fx.command, "file": str(path)})
    return items


def worker(tree: Path, listing: Path, out: Path) -> None:
    """Run in a process of its own: this tree's commands over every capture of the listing."""
    sys.path.insert(0, str(tree))
    import logging

    from click.testing import CliRunner

    from nornir_tasks.cli.main import cli

    assert Path(sys.modules["nornir_tasks"].__file__ or "").is_relative_to(tree)
    logging.disable(logging.CRITICAL)
    runner = CliRunner()
    results = {}
    for item in json.loads(listing.read_text()):
        row: dict[str, Any] = {}
        if item["command"]:
            got = runner.invoke(cli, ["parse", "--format", "json", item["command"], item["file"]])
            row["parse"] = (_code(got), got.stdout, got.stderr)
        got = runner.invoke(cli, ["diagnose", "--format", "json", item["file"]])
        row["diagnose"] = (_code(got), _findings(got.stdout), got.stderr)
        results[item["id"]] = row
    out.write_text(json.dumps(results))


def _code(got: Any) -> int | str:
    """The exit code ``vpndiag`` would end with (its commands raise ``Exit(code)``), or the
    exception a command crashed with."""
    exc = got.exception
    if exc is None or isinstance(exc, SystemExit):
        return int(got.exit_code)
    code = getattr(exc, "code", None)
    return code if type(exc).__name__ == "Exit" and isinstance(code, int) else f"crash {exc!r}"


def _findings(stdout: str) -> list[str]:
    try:
        data = json.loads(stdout)
    except ValueError:
        return [f"(not JSON) {stdout[:300]}"]
    keys = ("severity", "code", "host", "peer", "summary")
    return sorted(" | ".join(str(f.get(k)) for k in keys) for f in data.get("findings", []))


def _unpack(rev: str, work: Path) -> Path:
    sha = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", rev], capture_output=True, text=True, check=True
    ).stdout.strip()
    tree = work / f"tree-{sha[:10]}"
    if not (tree / "nornir_tasks").exists():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", sha], capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return tree


def _differences(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(id, what, unified diff) of each capture whose parse or findings changed."""
    diffs = []
    for key in new:
        for part in ("parse", "diagnose"):
            a, b = old.get(key, {}).get(part), new[key].get(part)
            if a == b:
                continue
            text = difflib.unified_diff(_lines(a), _lines(b), "base", "new", n=2, lineterm="")
            diffs.append((key, part, "\n".join(text)))
    return diffs


def _lines(value: Any) -> list[str]:
    if value is None:
        return []
    code, out, err = value
    body = out if isinstance(out, list) else out.splitlines()
    return [f"exit {code}", *body, *(f"stderr: {e}" for e in err.splitlines())]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", default="", help="the commit to compare with this tree")
    ap.add_argument("--ntc", type=Path, help="a checkout of networktocode/ntc-templates")
    ap.add_argument("--genie", type=Path, help="a checkout of CiscoTestAutomation/genieparser")
    ap.add_argument("--batfish", type=Path, help="a checkout of batfish/batfish")
    ap.add_argument("--extra", type=Path, help="more captures: DIR/<name>/raw.txt (+ command.txt)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/parse_diff"), help="scratch folder")
    ap.add_argument("--grep", default="", help="only captures whose id has this")
    ap.add_argument("--show", type=int, default=0, help="print the first N differences in full")
    ap.add_argument("--worker", nargs=3, type=Path, help=argparse.SUPPRESS)
    opts = ap.parse_args()
    if opts.worker:
        worker(*opts.worker)
        return
    texts = opts.work / "texts"
    texts.mkdir(parents=True, exist_ok=True)
    listing = opts.work / "captures.json"
    items = captures(opts, texts)
    listing.write_text(json.dumps(items))
    trees = {"base": _unpack(opts.against, opts.work), "new": ROOT}
    procs = {
        name: subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--worker",
                str(tree),
                str(listing),
                str(opts.work / f"{name}.json"),
            ],
            cwd=tree,
        )
        for name, tree in trees.items()
    }
    for proc in procs.values():
        proc.wait()
    old, new = (json.loads((opts.work / f"{n}.json").read_text()) for n in ("base", "new"))
    diffs = _differences(old, new)
    (opts.work / "diffs.txt").write_text("\n\n".join(f"=== {k} [{p}]\n{d}" for k, p, d in diffs))
    changed = sorted({k for k, _, _ in diffs})
    print(f"captures compared: {len(items)} (against {opts.against}); differ: {len(changed)}")
    for key in changed:
        print(f"  {key}: {', '.join(p for k, p, _ in diffs if k == key)}")
    for key, part, text in diffs[: opts.show]:
        print(f"\n=== {key} [{part}]\n{text}")
    print(f"\nfull differences: {opts.work / 'diffs.txt'}")


if __name__ == "__main__":
    main()
