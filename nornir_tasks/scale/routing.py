"""Which queue collects which host, and how each queue's hosts are cut into shards (pure).

A host goes to the queue of the first of its inventory groups the ``celery.routes`` mapping
names (group -> queue: a worker per region or jump host reaches only its routers), else to
the default queue. A queue's hosts are cut into as many shards as its workers have pool
slots, more when a shard would exceed ``shard_hosts``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from nornir_tasks.scale.shard import split_hosts


def route_hosts(
    names: Sequence[str],
    groups_of: Callable[[str], Sequence[str]],
    routes: Mapping[str, str],
    default: str,
) -> dict[str, list[str]]:
    """Queue -> its hosts, in the selection's order."""
    by_queue: dict[str, list[str]] = {}
    for name in names:
        queue = next((routes[g] for g in groups_of(name) if g in routes), default)
        by_queue.setdefault(queue, []).append(name)
    return by_queue


def cut_shards(
    by_queue: Mapping[str, Sequence[str]], slots: Mapping[str, int], shard_hosts: int
) -> list[tuple[str, tuple[str, ...]]]:
    """(queue, hosts) of every shard: per queue, at least one shard per slot consuming it,
    and none over ``shard_hosts`` hosts."""
    shards: list[tuple[str, tuple[str, ...]]] = []
    for queue, names in by_queue.items():
        count = max(slots.get(queue, 1), -(-len(names) // max(1, shard_hosts)))
        shards += [(queue, part) for part in split_hosts(names, count)]
    return shards
