"""Run a playbook across a Nornir inventory: wait, collect, poll, diagnose, assert, report.

The phases, each across all selected hosts in parallel:

1. ``wait_until``: poll a command per host until its test passes or ``max_time`` runs out.
2. collect: the playbook's commands (and those its assertions read) on one session per host,
   plus route lookups for the tunnels that are not healthy.
3. poll: after ``poll_interval`` seconds, ``show crypto ipsec sa`` again on the reached
   hosts, so counters are read as deltas.
4. diagnose: the selected checks over the whole fleet's evidence (both ends together).
5. debug (``debug.escalate``): for tunnels still down or negotiating that no finding
   explains, a bounded conditional debug on both ends, then diagnose again.
6. assertions, then the ``RunReport``.

A host that cannot be reached is reported with its reason; every other host is still run.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from nornir.core import Nornir
from nornir.core.filter import F
from nornir.core.task import Result, Task

from nornir_tasks import __version__
from nornir_tasks.checks import (
    FleetEvidence,
    Output,
    diagnose,
    fleet_evidence,
    from_collection,
    host_evidence,
    registered_checks,
)
from nornir_tasks.checks.evidence import HostEvidence
from nornir_tasks.checks.other_end import explained_at_peer
from nornir_tasks.checks.thresholds import threshold_findings
from nornir_tasks.checks.tunnels import TunnelState, tunnels
from nornir_tasks.ledger import Ledger
from nornir_tasks.models.collection import CommandOutput, HostCollection, HostStatus, OutputStatus
from nornir_tasks.models.debug import DebugCapture
from nornir_tasks.models.findings import Finding, Severity
from nornir_tasks.models.report import CheckOutcome, CheckResult, HostReport, RunReport
from nornir_tasks.models.report import check_results as code_results
from nornir_tasks.models.smtp import TOOL_SOURCE, SmtpResult
from nornir_tasks.parsers import ParseError, UnknownCommandError, parse
from nornir_tasks.playbooks import smtp_phase
from nornir_tasks.playbooks.assertions import evaluate
from nornir_tasks.playbooks.debug_ledger import (
    debug_section,
    finish_open_debugs,
    left_on_findings,
    mark_left_on,
)
from nornir_tasks.playbooks.model import Assertion, Playbook, SmtpSection, WaitUntil
from nornir_tasks.tasks.collect import collect_crypto_state, collection_of
from nornir_tasks.tasks.debug import capture_debug
from nornir_tasks.tasks.session import classify, send

HostDone = Callable[[str, bool], None]
PhaseStart = Callable[[str, int], HostDone]  # (phase, hosts) -> on_host_done(host, ok)
POLLED = "show crypto ipsec sa"


def _no_progress(phase: str, total: int) -> HostDone:
    return lambda host, ok: None


@dataclass(frozen=True)
class RunOptions:
    """What the command line overrides, and the clock (tests and the demo advance the lab's)."""

    read_timeout: float | None = None
    poll_interval: float | None = None
    fail_on: Severity | None = None
    escalate: bool | None = None
    debug_seconds: float | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic  # what ``sleep`` advances
    progress: PhaseStart = _no_progress
    title: str | None = None
    # Triage: only these peers' tunnels are reported and debugged (host-wide findings stay).
    focus: frozenset[str] | None = None
    debug_always: bool = False  # debug the tunnels not up even when a finding explains them
    stop: threading.Event | None = None  # set (Ctrl-C): the debug wait ends, cleanup starts
    ledger: Ledger | None = None  # default: the user's (``$VPNDIAG_STATE_DIR``)


@dataclass(frozen=True)
class PlaybookRun:
    """A finished run: the report, and the evidence it was built from."""

    report: RunReport
    fleet: FleetEvidence
    collections: tuple[HostCollection, ...]
    debug: tuple[DebugCapture, ...] = ()
    findings: tuple[Finding, ...] = field(default=())


def _applies(item: Assertion, host: str, groups: Sequence[str]) -> bool:
    if item.hosts and host not in item.hosts:
        return False
    return not item.groups or bool(set(item.groups) & set(groups))


def _run_tasks(
    nr: Nornir, phase: str, progress: PhaseStart, task: Callable[..., Result], **kwargs: Any
) -> dict[str, Any]:
    """Run ``task`` on every host of ``nr``; host -> its result (or the exception's reason)."""
    done = progress(phase, len(nr.inventory.hosts))

    def wrapped(t: Task) -> Result:
        try:
            result = task(t, **kwargs)
        except BaseException:
            done(t.host.name, False)  # the bar counts it failed; Nornir keeps the exception
            raise
        done(t.host.name, not result.failed)
        return result

    results = nr.run(task=wrapped, name=phase)
    out: dict[str, Any] = {}
    for name, multi in results.items():
        value = multi[0].result if len(multi) else None
        if value is None and len(multi) and multi[0].exception is not None:
            value = multi[0].exception
        out[name] = value
    return out


# -- phase 1: wait_until ----------------------------------------------------------------------


def _parsed(command: str, raw: str) -> Any:
    try:
        return parse(command, raw)
    except (UnknownCommandError, ParseError):
        return None


def wait_task(
    task: Task,
    waits: Sequence[WaitUntil],
    read_timeout: float,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
) -> Result:
    """Poll each ``wait_until`` test until it passes or its ``max_time`` runs out."""
    host = task.host
    results: list[CheckResult] = []
    try:
        conn = host.get_connection("netmiko", task.nornir.config)
        if not conn.check_enable_mode():
            conn.enable()
        for wait in waits:
            if not _applies(wait, host.name, [g.name for g in host.groups]):
                continue
            started = clock()
            tries = 0
            while True:
                tries += 1
                raw = send(conn, wait.command, read_timeout)
                outcome, message = evaluate(wait, raw, _parsed(wait.command, raw), host.data)
                waited = clock() - started
                if outcome == "PASS" or waited + wait.interval > wait.max_time:
                    break
                sleep(wait.interval)
            note = f"after {waited:.0f} s, {tries} tries" if outcome == "PASS" else ""
            msg = f"{message} ({note})" if note else f"{message}; gave up after {waited:.0f} s"
            results.append(
                CheckResult(f"wait_until: {wait.name}", host.name, CheckOutcome(outcome), msg)
            )
    except Exception as exc:  # an unreachable host is reported by the collection phase
        _, reason = classify(exc)
        results.append(CheckResult("wait_until", host.name, CheckOutcome.ERROR, reason))
    return Result(host=host, result=tuple(results), failed=False)


# -- phases 2 and 3: collect and poll ---------------------------------------------------------


def _commands(playbook: Playbook) -> list[str]:
    asked = list(playbook.collect.commands)
    asked += [a.command for a in playbook.assertions]
    return list(dict.fromkeys(asked))


def _merge(first: HostCollection, second: Any) -> HostCollection:
    """The second poll's outputs after the first's (a command twice is two polls)."""
    if not isinstance(second, HostCollection) or second.status is not HostStatus.OK:
        return first
    return replace(first, outputs=first.outputs + second.outputs)


def _polled(commands: Sequence[str]) -> list[str]:
    return [c for c in commands if c.startswith(POLLED)]


# -- phase 5: debug escalation ----------------------------------------------------------------


def _unexplained(fleet: FleetEvidence, findings: Sequence[Finding]) -> list[tuple[str, str]]:
    """(host, peer) of tunnels not up that no warning or critical finding explains; those
    negotiating first (a debug shows why), then those down."""
    explained = {(f.host, f.peer) for f in findings if f.severity >= Severity.WARNING}
    out: list[tuple[int, str, str]] = []
    for host in fleet.hosts:
        for tunnel in tunnels(host):
            if tunnel.state is TunnelState.UP or (host.host, tunnel.peer) in explained:
                continue
            owner = fleet.owner_of(tunnel.peer)
            if owner is not None and (owner.host, _address_of(owner, host)) in explained:
                continue
            rank = 0 if tunnel.state is TunnelState.NEGOTIATING else 1
            out.append((rank, host.host, tunnel.peer))
    return [(h, p) for _, h, p in sorted(out, key=lambda t: t[0])]


def _address_of(owner: HostEvidence, other: HostEvidence) -> str | None:
    """The address ``owner`` knows ``other`` by: the one ``other`` sources IKE from toward
    ``owner`` (a dual-ISP branch after failover talks from its backup address), else the
    one in ``owner``'s phase-1 rows, else a configured peer."""
    used = next((r.local for r in other.ike if r.peer in owner.addresses and r.local), None)
    seen = next((r.peer for r in owner.ike if r.peer in other.addresses), None)
    configured = next((t.peer for t in tunnels(owner) if t.peer in other.addresses), None)
    return used or seen or configured


def debug_targets(
    fleet: FleetEvidence,
    findings: Sequence[Finding],
    limit: int = 8,
    focus: frozenset[str] | None = None,
) -> list[tuple[str, str]]:
    """(host, peer) pairs to debug: both ends of each unexplained tunnel (only the focused
    peers' in a triage), bounded."""
    pairs: list[tuple[str, str]] = []
    for host_name, peer in _unexplained(fleet, findings):
        pairs.append((host_name, peer))
        owner = fleet.owner_of(peer)
        me = fleet.host(host_name)
        if owner is not None and me is not None:
            back = _address_of(owner, me)
            if back is not None:
                pairs.append((owner.host, back))
    if focus is not None:
        pairs = [p for p in pairs if p[1] in focus]
    return list(dict.fromkeys(pairs))[:limit]


def _debug_one(task: Task, peers: dict[str, list[str]], opts: RunOptions, **kwargs: Any) -> Result:
    # The default clock sleeps on the stop event, so Ctrl-C ends the wait at once.
    wait = None if opts.sleep is time.sleep else opts.sleep
    mine = peers[task.host.name]
    return capture_debug(
        task, mine, wait=wait, stop=opts.stop, ledger=opts.ledger, run=opts.title or "", **kwargs
    )


# -- the report -------------------------------------------------------------------------------


def _tunnel_counts(
    evidence: HostEvidence | None, focus: frozenset[str] | None = None
) -> tuple[int, int, int]:
    # Up means phase 1 *and* IPsec SAs: a playbook that did not read the IPsec table (the
    # failover check, the config audit) knows the configured peers, not whether they are up.
    if evidence is None or not evidence.has(POLLED + "*"):
        return 0, 0, 0
    found = [t for t in tunnels(evidence) if focus is None or t.peer in focus]
    up = sum(1 for t in found if t.state is TunnelState.UP)
    negotiating = sum(1 for t in found if t.state is TunnelState.NEGOTIATING)
    return up, negotiating, len(found)


def _codes(
    select: Sequence[str], evidence: HostEvidence | None
) -> tuple[list[str], dict[str, str]]:
    """Codes run on the host, and those skipped with the reason (outputs they need missing)."""
    ran: list[str] = []
    skipped: dict[str, str] = {}
    for chk in registered_checks():
        if not any(fnmatch.fnmatchcase(chk.code, p) for p in select):
            continue
        ran.append(chk.code)
        if evidence is not None and not chk.applies_to(evidence):
            skipped[chk.code] = "the outputs it reads were not collected"
    return list(dict.fromkeys(ran)), skipped


def _assertions(
    playbook: Playbook, collection: HostCollection, groups: Sequence[str]
) -> list[CheckResult]:
    results = []
    for item in playbook.assertions:
        if not _applies(item, collection.host, groups):
            continue
        output: CommandOutput | None = collection.output(item.command)
        if collection.status not in (HostStatus.OK, HostStatus.PARTIAL):
            outcome, message = "ERROR", f"host not reached: {collection.error}"
        else:
            raw = output.raw if output is not None and output.status is OutputStatus.OK else None
            parsed = output.parsed if output is not None else None
            outcome, message = evaluate(item, raw, parsed, collection.data)
        results.append(CheckResult(item.name, collection.host, CheckOutcome(outcome), message))
    return results


def host_report(
    collection: HostCollection,
    evidence: HostEvidence | None,
    findings: Sequence[Finding],
    checks: Sequence[CheckResult],
    select: Sequence[str],
    fail_on: Severity,
    focus: frozenset[str] | None = None,
) -> HostReport:
    mine = tuple(f for f in findings if f.host == collection.host)
    up, negotiating, total = _tunnel_counts(evidence, focus)
    ran, skipped = _codes(select, evidence)
    if collection.status in (HostStatus.OK, HostStatus.PARTIAL):
        results = code_results(collection.host, ran, mine, fail_on, skipped)
    else:
        reason = f"not run: {collection.status}: {collection.error or ''}".rstrip(": ")
        results = tuple(CheckResult(c, collection.host, CheckOutcome.ERROR, reason) for c in ran)
    error = collection.error
    if collection.status is HostStatus.PARTIAL and not error:
        ok = (OutputStatus.OK, OutputStatus.SKIPPED)
        bad = [o for o in collection.outputs if o.status not in ok]
        error = "; ".join(f"{o.command}: {o.status}" for o in bad)
    return HostReport(
        host=collection.host,
        status=collection.status,
        error=error,
        tunnels_up=up,
        tunnels_total=total,
        findings=mine,
        checks=results + tuple(checks),
        tunnels_negotiating=negotiating,
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def run_playbook(nr: Nornir, playbook: Playbook, options: RunOptions | None = None) -> PlaybookRun:
    """Run ``playbook`` on the hosts of ``nr`` (already filtered by the caller)."""
    opts = options or RunOptions()
    started = _now()
    clock_start = time.monotonic()
    selected = _select(nr, playbook)
    opts = replace(opts, ledger=opts.ledger or Ledger())
    assert opts.ledger is not None
    # Debug an earlier run left on (killed, cut off) is finished first, and reported.
    finished = finish_open_debugs(selected, opts.ledger, opts.progress)
    read_timeout = opts.read_timeout or playbook.collect.read_timeout
    fail_on = opts.fail_on or Severity(playbook.fail_on)

    waited: dict[str, tuple[CheckResult, ...]] = {}
    if playbook.wait_until:
        values = _run_tasks(
            selected,
            "wait",
            opts.progress,
            wait_task,
            waits=playbook.wait_until,
            read_timeout=read_timeout,
            sleep=opts.sleep,
            clock=opts.clock,
        )
        waited = {h: v for h, v in values.items() if isinstance(v, tuple)}

    commands = _commands(playbook)
    values = _run_tasks(
        selected,
        "collect",
        opts.progress,
        collect_crypto_state,
        commands=commands,
        read_timeout=read_timeout,
        follow_up=bool(commands),
    )
    collected = {h: collection_of(h, v) for h, v in values.items()}

    interval = playbook.collect.poll_interval if opts.poll_interval is None else opts.poll_interval
    polled = _polled(commands)
    reached = _reached(collected)
    if interval > 0 and polled and reached:
        opts.sleep(interval)
        second = _run_tasks(
            selected.filter(F(name__any=reached)),
            "poll",
            opts.progress,
            collect_crypto_state,
            commands=polled,
            read_timeout=read_timeout,
        )
        collected = {h: _merge(c, second.get(h)) for h, c in collected.items()}

    evidence = {
        h: from_collection(c, interval_s=interval if interval > 0 else None)
        for h, c in collected.items()
        if c.outputs
    }
    select = playbook.checks
    fleet = fleet_evidence(list(evidence.values()))
    findings = diagnose(fleet, select) if select else []

    if opts.focus is not None:
        findings = [f for f in findings if f.peer is None or f.peer in opts.focus]
    captures: list[DebugCapture] = []
    escalate = playbook.debug.escalate if opts.escalate is None else opts.escalate
    if (escalate or opts.debug_always) and select:
        captures = _escalate(selected, playbook, opts, fleet, findings)
        if captures:
            evidence = _with_debug(evidence, captures)
            fleet = fleet_evidence(list(evidence.values()))
            findings = diagnose(fleet, select)
            if opts.focus is not None:
                findings = [f for f in findings if f.peer is None or f.peer in opts.focus]

    findings += threshold_findings(fleet, playbook.thresholds.cpu_percent)
    debugged = debug_section(finished, captures)
    findings += left_on_findings(debugged)
    collected = mark_left_on(collected, debugged)
    if select:
        findings = [*findings, *explained_at_peer(fleet, findings)]
    smtp_checks: dict[str, list[CheckResult]] = {}
    tool_report: HostReport | None = None
    if playbook.smtp is not None and not (opts.stop and opts.stop.is_set()):
        reached_nr = selected.filter(F(name__any=_reached(collected)))
        smtp_found, smtp_checks = _smtp(reached_nr, playbook.smtp, opts, fail_on)
        findings = [*findings, *smtp_found]
        tool_checks = smtp_checks.pop(TOOL_SOURCE, None)
        if tool_checks is not None:
            tool_report = HostReport(
                host=TOOL_SOURCE,
                status=HostStatus.OK,
                error=None,
                tunnels_up=0,
                tunnels_total=0,
                findings=tuple(f for f in smtp_found if f.host == TOOL_SOURCE),
                checks=tuple(tool_checks),
            )

    hosts = [tool_report] if tool_report is not None else []
    for name in sorted(collected):
        collection = collected[name]
        groups = [g.name for g in selected.inventory.hosts[name].groups]
        extra = list(waited.get(name, ())) + _assertions(playbook, collection, groups)
        extra += smtp_checks.get(name, [])
        hosts.append(
            host_report(collection, fleet.host(name), findings, extra, select, fail_on, opts.focus)
        )
    report = RunReport(
        title=opts.title or f"vpndiag {playbook.name}",
        playbook=playbook.name,
        started=started.isoformat(timespec="seconds"),
        duration_s=round(time.monotonic() - clock_start, 3),
        tool_version=__version__,
        hosts=tuple(hosts),
        debug=debugged,
    )
    return PlaybookRun(
        report,
        fleet,
        tuple(collected[h] for h in sorted(collected)),
        tuple(captures),
        tuple(findings),
    )


def _reached(collected: dict[str, HostCollection]) -> list[str]:
    return [h for h, c in collected.items() if c.status in (HostStatus.OK, HostStatus.PARTIAL)]


def _smtp_check(result: SmtpResult, found: Sequence[Finding], fail_on: Severity) -> CheckResult:
    name = f"smtp {result.relay}:{result.port}"
    failing = [f for f in found if f.severity >= fail_on]
    if failing:
        return CheckResult(name, result.source, CheckOutcome.FAIL, failing[0].summary)
    said = "; ".join(f.summary for f in found) or "relay answered as expected"
    return CheckResult(name, result.source, CheckOutcome.PASS, said)


def _smtp(
    nr: Nornir, section: SmtpSection, opts: RunOptions, fail_on: Severity
) -> tuple[list[Finding], dict[str, list[CheckResult]]]:
    """SMTP tests from the tool host and/or the reached routers: findings, checks per source."""
    pairs: list[tuple[SmtpResult, list[Finding]]] = []
    if "tool" in section.sources:
        pairs += smtp_phase.from_tool(section)
    if "router" in section.sources and nr.inventory.hosts:
        done = opts.progress("smtp", len(nr.inventory.hosts))
        for host_pairs in smtp_phase.from_routers(nr, section, done).values():
            pairs += host_pairs
    findings: list[Finding] = []
    checks: dict[str, list[CheckResult]] = {}
    for result, found in pairs:
        findings += found
        checks.setdefault(result.source, []).append(_smtp_check(result, found, fail_on))
    return findings, checks


def _select(nr: Nornir, playbook: Playbook) -> Nornir:
    """The playbook's own host selection, within what the command line selected."""
    sel = playbook.hosts
    if sel.names:
        nr = nr.filter(F(name__any=sel.names))
    if sel.groups:
        nr = nr.filter(F(groups__any=sel.groups))
    for key, value in sel.filter.items():
        nr = nr.filter(F(**{key.replace(".", "__"): value}))
    return nr


def _escalate(
    nr: Nornir,
    playbook: Playbook,
    opts: RunOptions,
    fleet: FleetEvidence,
    findings: Sequence[Finding],
) -> list[DebugCapture]:
    """Debug both ends of each unexplained tunnel: every host at once, each with one
    condition per peer, for one bounded wait."""
    targets = debug_targets(fleet, () if opts.debug_always else findings, focus=opts.focus)
    seconds = opts.debug_seconds or playbook.debug.seconds
    peers: dict[str, list[str]] = {}
    for host_name, peer in targets:
        if host_name in nr.inventory.hosts:
            peers.setdefault(host_name, []).append(peer)
    if not peers:
        return []
    values = _run_tasks(
        nr.filter(F(name__any=list(peers))),
        "debug",
        opts.progress,
        _debug_one,
        peers=peers,
        opts=opts,
        seconds=seconds,
        cpu_limit=playbook.debug.cpu_limit,
    )
    return [v for v in values.values() if isinstance(v, DebugCapture)]


def _with_debug(
    evidence: dict[str, HostEvidence], captures: Sequence[DebugCapture]
) -> dict[str, HostEvidence]:
    out = dict(evidence)
    for capture in captures:
        current = out.get(capture.host)
        if current is None or not capture.lines:
            continue
        outputs = [Output(c, current.raw.get(c, ""), m) for c, m in current.outputs.items()]
        outputs.append(Output("debug crypto isakmp", "\n".join(capture.lines)))
        previous = [
            Output(c, (current.previous_raw or {}).get(c, ""), m)
            for c, m in (current.previous or {}).items()
        ]
        out[capture.host] = host_evidence(capture.host, outputs, previous, current.interval_s)
    return out
