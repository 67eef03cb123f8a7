"""Ctrl-C while a debug runs on routers: stop it in order, visibly, within a bound.

The first Ctrl-C sets the run's ``stop`` event (each debug's wait ends, ``undebug all`` and
``no debug crypto condition all`` are sent and verified) and says so with the bound. Further
Ctrl-C are ignored while that cleanup runs. When the bound passes with a cleanup unfinished,
the process exits 130 at once (a hung session must not hold it); the ledger still holds the
entries, and the next run on those routers finishes them. Without a debug running, Ctrl-C
interrupts as usual.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType, TracebackType

from rich.console import Console

from nornir_tasks import ledger
from nornir_tasks.cli.exit_codes import INTERRUPTED as INTERRUPTED  # one code, re-exported

# Enough for two cleanup commands, ``show debugging`` and the reconnects after a dead session.
CLEANUP_BOUND_S = 45.0


def _hard_exit(code: int) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


class OrderlyInterrupt:
    """A SIGINT handler for the length of a run (installed from the main thread only)."""

    def __init__(
        self,
        err: Console,
        bound_s: float = CLEANUP_BOUND_S,
        hard_exit: Callable[[int], None] = _hard_exit,
    ) -> None:
        self.err = err
        self.bound_s = bound_s
        self.stop = threading.Event()
        self.interrupted = False  # an orderly cleanup was started: the run ends with 130
        self._hard_exit = hard_exit
        self._deadline: float | None = None
        self._watchdog: threading.Timer | None = None
        self._previous: object = None
        self._installed = False

    def __enter__(self) -> OrderlyInterrupt:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self.handle)
            self._installed = True
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)  # type: ignore[arg-type]

    def handle(self, signum: int, frame: FrameType | None) -> None:
        """The SIGINT handler (runs on the main thread between two bytecodes)."""
        self.stop.set()  # a debug not yet started will not start
        hosts = ledger.active(ledger.DEBUG)
        if self._deadline is not None and hosts:
            left = max(0.0, self._deadline - time.monotonic())
            self.err.print(
                f"cleanup still running on {', '.join(hosts)}: Ctrl-C ignored "
                f"(at most {left:.0f} s more)",
                highlight=False,
            )
            return
        if not hosts:
            raise KeyboardInterrupt
        self.interrupted = True
        self._deadline = time.monotonic() + self.bound_s
        self.err.print(
            f"[bold]Interrupted:[/] stopping the debug on {', '.join(hosts)}: undebug all, "
            f"no debug crypto condition all, verified with show debugging (at most "
            f"{self.bound_s:g} s; Ctrl-C is ignored meanwhile)",
            highlight=False,
        )
        self._watchdog = threading.Timer(self.bound_s, self._give_up)
        self._watchdog.daemon = True
        self._watchdog.start()

    def _give_up(self) -> None:
        hosts = ledger.active(ledger.DEBUG)
        if not hosts:
            return
        self.err.print(
            f"[bold red]cleanup not verified within {self.bound_s:g} s on "
            f"{', '.join(hosts)}[/]: debug may still be on. The ledger keeps the entries; "
            "the next vpndiag run on these routers turns it off and says so.",
            highlight=False,
        )
        self._hard_exit(INTERRUPTED)
