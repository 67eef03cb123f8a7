"""Benchmark: Nornir + netmiko collecting five show commands from N lab routers.

The lab runs in its own process (``vpndiag lab up --scenario scaled-N``), so client and
server CPU are measured separately: client CPU from ``getrusage`` of this process, lab CPU
from ``/proc/<pid>/stat``. Each N is run several times; medians are reported.

    .venv/bin/python bench/fleet_collect.py [--sizes 20 100 200] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from labproc import client_cpu, proc_cpu, start_lab

from nornir_tasks.tasks.collect import HEALTH_COMMANDS, collect
from nornir_tasks.tasks.hosts import close, open_inventory


def bench(size: int, runs: int, port: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        lab = start_lab(f"scaled-{size}", port, Path(tmp))
        try:
            walls, clients, labs = [], [], []
            for _ in range(runs):
                nr = open_inventory(Path(tmp) / "config.yaml", workers=min(size, 100))
                cpu0, lab0, t0 = client_cpu(), proc_cpu(lab.pid), time.perf_counter()
                results = list(collect(nr, HEALTH_COMMANDS).values())
                close(nr)
                wall = time.perf_counter() - t0
                failed = [c.host for c in results if c.status not in ("ok", "partial")]
                if failed:
                    raise RuntimeError(f"{len(failed)} hosts failed: {failed[:3]}")
                walls.append(wall)
                clients.append((client_cpu() - cpu0) / size * 1000)
                labs.append((proc_cpu(lab.pid) - lab0) / size * 1000)
        finally:
            lab.terminate()
            lab.wait(timeout=30)
    return {
        "wall_s": statistics.median(walls),
        "client_cpu_ms_per_device": statistics.median(clients),
        "lab_cpu_ms_per_device": statistics.median(labs),
        "devices_per_s": size / statistics.median(walls),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 100, 200])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=21000)
    args = parser.parse_args()
    print(f"{len(HEALTH_COMMANDS)} commands per device: {', '.join(HEALTH_COMMANDS)}")
    print(f"median of {args.runs} runs; workers = min(N, 100); lab in a separate process\n")
    print("| N | wall s | devices/s | client CPU ms/device | lab CPU ms/device |")
    print("|---|---|---|---|---|")
    for size in args.sizes:
        r = bench(size, args.runs, args.port)
        print(
            f"| {size} | {r['wall_s']:.2f} | {r['devices_per_s']:.1f} | "
            f"{r['client_cpu_ms_per_device']:.1f} | {r['lab_cpu_ms_per_device']:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
