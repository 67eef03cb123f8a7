"""Benchmark: `vpndiag health --poll-interval 0` against a bare Nornir script, same lab, same run.

vpndiag's side is the command an engineer types, as a child process (interpreter start,
imports, inventory, collection over SSH, parsing, diagnosis, the report on stdout, the run
recorded in a history database). The bare side is bench/bare_collect.py, also a child
process: InitNornir and nornir_netmiko's ``netmiko_send_command`` sending each router the
very commands vpndiag sent it (learned from a first run's ``--save-evidence``), nothing read.

Both talk to one lab (``vpndiag lab up --scenario default --settle 120``, its own process).
The machine is shared, so the two sides alternate within each round (the order flips every
round) and the table gives each side's median and the median of the per-round ratios.

    .venv/bin/python bench/overhead.py [--runs 7] [--port 23000] [--against DIR]

``--against DIR`` adds a third side: the same health command run from another checkout (an
older commit, unpacked with ``git archive``), so a change is measured against its parent in
the same rounds. The table also gives each side's median CPU time (user + system of the
child), the steadier number on a shared machine, and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from labproc import start_lab

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
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


def timed(command: list[str], ok: tuple[int, ...], cwd: Path | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of ``command`` (run in ``cwd``)."""
    # VPNDIAG_* of the caller's shell (credentials, history database) stay out of every side;
    # PYTHONDONTWRITEBYTECODE (some shells) would make each run compile every module.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("VPNDIAG_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    cpu0, t0 = children_cpu(), time.perf_counter()
    done = subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd
    )
    wall, cpu = time.perf_counter() - t0, children_cpu() - cpu0
    if done.returncode not in ok:
        raise RuntimeError(f"{command[:3]} exited {done.returncode}: {done.stderr[-500:]}")
    return wall, cpu


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--port", type=int, default=23000)
    parser.add_argument("--against", type=Path, help="another checkout, as a third side")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} at the start", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        lab = start_lab("default", args.port, Path(tmp), SETTLE_S)
        try:
            plan, sides = _rounds(Path(tmp), args.runs, args.against)
        finally:
            lab.terminate()
            lab.wait(timeout=30)
    report(plan, sides)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


def _rounds(
    tmp: Path, runs: int, against: Path | None
) -> tuple[dict[str, list[str]], dict[str, list[tuple[float, float]]]]:
    """The sides in turn, the order rotating every round."""
    config = tmp / "config.yaml"
    health = [
        *(sys.executable, "-m", "nornir_tasks.cli.main", "health", "-i", str(config)),
        *("--poll-interval", "0", "--db", str(tmp / "history.db")),
    ]
    # exit 1: the default fleet has deliberate faults
    timed([*health, "--save-evidence", str(tmp / "evidence")], ok=(0, 1), cwd=ROOT)
    plan = sent_commands(tmp / "evidence")
    plan_file = tmp / "plan.json"
    plan_file.write_text(json.dumps(plan))
    bare = [sys.executable, str(HERE / "bare_collect.py"), str(bare_config(config))]
    bare.append(str(plan_file))
    commands = {"vpndiag": (health, (0, 1), ROOT), "bare": (bare, (0,), ROOT)}
    if against is not None:
        commands[f"vpndiag@{against.name}"] = (health, (0, 1), against.resolve())
    sides: dict[str, list[tuple[float, float]]] = {side: [] for side in commands}
    names = list(commands)
    for i in range(runs):
        for side in names[i % len(names) :] + names[: i % len(names)]:
            command, ok, cwd = commands[side]
            sides[side].append(timed(command, ok, cwd))
    return plan, sides


def report(plan: dict[str, list[str]], sides: dict[str, list[tuple[float, float]]]) -> None:
    sent = sum(len(c) for c in plan.values())
    rounds = len(sides["bare"])
    print(f"default lab: {len(plan)} routers, {sent} commands; {rounds} rounds, order rotating")
    print("| side | median wall s | min s | max s | median CPU s |\n|---|---|---|---|---|")
    for side, runs in sides.items():
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        print(
            f"| {side} | {statistics.median(walls):.2f} | {min(walls):.2f} | {max(walls):.2f} "
            f"| {statistics.median(cpus):.2f} |"
        )
    for side in (s for s in sides if s != "bare"):
        ratios = [v[0] / b[0] for v, b in zip(sides[side], sides["bare"], strict=True)]
        print(f"\n{side} / bare, median of per-round wall ratios: {statistics.median(ratios):.2f}")
        print("rounds: " + ", ".join(f"{r:.2f}" for r in ratios))


if __name__ == "__main__":
    main()
