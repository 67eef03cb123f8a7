"""Benchmark: `vpndiag health --poll-interval 0` against a bare Nornir script, same lab, same run.

vpndiag's side is the command an engineer types, as a child process (interpreter start,
imports, inventory, collection over SSH, parsing, diagnosis, the report on stdout, the run
recorded in a history database). The bare side is bench/bare_collect.py, also a child
process: InitNornir and nornir_netmiko's ``netmiko_send_command`` sending each router the
very commands vpndiag sent it (learned from a first run's ``--save-evidence``), nothing read.

Both talk to one lab (``vpndiag lab up --scenario default --settle 120``, its own process).
The machine is shared, so the two sides alternate within each round (the order flips every
round) and the table gives each side's median and the median of the per-round ratios.

    .venv/bin/python bench/overhead.py [--runs 7] [--port 23000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from labproc import start_lab

HERE = Path(__file__).resolve().parent
SETTLE_S = 120.0


def sent_commands(evidence: Path) -> dict[str, list[str]]:
    """{host: commands in the order sent} from a ``--save-evidence`` folder.

    Each file holds one block per time the command was sent, each opening with
    ``HOST#command``.
    """
    plan: dict[str, list[str]] = {}
    for host_dir in sorted(p for p in evidence.iterdir() if p.is_dir()):
        host = host_dir.name
        for path in sorted(host_dir.glob("*.txt")):
            for line in path.read_text().splitlines():
                if line.startswith(f"{host}#") and not line.startswith(f"{host}#debug"):
                    plan.setdefault(host, []).append(line[len(host) + 1 :])
    return plan


def bare_config(config: Path) -> Path:
    """The lab's Nornir config without vpndiag's credential transform (hosts carry them)."""
    data = yaml.safe_load(config.read_text())
    data["inventory"].pop("transform_function", None)
    out = config.with_name("bare.yaml")
    out.write_text(yaml.safe_dump(data))
    return out


def timed(command: list[str], ok: tuple[int, ...]) -> float:
    # VPNDIAG_* of the caller's shell (credentials, history database) stay out of both sides.
    env = {k: v for k, v in os.environ.items() if not k.startswith("VPNDIAG_")}
    t0 = time.perf_counter()
    done = subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env
    )
    wall = time.perf_counter() - t0
    if done.returncode not in ok:
        raise RuntimeError(f"{command[:3]} exited {done.returncode}: {done.stderr[-500:]}")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--port", type=int, default=23000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        lab = start_lab("default", args.port, Path(tmp), SETTLE_S)
        try:
            config = Path(tmp) / "config.yaml"
            health = [
                *(sys.executable, "-m", "nornir_tasks.cli.main", "health", "-i", str(config)),
                *("--poll-interval", "0", "--db", str(Path(tmp) / "history.db")),
            ]
            # exit 1: the default fleet has deliberate faults
            timed([*health, "--save-evidence", str(Path(tmp) / "evidence")], ok=(0, 1))
            plan = sent_commands(Path(tmp) / "evidence")
            plan_file = Path(tmp) / "plan.json"
            plan_file.write_text(json.dumps(plan))
            bare = [sys.executable, str(HERE / "bare_collect.py"), str(bare_config(config))]
            bare.append(str(plan_file))
            sides: dict[str, list[float]] = {"vpndiag": [], "bare": []}
            for i in range(args.runs):
                order = ("vpndiag", "bare") if i % 2 == 0 else ("bare", "vpndiag")
                for side in order:
                    cmd, ok = (health, (0, 1)) if side == "vpndiag" else (bare, (0,))
                    sides[side].append(timed(cmd, ok))
        finally:
            lab.terminate()
            lab.wait(timeout=30)
    report(plan, sides)


def report(plan: dict[str, list[str]], sides: dict[str, list[float]]) -> None:
    ratios = [v / b for v, b in zip(sides["vpndiag"], sides["bare"], strict=True)]
    sent = sum(len(c) for c in plan.values())
    print(f"default lab: {len(plan)} routers, {sent} commands; {len(ratios)} alternating rounds")
    print("| side | median s | min s | max s |\n|---|---|---|---|")
    for side, walls in sides.items():
        print(f"| {side} | {statistics.median(walls):.2f} | {min(walls):.2f} | {max(walls):.2f} |")
    print(f"\nvpndiag / bare, median of per-round ratios: {statistics.median(ratios):.2f}")
    print("rounds: " + ", ".join(f"{r:.2f}" for r in ratios))


if __name__ == "__main__":
    main()
