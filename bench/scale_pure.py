"""Benchmark: the pure steps of a health run (evidence, diagnosis, report, history, rendering)
over synthetic fleets of 1,000 to 5,000 hosts, to find what grows faster than the fleet.

The fleet is built from real lab output: the ``health_check`` playbook is run once over SSH
against the ``default`` lab scenario (HQ and 12 branches with faults) and a ``scaled-40``
one (small routers without crypto), and the collections are replicated: copy ``k`` of a
host gets a new name and new addresses (every /24 of the original, in every output and in
the configuration, moved to a /24 of its own, so both ends of each tunnel still match and
subnets stay subnets). The outputs are parsed again from the rewritten text.

    .venv/bin/python bench/scale_pure.py [--sizes 1000 2000 5000] [--capture FILE]

``--capture FILE`` keeps the lab collections (pickle) so later runs need no lab.
"""

from __future__ import annotations

import argparse
import gc
import os
import pickle
import re
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from labproc import start_lab

from nornir_tasks.checks import registered_codes
from nornir_tasks.history.diff import drift
from nornir_tasks.history.snapshot import run_snapshots
from nornir_tasks.history.store import HistoryStore, RunMeta, utc_now
from nornir_tasks.models.collection import HostCollection
from nornir_tasks.playbooks import runner, steps
from nornir_tasks.playbooks.loader import load_playbook
from nornir_tasks.playbooks.runner import RunOptions, run_playbook
from nornir_tasks.reports import FORMATS, render
from nornir_tasks.tasks.hosts import Hosts, open_inventory

POLL_S = 2.0
SCENARIOS = {"default": 120.0, "scaled-40": 0.0}  # scenario -> lab seconds to settle first
_IPV4 = re.compile(r"(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\d.])")
_KEEP = {"0", "255", "224", "127"}  # masks, wildcards, multicast, loopback stay as they are


def capture(port: int) -> list[HostCollection]:
    """One real health run per scenario; the hosts' collections, scenario-prefixed."""
    playbook = load_playbook("health_check", registered_codes())
    out: list[HostCollection] = []
    for number, (scenario, settle) in enumerate(SCENARIOS.items()):
        with tempfile.TemporaryDirectory() as tmp:
            lab = start_lab(scenario, port + 1000 * number, Path(tmp), settle)
            try:
                nr = open_inventory(Path(tmp) / "config.yaml", workers=50)
                run = run_playbook(nr, playbook, RunOptions(poll_interval=POLL_S))
                nr.close_connections()
            finally:
                lab.terminate()
                lab.wait(timeout=30)
        out += list(run.collections)
    return out


def _prefixes(base: list[HostCollection]) -> list[str]:
    found: set[str] = set()
    for c in base:
        for o in c.outputs:
            found.update(".".join(m.groups()[:3]) for m in _IPV4.finditer(o.raw))
    return sorted(p for p in found if p.split(".")[0] not in _KEEP)


def _new_prefixes(avoid: set[str]) -> Iterator[str]:
    for first in range(11, 100):
        for second in range(256):
            for third in range(256):
                prefix = f"{first}.{second}.{third}"
                if prefix not in avoid:
                    yield prefix


def replicate(base: list[HostCollection], size: int) -> dict[str, HostCollection]:
    """``size`` hosts: copies of ``base`` with their own names and /24s, parsed again."""
    prefixes = _prefixes(base)
    pool = _new_prefixes(set(prefixes))
    names = sorted({c.host for c in base}, key=len, reverse=True)
    name_re = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
    fleet: dict[str, HostCollection] = {}
    copy = 0
    while len(fleet) < size:
        moved = {p: next(pool) for p in prefixes} if copy else {p: p for p in prefixes}

        def rewrite(text: str, k: int = copy, moved: dict[str, str] = moved) -> str:
            text = _IPV4.sub(lambda m: _moved(m, moved), text)
            return name_re.sub(lambda m: f"{m.group(1)}-{k:04d}", text) if k else text

        for c in base:
            if len(fleet) >= size:
                break
            host = rewrite(c.host)
            outputs = tuple(replace(o, raw=rewrite(o.raw), parsed=None) for o in c.outputs)
            fleet[host] = replace(c, host=host, outputs=outputs)
        copy += 1
    return fleet


def _moved(match: re.Match[str], moved: Mapping[str, str]) -> str:
    prefix = ".".join(match.groups()[:3])
    return f"{moved[prefix]}.{match.group(4)}" if prefix in moved else match.group(0)


def inventory_of(names: list[str], directory: Path) -> Hosts:
    """A Nornir inventory of these host names (the report step reads their groups)."""
    os.environ.setdefault("VPNDIAG_USERNAME", "bench")
    os.environ.setdefault("VPNDIAG_PASSWORD", "bench")
    hosts = "".join(
        f"{n}:\n  hostname: 127.0.0.1\n  port: {10001 + i}\n  platform: ios\n"
        "  groups:\n  - spokes\n"
        for i, n in enumerate(names)
    )
    (directory / "hosts.yaml").write_text(hosts)
    (directory / "groups.yaml").write_text("spokes:\n  data:\n    role: spoke\n")
    (directory / "defaults.yaml").write_text("{}\n")
    (directory / "config.yaml").write_text(
        "inventory:\n  plugin: SimpleInventory\n  options:\n"
        f"    host_file: {directory}/hosts.yaml\n    group_file: {directory}/groups.yaml\n"
        f"    defaults_file: {directory}/defaults.yaml\n"
        "  transform_function: vpndiag_credentials\n"
    )
    return open_inventory(directory / "config.yaml")


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    t0 = time.process_time()
    value = fn()
    return time.process_time() - t0, value


def bench(collected: dict[str, HostCollection]) -> dict[str, float]:
    playbook = load_playbook("health_check", registered_codes())
    opts = RunOptions(poll_interval=POLL_S)
    plan = steps.plan_run(playbook, opts)
    times: dict[str, float] = {}
    tmp_inventory = tempfile.TemporaryDirectory()
    times["inventory"], nr = timed(lambda: inventory_of(list(collected), Path(tmp_inventory.name)))
    times["evidence"], fleet = timed(lambda: steps.evidence(collected, plan))
    times["diagnose"], found = timed(lambda: steps.findings(fleet, plan))
    times["report"], report = timed(
        lambda: runner._report(plan, opts, nr, collected, fleet, found, {}, {})
    )
    tmp_inventory.cleanup()
    with tempfile.TemporaryDirectory() as tmp:
        store = HistoryStore(Path(tmp) / "history.db")

        def record() -> int:
            run_id = store.begin_run(RunMeta("bench", utc_now(), "0", playbook.name))
            store.finish_run(run_id, report, run_snapshots(report, fleet))
            store.with_history(report)
            return run_id

        first = record()  # the second run is recorded as a scheduled audit's is: with drift
        times["history"], second = timed(record)
        times["drift"], _ = timed(lambda: drift(store.between(first, second)))
        store.close()
    times["render"], _ = timed(lambda: [render(report, name) for name in FORMATS])
    times["findings"] = len(found)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 5000])
    parser.add_argument("--capture", type=Path, default=None)
    parser.add_argument("--port", type=int, default=23000)
    parser.add_argument("--profile", type=int, default=0, help="cProfile this size, print top")
    args = parser.parse_args()
    if args.capture is not None and args.capture.exists():
        base = pickle.loads(args.capture.read_bytes())
    else:
        base = capture(args.port)
        if args.capture is not None:
            args.capture.write_bytes(pickle.dumps(base))
    if args.profile:
        import cProfile
        import pstats

        collected = replicate(base, args.profile)
        cProfile.runctx("bench(collected)", globals(), {"collected": collected}, "/tmp/scale.prof")
        pstats.Stats("/tmp/scale.prof").sort_stats("cumulative").print_stats(40)
        return
    steps_ = ("inventory", "evidence", "diagnose", "report", "history", "drift", "render")
    print(f"base: {len(base)} hosts from the lab ({', '.join(SCENARIOS)}), replicated\n")
    print("| hosts | findings | " + " | ".join(f"{s} s" for s in steps_) + " | total ms/host |")
    print("|---" * (len(steps_) + 3) + "|")
    for size in args.sizes:
        t = bench(replicate(base, size))
        total = sum(t[s] for s in steps_)
        cells = " | ".join(f"{t[s]:.2f}" for s in steps_)
        print(f"| {size} | {t['findings']:.0f} | {cells} | {total / size * 1000:.2f} |", flush=True)


if __name__ == "__main__":
    main()
