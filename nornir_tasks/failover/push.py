"""Plan and apply failover configuration with napalm, host by host, batch by batch.

The device I/O goes through ``tasks.config_session`` (napalm, through the executor): every
step is written against a ``ConfigSession``; rendering, lint and every judgement are the pure
modules beside this one. ``plan.py`` plans, ``stage.py`` applies on one router (readiness,
backup, merge with ``commit_config(revert_in=N)``, post-checks, optional controlled failover
test); this module runs the batches: a batch is confirmed only when every host of it passed,
otherwise the passed ones are reverted too, and later batches are skipped: no host is ever
left half-changed.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from nornir_tasks.failover.plan import HostPlan, plan_failover, running_configs
from nornir_tasks.failover.revert import finish_open_reverts, lost_message, revert_reconnecting
from nornir_tasks.failover.stage import (
    ApplyOptions,
    Outcome,
    Staged,
    Wait,
    confirm_failover,
    revert_failover,
    settle_budgets,
    stage_failover,
)
from nornir_tasks.ledger import REVERT, Ledger
from nornir_tasks.models.failure import HostFailure
from nornir_tasks.models.findings import Severity
from nornir_tasks.tasks.config_session import run_config_work
from nornir_tasks.tasks.hosts import Hosts, close, only

__all__ = [
    "ApplyOptions",
    "HostOutcome",
    "HostPlan",
    "Outcome",
    "apply_failover",
    "confirm_failover",
    "plan_failover",
    "revert_failover",
    "running_configs",
    "settle_budgets",
]


@dataclass(frozen=True)
class HostOutcome:
    host: str
    outcome: Outcome
    diff: str
    problems: tuple[str, ...] = ()  # why it was refused or rolled back
    steps: tuple[str, ...] = ()  # what was done, in order
    backup: Path | None = None


def _batches(names: Sequence[str], size: int) -> list[list[str]]:
    return [list(names[i : i + size]) for i in range(0, len(names), max(1, size))]


def _outcome(plan: HostPlan, value: Staged | HostFailure) -> HostOutcome:
    if isinstance(value, HostFailure):
        return HostOutcome(plan.host, Outcome.FAILED, plan.diff, (f"error: {value.message}",))
    outcome, stage = value
    return HostOutcome(
        plan.host, outcome, plan.diff, tuple(stage.problems), tuple(stage.steps), stage.backup
    )


def _confirm_batch(
    nr: Hosts, staged: dict[str, HostOutcome], ledger: Ledger
) -> dict[str, HostOutcome]:
    """Confirm every host of a batch that passed; a failed confirm is reported, loudly."""
    confirmed = run_config_work(nr, lambda h, s: confirm_failover(h, s, ledger), "confirm")
    out = dict(staged)
    for n, o in staged.items():
        if isinstance(f := confirmed.get(n), HostFailure):
            ledger.release(REVERT, n)  # the entry stays until a run sees nothing pending
            lost = lost_message(ledger, n, f"confirm failed: {f.message}")
            out[n] = replace(o, outcome=Outcome.FAILED, problems=(lost,))
    return out


def _revert_batch(
    nr: Hosts, staged: dict[str, HostOutcome], why: str, options: ApplyOptions
) -> dict[str, HostOutcome]:
    """Revert the hosts of a failed batch that may still be under the timer (passed or errored),
    over new sessions when the old ones died."""
    undo = [n for n, o in staged.items() if o.outcome in (Outcome.APPLIED, Outcome.FAILED)]
    dead = [n for n in undo if staged[n].outcome is Outcome.FAILED]  # errored: session lost
    reverted = revert_reconnecting(
        nr, undo, options.ledger, dead, options.retry_delays, work=revert_failover
    )
    return {n: _not_confirmed(o, why, reverted.get(n, [])) for n, o in staged.items()}


def _not_confirmed(o: HostOutcome, why: str, reverted: list[str] | str) -> HostOutcome:
    """A host of a failed batch; ``reverted``: the steps of its revert, or the loud message."""
    problems = (why,) if o.outcome is Outcome.APPLIED else o.problems
    if isinstance(reverted, str):
        return replace(
            o, outcome=Outcome.FAILED, steps=(*o.steps, why), problems=(*problems, reverted)
        )
    # A host that errored after its commit and was reverted over a new session is rolled back.
    undone = o.outcome is Outcome.APPLIED or (o.outcome is Outcome.FAILED and bool(reverted))
    outcome = Outcome.ROLLED_BACK if undone else o.outcome
    return replace(o, outcome=outcome, steps=(*o.steps, *reverted, why), problems=problems)


def _sorted_out(plans: Sequence[HostPlan]) -> tuple[dict[str, HostOutcome], list[HostPlan]]:
    """Plans lint blocked or with nothing to change (their outcome), and those to push."""
    out: dict[str, HostOutcome] = {}
    todo = []
    for p in plans:
        if p.blocked:
            critical = sorted({f.code for f in p.findings if f.severity is Severity.CRITICAL})
            out[p.host] = HostOutcome(
                p.host, Outcome.REFUSED, p.diff, (f"lint: {', '.join(critical)}",)
            )
        elif not p.diff:
            out[p.host] = HostOutcome(p.host, Outcome.UNCHANGED, p.diff)
        else:
            todo.append(p)
    return out, todo


def _stage(
    nr: Hosts, batch: list[str], plans: dict[str, HostPlan], options: ApplyOptions, wait: Wait
) -> dict[str, HostOutcome]:
    values = run_config_work(
        only(nr, batch), lambda h, s: stage_failover(s, plans[h], options, wait), "stage"
    )
    return {n: _outcome(plans[n], v) for n, v in values.items()}


def _settle(
    nr: Hosts, batch: list[str], staged: dict[str, HostOutcome], name: str, options: ApplyOptions
) -> str:
    """Confirm the batch if every host passed, else revert it; why later batches stop."""
    failed = [n for n in batch if staged[n].outcome is not Outcome.APPLIED]
    if failed:
        stopped = f"{name} failed: {', '.join(failed)}"
        staged.update(_revert_batch(nr, staged, stopped, options))
        return stopped
    staged.update(_confirm_batch(only(nr, batch), staged, options.ledger))
    lost = [n for n in batch if staged[n].outcome is not Outcome.APPLIED]
    return f"{name}: confirm failed on {', '.join(lost)}" if lost else ""


def apply_failover(
    nr: Hosts, plans: Sequence[HostPlan], options: ApplyOptions, wait: Wait = time.sleep
) -> list[HostOutcome]:
    """Push the plans batch by batch; a batch is confirmed only when all of it passed."""
    longest = settle_budgets_max(plans, options)
    if longest >= options.revert_in_s:
        why = f"--revert-in must be above {int(longest) + 60} s"
        return [HostOutcome(p.host, Outcome.REFUSED, p.diff, (why,)) for p in plans]
    out, todo = _sorted_out(plans)
    by_name = {p.host: p for p in todo}
    # A commit a dead run left pending on these routers is reverted first (nobody confirms it).
    earlier = finish_open_reverts(nr, [p.host for p in plans], options.ledger)
    batches = _batches([p.host for p in todo], options.batch_size)
    stopped = ""  # why the remaining batches are skipped
    for index, batch in enumerate(batches, 1):
        if stopped:
            out.update(
                {n: HostOutcome(n, Outcome.SKIPPED, by_name[n].diff, (stopped,)) for n in batch}
            )
            continue
        staged = _stage(nr, batch, by_name, options, wait)
        stopped = _settle(nr, batch, staged, f"batch {index} of {len(batches)}", options)
        out.update(staged)
    close(nr)
    return [_with_earlier(out[p.host], earlier.get(p.host)) for p in plans]


def _with_earlier(outcome: HostOutcome, said: str | None) -> HostOutcome:
    return outcome if said is None else replace(outcome, steps=(said, *outcome.steps))


def settle_budgets_max(plans: Sequence[HostPlan], options: ApplyOptions) -> float:
    """The longest a host can take before it is confirmed (must fit in the revert timer)."""
    longest = 0.0
    for p in plans:
        up, down = settle_budgets(p.spec)
        longest = max(longest, up + (down + up if options.test_failover else 0))
    return longest
