"""``capture_debug``: IKE debug for one peer, bounded in time, never left running.

The sequence is the one a careful engineer types: check CPU, set a conditional debug for
the peer, turn on ``debug crypto isakmp`` (and ``ipsec``), optionally send interesting
traffic, wait, read the new lines from the logging buffer, then ``undebug all`` and
``no debug crypto condition all`` — in a ``finally``, so also on timeout, exception and
Ctrl-C — and read ``show debugging`` back. If the session died, a new one does the cleanup.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from typing import Any

from nornir.core.task import Result, Task

from nornir_tasks.models.cpu import CpuUsage
from nornir_tasks.models.debug import DebugCapture
from nornir_tasks.models.logs import LogStream
from nornir_tasks.parsers import ParseError, parse
from nornir_tasks.tasks.session import send

CLEANUP = ("undebug all", "no debug crypto condition all")
DEFAULT_CPU_LIMIT = 60


def debugging_is_clean(show_debugging: str) -> bool:
    """No ``... debugging is on`` line and no active conditional debug."""
    text = show_debugging.lower()
    return "debugging is on" not in text and "global state: start" not in text


def _cpu_refusal(conn: Any, limit: int) -> str | None:
    try:
        cpu = parse(
            "show processes cpu | include CPU", send(conn, "show processes cpu | include CPU")
        )
    except ParseError:
        return None  # CPU unknown: the debug is conditional and short; go ahead
    assert isinstance(cpu, CpuUsage)
    load = max(cpu.five_seconds or 0, cpu.one_minute or 0)
    if load > limit:
        return f"CPU at {load}% (limit {limit}%): debug not started"
    return None


def _log_lines(conn: Any) -> list[str]:
    return send(conn, "show logging", read_timeout=60).splitlines()


def _new_lines(before: list[str], after: list[str]) -> list[str]:
    """Lines of ``after`` past the last buffer line ``before`` had (the buffer may wrap)."""
    tail = next((ln for ln in reversed(before) if ln.strip()), None)
    if tail is not None and tail in after:
        idx = len(after) - 1 - after[::-1].index(tail)
        return after[idx + 1 :]
    known = set(before)
    return [ln for ln in after if ln not in known]


def cleanup(conn: Any) -> bool:
    """Turn every debug off and confirm it with ``show debugging``."""
    for command in CLEANUP:
        send(conn, command)
    return debugging_is_clean(send(conn, "show debugging"))


def capture_debug(
    task: Task,
    peer: str | Sequence[str],
    seconds: float = 30.0,
    trigger: str | None = None,
    kinds: Sequence[str] = ("isakmp", "ipsec"),
    cpu_limit: int = DEFAULT_CPU_LIMIT,
    read_timeout: float = 30.0,
    wait: Callable[[float], None] = time.sleep,
) -> Result:
    """Capture IKE/IPsec debug for ``peer`` (one address, or several: one condition each,
    one bounded wait for all) on one host (see the module docstring)."""
    peers = (peer,) if isinstance(peer, str) else tuple(peer)
    host = task.host
    conn = host.get_connection("netmiko", task.nornir.config)
    if not conn.check_enable_mode():
        conn.enable()
    refused = _cpu_refusal(conn, cpu_limit)
    if refused is not None:
        capture = DebugCapture(
            host.name, peers[0], (), (), refused=refused, cleanup_verified=True, peers=peers
        )
        return Result(host=host, result=capture, failed=False)
    before = _log_lines(conn)
    lines: list[str] = []
    error: str | None = None
    clean = False
    try:
        for address in peers:
            send(conn, f"debug crypto condition peer ipv4 {address}")
        for kind in kinds:
            send(conn, f"debug crypto {kind}")
        if trigger:
            send(conn, trigger, read_timeout=read_timeout)
        wait(seconds)
        lines = _new_lines(before, _log_lines(conn))
    except Exception as exc:  # recorded; Ctrl-C still propagates after the cleanup below
        error = f"{type(exc).__name__}: {exc}".strip()
    finally:
        clean = _cleanup_anyhow(task, conn)
    capture = DebugCapture(
        host.name, peers[0], tuple(lines), _events(lines), None, error, clean, peers
    )
    return Result(host=host, result=capture, failed=bool(error) or not clean)


def _cleanup_anyhow(task: Task, conn: Any) -> bool:
    """Clean up on this session; if it is gone, open a fresh one and clean up there."""
    try:
        return cleanup(conn)
    except Exception:  # the session died: clean up over a new one
        with contextlib.suppress(Exception):
            task.host.close_connection("netmiko")
    fresh = task.host.get_connection("netmiko", task.nornir.config)
    if not fresh.check_enable_mode():
        fresh.enable()
    return cleanup(fresh)


def _events(lines: list[str]) -> tuple[Any, ...]:
    try:
        stream = parse("show logging", "\n".join(lines))
    except ParseError:
        return ()
    assert isinstance(stream, LogStream)
    return stream.events
