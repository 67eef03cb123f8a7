"""The worker's side of a Celery shard: a JSON ``ShardSpec`` in, ``run_shard`` here, a JSON
``ShardResult`` (secrets masked) out, with the shard's progress as task state on the way.

The spec names the inventory as the coordinator sees it; a worker started with
``--inventory`` reads its own copy instead (the same hosts, this machine's paths). Credentials
are this worker's own (its environment, through the inventory's ``vpndiag_credentials``).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from nornir_tasks.playbooks.steps import HostDone
from nornir_tasks.scale.processes import STOPPED
from nornir_tasks.scale.shard import ShardHooks, ShardSpec, run_shard
from nornir_tasks.tasks.hosts import Hosts, host_names
from nornir_tasks.tasks.session import drop

INVENTORY_KEY = "vpndiag_inventory"  # app.conf key ``vpndiag worker --inventory`` sets
PROGRESS = "PROGRESS"  # the task state while a shard runs: hosts done so far
PROGRESS_EVERY_S = 0.5  # at most this often a progress write to the result store
SKIPPED = "skipped"  # a shard revoked before it started (delivered again after a loss)


def run_shard_payload(payload: Mapping[str, Any], task: Any) -> dict[str, Any]:
    """``run_shard`` for a Celery task (``task`` is the bound task: request, update_state)."""
    if _revoked(task):
        return {SKIPPED: True}
    spec = ShardSpec.from_dict(payload)
    inventory = task.app.conf.get(INVENTORY_KEY)
    if inventory:
        spec = replace(spec, inventory=str(inventory))
    # Read here: ``task.request`` is thread-local, and Nornir's threads report progress.
    progress = _Progress(
        task, task.request.id, {"pid": os.getpid(), "worker": task.request.hostname}
    )
    opened: list[Hosts] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: _drop_and_exit(opened))
    try:
        result = run_shard(spec, ShardHooks(progress=progress.phase, opened=opened.append))
    finally:
        signal.signal(signal.SIGTERM, previous)  # this pool process runs other shards next
    return result.to_dict()


def _drop_and_exit(opened: list[Hosts]) -> None:
    """SIGTERM (the coordinator revoked the shard, or its hard time limit): the sessions are
    dropped, not logged out of (a polite logout waits for each prompt), and the process ends."""
    for hosts in opened:
        for name in host_names(hosts):
            drop(hosts.inventory.hosts[name])
    os._exit(STOPPED)


def _revoked(task: Any) -> bool:
    """Revoked by its coordinator (Ctrl-C) while the message was away: a shard whose worker
    died comes back to the queue, and a worker that missed the revoke broadcast reads the
    revocation from the result store instead."""
    if task.request.id is None:
        return False
    return bool(task.AsyncResult(task.request.id).state == "REVOKED")


@dataclass
class _Progress:
    """Hosts done per phase, written to the task's state at most every ``PROGRESS_EVERY_S``:
    the coordinator turns them into its progress bar."""

    task: Any
    task_id: str
    about: dict[str, Any]  # pid and worker name, for the coordinator (and the tests)
    counts: dict[str, list[int]] = field(default_factory=dict)  # phase -> [done, failed]
    lock: threading.Lock = field(default_factory=threading.Lock)
    written: float = 0.0

    def phase(self, name: str, total: int) -> HostDone:
        count = self.counts.setdefault(name, [0, 0])

        def done(host: str, ok: bool) -> None:
            with self.lock:  # Nornir's threads report here
                count[0] += 1
                count[1] += not ok
                if time.monotonic() - self.written < PROGRESS_EVERY_S:
                    return
                self.written = time.monotonic()
                phases = {k: list(v) for k, v in self.counts.items()}
            try:
                meta = {**self.about, "phases": phases}
                self.task.update_state(task_id=self.task_id, state=PROGRESS, meta=meta)
            except Exception:  # a progress write lost is no reason to fail a host
                pass

        return done
