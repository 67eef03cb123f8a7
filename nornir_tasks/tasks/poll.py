"""``poll_counters``: two snapshots of the IPsec counters, ``interval`` seconds apart."""

from __future__ import annotations

import time
from collections.abc import Callable

from nornir.core.task import Result, Task

from nornir_tasks.checks.evidence import host_evidence
from nornir_tasks.checks.flows import Count, Traffic
from nornir_tasks.models.collection import CommandOutput
from nornir_tasks.models.counters import CounterPoll, FlowDelta
from nornir_tasks.tasks.session import open_cli, send


def _ident(traffic: Traffic, local: bool) -> str | None:
    ident = traffic.flow.local_ident if local else traffic.flow.remote_ident
    return f"{ident.addr}/{ident.mask}" if ident is not None else None


def _delta(count: Count) -> int | None:
    return count.delta


def deltas(host: str, first: str, second: str, interval_s: float) -> CounterPoll:
    """Pure: the flows of two ``show crypto ipsec sa`` outputs, with their deltas."""
    command = "show crypto ipsec sa"
    evidence = host_evidence(
        host,
        [CommandOutput(command, second)],
        previous=[CommandOutput(command, first)],
        interval_s=interval_s,
    )
    flows = tuple(
        FlowDelta(
            peer=t.flow.current_peer,
            local_ident=_ident(t, local=True),
            remote_ident=_ident(t, local=False),
            encaps=t.encaps.total,
            decaps=t.decaps.total,
            encaps_delta=_delta(t.encaps) if t.before is not None else None,
            decaps_delta=_delta(t.decaps) if t.before is not None else None,
            send_errors_delta=_delta(t.send_errors) if t.before is not None else None,
            recv_errors_delta=_delta(t.recv_errors) if t.before is not None else None,
        )
        for t in evidence.traffic
    )
    problems = "; ".join(evidence.problems) or None
    return CounterPoll(host, interval_s, flows, problems)


def poll_counters(
    task: Task,
    interval: float = 10.0,
    read_timeout: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Result:
    """Read ``show crypto ipsec sa``, wait ``interval`` seconds, read it again; the deltas."""
    conn = open_cli(task, read_timeout)
    first = send(conn, "show crypto ipsec sa", read_timeout)
    sleep(interval)
    second = send(conn, "show crypto ipsec sa", read_timeout)
    return Result(host=task.host, result=deltas(task.host.name, first, second, interval))
