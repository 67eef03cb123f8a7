"""``poll_counters`` against the lab: traffic both ways on a healthy tunnel, one way on BR08's."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab.fleet import Fleet
from lab.inventory import write_inventory
from nornir_tasks.models.counters import CounterPoll
from nornir_tasks.tasks.hosts import open_inventory
from nornir_tasks.tasks.poll import poll_counters

pytestmark = pytest.mark.lab
HQ = "198.51.100.2"


def test_counter_deltas_tell_two_way_from_one_way_traffic(lab: Fleet, tmp_path: Path) -> None:
    lab.advance(60)
    nr = open_inventory(write_inventory(lab, tmp_path / "inv"), hosts=["BR01", "BR08"])
    try:
        results = nr.run(task=poll_counters, interval=10, sleep=lab.advance)
    finally:
        nr.close_connections()
    polls = {name: multi[0].result for name, multi in results.items()}
    assert all(isinstance(p, CounterPoll) for p in polls.values())
    (healthy,) = [f for f in polls["BR01"].flows if f.peer == HQ]
    assert healthy.both_ways and healthy.encaps_delta and healthy.encaps_delta > 0
    assert healthy.encaps >= healthy.encaps_delta
    (one_way,) = [f for f in polls["BR08"].flows if f.peer == HQ]
    assert one_way.encaps_delta and one_way.encaps_delta > 0
    assert one_way.decaps_delta == 0 and not one_way.both_ways
    assert polls["BR08"].interval_s == 10
