"""The garbage collector's thresholds for the length of a fleet run.

A run allocates millions of short-lived objects (SSH packets, output lines, parsed records)
while the fleet's collections, evidence and report, which live to its end, pile up. With
CPython's defaults (700, 10, 10) a 1,000-router health run made about 920 young, 84 middle
and 7 full collections, each full one scanning everything the run holds: 1.2 s of CPU, 8-10 %
of the client's (docs/performance.md). Young collections 28 times rarer make all of them
rarer; objects are still freed by reference counting as soon as they are unused, and cycles
(a closed SSH transport and its channel) are still collected, a little later.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

FLEET_THRESHOLDS = (20_000, 10, 10)


@contextmanager
def fleet_gc() -> Iterator[None]:
    """``FLEET_THRESHOLDS`` inside, the previous thresholds after."""
    before = gc.get_threshold()
    gc.set_threshold(*FLEET_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
