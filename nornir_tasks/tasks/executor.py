"""The one way vpndiag works on devices: run a piece of work on every host of a selection.

``run_on_hosts(hosts, work, name)`` runs ``work(task)`` on each host in Nornir's thread pool
and returns ``{host: value or HostFailure}``: an exception is classified (authentication,
enable secret, refused, closed, timeout, host key, unreachable) with the seconds it took, and
a session that timed out or was closed is dropped at once (a polite logout would wait for
the prompt a second time). Nornir's ``AggregatedResult`` is unwrapped here and nowhere else.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar, cast

from nornir.core import Nornir
from nornir.core.task import MultiResult, Result, Task

from nornir_tasks.models.failure import FailureKind, HostFailure
from nornir_tasks.tasks.failures import classify
from nornir_tasks.tasks.session import drop

T = TypeVar("T")
HostDone = Callable[[str, bool], None]
# Kinds after which the session is unusable: forget it without a logout.
_DEAD = frozenset({FailureKind.TIMEOUT, FailureKind.CONNECTION_CLOSED})


def run_on_hosts(
    hosts: Nornir,
    work: Callable[[Task], T],
    name: str,
    done: HostDone | None = None,
    ok: Callable[[T], bool] = lambda value: True,
) -> dict[str, T | HostFailure]:
    """``work`` on every host of ``hosts``; host -> its value, or why it failed.

    ``done(host, ok)`` is called as each host finishes (progress bars); ``ok`` says whether a
    value counts as a success there (a debug whose cleanup failed does not).
    """

    report = done or (lambda host, ok: None)

    def task(t: Task) -> Result:
        started = time.monotonic()
        try:
            value = work(t)
        except Exception as exc:  # one host's failure is data, never a crash of the run
            failure = classify(t.host.name, exc, time.monotonic() - started)
            if failure.kind in _DEAD:
                drop(t.host)
            report(t.host.name, False)
            return Result(host=t.host, result=failure, failed=True)
        except BaseException:
            report(t.host.name, False)  # Ctrl-C: the bar counts it failed, then it propagates
            raise
        report(t.host.name, ok(value))
        return Result(host=t.host, result=value)

    # Also on hosts an earlier step failed: callers select hosts themselves, and a revert
    # after a failed stage must reach the host (Nornir would skip it: "0 hosts selected").
    results = hosts.run(task=task, name=name, on_failed=True)
    return {host: cast("T | HostFailure", _value(host, multi)) for host, multi in results.items()}


def _value(host: str, multi: MultiResult) -> object:
    """The one place a Nornir result is unwrapped."""
    if not len(multi):
        return HostFailure(host, FailureKind.OTHER, "the task did not run", 0.0)
    first = multi[0]
    if first.exception is not None and not isinstance(first.result, HostFailure):
        return classify(host, first.exception, 0.0)
    return first.result
