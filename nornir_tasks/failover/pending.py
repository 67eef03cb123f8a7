"""What to say about a change left live under IOS's revert timer (pure).

``configure terminal revert timer N`` (napalm's ``commit_config(revert_in=...)``) makes IOS
restore the configuration it had before the change when N minutes pass without
``configure confirm``. When vpndiag loses the router after the commit and cannot get back in
to revert, the change stays live until then: the engineer must hear which router, which
timer, when it fires and what it does.
"""

from __future__ import annotations

import datetime as dt

from nornir_tasks.ledger import RevertEntry


def _clock(wall: float) -> str:
    return dt.datetime.fromtimestamp(wall, dt.UTC).strftime("%H:%M:%S UTC")


def still_pending(entry: RevertEntry, why: str) -> str:
    """The loud message for a change vpndiag could neither confirm nor revert."""
    return (
        f"{entry.host}: the change is LIVE and unconfirmed ({why}). It is under a "
        f"{entry.revert_in_s} s revert timer committed at {_clock(entry.committed_wall)}: "
        f"when it fires, at {_clock(entry.due_wall)}, IOS rolls the change back by itself "
        "(the configuration before the change is restored). Before then, on the router: "
        "'configure confirm' keeps it, 'configure revert now' undoes it now; "
        "'show archive config rollback timer' shows the time left."
    )


def finished_by_router(entry: RevertEntry, now: float) -> str:
    """A later run found no pending commit for an entry an earlier run left open."""
    when = "was due" if now >= entry.due_wall else "was to fire"
    return (
        f"{entry.host}: no change pending any more from {entry.owner.describe()}: its "
        f"{entry.revert_in_s} s revert timer {when} at {_clock(entry.due_wall)}; IOS rolled "
        "the change back by itself when it fired, unless it was confirmed or reverted by hand"
    )


def left_pending(entry: RevertEntry) -> str:
    """For any later run on the router: a commit vpndiag made and never saw finished."""
    return (
        f"{entry.host}: {entry.owner.describe()} committed a change at "
        f"{_clock(entry.committed_wall)} under a {entry.revert_in_s} s revert timer and never "
        f"saw it confirmed or reverted: IOS rolls it back by itself at {_clock(entry.due_wall)} "
        f"if it is still pending. 'vpndiag failover apply --hosts {entry.host}' finishes it."
    )
