"""``--engine celery``: the collection of a run as shard tasks on Celery workers.

The coordinator (this process) routes the hosts to queues by inventory group, cuts shards for
the workers it finds, publishes one ``vpndiag.run_shard`` task per shard, and gathers the
results; diagnosis, history and reports then run once here, as for a local run. What a user
can rely on (tested against a real redis-server and real worker processes):

- the broker unreachable, or no worker on a queue the run needs: ``BrokerUnreachableError`` before any
  shard is published (the CLI's exit 2), within seconds;
- a worker's pool process killed mid-shard: the shard runs again on a live one (late
  acknowledgement); one result per task, so no host twice;
- a shard past ``shard_time_limit``: its hosts failed, the reason said;
- Ctrl-C here: every shard of the run revoked (running ones terminated), then the interrupt
  goes on as in a local run.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from celery import Celery
from celery.result import AsyncResult

from nornir_tasks.models.collection import HostCollection
from nornir_tasks.models.report import REACHED
from nornir_tasks.playbooks.steps import CollectPlan, HostDone, PhaseStart, PollPause
from nornir_tasks.scale.broker import BrokerUnreachableError
from nornir_tasks.scale.celery_app import SHARD_TASK, celery_app, ensure_reachable
from nornir_tasks.scale.celery_worker import PROGRESS, SKIPPED
from nornir_tasks.scale.routing import cut_shards, route_hosts
from nornir_tasks.scale.shard import ShardResult, ShardSpec
from nornir_tasks.settings import CelerySettings
from nornir_tasks.tasks.hosts import Hosts, host_groups, host_names

POLL_S = 0.25  # how often the coordinator reads its shards' states
GRACE_S = 5.0  # past the time limit, the coordinator stops waiting for the worker's verdict


@dataclass(frozen=True)
class CeleryCollector:
    """A runner ``Collector`` that collects on Celery workers (see the module docstring)."""

    broker: str
    inventory: Path
    settings: CelerySettings = field(default_factory=CelerySettings)
    workers: int = 50  # Nornir threads per shard
    session_timeout: float | None = None
    known_hosts: Path | None = None
    playbook: str = ""
    slots: Mapping[str, int] | None = None  # queue -> pool slots, once ``checked``

    def app(self) -> Celery:
        return celery_app(self.broker, self.settings.queue, self.settings.visibility_timeout)

    def checked(self, hosts: Hosts) -> CeleryCollector:
        """Before the run: the broker answers and every queue ``hosts`` need has a worker
        (this collector, with the slots found); ``BrokerUnreachableError`` when not."""
        app = self.app()
        ensure_reachable(app, self.broker)
        wanted, wait = self._routed(hosts), self.settings.discovery_timeout
        slots = queue_slots(app, wait)
        if any(not slots.get(q) for q in wanted):  # a busy worker may answer late: ask again
            slots = queue_slots(app, 3 * wait)
        idle = [q for q in wanted if not slots.get(q)]
        if idle:
            raise BrokerUnreachableError(
                f"no worker consumes queue {', '.join(idle)} "
                f"(start one: vpndiag worker --queues {','.join(idle)})"
            )
        return replace(self, slots=slots)

    def __call__(
        self, hosts: Hosts, plan: CollectPlan, progress: PhaseStart, pause: PollPause
    ) -> dict[str, HostCollection]:
        slots = (self if self.slots is not None else self.checked(hosts)).slots or {}
        parts = cut_shards(self._routed(hosts), slots, self.settings.shard_hosts)
        specs = [self._spec(plan, names, i, len(parts)) for i, (_, names) in enumerate(parts)]
        done = progress("collect", len(host_names(hosts)))
        return _Gather(self.app(), specs, self.settings, done).run([q for q, _ in parts])

    def _routed(self, hosts: Hosts) -> dict[str, list[str]]:
        routes, queue = self.settings.routes, self.settings.queue
        return route_hosts(host_names(hosts), lambda h: host_groups(hosts, h), routes, queue)

    def _spec(self, plan: CollectPlan, hosts: tuple[str, ...], i: int, n: int) -> ShardSpec:
        known = str(self.known_hosts.resolve()) if self.known_hosts else None
        return ShardSpec(
            str(self.inventory.resolve()), hosts, plan, i, n, self.workers,
            self.session_timeout, known, self.playbook,
        )  # fmt: skip


def queue_slots(app: Celery, timeout: float) -> dict[str, int]:
    """Queue -> pool processes of the live workers consuming it (one broadcast round)."""
    with ThreadPoolExecutor(2) as pool:
        asked_queues = pool.submit(app.control.inspect(timeout=timeout).active_queues)
        asked_stats = pool.submit(app.control.inspect(timeout=timeout).stats)
        queues: dict[str, Any] = asked_queues.result() or {}
        stats: dict[str, Any] = asked_stats.result() or {}
    slots: dict[str, int] = {}
    for worker, consumed in queues.items():
        size = int(stats.get(worker, {}).get("pool", {}).get("max-concurrency", 1))
        for queue in consumed:
            slots[queue["name"]] = slots.get(queue["name"], 0) + size
    return slots


@dataclass
class _Gather:
    """Publish the shards, follow their states, make every host's collection of the results."""

    app: Celery
    specs: list[ShardSpec]
    settings: CelerySettings
    done: HostDone
    pending: dict[int, AsyncResult[Any]] = field(default_factory=dict)
    results: dict[int, ShardResult] = field(default_factory=dict)
    counted: dict[int, list[int]] = field(default_factory=dict)  # shard -> [done, failed]
    attempts: dict[int, tuple[Any, Any]] = field(default_factory=dict)  # shard -> (pid, worker)
    started: dict[int, float] = field(default_factory=dict)  # shard -> when this attempt began

    def run(self, queues: list[str]) -> dict[str, HostCollection]:
        try:
            self._publish(queues)
            self._follow()
        except BaseException:
            self.revoke()  # Ctrl-C (or a failure here): no shard of this run goes on
            raise
        collections = [c for r in self.results.values() for c in r.collections]
        return {c.host: c for c in collections}

    def _publish(self, queues: list[str]) -> None:
        limit = self.settings.shard_time_limit
        for spec, queue in zip(self.specs, queues, strict=True):
            self.pending[spec.shard] = self.app.send_task(
                SHARD_TASK, args=[spec.to_dict()], queue=queue, time_limit=limit
            )
            self.counted[spec.shard] = [0, 0]

    def _follow(self) -> None:
        # A shard a lost worker held comes back after the visibility timeout; past both, it
        # is not coming (its queue lost its workers, or the message was lost with Redis).
        wait = self.settings.shard_time_limit + self.settings.visibility_timeout
        deadline = time.monotonic() + wait
        while self.pending:
            for shard, result in list(self.pending.items()):
                self._read(self.specs[shard], result)
            if self.pending and time.monotonic() > deadline:
                for shard in list(self.pending):
                    self._finish(shard, self._failed(shard, f"no result within {wait:g} s"))
            if self.pending:
                time.sleep(POLL_S)

    def _read(self, spec: ShardSpec, result: AsyncResult[Any]) -> None:
        """One read of the shard's state from the result store, and what follows from it."""
        meta: Mapping[str, Any] = self.app.backend.get_task_meta(result.id)
        state, value = str(meta.get("status")), meta.get("result")
        if state in ("STARTED", PROGRESS):
            self._running(spec, result.id, value if isinstance(value, Mapping) else {})
        elif state == "SUCCESS" and isinstance(value, Mapping):
            if value.get(SKIPPED):
                self._finish(spec.shard, self._failed(spec.shard, "revoked before it ran"))
            else:
                self._finish(spec.shard, ShardResult.from_dict(value))
        elif state in ("FAILURE", "REVOKED"):
            self._finish(spec.shard, self._failed(spec.shard, _why(meta, self.settings)))

    def _running(self, spec: ShardSpec, task_id: str, info: Mapping[str, Any]) -> None:
        """Progress, and the time limit kept here too: the worker's own can be lost (its
        FAILURE overwritten by a late progress write of the process it kills)."""
        attempt = (info.get("pid"), info.get("worker") or info.get("hostname"))
        if self.attempts.get(spec.shard) != attempt:  # a first run, or a run again elsewhere
            self.attempts[spec.shard] = attempt
            self.started[spec.shard] = time.monotonic()
        done, failed = info.get("phases", {}).get("collect", (0, 0))
        self._count(spec.shard, done, failed)
        limit = self.settings.shard_time_limit
        if time.monotonic() - self.started[spec.shard] > limit + GRACE_S:
            self.app.control.revoke([task_id], terminate=True, signal="SIGKILL")
            why = f"the shard exceeded its time limit of {limit:g} s on worker {attempt[1]}"
            self._finish(spec.shard, self._failed(spec.shard, why))

    def _finish(self, shard: int, result: ShardResult) -> None:
        failed = sum(c.status not in REACHED for c in result.collections)
        self._count(shard, len(result.collections), failed)
        self.results[shard] = result
        forgotten = self.pending.pop(shard)
        forgotten.forget()  # the result store keeps nothing of a gathered shard

    def _count(self, shard: int, done: int, failed: int) -> None:
        """Progress up to ``done`` hosts (``failed`` of them) of ``shard``."""
        seen = self.counted[shard]
        new_failed = max(0, failed - seen[1])
        for i in range(max(0, done - seen[0])):
            self.done(self.specs[shard].label, i >= new_failed)
        self.counted[shard] = [max(done, seen[0]), max(failed, seen[1])]

    def _failed(self, shard: int, reason: str) -> ShardResult:
        return ShardResult.failed(self.specs[shard], reason)

    def revoke(self) -> None:
        ids = [r.id for r in self.pending.values()]
        if ids:
            self.app.control.revoke(ids, terminate=True, signal="SIGTERM")


def _why(meta: Mapping[str, Any], settings: CelerySettings) -> str:
    """Why a shard failed, in the words a user needs (a time limit names the limit)."""
    if meta.get("status") == "REVOKED":
        return "revoked"
    error = meta.get("result")
    on = f" on worker {meta['worker']}" if meta.get("worker") else ""  # result_extended
    if type(error).__name__ == "TimeLimitExceeded":
        return f"the shard exceeded its time limit of {settings.shard_time_limit:g} s{on}"
    return f"the shard failed{on}: {type(error).__name__}: {error}"
