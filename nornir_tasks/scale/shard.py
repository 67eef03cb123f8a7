"""One shard of a run: some hosts of an inventory, collected with Nornir in this process.

The interface other engines build on (the process engine here, Celery workers elsewhere):

- ``ShardSpec``: which inventory (the path of its Nornir ``config.yaml`` as the collecting
  side sees it), which hosts by name, the Nornir thread count, and what to read
  (``CollectPlan``: commands, the polled ones, read timeout, poll interval), plus the session
  options of the command line (``--timeout``, ``--strict-host-keys``). No credentials: the
  collecting side fills them from its own environment through the inventory's
  ``vpndiag_credentials`` transform, as any vpndiag run does.
- ``run_shard(spec, hooks=None) -> ShardResult``: opens the inventory, keeps the spec's hosts,
  collects them exactly as a single-process run would (``playbooks.collecting``: commands,
  route follow-ups, second poll), closes every session, and returns one ``HostCollection`` per
  host of the spec, in the spec's order: reached, partial, or failed with the reason (a host
  the inventory does not have is failed, said so; ``InventoryError`` when the inventory cannot
  be loaded or has none of them). Secrets are masked in every raw output,
  error and unparsed line before the result leaves the function.
- ``ShardResult`` pickles (parsed models included) and has ``to_dict``/``from_dict`` for a
  JSON transport (``json.dumps(result.to_dict())``; parsed models are left out and parsed
  again from the masked text by ``from_dict``). ``ShardSpec`` has the same pair.
- ``ShardResult.failed(spec, reason)``: every host of a shard that could not run (a worker
  lost, a time limit), failed with the reason.
- ``split_hosts(names, count)``: the shards' host lists.

Diagnosis, history and reports never run here: the coordinator does them once over the
merged collections, so both ends of a tunnel correlate whichever shards they were in.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from nornir_tasks.models.collection import CommandOutput, HostCollection, HostStatus
from nornir_tasks.models.report import REACHED
from nornir_tasks.parsers._secrets import mask_secrets
from nornir_tasks.playbooks.collecting import CollectPlan, collect_phases
from nornir_tasks.playbooks.steps import HostDone, PhaseStart, PollPause
from nornir_tasks.scale import wire
from nornir_tasks.scale.gc_thresholds import fleet_gc
from nornir_tasks.tasks.hosts import Hosts, close, command_timeout, open_inventory

__all__ = [
    "CollectPlan",
    "ShardHooks",
    "ShardResult",
    "ShardSpec",
    "mask",
    "run_shard",
    "split_hosts",
]


@dataclass(frozen=True)
class ShardSpec:
    """What one shard collects; plain data (JSON via ``to_dict``), never a credential."""

    inventory: str  # the Nornir config.yaml, as the collecting side sees it
    hosts: tuple[str, ...]
    plan: CollectPlan
    shard: int = 0
    shards: int = 1
    workers: int = 50  # Nornir threads of this shard
    session_timeout: float | None = None  # --timeout: connect and read timeout of the sessions
    known_hosts: str | None = None  # --strict-host-keys against this file
    playbook: str = ""  # for logs and queues only: the plan is what is run

    @property
    def label(self) -> str:
        return f"shard {self.shard + 1}/{self.shards}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ShardSpec:
        # JSON turns every tuple into a list: all of the plan's sequences are tuples again,
        # including fields added to CollectPlan later.
        plan: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in dict(data["plan"]).items()
        }
        plan["when"] = {feature: tuple(c) for feature, c in dict(plan.get("when", {})).items()}
        return cls(**{**data, "hosts": tuple(data["hosts"]), "plan": CollectPlan(**plan)})


@dataclass(frozen=True)
class ShardResult:
    """One collection per host of the shard (secrets masked), and what the shard cost."""

    shard: int
    collections: tuple[HostCollection, ...]
    elapsed_s: float = 0.0
    cpu_s: float = 0.0  # CPU seconds of the collecting process during the shard

    @property
    def failures(self) -> dict[str, str]:
        """Host -> why it was not reached, for the hosts that were not."""
        return {
            c.host: c.error or str(c.status) for c in self.collections if c.status not in REACHED
        }

    @classmethod
    def failed(
        cls, spec: ShardSpec, reason: str, status: HostStatus = HostStatus.FAILED
    ) -> ShardResult:
        """Every host of ``spec`` failed with ``reason`` (the shard could not run or finish)."""
        why = f"{spec.label}: {mask_secrets(reason)}"
        return cls(spec.shard, tuple(HostCollection(h, status, (), why) for h in spec.hosts))

    def to_dict(self) -> dict[str, Any]:
        return {
            "shard": self.shard,
            "collections": [wire.collection_to_dict(c) for c in self.collections],
            "elapsed_s": self.elapsed_s,
            "cpu_s": self.cpu_s,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ShardResult:
        collections = tuple(wire.collection_from_dict(c) for c in data["collections"])
        return cls(int(data["shard"]), collections, data["elapsed_s"], data["cpu_s"])


def _no_progress(phase: str, total: int) -> HostDone:
    return lambda host, ok: None


@dataclass(frozen=True)
class ShardHooks:
    """How a shard reports to whoever runs it (all optional)."""

    progress: PhaseStart = _no_progress
    pause: PollPause | None = None  # before the second poll; default: sleep the interval
    opened: Callable[[Hosts], None] = field(default=lambda hosts: None)  # to drop sessions


def run_shard(spec: ShardSpec, hooks: ShardHooks | None = None) -> ShardResult:
    """Collect the hosts of ``spec`` in this process (see the module docstring)."""
    hooks = hooks or ShardHooks()
    started, cpu = time.monotonic(), time.process_time()
    nr = _open(spec)
    try:
        hooks.opened(nr)
        pause = hooks.pause or (lambda reached: time.sleep(spec.plan.poll_interval))
        with fleet_gc():
            collected = collect_phases(nr, spec.plan, hooks.progress, pause)
    finally:
        close(nr)
    missing = HostCollection("", HostStatus.FAILED, (), "not in the inventory of this collector")
    ordered = tuple(mask(collected.get(h) or replace(missing, host=h)) for h in spec.hosts)
    elapsed = time.monotonic() - started
    return ShardResult(spec.shard, ordered, elapsed, time.process_time() - cpu)


def _open(spec: ShardSpec) -> Hosts:
    known = Path(spec.known_hosts) if spec.known_hosts else None
    nr = open_inventory(Path(spec.inventory), spec.workers, spec.hosts, known_hosts=known)
    if spec.session_timeout:
        command_timeout(nr, spec.session_timeout)
    return nr


def mask(collection: HostCollection) -> HostCollection:
    """``collection`` with secrets masked in every text that leaves the shard."""
    outputs = tuple(_masked(o) for o in collection.outputs)
    error = mask_secrets(collection.error) if collection.error else collection.error
    return replace(collection, outputs=outputs, error=error)


def _masked(output: CommandOutput) -> CommandOutput:
    unparsed = tuple((n, mask_secrets(text)) for n, text in output.unparsed)
    error = mask_secrets(output.error) if output.error else output.error
    return replace(output, raw=mask_secrets(output.raw), error=error, unparsed=unparsed)


def split_hosts(names: Sequence[str], count: int) -> list[tuple[str, ...]]:
    """``names`` dealt round-robin into at most ``count`` non-empty shards (a hub and its
    spokes, often adjacent in an inventory, spread over the shards)."""
    count = max(1, min(count, len(names)))
    return [tuple(names[i::count]) for i in range(count) if names[i::count]]
