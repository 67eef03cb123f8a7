"""The collection of a run, on whatever hosts it is given: the playbook's commands, route
lookups for what looks unhealthy, then the counters again after the poll interval.

One function for both the single-process run and each shard of a sharded one
(``nornir_tasks.scale``): a shard collects its hosts exactly as a whole run would, and the
caller decides how to report progress and how to wait between the two polls.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nornir_tasks.models.collection import HostCollection
from nornir_tasks.playbooks import steps
from nornir_tasks.playbooks.steps import CollectPlan, PhaseStart, PollPause, reached
from nornir_tasks.tasks.collect import collect
from nornir_tasks.tasks.hosts import Hosts, host_names, only

__all__ = ["CollectPlan", "PollPause", "collect_phases"]


@dataclass
class _NeededAgain:
    """As each host is read, what it needs next: route follow-ups, a second poll. A host that
    needs neither has its session closed at once: sessions kept open to the end of the
    collection made a large run's cost grow with the square of its size (docs/performance.md)."""

    plan: CollectPlan
    follow_ups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    polled: set[str] = field(default_factory=set)

    def first_read(self, collection: HostCollection) -> bool:
        """Called from the host's own thread: True when its session can be closed now."""
        one = {collection.host: collection}
        mine = steps.follow_ups(one) if self.plan.commands else {}
        self.follow_ups.update(mine)  # one key per host, each from its own thread
        if self.plan.poll_interval > 0 and steps.polled_commands(one, self.plan, reached(one)):
            self.polled.add(collection.host)
        return not mine and collection.host not in self.polled

    def follow_up_read(self, collection: HostCollection) -> bool:
        return collection.host not in self.polled


def collect_phases(
    hosts: Hosts, plan: CollectPlan, progress: PhaseStart, pause: PollPause
) -> dict[str, HostCollection]:
    """Every host of ``hosts`` collected: host -> its collection (or why it failed)."""
    timeout = plan.read_timeout
    done = progress("collect", len(host_names(hosts)))
    by_feature = steps.feature_commands(plan)
    needed = _NeededAgain(plan)
    collected = collect(
        hosts, plan.commands, timeout, done=done, more=by_feature, finished=needed.first_read
    )
    wanted = needed.follow_ups
    if wanted:
        more = collect(
            only(hosts, list(wanted)), wanted, timeout, name="follow-up", follow_up=True,
            finished=needed.follow_up_read,
        )  # fmt: skip
        collected = {h: steps.extended(c, more.get(h)) for h, c in collected.items()}
    again = steps.polled_commands(collected, plan, reached(collected))
    if plan.poll_interval > 0 and again:
        pause(len(again))
        done = progress("poll", len(again))
        second = collect(
            only(hosts, list(again)), again, timeout, name="poll", done=done,
            finished=lambda c: True,
        )  # fmt: skip
        collected = {h: steps.polled(c, second.get(h)) for h, c in collected.items()}
    return collected
