"""The collection of a run, on whatever hosts it is given: the playbook's commands, route
lookups for what looks unhealthy, then the counters again after the poll interval.

One function for both the single-process run and each shard of a sharded one
(``nornir_tasks.scale``): a shard collects its hosts exactly as a whole run would, and the
caller decides how to report progress and how to wait between the two polls.
"""

from __future__ import annotations

from nornir_tasks.models.collection import HostCollection
from nornir_tasks.playbooks import steps
from nornir_tasks.playbooks.steps import CollectPlan, PhaseStart, PollPause, reached
from nornir_tasks.tasks.collect import collect
from nornir_tasks.tasks.hosts import Hosts, host_names, only

__all__ = ["CollectPlan", "PollPause", "collect_phases"]


def collect_phases(
    hosts: Hosts, plan: CollectPlan, progress: PhaseStart, pause: PollPause
) -> dict[str, HostCollection]:
    """Every host of ``hosts`` collected: host -> its collection (or why it failed)."""
    timeout = plan.read_timeout
    done = progress("collect", len(host_names(hosts)))
    by_feature = steps.feature_commands(plan)
    collected = collect(hosts, plan.commands, timeout, done=done, more=by_feature)
    wanted = steps.follow_ups(collected) if plan.commands else {}
    if wanted:
        more = collect(only(hosts, list(wanted)), wanted, timeout, name="follow-up", follow_up=True)
        collected = {h: steps.extended(c, more.get(h)) for h, c in collected.items()}
    again = steps.polled_commands(collected, plan, reached(collected))
    if plan.poll_interval > 0 and again:
        pause(len(again))
        done = progress("poll", len(again))
        second = collect(only(hosts, list(again)), again, timeout, name="poll", done=done)
        collected = {h: steps.polled(c, second.get(h)) for h, c in collected.items()}
    return collected
