"""Plan failover configuration: render against each router, lint with its peers, read the
device diff (napalm, through ``tasks.config_session``); nothing on the router changes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from nornir_tasks.failover.candidate import merged_config
from nornir_tasks.failover.lint import lint, lint_target
from nornir_tasks.failover.render import render_failover_config
from nornir_tasks.failover.spec import FailoverSpec
from nornir_tasks.models.failure import HostFailure
from nornir_tasks.models.findings import Finding, Severity
from nornir_tasks.parsers._secrets import mask_secrets
from nornir_tasks.parsers.running_config import parse_running_config
from nornir_tasks.tasks.config_session import run_config_work
from nornir_tasks.tasks.hosts import Hosts, close, only


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
            failed[name] = f"cannot read the running config: {value.message}"
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
            failed[p.host] = f"compare_config failed: {diff.message}"
        else:
            out.append(replace(p, diff=diff or ""))
    close(nr)
    return out, failed
