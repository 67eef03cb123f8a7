"""``wait_until``: read a command on each host again and again until a test passes or a time
budget runs out. The test is the caller's pure function; this module only reads and waits."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from nornir.core.task import Task

from nornir_tasks.models.failure import HostFailure
from nornir_tasks.tasks.executor import HostDone, run_on_hosts
from nornir_tasks.tasks.hosts import Hosts
from nornir_tasks.tasks.session import open_cli, send

V = TypeVar("V")


class Probe(Protocol):
    """What to read, how often, and for how long (a playbook's ``wait_until`` entry)."""

    @property
    def command(self) -> str: ...

    @property
    def interval(self) -> float: ...

    @property
    def max_time(self) -> float: ...


# (probe, the command's text, the host's inventory data) -> verdict
Judge = Callable[[Any, str, Mapping[str, Any]], V]


@dataclass(frozen=True)
class Waited(Generic[V]):
    """The last verdict of one probe, after ``waited_s`` seconds and ``tries`` reads."""

    probe: Any
    verdict: V
    waited_s: float
    tries: int


@dataclass(frozen=True)
class Clock:
    sleep: Callable[[float], None]
    now: Callable[[], float]


def _wait_one(
    task: Task,
    probe: Probe,
    judge: Judge[V],
    passed: Callable[[V], bool],
    timeout: float,
    clock: Clock,
) -> Waited[V]:
    conn = open_cli(task, timeout)
    started = clock.now()
    tries = 0
    while True:
        tries += 1
        verdict = judge(probe, send(conn, probe.command, timeout), task.host.data)
        waited = clock.now() - started
        if passed(verdict) or waited + probe.interval > probe.max_time:
            return Waited(probe, verdict, waited, tries)
        clock.sleep(probe.interval)


def wait_until(
    hosts: Hosts,
    probes: Mapping[str, Sequence[Probe]],
    judge: Judge[V],
    passed: Callable[[V], bool],
    read_timeout: float,
    clock: Clock,
    done: HostDone | None = None,
) -> dict[str, tuple[list[Waited[V]], HostFailure | None]]:
    """Per host: each of its probes' last verdict, and the failure that cut it short."""
    finished: dict[str, list[Waited[V]]] = {}

    def work(task: Task) -> None:
        mine = finished.setdefault(task.host.name, [])
        for probe in probes.get(task.host.name, ()):
            mine.append(_wait_one(task, probe, judge, passed, read_timeout, clock))

    values = run_on_hosts(hosts, work, "wait", done)
    return {
        h: (finished.get(h, []), v if isinstance(v, HostFailure) else None)
        for h, v in values.items()
    }
