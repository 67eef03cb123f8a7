"""The run's debug account: finish what earlier runs left on, and report every debug.

Before anything else a run finishes the open debug ledger entries of the hosts it touches
(``finish_open_debugs``); after its own debug phase it lists each debug with its conditions,
duration and whether ``show debugging`` proved the cleanup (``debug_section``). A debug that
may still be running is a critical ``DEBUG_LEFT_ON`` finding, the host is reported partial,
and the run exits 2 (it is incomplete: the router is not as the run found it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from nornir_tasks.models.collection import HostCollection, HostStatus
from nornir_tasks.models.debug import DebugCapture, DebugRecord
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.tasks.debug import CLEANUP, finish_open_debugs

__all__ = ["LEFT_ON", "debug_section", "finish_open_debugs", "left_on_findings", "mark_left_on"]

LEFT_ON = "DEBUG_LEFT_ON"


def debug_section(
    finished: Sequence[DebugRecord], captures: Iterable[DebugCapture]
) -> tuple[DebugRecord, ...]:
    """Earlier runs' debugs finished now, then this run's, by host."""
    mine = [r for c in captures if (r := c.record()) is not None]
    return (*finished, *sorted(mine, key=lambda r: r.host))


def left_on_findings(records: Iterable[DebugRecord]) -> list[Finding]:
    """A critical finding per debug that may still be running on its router."""
    return [_left_on(r) for r in records if r.left_on]


def _left_on(record: DebugRecord) -> Finding:
    on = [f"debug crypto {k}" for k in record.kinds]
    on += [f"debug crypto condition {c}" for c in record.conditions]
    return Finding(
        code=LEFT_ON,
        severity=Severity.CRITICAL,
        host=record.host,
        peer=None,
        summary="debug may still be running: its cleanup could not be verified",
        cause=(
            f"{record.note or 'cleanup not verified'}. The ledger keeps the entry: the next "
            "vpndiag run on this router turns the debug off and verifies it"
        ),
        evidence=tuple(on) or ("debug crypto (conditions unknown)",),
        next_steps=(*CLEANUP, "show debugging"),
        step=Step.CONFIG,
        source=Source.STATE,
    )


def mark_left_on(
    collected: dict[str, HostCollection], records: Iterable[DebugRecord]
) -> dict[str, HostCollection]:
    """A reached host whose debug may still run is partial, not ok, with the reason."""
    out = dict(collected)
    for record in records:
        current = out.get(record.host)
        if record.left_on and current is not None and current.status is HostStatus.OK:
            error = f"debug cleanup not verified: {record.note}".rstrip(": ")
            out[record.host] = replace(current, status=HostStatus.PARTIAL, error=error)
    return out
