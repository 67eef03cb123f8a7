"""Benchmark: how long `vpndiag` takes to start for commands that talk to no device.

Each command runs as a child process N times; the table gives the median wall time and the
median CPU time (user + system of the child). On a shared machine the CPU time is the steadier
number: wall time there includes waiting for a core.

    .venv/bin/python bench/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CAPTURE = ROOT / "tests/golden/blog_iosxe_ipsec_sa_send_errors_no_sa/raw.txt"
VPNDIAG = [sys.executable, "-m", "nornir_tasks.cli.main"]
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "vpndiag --version": [*VPNDIAG, "--version"],
    "vpndiag --help": [*VPNDIAG, "--help"],
    "vpndiag parse": [*VPNDIAG, "parse", "show crypto ipsec sa", str(CAPTURE)],
    "vpndiag diagnose": [*VPNDIAG, "diagnose", str(CAPTURE)],
}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(command: list[str], runs: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(runs):
        cpu0, t0 = children_cpu(), time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        walls.append(time.perf_counter() - t0)
        cpus.append(children_cpu() - cpu0)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    print(f"median of {args.runs} runs\n\n| command | wall ms | CPU ms |\n|---|---|---|")
    for name, command in COMMANDS.items():
        wall, cpu = measure(command, args.runs)
        print(f"| `{name}` | {wall * 1000:.0f} | {cpu * 1000:.0f} |", flush=True)


if __name__ == "__main__":
    main()
