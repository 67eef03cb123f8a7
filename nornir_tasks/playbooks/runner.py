"""Run a playbook across the selected hosts: a pipeline of pure steps between device calls.

    plan -> finish earlier debugs -> wait_until -> collect -> follow-ups -> poll
         -> evidence -> findings -> debug (if escalated) -> evidence -> findings
         -> debug account -> SMTP -> report

Every device call goes through ``nornir_tasks.tasks`` (one executor, failures named); every
decision between them is a pure function of ``playbooks.steps``, ``playbooks.debug_targets``
or ``playbooks.reporting``. A host that cannot be reached is reported with its reason; every
other host is still run.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from nornir_tasks import __version__
from nornir_tasks.checks import FleetEvidence
from nornir_tasks.ledger import Ledger
from nornir_tasks.models.collection import HostCollection
from nornir_tasks.models.debug import DebugCapture
from nornir_tasks.models.findings import Finding
from nornir_tasks.models.report import CheckOutcome, CheckResult, RunReport
from nornir_tasks.models.smtp import TOOL_SOURCE, SmtpResult
from nornir_tasks.playbooks import steps
from nornir_tasks.playbooks.assertions import evaluate
from nornir_tasks.playbooks.collecting import collect_phases
from nornir_tasks.playbooks.debug_ledger import (
    debug_section,
    finish_open_debugs,
    left_on_findings,
    mark_left_on,
)
from nornir_tasks.playbooks.debug_targets import debug_kinds, debug_targets, peers_by_host
from nornir_tasks.playbooks.model import Playbook, SmtpSection, WaitUntil
from nornir_tasks.playbooks.reporting import (
    applies,
    assertion_results,
    extra_checks,
    host_report,
    tool_report,
)
from nornir_tasks.playbooks.steps import RunOptions, RunPlan, plan_run, reached
from nornir_tasks.tasks.debug import RETRY_DELAYS
from nornir_tasks.tasks.escalation import DebugWindow, debug_hosts
from nornir_tasks.tasks.hosts import Hosts, host_groups, host_names, narrow, only
from nornir_tasks.tasks.wait import Clock, Waited, wait_until

__all__ = ["PlaybookRun", "RunOptions", "run_playbook"]


@dataclass(frozen=True)
class PlaybookRun:
    """A finished run: the report, and the evidence it was built from."""

    report: RunReport
    fleet: FleetEvidence
    collections: tuple[HostCollection, ...]
    debug: tuple[DebugCapture, ...] = ()
    findings: tuple[Finding, ...] = field(default=())


def run_playbook(nr: Hosts, playbook: Playbook, options: RunOptions | None = None) -> PlaybookRun:
    """Run ``playbook`` on the hosts of ``nr`` (already filtered by the caller)."""
    opts = options or RunOptions()
    ledger = opts.ledger or Ledger()
    opts = replace(opts, ledger=ledger)
    started, clock_start = dt.datetime.now(dt.UTC), time.monotonic()
    plan = plan_run(playbook, opts)
    hosts = narrow(nr, playbook.hosts.names, playbook.hosts.groups, playbook.hosts.filter)
    # Debug an earlier run left on (killed, cut off) is finished first, and reported.
    finished = finish_open_debugs(hosts, ledger, opts.progress)
    waited = _wait(hosts, plan, opts)
    collected = _collect(hosts, plan, opts)
    fleet = steps.evidence(collected, plan)
    found = steps.findings(fleet, plan)
    captures = _debug(hosts, plan, opts, fleet, found)
    if captures:
        fleet = steps.evidence(collected, plan, captures)
        found = steps.findings(fleet, plan)
    debugged = debug_section(finished, captures)
    found += left_on_findings(debugged)
    collected = mark_left_on(collected, debugged)
    smtp_found, smtp_checks = _smtp(only(hosts, reached(collected)), plan, opts)
    found += smtp_found
    report = _report(plan, opts, hosts, collected, fleet, found, waited, smtp_checks)
    report = replace(report, debug=debugged)
    report = _timed(report, started, time.monotonic() - clock_start)
    ordered = tuple(collected[h] for h in sorted(collected))
    return PlaybookRun(report, fleet, ordered, tuple(captures), tuple(found))


# -- device steps -------------------------------------------------------------------------------


def _wait(hosts: Hosts, plan: RunPlan, opts: RunOptions) -> dict[str, list[CheckResult]]:
    """``wait_until``: each host's probes, polled until they pass or time runs out."""
    waits = plan.playbook.wait_until
    if not waits:
        return {}
    probes = {
        h: [w for w in waits if applies(w, h, host_groups(hosts, h))] for h in host_names(hosts)
    }
    done = opts.progress("wait", len(probes))
    values = wait_until(
        hosts,
        probes,
        lambda w, raw, data: evaluate(w, raw, steps.parsed(w.command, raw), data),
        lambda verdict: verdict[0] == "PASS",
        plan.read_timeout,
        Clock(opts.sleep, opts.clock),
        done,
    )
    return {h: _wait_results(h, finished, failure) for h, (finished, failure) in values.items()}


def _wait_results(
    host: str, finished: list[Waited[tuple[str, str]]], failure: object
) -> list[CheckResult]:
    results = []
    for w in finished:
        (outcome, message), probe = w.verdict, w.probe
        assert isinstance(probe, WaitUntil)
        if outcome == "PASS":
            message = f"{message} (after {w.waited_s:.0f} s, {w.tries} tries)"
        else:
            message = f"{message}; gave up after {w.waited_s:.0f} s"
        results.append(
            CheckResult(f"wait_until: {probe.name}", host, CheckOutcome(outcome), message)
        )
    if failure is not None:  # an unreachable host is reported by the collection step
        reason = getattr(failure, "reason", str(failure))
        results.append(CheckResult("wait_until", host, CheckOutcome.ERROR, reason))
    return results


def _collect(hosts: Hosts, plan: RunPlan, opts: RunOptions) -> dict[str, HostCollection]:
    """Collection (``collecting.collect_phases``, or the caller's sharded collector), the
    pause between the two polls on the run's clock, and the hosts back in selection order:
    the evidence, and so the order of findings, follows it."""

    def pause(reached: int) -> None:
        opts.sleep(plan.poll_interval)

    collector = opts.collector or collect_phases
    collected = collector(hosts, plan.reads, opts.progress, pause)
    return {h: collected[h] for h in host_names(hosts) if h in collected}


def _debug(
    hosts: Hosts, plan: RunPlan, opts: RunOptions, fleet: FleetEvidence, found: list[Finding]
) -> list[DebugCapture]:
    """Debug both ends of each unexplained tunnel: every host at once, each with one
    condition per peer, for one bounded wait."""
    if not plan.debug:
        return []
    explained = () if plan.debug_always else found
    pairs = debug_targets(fleet, explained, focus=plan.focus)
    peers = peers_by_host(pairs, host_names(hosts))
    if not peers:
        return []
    done = opts.progress("debug", len(peers))
    window = DebugWindow(
        plan.debug_seconds,
        plan.playbook.debug.cpu_limit,
        # The default clock sleeps on the stop event, so Ctrl-C ends the wait at once.
        wait=None if opts.sleep is time.sleep else opts.sleep,
        stop=opts.stop,
        ledger=opts.ledger,
        run=opts.title or "",
        retry_delays=RETRY_DELAYS if opts.reconnect_delays is None else opts.reconnect_delays,
    )
    values = debug_hosts(hosts, peers, window, done, debug_kinds(fleet, peers))
    return [v for v in values.values() if isinstance(v, DebugCapture)]


def _smtp(
    hosts: Hosts, plan: RunPlan, opts: RunOptions
) -> tuple[list[Finding], dict[str, list[CheckResult]]]:
    """SMTP tests from the tool host and/or the reached routers: findings, checks per source."""
    section = plan.playbook.smtp
    if section is None or opts.stopped:
        return [], {}
    # Imported by the playbooks that test SMTP: the dialogue's TLS and mail modules are
    # a tenth of a health run's imports (docs/performance.md).
    from nornir_tasks.playbooks import smtp_phase

    pairs: list[tuple[SmtpResult, list[Finding]]] = []
    if "tool" in section.sources:
        pairs += smtp_phase.from_tool(section)
    names = host_names(hosts)
    if "router" in section.sources and names:
        done = opts.progress("smtp", len(names))
        for host_pairs in smtp_phase.from_routers(hosts, section, done).values():
            pairs += host_pairs
    return _smtp_verdicts(pairs, section, plan)


def _smtp_verdicts(
    pairs: list[tuple[SmtpResult, list[Finding]]], section: SmtpSection, plan: RunPlan
) -> tuple[list[Finding], dict[str, list[CheckResult]]]:
    findings: list[Finding] = []
    checks: dict[str, list[CheckResult]] = {}
    for result, found in pairs:
        findings += found
        name = f"smtp {result.relay}:{result.port}"
        failing = [f for f in found if f.severity >= plan.fail_on]
        if failing:
            check = CheckResult(name, result.source, CheckOutcome.FAIL, failing[0].summary)
        else:
            said = "; ".join(f.summary for f in found) or "relay answered as expected"
            check = CheckResult(name, result.source, CheckOutcome.PASS, said)
        checks.setdefault(result.source, []).append(check)
    return findings, checks


# -- the report ---------------------------------------------------------------------------------


def _report(
    plan: RunPlan,
    opts: RunOptions,
    hosts: Hosts,
    collected: Mapping[str, HostCollection],
    fleet: FleetEvidence,
    found: list[Finding],
    waited: Mapping[str, list[CheckResult]],
    smtp_checks: dict[str, list[CheckResult]],
) -> RunReport:
    tool_checks = smtp_checks.pop(TOOL_SOURCE, None)
    rows = [tool_report(found, tool_checks, TOOL_SOURCE)] if tool_checks is not None else []
    by_host: dict[str, list[Finding]] = {}  # grouped once: a scan of all per host is quadratic
    for finding in found:
        by_host.setdefault(finding.host, []).append(finding)
    for name in sorted(collected):
        collection = collected[name]
        asserted = {name: assertion_results(plan.playbook, collection, host_groups(hosts, name))}
        extra = extra_checks(waited, asserted, smtp_checks).get(name, [])
        evidence, mine = fleet.host(name), by_host.get(name, [])
        rows.append(
            host_report(collection, evidence, mine, extra, plan.select, plan.fail_on, plan.focus)
        )
    return RunReport(
        title=opts.title or f"vpndiag {plan.playbook.name}",
        playbook=plan.playbook.name,
        started="",
        duration_s=0.0,
        tool_version=__version__,
        hosts=tuple(rows),
    )


def _timed(report: RunReport, started: dt.datetime, seconds: float) -> RunReport:
    return replace(
        report, started=started.isoformat(timespec="seconds"), duration_s=round(seconds, 3)
    )
