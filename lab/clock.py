"""A simulated clock: real time plus an offset tests can advance, with due-time callbacks."""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# Lab routers boot at this wall-clock time; the displayed clock runs from it.
EPOCH = 1_795_000_000.0  # 2026-11-17
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


@dataclass(order=True)
class Timer:
    due: float
    seq: int
    callback: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)


class SimClock:
    """Monotonic seconds since lab start; ``advance`` jumps ahead and fires due timers."""

    def __init__(self, speed: float = 1.0) -> None:
        self._start = time.monotonic()
        self._offset = 0.0
        self._speed = speed
        self._timers: list[Timer] = []
        self._seq = itertools.count()
        self._lock = threading.RLock()

    def now(self) -> float:
        return (time.monotonic() - self._start) * self._speed + self._offset

    def wall(self) -> float:
        """Seconds since the Unix epoch as the routers see them."""
        return EPOCH + self.now()

    def call_at(self, due: float, callback: Callable[[], None]) -> Timer:
        with self._lock:
            timer = Timer(due, next(self._seq), callback)
            heapq.heappush(self._timers, timer)
            return timer

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        return self.call_at(self.now() + delay, callback)

    def advance(self, seconds: float) -> None:
        """Jump ``seconds`` ahead, firing every timer that falls due on the way, in order."""
        with self._lock:
            target = self.now() + seconds
            while self._timers and self._timers[0].due <= target:
                timer = heapq.heappop(self._timers)
                if timer.cancelled:
                    continue
                self._offset += max(0.0, timer.due - self.now())
                timer.callback()
            self._offset += max(0.0, target - self.now())

    def run_due(self) -> None:
        """Fire timers that real time has made due (called by the server's ticker)."""
        self.advance(0.0)
