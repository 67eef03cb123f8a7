"""The shard interface without devices: specs and results through JSON, secrets masked, the
shard count, and the coordinator's handling of shard messages (progress, the poll barrier, a
shard that failed)."""

from __future__ import annotations

import json
import queue
import threading
from typing import Any

from nornir_tasks.models.collection import CommandOutput, HostCollection, HostStatus, OutputStatus
from nornir_tasks.models.isakmp import IsakmpSaTable
from nornir_tasks.playbooks.steps import CollectPlan, HostDone
from nornir_tasks.scale.processes import _Gather, processes_for
from nornir_tasks.scale.shard import ShardResult, ShardSpec, mask, split_hosts

ISAKMP = """IPv4 Crypto ISAKMP SA
dst             src             state          conn-id status
198.51.100.2    203.0.113.6     QM_IDLE           1001 ACTIVE
"""
CONFIG = "crypto isakmp key s3cr3t-psk address 198.51.100.2\n"


def _spec(hosts: tuple[str, ...] = ("R1", "R2"), shard: int = 0, shards: int = 1) -> ShardSpec:
    when = {"ikev2": ("show crypto ikev2 sa",)}
    plan = CollectPlan(("show crypto isakmp sa",), ("show crypto ipsec sa",), 20.0, 10.0, when)
    return ShardSpec("/inv/config.yaml", hosts, plan, shard, shards, 40, 5.0, None, "health")


def test_spec_round_trips_through_json() -> None:
    spec = _spec()
    assert ShardSpec.from_dict(json.loads(json.dumps(spec.to_dict()))) == spec


def test_result_round_trips_through_json_parsed_again() -> None:
    outputs = (
        CommandOutput("show crypto isakmp sa", ISAKMP, OutputStatus.OK),
        CommandOutput("show running-config", CONFIG, OutputStatus.INCOMPLETE, None, "cut off"),
    )
    collection = HostCollection("R1", HostStatus.PARTIAL, outputs, None, {"site": "hq"})
    down = HostCollection("R2", HostStatus.TIMEOUT, (), "timed out (after 5.0 s)")
    result = ShardResult(3, (mask(collection), down), 1.5, 0.25)
    back = ShardResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert back.shard == 3 and back.collections[1] == down
    assert isinstance(back.collections[0].parsed("show crypto isakmp sa"), IsakmpSaTable)
    assert (
        back.collections[0].outputs[1].raw == "crypto isakmp key <removed> address 198.51.100.2\n"
    )
    assert back.failures == {"R2": "timed out (after 5.0 s)"}


def test_mask_leaves_no_secret_in_any_text() -> None:
    output = CommandOutput(
        "show running-config", CONFIG, OutputStatus.OK, None, None, 1, ((1, CONFIG),)
    )
    masked = mask(
        HostCollection("R1", HostStatus.FAILED, (output,), f"session closed reading:\n{CONFIG}")
    )
    assert "s3cr3t" not in repr(masked)


def test_failed_shard_names_every_host_and_the_reason() -> None:
    result = ShardResult.failed(_spec(shard=1, shards=2), "worker lost")
    assert result.failures == {"R1": "shard 2/2: worker lost", "R2": "shard 2/2: worker lost"}


def test_split_and_shard_count() -> None:
    names = [f"R{i}" for i in range(5)]
    assert split_hosts(names, 2) == [("R0", "R2", "R4"), ("R1", "R3")]
    assert split_hosts(names[:1], 4) == [("R0",)]
    assert processes_for(4, 2) == 2 and processes_for(None, 10) == 1
    assert processes_for(None, 5000) >= 1


def test_coordinator_counts_hosts_across_shards_and_polls_once() -> None:
    specs = [_spec(("R1", "R3"), 0, 2), _spec(("R2",), 1, 2)]
    events: list[Any] = []

    def progress(phase: str, total: int) -> HostDone:
        events.append((phase, total))
        return lambda host, ok: events.append((phase, host, ok))

    gather = _Gather(specs, progress, lambda n: events.append(("pause", n)), queue.Queue(),
                     threading.Event(), threading.Event())  # fmt: skip
    gather.phases["collect"] = progress("collect", 3)
    gather._handle("done", 0, "collect", "R1", True)
    gather._handle("done", 1, "collect", "R2", True)
    gather._handle("done", 0, "collect", "R3", False)
    gather._handle("pause", 1, 1)
    assert not gather.release.is_set()  # shard 0 still collecting
    gather._handle("pause", 0, 1)
    assert gather.release.is_set()
    gather._handle("done", 1, "poll", "R2", True)
    gather._handle("error", 0, "InventoryError: no such file")
    assert events == [
        ("collect", 3),
        ("collect", "R1", True),
        ("collect", "R2", True),
        ("collect", "R3", False),
        ("pause", 2),
        ("poll", 2),
        ("poll", "R2", True),
    ]
    assert gather.results[0].failures["R3"] == "shard 1/2: InventoryError: no such file"
