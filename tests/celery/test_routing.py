"""Hosts to queues by inventory group, and each queue's hosts into shards."""

from __future__ import annotations

from nornir_tasks.scale.routing import cut_shards, route_hosts

GROUPS = {"HQ": ["hubs", "emea"], "BR01": ["spokes", "emea"], "BR02": ["spokes", "apac"]}


def test_first_routed_group_wins_else_the_default_queue() -> None:
    routes = {"emea": "q-emea", "hubs": "q-hubs"}
    routed = route_hosts([*GROUPS, "LAB9"], lambda h: GROUPS.get(h, []), routes, "vpndiag")
    assert routed == {"q-hubs": ["HQ"], "q-emea": ["BR01"], "vpndiag": ["BR02", "LAB9"]}


def test_a_shard_per_slot_and_none_over_the_size_limit() -> None:
    names = [f"R{i}" for i in range(10)]
    assert [len(h) for _, h in cut_shards({"a": names}, {"a": 3}, 100)] == [4, 3, 3]
    assert [len(h) for _, h in cut_shards({"a": names}, {"a": 1}, 4)] == [4, 3, 3]
    shards = cut_shards({"a": names[:2], "b": names[2:3]}, {"a": 8, "b": 1}, 100)
    assert shards == [("a", ("R0",)), ("a", ("R1",)), ("b", ("R2",))]
    every = sorted(h for _, hosts in cut_shards({"a": names}, {"a": 4}, 3) for h in hosts)
    assert every == sorted(names)  # each host in exactly one shard
