"""Plan and apply failover configuration with napalm, host by host, batch by batch.

The device I/O goes through ``tasks.config_session`` (napalm, through the executor): every
step here is written against a ``ConfigSession``; rendering, lint and every judgement are the
pure modules beside this one. Apply per host: readiness, backup,
merge with ``commit_config(revert_in=N)``, post-checks, optional controlled failover test; the
batch is confirmed only when every host of it passed, otherwise the passed ones are reverted
too, and later batches are skipped: no host is ever left half-changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from nornir_tasks.failover.candidate import merged_config
from nornir_tasks.failover.lint import lint, lint_target
from nornir_tasks.failover.render import render_failover_config
from nornir_tasks.failover.revert import (
    RETRY_DELAYS,
    finish_open_reverts,
    lost_message,
    record_commit,
    revert_now,
    revert_reconnecting,
    settle,
)
from nornir_tasks.failover.spec import FailoverSpec
from nornir_tasks.failover.verify import (
    ISAKMP,
    FailoverObservation,
    backup_problems,
    free_bytes,
    observe,
    primary_problems,
    privilege_level,
    readiness_problems,
    state_commands,
)
from nornir_tasks.ledger import REVERT, Ledger
from nornir_tasks.models.config import RunningConfig
from nornir_tasks.models.failure import HostFailure
from nornir_tasks.models.findings import Finding, Severity
from nornir_tasks.parsers._secrets import mask_secrets
from nornir_tasks.parsers.isakmp import parse_isakmp_sa
from nornir_tasks.parsers.running_config import parse_running_config
from nornir_tasks.tasks.config_session import ConfigSession, run_config_work
from nornir_tasks.tasks.hosts import Hosts, close, only

Wait = Callable[[float], None]


class Outcome(StrEnum):
    PLANNED = "planned"
    UNCHANGED = "unchanged"
    APPLIED = "applied"
    ROLLED_BACK = "rolled back"
    REFUSED = "refused"  # lint or readiness: nothing was pushed
    SKIPPED = "skipped"  # an earlier batch failed
    FAILED = "failed"


@dataclass(frozen=True)
class HostPlan:
    """One host: its spec, running config, the change to merge, lint and the device diff."""

    host: str
    spec: FailoverSpec
    running: str
    change: str
    findings: tuple[Finding, ...]
    diff: str = ""  # napalm compare_config, secrets masked

    @property
    def blocked(self) -> bool:
        return any(f.severity is Severity.CRITICAL for f in self.findings)


@dataclass(frozen=True)
class HostOutcome:
    host: str
    outcome: Outcome
    diff: str
    problems: tuple[str, ...] = ()  # why it was refused or rolled back
    steps: tuple[str, ...] = ()  # what was done, in order
    backup: Path | None = None


@dataclass(frozen=True)
class ApplyOptions:
    revert_in_s: int = 300
    test_failover: bool = False
    batch_size: int = 1
    poll_s: float = 5.0
    backup_dir: Path = Path("backups")
    min_free_bytes: int = 1_000_000
    ledger: Ledger = field(default_factory=Ledger)  # pending revert timers, per host
    retry_delays: tuple[float, ...] = RETRY_DELAYS  # reconnects for a revert after a cut


# -- plan ----------------------------------------------------------------------------------------


def _why(failure: HostFailure) -> str:
    return failure.message


def running_configs(nr: Hosts) -> dict[str, str | HostFailure]:
    """The running configuration of every host, through napalm (or why it could not be read)."""
    return run_config_work(nr, lambda host, session: session.running(), "running config")


def build_plan(
    host: str,
    spec: FailoverSpec,
    running: str,
    peers: Mapping[str, str],
    template_dir: Path | None = None,
) -> HostPlan:
    """Render against the device and lint the merge result with the peers' configs (pure)."""
    before = parse_running_config(running)
    change = render_failover_config(spec, before, template_dir)
    target = lint_target(host, merged_config(running, change), change, before, spec)
    others = [lint_target(name, text) for name, text in peers.items() if name != host]
    return HostPlan(host, spec, running, change, tuple(lint(target, others)))


def plan_failover(
    nr: Hosts,
    specs: Mapping[str, FailoverSpec],
    peers: Mapping[str, str] = {},
    template_dir: Path | None = None,
) -> tuple[list[HostPlan], dict[str, str]]:
    """Plans for the hosts of ``nr`` and the hosts that failed (name -> why)."""
    failed: dict[str, str] = {}
    configs: dict[str, str] = {}
    for name, value in running_configs(nr).items():
        if isinstance(value, HostFailure):
            failed[name] = f"cannot read the running config: {_why(value)}"
        else:
            configs[name] = value
    known = {**peers, **configs}
    plans = [
        build_plan(name, specs[name], text, known, template_dir)
        for name, text in sorted(configs.items())
    ]
    changes = {p.host: p.change for p in plans}
    diffs = (
        run_config_work(
            only(nr, list(changes)),
            lambda host, session: mask_secrets(session.diff(changes[host])),
            "diff",
        )
        if plans
        else {}
    )
    out = []
    for p in plans:
        diff = diffs.get(p.host)
        if isinstance(diff, HostFailure):
            failed[p.host] = f"compare_config failed: {_why(diff)}"
        else:
            out.append(replace(p, diff=diff or ""))
    close(nr)
    return out, failed


# -- apply: one host --------------------------------------------------------------------------------


def _poll(check: Callable[[], list[str]], wait: Wait, budget: float, step: float) -> list[str]:
    """Check until no problem is left or ``budget`` seconds of waiting are used up."""
    waited = 0.0
    while True:
        problems = check()
        if not problems or waited >= budget:
            return problems
        wait(step)
        waited += step


def _own_addresses(config: RunningConfig) -> frozenset[str]:
    return frozenset(i.ip_address for i in config.interfaces.values() if i.ip_address)


def _observe(
    session: ConfigSession, spec: FailoverSpec, own: frozenset[str]
) -> FailoverObservation | str:
    outputs = {command: session.send(command) for command in state_commands(spec)}
    try:
        return observe(spec, outputs, own)
    except ValueError as exc:
        return f"cannot read the failover state: {exc}"


def _tunnels(session: ConfigSession, own: frozenset[str]) -> frozenset[str]:
    peers = set()
    for sa in parse_isakmp_sa(session.send(ISAKMP)).sas:
        if sa.state_text == "QM_IDLE" and not sa.deleted and sa.dst and sa.src:
            peers.add(sa.src if sa.dst in own else sa.dst)
    return frozenset(peers)


def settle_budgets(spec: FailoverSpec) -> tuple[float, float]:
    """Seconds to wait for (ISP1 healthy, failed over): track delays, probe runs, IKE."""
    frequency = max(p.frequency_s for p in spec.probes)
    up = spec.track.delay_up_s + 3 * frequency + 15
    down = spec.track.delay_down_s + 3 * frequency + 90  # IKE gives up on ISP1, restarts on ISP2
    return up, down


@dataclass
class _Stage:
    """A host's apply in progress (mutable while the task runs)."""

    steps: list[str]
    problems: list[str]
    backup: Path | None = None


def _ready(session: ConfigSession, config: RunningConfig, options: ApplyOptions) -> list[str]:
    level = privilege_level(session.send("show privilege"), session.prompt())
    free = free_bytes(session.send(f"dir {session.file_system()}"))
    return [
        f"{p.what}. Add:\n" + "\n".join(p.lines_to_add)
        for p in readiness_problems(config, level, free, options.min_free_bytes)
    ]


def _backup(host: str, running: str, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{host}-{time.strftime('%Y%m%d-%H%M%S')}.cfg"
    path.write_text(running)
    path.chmod(0o600)  # it holds the device's secrets
    return path


def _test_failover(
    session: ConfigSession,
    spec: FailoverSpec,
    own: frozenset[str],
    before: frozenset[str],
    config: RunningConfig,
    wait: Wait,
    options: ApplyOptions,
    stage: _Stage,
) -> list[str]:
    """Shut ISP1 under the revert timer, expect ISP2, bring ISP1 back, expect ISP1."""
    up_s, down_s = settle_budgets(spec)
    itf = config.interfaces.get(spec.backup.interface)
    backup_address = itf.ip_address if itf else None
    session.configure([f"interface {spec.primary.interface}", "shutdown"])
    stage.steps.append(f"test: shut {spec.primary.interface}")
    try:
        problems = _poll(
            lambda: _judge(
                session, spec, own, lambda o: backup_problems(spec, o, before, backup_address)
            ),
            wait,
            down_s,
            options.poll_s,
        )
        stage.steps.append("test: failed over to ISP2" if not problems else "test: no failover")
    finally:
        session.configure([f"interface {spec.primary.interface}", "no shutdown"])
        stage.steps.append(f"test: {spec.primary.interface} back up")
    if problems:
        return [f"failover test: {p}" for p in problems]
    back = _poll(
        lambda: _judge(session, spec, own, lambda o: primary_problems(spec, o, before)),
        wait,
        up_s,
        options.poll_s,
    )
    stage.steps.append("test: failed back to ISP1" if not back else "test: no failback")
    return [f"failback: {p}" for p in back]


def _judge(
    session: ConfigSession,
    spec: FailoverSpec,
    own: frozenset[str],
    rule: Callable[[FailoverObservation], list[str]],
) -> list[str]:
    seen = _observe(session, spec, own)
    return [seen] if isinstance(seen, str) else rule(seen)


Staged = tuple[Outcome, _Stage]


def stage_failover(
    session: ConfigSession, plan: HostPlan, options: ApplyOptions, wait: Wait
) -> Staged:
    """Readiness, backup, merge under a revert timer, post-checks, optional test. Not confirmed."""
    stage = _Stage([], [])
    running = session.running()
    session.keep_file_prompt(running)
    config = parse_running_config(running)
    stage.problems = _ready(session, config, options)
    if stage.problems:
        return Outcome.REFUSED, stage
    stage.backup = _backup(plan.host, running, options.backup_dir)
    stage.steps.append(f"backup: {stage.backup}")
    own = _own_addresses(config)
    before = _tunnels(session, own)
    session.load(plan.change)
    record_commit(options.ledger, plan.host, options.revert_in_s, running)  # a cut is known now
    try:
        session.commit(options.revert_in_s)
    except Exception as exc:  # the device refused the change: nothing to keep
        stage.problems.append(f"commit failed: {exc}")
        stage.steps += revert_now(options.ledger, plan.host, session)
        return Outcome.ROLLED_BACK, stage
    stage.steps.append(f"merged with a {options.revert_in_s} s revert timer")
    stage.problems = _post_checks(session, plan, options, wait, own, before, config, stage)
    if stage.problems:
        stage.steps += revert_now(options.ledger, plan.host, session)
        return Outcome.ROLLED_BACK, stage
    return Outcome.APPLIED, stage


def _post_checks(
    session: ConfigSession,
    plan: HostPlan,
    options: ApplyOptions,
    wait: Wait,
    own: frozenset[str],
    before: frozenset[str],
    config: RunningConfig,
    stage: _Stage,
) -> list[str]:
    """ISP1 healthy with the change in; then, if asked, the controlled failover test."""
    up_s, _ = settle_budgets(plan.spec)
    problems = _poll(
        lambda: _judge(session, plan.spec, own, lambda o: primary_problems(plan.spec, o, before)),
        wait,
        up_s,
        options.poll_s,
    )
    if problems:
        return problems
    stage.steps.append("post-checks passed")
    if not options.test_failover:
        return []
    return _test_failover(session, plan.spec, own, before, config, wait, options, stage)


def confirm_failover(host: str, session: ConfigSession, ledger: Ledger) -> str:
    session.confirm()
    if not settle(ledger, host, session):
        raise RuntimeError("a commit is still pending after configure confirm")
    return "confirmed"


def revert_failover(host: str, session: ConfigSession, ledger: Ledger) -> list[str]:
    """``configure revert now`` when a commit is pending; proves none is left."""
    return revert_now(ledger, host, session)


# -- apply: the fleet ---------------------------------------------------------------------------


def _batches(names: Sequence[str], size: int) -> list[list[str]]:
    return [list(names[i : i + size]) for i in range(0, len(names), max(1, size))]


def _outcome(plan: HostPlan, value: Staged | HostFailure) -> HostOutcome:
    if isinstance(value, HostFailure):
        return HostOutcome(plan.host, Outcome.FAILED, plan.diff, (f"error: {_why(value)}",))
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
            lost = lost_message(ledger, n, f"confirm failed: {_why(f)}")
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


def apply_failover(
    nr: Hosts, plans: Sequence[HostPlan], options: ApplyOptions, wait: Wait = time.sleep
) -> list[HostOutcome]:
    """Push the plans batch by batch; a batch is confirmed only when all of it passed."""
    if settle_budgets_max(plans, options) >= options.revert_in_s:
        need = int(settle_budgets_max(plans, options)) + 60
        return [
            HostOutcome(p.host, Outcome.REFUSED, p.diff, (f"--revert-in must be above {need} s",))
            for p in plans
        ]
    out: dict[str, HostOutcome] = {}
    todo = []
    for p in plans:
        if p.blocked:
            codes = ", ".join(
                sorted({f.code for f in p.findings if f.severity is Severity.CRITICAL})
            )
            out[p.host] = HostOutcome(p.host, Outcome.REFUSED, p.diff, (f"lint: {codes}",))
        elif not p.diff:
            out[p.host] = HostOutcome(p.host, Outcome.UNCHANGED, p.diff)
        else:
            todo.append(p)
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
        chosen = only(nr, batch)
        values = run_config_work(
            chosen, lambda h, s: stage_failover(s, by_name[h], options, wait), "stage"
        )
        staged = {n: _outcome(by_name[n], v) for n, v in values.items()}
        failed = [n for n in batch if staged[n].outcome is not Outcome.APPLIED]
        if failed:
            stopped = f"batch {index} of {len(batches)} failed: {', '.join(failed)}"
            staged = _revert_batch(nr, staged, stopped, options)
        else:
            staged = _confirm_batch(chosen, staged, options.ledger)
            lost = [n for n in batch if staged[n].outcome is not Outcome.APPLIED]
            if lost:
                stopped = f"batch {index} of {len(batches)}: confirm failed on {', '.join(lost)}"
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
