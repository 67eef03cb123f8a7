"""The revert ledger of ``failover apply``: a commit under a revert timer is recorded before
it is made and forgotten only when the router shows no pending commit (confirmed or
reverted). After a lost connection the revert is retried over new sessions a bounded number
of times; when that fails, the message names the router, the timer and what IOS does when it
fires. A later ``failover apply`` reverts what a dead run left pending (nobody will confirm it
any more) and says so.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence

from nornir_tasks.failover.pending import finished_by_router, still_pending
from nornir_tasks.ledger import REVERT, Ledger, Owner, RevertEntry
from nornir_tasks.models.failure import HostFailure
from nornir_tasks.tasks.config_session import ConfigSession, drop_sessions, run_config_work
from nornir_tasks.tasks.hosts import Hosts, only

# Waits before each new session for a revert after the connection was lost, seconds.
RETRY_DELAYS = (1.0, 2.0, 4.0)
WHAT = "failover configuration (napalm merge)"


def record_commit(ledger: Ledger, host: str, revert_in_s: int, running: str) -> None:
    """Before ``commit_config(revert_in=...)``: a kill or a cut from here on is known.

    ``running``: the configuration before the change; napalm adds ``file prompt quiet`` for
    its copies, so a router without it gets it removed again after any revert.
    """
    had_quiet = re.search(r"^file prompt quiet$", running, re.M) is not None
    after = () if had_quiet else ("no file prompt quiet",)
    ledger.record(RevertEntry(host, revert_in_s, time.time(), WHAT, Owner(), after))


def settle(ledger: Ledger, host: str, session: ConfigSession) -> bool:
    """True (and the entry forgotten) when the router has no pending commit any more."""
    if session.pending():
        return False
    ledger.close(REVERT, host)
    return True


def revert_now(ledger: Ledger, host: str, session: ConfigSession) -> list[str]:
    """``configure revert now`` if a commit is pending, then prove nothing is pending."""
    steps = []
    entry = ledger.get(REVERT, host)
    if session.pending():
        session.revert()  # back to the configuration before the commit
        steps.append("reverted (configure revert now)")
        _restore(session, entry)
    if not settle(ledger, host, session):
        raise RuntimeError("a commit is still pending after configure revert now")
    return steps


def _restore(session: ConfigSession, entry: object) -> None:
    """A revert over a new session (or IOS's own) keeps napalm's additions: undo them."""
    if isinstance(entry, RevertEntry) and entry.after_revert:
        session.restore(entry.after_revert)


def revert_now_by_host(host: str, session: ConfigSession, ledger: Ledger) -> list[str]:
    return revert_now(ledger, host, session)


def lost_message(ledger: Ledger, host: str, why: str) -> str:
    """The loud line for a change left live (the ledger's entry gives the timer)."""
    entry = ledger.get(REVERT, host)
    if not isinstance(entry, RevertEntry) or not entry.revert_in_s:
        return f"{host}: {why}; a change may be live under IOS's revert timer"
    return still_pending(entry, why)


def revert_reconnecting(
    hosts: Hosts,
    names: Sequence[str],
    ledger: Ledger,
    dead: Sequence[str] = (),
    delays: Sequence[float] = RETRY_DELAYS,
    work: Callable[[str, ConfigSession, Ledger], list[str]] | None = None,
) -> dict[str, list[str] | str]:
    """Revert ``names`` (``dead``: their session failed: start on a new one), retrying over new
    sessions after each of ``delays``; host -> the revert's steps, or the loud message."""
    revert = work or revert_now_by_host
    todo = [n for n in names if ledger.get(REVERT, n) is not None]  # else nothing committed
    out: dict[str, list[str] | str] = {n: [] for n in names if n not in todo}
    fresh, last = set(dead) & set(todo), dict[str, HostFailure]()
    for attempt, delay in enumerate((0.0, *delays), 1):
        if not todo:
            break
        time.sleep(delay)
        drop_sessions(only(hosts, sorted(fresh)))  # dead sessions: start over
        got = run_config_work(only(hosts, todo), lambda h, s: revert(h, s, ledger), "revert")
        for name, value in got.items():
            if not isinstance(value, HostFailure):
                out[name] = [f"reconnected (try {attempt})", *value] if name in fresh else value
        last = {n: v for n, v in got.items() if isinstance(v, HostFailure)}
        todo, fresh = list(last), set(last)
    for name in todo:
        why = f"{len(delays) + 1} reverts failed, the last over a new session: {last[name].message}"
        out[name] = lost_message(ledger, name, why)
        ledger.release(REVERT, name)
    return out


def finish_open_reverts(hosts: Hosts, names: Sequence[str], ledger: Ledger) -> Mapping[str, str]:
    """Commits earlier runs left pending on ``names`` (their run is gone): revert, say so."""
    open_ = []
    for name in names:
        entry = ledger.get(REVERT, name)
        if isinstance(entry, RevertEntry) and not ledger.owned_elsewhere(entry):
            open_.append(entry)
    if not open_:
        return {}
    got = run_config_work(
        only(hosts, [e.host for e in open_]), lambda h, s: revert_now(ledger, h, s), "revert"
    )
    now = time.time()
    said: dict[str, str] = {}
    tidy: dict[str, RevertEntry] = {}
    for entry in open_:
        value = got.get(entry.host)
        if isinstance(value, HostFailure) or value is None:
            why = value.message if value is not None else "not reached"
            said[entry.host] = lost_message(ledger, entry.host, f"left by an earlier run; {why}")
        elif value:
            said[entry.host] = (
                f"{entry.host}: reverted the change {entry.owner.describe()} left pending"
            )
        else:
            said[entry.host] = finished_by_router(entry, now)
            tidy[entry.host] = entry
    if tidy:  # IOS's own revert restored napalm's "file prompt quiet" with the rest
        run_config_work(only(hosts, list(tidy)), lambda h, s: _restore(s, tidy[h]), "restore")
    return said
