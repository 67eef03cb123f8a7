"""``capture_debug``: IKE debug for one peer, bounded in time, never left running unnoticed.

The sequence is the one a careful engineer types: check CPU, write the ledger entry, set a
conditional debug for the peer, turn on ``debug crypto isakmp`` (and ``ipsec``), optionally
send interesting traffic, wait (a ``stop`` event ends the wait early: Ctrl-C), read the new
lines from the logging buffer, then ``undebug all`` and ``no debug crypto condition all`` in
a ``finally`` and read ``show debugging`` back. If the session died, new ones are tried a
bounded number of times. Only a clean ``show debugging`` removes the ledger entry; otherwise
it stays for the next run, which ``finish_open_debug`` serves.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from nornir.core import Nornir
from nornir.core.task import Result, Task

from nornir_tasks.ledger import DEBUG, DebugEntry, Ledger, Owner, utc_iso
from nornir_tasks.models.cpu import CpuUsage
from nornir_tasks.models.debug import DebugCapture, DebugOrigin, DebugRecord
from nornir_tasks.models.failure import HostFailure
from nornir_tasks.models.logs import LogStream
from nornir_tasks.parsers import ParseError, parse
from nornir_tasks.tasks.debug_dialect import IOS, DebugDialect, dialect, ios_is_clean
from nornir_tasks.tasks.executor import run_on_hosts
from nornir_tasks.tasks.failures import status_and_reason as classify
from nornir_tasks.tasks.hosts import only
from nornir_tasks.tasks.session import SessionClosedError, is_closed, send

__all__ = ["CLEANUP", "capture_debug", "debugging_is_clean"]

CLEANUP = IOS.cleanup
DEFAULT_CPU_LIMIT = 60
# Reconnects for the cleanup after the session died: waits before each new try, seconds.
RETRY_DELAYS = (1.0, 2.0, 4.0)
WATCH_S = 0.5  # how often the debug window looks whether the device closed the session
HostDone = Callable[[str, bool], None]


debugging_is_clean = ios_is_clean  # the IOS reading (ASA: ``debug_dialect.asa_is_clean``)


def _cpu_refusal(conn: Any, limit: int, speech: DebugDialect = IOS) -> str | None:
    try:
        cpu = parse(speech.cpu, send(conn, speech.cpu))
    except ParseError:
        return None  # CPU unknown: the debug is conditional and short; go ahead
    assert isinstance(cpu, CpuUsage)
    load = max(cpu.five_seconds or 0, cpu.one_minute or 0)
    if load > limit:
        return f"CPU at {load}% (limit {limit}%): debug not started"
    return None


def _refusal(
    conn: Any, limit: int, stop: threading.Event | None, speech: DebugDialect
) -> str | None:
    if stop is not None and stop.is_set():
        return "interrupted (Ctrl-C) before the debug started: not started"
    return _cpu_refusal(conn, limit, speech)


# *Nov 18 11:11:58.193: ... / Nov 30 22:49:14.464: ... (``service timestamps ... msec``)
_STAMPED = re.compile(r"^\*?[A-Z][a-z]{2}\s+\d+\s+\d\d:\d\d:\d\d")


def _log_lines(conn: Any) -> list[str]:
    return send(conn, "show logging", read_timeout=60).splitlines()


def _new_lines(before: list[str], after: list[str]) -> list[str]:
    """Lines of ``after`` past the last buffer line ``before`` had (the buffer may wrap). The
    anchor is the last time-stamped line, and the lines ``before`` had under it are skipped:
    the lines printed under an IKEv2 packet (``Payload contents:`` ...) repeat word for word
    and would anchor on a later packet."""
    stamped = [i for i, ln in enumerate(before) if _STAMPED.match(ln)]
    at = (
        stamped[-1]
        if stamped
        else next((i for i in range(len(before) - 1, -1, -1) if before[i].strip()), None)
    )
    if at is not None and before[at] in after:
        idx = len(after) - 1 - after[::-1].index(before[at])
        return after[idx + 1 + (len(before) - 1 - at) :]
    known = set(before)
    return [ln for ln in after if ln not in known]


def cleanup(conn: Any, speech: DebugDialect = IOS) -> bool:
    """Turn every debug off and confirm it with ``show debugging`` (ASA: ``show debug``)."""
    for command in speech.cleanup:
        send(conn, command)
    return speech.is_clean(send(conn, speech.show))


def _session(task: Task) -> Any:
    conn = task.host.get_connection("netmiko", task.nornir.config)
    if not conn.check_enable_mode():
        conn.enable()
    return conn


def _waiter(
    conn: Any, wait: Callable[[float], None] | None, stop: threading.Event | None
) -> Callable[[float], object]:
    if wait is not None:
        return wait
    stopped = stop or threading.Event()  # Ctrl-C sets ``stop``: the wait ends at once

    def window(seconds: float) -> bool:
        """True when stopped; a session the device closed ends the window too, so the cleanup
        over a new session starts then, not when the window would have ended."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if stopped.wait(min(WATCH_S, left)):
                return True
            if is_closed(conn):
                raise SessionClosedError("the device closed the SSH session")
        return False

    return window


def capture_debug(
    task: Task,
    peer: str | Sequence[str],
    seconds: float = 30.0,
    trigger: str | None = None,
    kinds: Sequence[str] = ("isakmp", "ipsec"),
    cpu_limit: int = DEFAULT_CPU_LIMIT,
    read_timeout: float = 30.0,
    wait: Callable[[float], None] | None = None,
    stop: threading.Event | None = None,
    ledger: Ledger | None = None,
    run: str = "vpndiag",
    retry_delays: Sequence[float] = RETRY_DELAYS,
) -> Result:
    """Capture IKE/IPsec debug for ``peer`` (one address, or several: one condition each,
    one bounded wait for all) on one host (see the module docstring)."""
    peers = (peer,) if isinstance(peer, str) else tuple(peer)
    host, conn = task.host, _session(task)
    speech = dialect(host.platform)
    refused = _refusal(conn, cpu_limit, stop, speech)
    if refused is not None:  # nothing was turned on: clean by definition
        capture = DebugCapture(host.name, peers[0], (), (), refused, None, True, peers)
        return Result(host=host, result=capture, failed=False)
    before = _log_lines(conn)
    ledger = ledger or Ledger()
    entry = DebugEntry(host.name, peers, tuple(kinds), time.time(), seconds, Owner(run=run))
    ledger.record(entry)  # before the first debug command: a kill -9 from here on is seen
    lines: list[str] = []
    error: str | None = None
    try:
        lines, error = _debug_window(
            conn, entry, trigger, read_timeout, _waiter(conn, wait, stop), before, speech
        )
    except Exception as exc:  # recorded; Ctrl-C still propagates after the cleanup below
        error = f"{type(exc).__name__}: {exc}".strip()
    finally:
        clean, note = _cleanup_anyhow(task, conn, retry_delays)
        _settle(ledger, host.name, clean)
    capture = _captured(entry, lines, error, clean, note, speech)
    return Result(host=host, result=capture, failed=bool(error) or not clean)


def _debug_window(
    conn: Any,
    entry: DebugEntry,
    trigger: str | None,
    read_timeout: float,
    wait: Callable[[float], object],
    before: list[str],
    speech: DebugDialect = IOS,
) -> tuple[list[str], str | None]:
    """Debug on, the bounded wait, the new log lines; (lines, why it stopped early)."""
    for address in entry.conditions:
        send(conn, speech.condition(address))
        for command in speech.extra_conditions(entry.kinds, address):
            send(conn, command)
    for command in speech.kinds(entry.kinds):
        send(conn, command)
    if trigger:
        send(conn, trigger, read_timeout=read_timeout)
    if wait(entry.bound_s) is True:  # ``Event.wait`` returns True when stopped (Ctrl-C)
        return [], "interrupted (Ctrl-C): debug stopped early"
    return _new_lines(before, _log_lines(conn)), None


def _captured(
    entry: DebugEntry,
    lines: list[str],
    error: str | None,
    clean: bool,
    note: str,
    speech: DebugDialect = IOS,
) -> DebugCapture:
    on_for = round(time.time() - entry.started_wall, 1) if clean else None
    sent = speech.kinds(entry.kinds)
    return DebugCapture(
        entry.host,
        entry.conditions[0],
        tuple(lines),
        _events(lines),
        error=error,
        cleanup_verified=clean,
        peers=entry.conditions,
        kinds=tuple(c.removeprefix("debug crypto ").removeprefix("debug ") for c in sent),
        started=entry.started,
        seconds_on=on_for,
        cleanup_note=note,
        conditions=tuple(
            speech.condition(p).removeprefix("debug crypto condition ") for p in entry.conditions
        ),
    )


def _settle(ledger: Ledger, host: str, clean: bool) -> None:
    """Verified clean: the entry goes; otherwise it stays on disk for the next run."""
    if clean:
        ledger.close(DEBUG, host)
    else:
        ledger.release(DEBUG, host)


def _cleanup_anyhow(task: Task, conn: Any, delays: Sequence[float]) -> tuple[bool, str]:
    """Clean up on this session; if it is gone, on new ones, a bounded number of times."""
    try:
        return _verified(cleanup(conn, dialect(task.host.platform)))
    except Exception as exc:  # the session died: clean up over a new one
        _, lost = classify(exc)
    clean, note = cleanup_over_new_session(task, delays)
    return clean, f"session lost ({lost}); {note}"


def _verified(clean: bool) -> tuple[bool, str]:
    return clean, "" if clean else "show debugging still lists a debug after undebug all"


def cleanup_over_new_session(task: Task, delays: Sequence[float]) -> tuple[bool, str]:
    """Open a fresh session (retrying after each of ``delays``) and clean up there."""
    reason = ""
    for attempt, delay in enumerate((0.0, *delays), 1):
        with contextlib.suppress(Exception):
            task.host.close_connection("netmiko")
        time.sleep(delay)
        try:
            clean, note = _verified(cleanup(_session(task), dialect(task.host.platform)))
        except Exception as exc:  # refused, timed out, dropped again: try again
            _, reason = classify(exc)
            continue
        return clean, note or f"cleaned up over a new session (try {attempt})"
    tries = len(delays) + 1
    return False, f"cleanup impossible: {tries} new sessions failed, the last: {reason}"


def finish_open_debug(
    task: Task, ledger: Ledger | None = None, retry_delays: Sequence[float] = RETRY_DELAYS
) -> Result:
    """Finish the ledger entry an earlier run left for this host: clean up, verify, say so.

    The result is a ``DebugRecord``, or None when the host has no open entry.
    """
    ledger = ledger or Ledger()
    entry = ledger.get(DEBUG, task.host.name)
    if not isinstance(entry, DebugEntry):
        return Result(host=task.host, result=None)
    if ledger.owned_elsewhere(entry):
        note = f"in progress in {entry.owner.describe()}: left alone"
        record = _earlier(entry, False, note, DebugOrigin.OTHER_RUN, task.host.platform)
        return Result(host=task.host, result=record)
    clean, note = cleanup_over_new_session(task, retry_delays)
    if clean:
        ledger.close(DEBUG, task.host.name)
    left = f"left on by {entry.owner.describe()}"
    record = _earlier(entry, clean, f"{left}; {note}", DebugOrigin.EARLIER_RUN, task.host.platform)
    return Result(host=task.host, result=record, failed=not clean)


def _earlier(
    entry: DebugEntry, clean: bool, note: str, origin: DebugOrigin, platform: str | None = None
) -> DebugRecord:
    speech = dialect(platform)
    started = entry.started_wall
    return DebugRecord(
        host=entry.host,
        conditions=tuple(
            speech.condition(p).removeprefix("debug crypto condition ") for p in entry.conditions
        ),
        kinds=entry.kinds,
        started=utc_iso(started) if started else "",
        seconds=round(time.time() - started, 1) if clean and started else None,
        cleanup_verified=clean,
        origin=origin,
        note=note,
    )


def finish_open_debugs(
    nr: Nornir, ledger: Ledger, progress: Callable[[str, int], HostDone] | None = None
) -> list[DebugRecord]:
    """Clean up (and verify) the debug earlier runs left open on the hosts of ``nr``."""
    open_hosts = [h for h in ledger.hosts(DEBUG) if h in nr.inventory.hosts]
    if not open_hosts:
        return []
    done = progress("undebug", len(open_hosts)) if progress else None

    def work(task: Task) -> DebugRecord | None:
        record = finish_open_debug(task, ledger=ledger).result
        return record if isinstance(record, DebugRecord) else None

    values = run_on_hosts(only(nr, open_hosts), work, "finish open debug", done, ok=_cleaned)
    records = [
        _not_finished(v) if isinstance(v, HostFailure) else v for _, v in sorted(values.items())
    ]
    return [r for r in records if r is not None]


def _cleaned(record: DebugRecord | None) -> bool:
    return record is not None and record.cleanup_verified


def _not_finished(failure: HostFailure) -> DebugRecord:
    note = f"left on by an earlier run; cleanup failed: {failure.message}"
    return DebugRecord(failure.host, (), (), "", None, False, DebugOrigin.EARLIER_RUN, note)


def _events(lines: list[str]) -> tuple[Any, ...]:
    try:
        stream = parse("show logging", "\n".join(lines))
    except ParseError:
        return ()
    assert isinstance(stream, LogStream)
    return stream.events
