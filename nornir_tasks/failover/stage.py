"""Apply failover configuration on one router, written against a ``ConfigSession``:
readiness, backup, merge under a revert timer (recorded in the ledger first), post-checks, the
optional controlled failover test; then confirm or revert. ``push`` runs it batch by batch."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from nornir_tasks.failover.plan import HostPlan
from nornir_tasks.failover.revert import RETRY_DELAYS, record_commit, revert_now, settle
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
from nornir_tasks.ledger import Ledger
from nornir_tasks.models.config import RunningConfig
from nornir_tasks.parsers.isakmp import parse_isakmp_sa
from nornir_tasks.parsers.running_config import parse_running_config
from nornir_tasks.tasks.config_session import ConfigSession

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
class ApplyOptions:
    revert_in_s: int = 300
    test_failover: bool = False
    batch_size: int = 1
    poll_s: float = 5.0
    backup_dir: Path = Path("backups")
    min_free_bytes: int = 1_000_000
    ledger: Ledger = field(default_factory=Ledger)  # pending revert timers, per host
    retry_delays: tuple[float, ...] = RETRY_DELAYS  # reconnects for a revert after a cut


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
