"""``--processes N``: the collection of a run sharded over processes of this machine.

Each shard is a ``run_shard`` in a child process started with the ``spawn`` method (Nornir
runs threads, and forking a process that has threads can copy a lock mid-use). The children
send their progress (one message per host), wait at a barrier before the second poll so the
run's clock paces both polls as in one process, and send their masked collections back; the
coordinator merges them and the runner diagnoses the whole fleet once.

Ctrl-C reaches the coordinator only (the children ignore SIGINT): it sets the shared stop
event, every child drops its sessions and exits, and the interrupt goes on to the runner as
in a single-process run. Debugs never run in a shard: escalation runs in the coordinator,
under its debug ledger and ``cli.interrupt``.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import queue
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.context import SpawnProcess
from pathlib import Path
from typing import Any, Protocol

from nornir_tasks.models.collection import HostCollection
from nornir_tasks.playbooks.collecting import collect_phases
from nornir_tasks.playbooks.steps import CollectPlan, HostDone, PhaseStart, PollPause
from nornir_tasks.scale.shard import ShardHooks, ShardResult, ShardSpec, run_shard, split_hosts
from nornir_tasks.tasks.hosts import Hosts, host_names
from nornir_tasks.tasks.session import drop

AUTO_ABOVE = 300  # hosts: below this, one process (spawning costs ~1 s of CPU per child)
STOPPED = 130  # a child's exit code after the coordinator's stop
JOIN_S = 10.0  # how long stopped children get to exit before they are killed


class Event(Protocol):
    """A multiprocessing event (or, in tests, a threading one)."""

    def set(self) -> None: ...
    def is_set(self) -> bool: ...
    def wait(self, timeout: float | None = None) -> bool: ...


def processes_for(requested: int | None, hosts: int) -> int:
    """The shard count: as asked, else every core for a large selection; never above hosts."""
    if requested is None:
        requested = (os.cpu_count() or 1) if hosts > AUTO_ABOVE else 1
    return max(1, min(requested, hosts))


@dataclass(frozen=True)
class ProcessCollector:
    """A runner ``Collector`` (``RunOptions.collector``): one process when the shard count is
    one, else the hosts sharded over child processes (each with ``workers`` threads)."""

    inventory: Path
    processes: int | None = None  # None: ``processes_for``'s default
    workers: int = 50
    session_timeout: float | None = None
    known_hosts: Path | None = None
    playbook: str = ""

    def __call__(
        self, hosts: Hosts, plan: CollectPlan, progress: PhaseStart, pause: PollPause
    ) -> dict[str, HostCollection]:
        names = host_names(hosts)
        count = processes_for(self.processes, len(names))
        if count <= 1:
            return collect_phases(hosts, plan, progress, pause)
        parts = split_hosts(names, count)
        specs = [self._spec(plan, part, i, len(parts)) for i, part in enumerate(parts)]
        return run_shards(specs, progress, pause)

    def _spec(self, plan: CollectPlan, hosts: tuple[str, ...], i: int, n: int) -> ShardSpec:
        known = str(self.known_hosts.resolve()) if self.known_hosts else None
        return ShardSpec(
            str(self.inventory.resolve()), hosts, plan, i, n, self.workers,
            self.session_timeout, known, self.playbook,
        )  # fmt: skip


def run_shards(
    specs: list[ShardSpec], progress: PhaseStart, pause: PollPause
) -> dict[str, HostCollection]:
    """Every spec in its own child process; host -> collection, over all shards."""
    ctx = mp.get_context("spawn")
    gather = _Gather(specs, progress, pause, ctx.Queue(), ctx.Event(), ctx.Event())
    try:
        gather.start(ctx)
        gather.run()
    except BaseException:
        gather.stop.set()  # Ctrl-C (or a failure here): every child drops its sessions, exits
        gather.join()
        raise
    gather.join()
    return {c.host: c for r in gather.results.values() for c in r.collections}


@dataclass
class _Gather:
    """The coordinator's side: messages in, progress out, the poll barrier, the results."""

    specs: list[ShardSpec]
    progress: PhaseStart
    pause: PollPause
    inbox: Any  # multiprocessing Queue: (kind, shard, payload...)
    stop: Event
    release: Event
    children: list[SpawnProcess] = field(default_factory=list)
    results: dict[int, ShardResult] = field(default_factory=dict)
    paused: dict[int, int] = field(default_factory=dict)
    phases: dict[str, HostDone] = field(default_factory=dict)
    silent: set[int] = field(default_factory=set)  # exited, nothing read since

    def start(self, ctx: Any) -> None:
        self.phases["collect"] = self.progress("collect", sum(len(s.hosts) for s in self.specs))
        # The children start with SIGINT blocked (the mask survives spawn's exec) and ignore it
        # before unblocking: a Ctrl-C while they import cannot kill one with a traceback.
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            for spec in self.specs:
                args = (spec, self.inbox, self.stop, self.release)
                child = ctx.Process(target=shard_main, args=args, name=f"vpndiag {spec.label}")
                child.daemon = True
                child.start()
                self.children.append(child)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)

    def run(self) -> None:
        while len(self.results) < len(self.specs):
            try:
                message = self.inbox.get(timeout=0.5)
            except queue.Empty:
                self._reap()
                continue
            self.silent.clear()
            self._handle(*message)

    def _handle(self, kind: str, shard: int, *payload: Any) -> None:
        if kind == "done":
            phase, host, ok = payload
            if phase in self.phases:
                self.phases[phase](host, ok)
        elif kind == "pause":
            self.paused[shard] = payload[0]
            self._barrier()
        elif kind == "result":
            self.results[shard] = payload[0]
            self._barrier()
        elif kind == "error":
            self.results[shard] = ShardResult.failed(self.specs[shard], payload[0])
            self._barrier()

    def _barrier(self) -> None:
        """Once every shard waits to poll or is finished: one pause, then all poll."""
        if self.release.is_set() or not self.paused:
            return
        if set(self.paused) | set(self.results) != set(range(len(self.specs))):
            return
        total = sum(self.paused.values())
        self.pause(total)
        self.phases["poll"] = self.progress("poll", total)
        self.release.set()

    def _reap(self) -> None:
        """A child gone without a result (killed, out of memory): its hosts failed. Only
        after a second quiet read, so a result still in the pipe is not taken for a loss."""
        for spec, child in zip(self.specs, self.children, strict=True):
            if spec.shard in self.results or child.exitcode is None:
                continue
            if spec.shard in self.silent:
                why = f"the shard process ended (exit code {child.exitcode}) without a result"
                self.results[spec.shard] = ShardResult.failed(spec, why)
                self._barrier()
            else:
                self.silent.add(spec.shard)

    def join(self) -> None:
        for child in self.children:
            child.join(JOIN_S)
            if child.exitcode is None:
                child.kill()
                child.join()
        self.inbox.close()
        self.inbox.cancel_join_thread()


# -- the child's side ---------------------------------------------------------------------------


def shard_main(spec: ShardSpec, outbox: Any, stop: Event, release: Event) -> None:
    """A shard process: ``run_shard`` with progress and the poll barrier over ``outbox``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the coordinator's to handle
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    # As in the CLI: paramiko's own log lines ("Socket exception: ...") are not the report's.
    logging.getLogger("paramiko").addHandler(logging.NullHandler())
    opened: list[Hosts] = []
    threading.Thread(target=_on_stop, args=(stop, opened), daemon=True).start()

    def start(phase: str, total: int) -> HostDone:
        return lambda host, ok: outbox.put(("done", spec.shard, phase, host, ok))

    def pause(reached: int) -> None:
        outbox.put(("pause", spec.shard, reached))
        release.wait()

    hooks = ShardHooks(progress=start, pause=pause, opened=opened.append)
    try:
        outbox.put(("result", spec.shard, run_shard(spec, hooks)))
    except Exception as exc:  # reported as the shard's hosts failed, with the reason
        outbox.put(("error", spec.shard, f"{type(exc).__name__}: {exc}"))


def _on_stop(stop: Event, opened: list[Hosts], exit_now: Callable[[int], None] = os._exit) -> None:
    """The coordinator stopped the run: drop every session of this shard, then exit."""
    stop.wait()
    for hosts in opened:
        for host in hosts.inventory.hosts.values():
            drop(host)
    exit_now(STOPPED)
