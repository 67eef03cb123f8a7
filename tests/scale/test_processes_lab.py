"""``--processes``: the default lab fleet collected in two shard processes gives the report a
single-process run gives, over real SSH; progress counts hosts across shards; Ctrl-C stops
every shard and leaves no session open on the routers.

The lab clock is frozen (``speed=0``) so both runs read the same counters: the lab otherwise
moves with real time, and a run seconds later reads other numbers. The pause before the second
poll does not advance it either, so both runs poll (the shards meet at the barrier) and read
the same second poll.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from lab.fleet import Fleet
from lab.inventory import write_inventory
from lab.scenario import load_scenario
from nornir_tasks.checks import registered_codes
from nornir_tasks.models.collection import HostCollection
from nornir_tasks.models.report import RunReport
from nornir_tasks.playbooks.collecting import collect_phases
from nornir_tasks.playbooks.loader import load_playbook
from nornir_tasks.playbooks.runner import PlaybookRun, RunOptions, run_playbook
from nornir_tasks.playbooks.steps import CollectPlan, HostDone, PhaseStart, PollPause
from nornir_tasks.scale.processes import ProcessCollector
from nornir_tasks.scale.shard import ShardResult, mask
from nornir_tasks.tasks.hosts import Hosts, open_inventory

pytestmark = pytest.mark.lab


@pytest.fixture(scope="module")
def frozen(
    host_key: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Fleet, Path]]:
    """The default scenario after 90 lab seconds, its clock then stopped."""
    fleet = Fleet(load_scenario("default"), speed=0.0)
    fleet.start(key_path=host_key)
    try:
        fleet.advance(90)
        yield fleet, write_inventory(fleet, tmp_path_factory.mktemp("inv"))
    finally:
        fleet.stop()


def _run(config: Path, options: RunOptions) -> PlaybookRun:
    nr = open_inventory(config)
    try:
        playbook = load_playbook("health_check", registered_codes())
        return run_playbook(nr, playbook, replace(options, sleep=lambda s: None))
    finally:
        nr.close_connections()


def _stable(report: RunReport) -> RunReport:
    return replace(report, started="", duration_s=0.0)


def _open_sessions(fleet: Fleet, settle_s: float = 0.0) -> int:
    """Sessions open on the routers (waiting up to ``settle_s`` for closes in flight)."""
    deadline = time.monotonic() + settle_s
    while True:
        count = fleet.call(lambda: sum(len(d.drop_hooks) for d in fleet.devices.values()))
        if not count or time.monotonic() >= deadline:
            return count
        time.sleep(0.1)


@pytest.fixture(scope="module")
def single(frozen: tuple[Fleet, Path]) -> PlaybookRun:
    return _run(frozen[1], RunOptions(collector=ProcessCollector(frozen[1], processes=1)))


def test_two_processes_report_equals_one(frozen: tuple[Fleet, Path], single: PlaybookRun) -> None:
    calls: dict[str, int] = {}
    done: dict[str, list[str]] = {}

    def progress(phase: str, total: int) -> HostDone:
        calls[phase] = total
        return lambda host, ok: done.setdefault(phase, []).append(host)

    collector = ProcessCollector(frozen[1], processes=2)
    sharded = _run(frozen[1], RunOptions(collector=collector, progress=progress))
    assert _stable(sharded.report) == _stable(single.report)
    assert sharded.findings == single.findings and len(single.findings) > 10
    hq = sharded.fleet.host("HQ")  # the second poll ran in the shard that had HQ
    assert hq is not None and hq.previous is not None and hq.interval_s == 10
    # One bar per phase over the whole fleet, each host counted once.
    assert calls == {"collect": 13, "poll": 13}
    assert sorted(done["collect"]) == sorted(done["poll"]) == sorted(frozen[0].devices)
    assert _open_sessions(frozen[0], settle_s=5) == 0


def test_json_transport_gives_the_same_report(
    frozen: tuple[Fleet, Path], single: PlaybookRun
) -> None:
    """The collections masked, through JSON (parsed models dropped and parsed again), and
    diagnosed again: what a Celery coordinator gets makes the same report."""
    result = ShardResult(0, tuple(mask(c) for c in single.collections))
    back = ShardResult.from_dict(json.loads(json.dumps(result.to_dict())))
    replayed = {c.host: c for c in back.collections}

    def replay(
        hosts: Hosts, plan: CollectPlan, progress: PhaseStart, pause: PollPause
    ) -> dict[str, HostCollection]:
        return replayed

    again = _run(frozen[1], RunOptions(collector=replay))
    assert _stable(again.report) == _stable(single.report)


def test_interrupt_stops_every_shard(frozen: tuple[Fleet, Path]) -> None:
    """Ctrl-C while the shards wait to poll (their sessions open): every child exits and
    every session on the routers is closed."""
    fleet, config = frozen

    def interrupted(reached: int) -> None:
        assert _open_sessions(fleet) == reached == 13  # the shards hold their sessions
        raise KeyboardInterrupt

    collector = ProcessCollector(config, processes=2)
    plan = CollectPlan(("show crypto ipsec sa",), ("show crypto ipsec sa",), 30.0, 10.0)
    nr = open_inventory(config)
    with pytest.raises(KeyboardInterrupt):
        collector(nr, plan, lambda phase, total: lambda host, ok: None, interrupted)
    assert not multiprocessing.active_children()
    assert _open_sessions(fleet, settle_s=5) == 0


def test_sessions_close_as_soon_as_a_host_is_done(frozen: tuple[Fleet, Path]) -> None:
    """A host needing no route follow-up and no second poll is logged out as soon as it is
    read (thousands of sessions left open to the end made large runs quadratic); hosts that
    are polled keep theirs until their poll is read."""
    fleet, config = frozen
    seen: list[int] = []
    nr = open_inventory(config)
    try:
        first = CollectPlan(("show version",), (), 30.0, 0.0)
        collect_phases(nr, first, lambda phase, total: lambda host, ok: None, seen.append)
        assert _open_sessions(fleet, settle_s=5) == 0
        polled = CollectPlan(("show crypto ipsec sa",), ("show crypto ipsec sa",), 30.0, 10.0)

        def pause(reached: int) -> None:
            seen.append(_open_sessions(fleet))

        collect_phases(nr, polled, lambda phase, total: lambda host, ok: None, pause)
        assert seen == [13]  # held for the poll, then closed
        assert _open_sessions(fleet, settle_s=5) == 0
        assert not any(h.connections for h in nr.inventory.hosts.values())
    finally:
        nr.close_connections()
