"""Benchmark: how long `vpndiag` takes to start for commands that talk to no device.

Each command runs as a child process N times; the table gives the median wall time and the
median CPU time (user + system of the child). On a shared machine the CPU time is the steadier
number: wall time there includes waiting for a core.

    .venv/bin/python bench/startup.py [--runs 15] [--against DIR] [--instructions]

``--against DIR``: also time another checkout (an older commit, ``git archive`` unpacked),
run by the same interpreter from DIR so that DIR's ``nornir_tasks`` is the one imported; the
two alternate run by run, so both see the same load. Children run with bytecode caching on
(``PYTHONDONTWRITEBYTECODE``, set in some shells, would make every run compile every module).

``--instructions``: also count the instructions each command executes (one run under
valgrind's callgrind, about 50 times slower): the same number on an idle and on a loaded
machine, where wall and even CPU times are not. On this VM an idle core runs about
3.3 billion of them a second (``vpndiag --help``: 0.09 s, 319 M at commit 1830d4e).

Three pastes for ``diagnose``: one ``show crypto ipsec sa``; a typical ticket (``show crypto
isakmp sa`` + ``show crypto ipsec sa`` + an IKEv1 debug, three golden captures one after the
other, with their prompts); and a session log of two routers (running-config excerpt, routes,
pings, SAs, debug, ``show users``) that feeds nearly every rule module (27 of 29 today).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests/golden"
CAPTURE = GOLDEN / "blog_iosxe_ipsec_sa_send_errors_no_sa/raw.txt"
MANY = GOLDEN / "cbt_ios_isakmp_key_length_mismatch_two_routers/raw.txt"
TICKET = (
    "blog_ios_isakmp_sa_hub_two_peers_indented",  # show crypto isakmp sa
    "blog_iosxe_ipsec_sa_send_errors_no_sa",  # show crypto ipsec sa
    "debug_ios_pfs_mismatch_paranoid_keepalives",  # debug crypto isakmp / ipsec
)
TYPICAL = Path(tempfile.gettempdir()) / "vpndiag-startup-typical.txt"
VPNDIAG = [sys.executable, "-m", "nornir_tasks.cli.main"]
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "vpndiag --version": [*VPNDIAG, "--version"],
    "vpndiag --help": [*VPNDIAG, "--help"],
    "vpndiag parse": [*VPNDIAG, "parse", "show crypto ipsec sa", str(CAPTURE)],
    "vpndiag diagnose": [*VPNDIAG, "diagnose", str(CAPTURE)],
    "vpndiag diagnose (isakmp + ipsec + debug)": [*VPNDIAG, "diagnose", str(TYPICAL)],
    "vpndiag diagnose (session log)": [*VPNDIAG, "diagnose", str(MANY)],
}


def write_typical() -> None:
    """The typical ticket: the three captures pasted one after the other (prompts unindented)."""
    parts = [(GOLDEN / name / "raw.txt").read_text() for name in TICKET]
    parts[0] = "\n".join(line.strip() for line in parts[0].splitlines())
    TYPICAL.write_text("\n\n".join(parts))


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure(command: list[str], runs: int, trees: list[Path]) -> list[tuple[float, float]]:
    """Median wall and CPU seconds of ``command`` in each tree, the trees alternating."""
    walls: list[list[float]] = [[] for _ in trees]
    cpus: list[list[float]] = [[] for _ in trees]
    for _ in range(runs):
        for i, tree in enumerate(trees):
            cpu0, t0 = children_cpu(), time.perf_counter()
            subprocess.run(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tree, env=_env()
            )
            walls[i].append(time.perf_counter() - t0)
            cpus[i].append(children_cpu() - cpu0)
    return [(statistics.median(w), statistics.median(c)) for w, c in zip(walls, cpus, strict=True)]


def instructions(command: list[str], tree: Path) -> float:
    """Millions of instructions ``command`` executes (callgrind), after one warm-up run."""
    subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tree, env=_env()
    )
    probe = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command]
    done = subprocess.run(
        probe, cwd=tree, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    return int(found.group(1)) / 1e6 if found else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--against", type=Path, help="another checkout to time alternately")
    parser.add_argument("--instructions", action="store_true", help="count them (valgrind)")
    args = parser.parse_args()
    if args.instructions and shutil.which("valgrind") is None:
        parser.error("--instructions needs valgrind on PATH")
    write_typical()
    trees = [ROOT, *([args.against.resolve()] if args.against else [])]
    unit = "wall / CPU ms" + (" / M instructions" if args.instructions else "")
    heads = " | ".join(f"{t.name}: {unit}" for t in trees)
    print(f"median of {args.runs} runs, load average {os.getloadavg()[0]:.1f} at the start\n")
    print(f"| command | {heads} |\n|---|{'---|' * len(trees)}")
    for name, command in COMMANDS.items():
        cells = [f"{w * 1000:.0f} / {c * 1000:.0f}" for w, c in measure(command, args.runs, trees)]
        if args.instructions:
            cells = [
                f"{c} / {instructions(command, t):.0f}" for c, t in zip(cells, trees, strict=True)
            ]
        print(f"| `{name}` | {' | '.join(cells)} |", flush=True)
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
