"""Benchmark: a whole health-check run (the health_check playbook) over a hub and N spokes.

Everything ``vpndiag health`` does except printing: collection over SSH with route
follow-ups, a second counter poll, diagnosis of the whole fleet (both ends of every tunnel),
the report, and rendering it in every format. The lab (``hub-N`` scenario: HQ with N healthy
crypto-map spokes) runs in its own process, started with two lab minutes already run
(``--settle 120``) so every tunnel is up; the counter poll interval is 2 s.

    .venv/bin/python bench/health_run.py [--sizes 20 100 200] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from labproc import client_cpu, proc_cpu, start_lab

from nornir_tasks.checks import diagnose, registered_codes
from nornir_tasks.playbooks.loader import load_playbook
from nornir_tasks.playbooks.runner import RunOptions, run_playbook
from nornir_tasks.reports import FORMATS, render
from nornir_tasks.tasks.hosts import open_inventory

SETTLE_S = 120.0  # lab seconds run at start: every spoke has negotiated
POLL_S = 2.0


def bench(size: int, runs: int, port: int) -> dict[str, float]:
    playbook = load_playbook("health_check", registered_codes())
    rows: dict[str, list[float]] = {
        k: [] for k in ("wall", "diagnose", "render", "cpu", "lab", "up")
    }
    with tempfile.TemporaryDirectory() as tmp:
        lab = start_lab(f"hub-{size}", port, Path(tmp), SETTLE_S)
        try:
            for _ in range(runs):
                nr = open_inventory(Path(tmp) / "config.yaml", workers=min(size + 1, 100))
                cpu0, lab0, t0 = client_cpu(), proc_cpu(lab.pid), time.perf_counter()
                run = run_playbook(nr, playbook, RunOptions(poll_interval=POLL_S))
                wall = time.perf_counter() - t0 - POLL_S
                nr.close_connections()
                cpu = client_cpu() - cpu0
                rows["lab"].append((proc_cpu(lab.pid) - lab0) / (size + 1) * 1000)
                failed = run.report.failed_hosts()
                if failed:
                    raise RuntimeError(f"{len(failed)} hosts failed: {failed[0].error}")
                t1 = time.perf_counter()
                diagnose(run.fleet, playbook.checks)
                t2 = time.perf_counter()
                for name in FORMATS:
                    render(run.report, name)
                t3 = time.perf_counter()
                rows["wall"].append(wall)
                rows["diagnose"].append(t2 - t1)
                rows["render"].append(t3 - t2)
                rows["cpu"].append(cpu / (size + 1) * 1000)
                rows["up"].append(run.report.tunnels_up / max(run.report.tunnels_total, 1))
        finally:
            lab.terminate()
            lab.wait(timeout=30)
    return {k: statistics.median(v) for k, v in rows.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 100, 200])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=22000)
    args = parser.parse_args()
    print(f"health_check playbook, hub + N spokes, median of {args.runs} runs;")
    print(f"wall excludes the {POLL_S:.0f} s poll interval; lab in a separate process\n")
    print(
        "| N spokes | wall s | diagnose s | render 4 formats s | client CPU ms/device "
        "| lab CPU ms/device | up |"
    )
    print("|---|---|---|---|---|---|---|")
    for size in args.sizes:
        r = bench(size, args.runs, args.port)
        print(
            f"| {size} | {r['wall']:.2f} | {r['diagnose']:.3f} | {r['render']:.3f} | "
            f"{r['cpu']:.1f} | {r['lab']:.1f} | {r['up']:.0%} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
