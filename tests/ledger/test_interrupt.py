"""The Ctrl-C handler: orderly while a debug runs, bounded, otherwise an ordinary interrupt."""

from __future__ import annotations

import io
import signal
import threading
import time
from pathlib import Path

import pytest
from rich.console import Console

from nornir_tasks.cli.interrupt import INTERRUPTED, OrderlyInterrupt
from nornir_tasks.ledger import DEBUG, DebugEntry, Ledger


def console() -> Console:
    return Console(file=io.StringIO(), width=200, color_system=None)


def said(err: Console) -> str:
    text = err.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(text, str)
    return text


def test_without_a_debug_ctrl_c_interrupts_as_usual() -> None:
    guard = OrderlyInterrupt(console())
    with pytest.raises(KeyboardInterrupt):
        guard.handle(signal.SIGINT, None)
    assert not guard.interrupted


def test_the_bound_passes_the_process_exits_and_the_ledger_keeps_the_entry(
    tmp_path: Path,
) -> None:
    book = Ledger(tmp_path)
    book.record(DebugEntry("HQ", ("203.0.113.30",), ("isakmp",), time.time(), 30))
    exited: list[tuple[int, list[str]]] = []
    done = threading.Event()

    def hard_exit(code: int) -> None:
        exited.append((code, book.hosts(DEBUG)))
        done.set()

    err = console()
    try:
        with OrderlyInterrupt(err, bound_s=0.5, hard_exit=hard_exit) as guard:
            guard.handle(signal.SIGINT, None)
            assert guard.stop.is_set() and guard.interrupted
            guard.handle(signal.SIGINT, None)  # the second: ignored, said so
            assert done.wait(5)
    finally:
        book.release(DEBUG, "HQ")
    assert exited == [(INTERRUPTED, ["HQ"])]
    text = said(err)
    assert "Interrupted: stopping the debug on HQ" in text and "(at most 0.5 s;" in text
    assert "cleanup still running on HQ: Ctrl-C ignored" in text
    assert "cleanup not verified within 0.5 s on HQ" in text
    assert "the next vpndiag run on these routers turns it off" in text


def test_a_cleanup_finished_in_time_does_not_exit(tmp_path: Path) -> None:
    book = Ledger(tmp_path)
    book.record(DebugEntry("BR07", ("198.51.100.2",), ("isakmp",), time.time(), 30))
    exited: list[int] = []
    with OrderlyInterrupt(console(), bound_s=0.3, hard_exit=exited.append) as guard:
        guard.handle(signal.SIGINT, None)
        book.close(DEBUG, "BR07")  # the workers verified the cleanup
        time.sleep(0.6)
    assert exited == [] and guard.interrupted
    with pytest.raises(KeyboardInterrupt):  # after the cleanup, Ctrl-C is Ctrl-C again
        guard.handle(signal.SIGINT, None)
