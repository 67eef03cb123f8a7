"""The debug step of a run: ``capture_debug`` (``tasks.debug``) on several hosts at once,
each with its own peers, through the executor."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from nornir.core.task import Task

from nornir_tasks.ledger import Ledger
from nornir_tasks.models.debug import DebugCapture
from nornir_tasks.models.failure import HostFailure
from nornir_tasks.tasks.debug import DEFAULT_CPU_LIMIT, RETRY_DELAYS, capture_debug
from nornir_tasks.tasks.executor import HostDone, run_on_hosts
from nornir_tasks.tasks.hosts import Hosts, only
from nornir_tasks.tasks.session import open_cli


def _clean(capture: DebugCapture) -> bool:
    return not capture.error and capture.cleanup_verified


@dataclass(frozen=True)
class DebugWindow:
    """How long, how busy a router may be, and what ends the wait early."""

    seconds: float
    cpu_limit: int = DEFAULT_CPU_LIMIT
    wait: Callable[[float], None] | None = None  # None: sleep on ``stop`` (Ctrl-C ends it)
    stop: threading.Event | None = None
    ledger: Ledger | None = None
    run: str = ""  # the run's title, for the ledger entry
    retry_delays: Sequence[float] = RETRY_DELAYS  # before each new session for the cleanup


def debug_hosts(
    hosts: Hosts,
    peers: Mapping[str, Sequence[str]],
    window: DebugWindow,
    done: HostDone | None = None,
    kinds: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, DebugCapture | HostFailure]:
    """A bounded, conditional debug on each host named in ``peers`` for its peers (one wait
    for all), of ``kinds[host]`` (default: isakmp and ipsec); the cleanup and the ledger are
    ``capture_debug``'s."""

    def work(task: Task) -> DebugCapture:
        open_cli(task)  # login and enable failures are named before any debug starts
        result = capture_debug(
            task,
            list(peers[task.host.name]),
            seconds=window.seconds,
            kinds=(kinds or {}).get(task.host.name, ("isakmp", "ipsec")),
            cpu_limit=window.cpu_limit,
            wait=window.wait,
            stop=window.stop,
            ledger=window.ledger,
            run=window.run,
            retry_delays=window.retry_delays,
        )
        capture = result.result
        assert isinstance(capture, DebugCapture)
        return capture

    return run_on_hosts(only(hosts, list(peers)), work, "debug", done, ok=_clean)
