"""The pure steps of a run, between its device calls: what to collect, what to read next,
the evidence, the findings. Each takes data and returns data."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from nornir_tasks.checks import FleetEvidence, diagnose, fleet_evidence, from_collection
from nornir_tasks.checks.asa import tracer_commands
from nornir_tasks.checks.tunnels import follow_up_routes
from nornir_tasks.checks.vti_mtu import mtu_probes
from nornir_tasks.ledger import Ledger
from nornir_tasks.models.collection import CommandOutput, HostCollection, HostStatus, OutputStatus
from nornir_tasks.models.config import RunningConfig
from nornir_tasks.models.debug import DebugCapture
from nornir_tasks.models.findings import Finding, Severity
from nornir_tasks.models.report import REACHED
from nornir_tasks.parsers import ParseError, UnknownCommandError, parse
from nornir_tasks.playbooks.features import commands_for
from nornir_tasks.playbooks.model import Playbook
from nornir_tasks.playbooks.readonly import refusal, require_read_only
from nornir_tasks.tasks.hosts import Hosts
from nornir_tasks.tasks.platforms import is_asa

POLLED = "show crypto ipsec sa"
DEBUG_COMMAND = "debug crypto isakmp"

HostDone = Callable[[str, bool], None]
PhaseStart = Callable[[str, int], HostDone]  # (phase, hosts) -> on_host_done(host, ok)
# Called with the number of reached hosts before the second poll; returns when it may start.
PollPause = Callable[[int], None]


@dataclass(frozen=True)
class CollectPlan:
    """What the collection reads: commands, the ones polled twice, timeouts, interval."""

    commands: tuple[str, ...]
    polled: tuple[str, ...] = ()
    read_timeout: float = 30.0
    poll_interval: float = 0.0
    when: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # ``collect.when``
    # Triage: an ASA end traces one simulated packet per tunnel to these peers (packet-tracer).
    trace_peers: tuple[str, ...] = ()


# How a run collects its hosts: in this process (``collecting.collect_phases``, the default)
# or sharded over processes (``nornir_tasks.scale``); host -> collection, in any order.
Collector = Callable[[Hosts, CollectPlan, PhaseStart, PollPause], dict[str, HostCollection]]


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
    # Waits before each new session that turns a debug off after its session died (None:
    # ``tasks.debug.RETRY_DELAYS``); the configuration file's ``debug.reconnect_delays``.
    reconnect_delays: tuple[float, ...] | None = None
    collector: Collector | None = None  # default: collected in this process

    @property
    def stopped(self) -> bool:
        return self.stop is not None and self.stop.is_set()


@dataclass(frozen=True)
class RunPlan:
    """A playbook with the command line's overrides applied: what this run will do."""

    playbook: Playbook
    commands: tuple[str, ...]  # the playbook's, and those its assertions read
    when: Mapping[str, tuple[str, ...]]  # feature -> commands (``collect.when``)
    polled: tuple[str, ...]  # read again after ``poll_interval`` (counter deltas)
    read_timeout: float
    poll_interval: float
    fail_on: Severity
    debug: bool  # escalate to a debug for unexplained tunnels
    debug_seconds: float
    focus: frozenset[str] | None
    debug_always: bool

    @property
    def select(self) -> tuple[str, ...]:
        return tuple(self.playbook.checks)

    @property
    def reads(self) -> CollectPlan:
        return CollectPlan(
            self.commands,
            self.polled,
            self.read_timeout,
            self.poll_interval,
            dict(self.when),
            tuple(sorted(self.focus or ())),
        )


def plan_run(playbook: Playbook, opts: RunOptions) -> RunPlan:
    require_read_only(playbook)  # whoever built it: nothing changing unless it says so
    asked = [*playbook.collect.commands, *(a.command for a in playbook.assertions)]
    commands = tuple(dict.fromkeys(asked))
    when = {name: tuple(c) for name, c in playbook.collect.when.items()}
    every = (*commands, *(c for cs in when.values() for c in cs))
    interval = playbook.collect.poll_interval if opts.poll_interval is None else opts.poll_interval
    escalate = playbook.debug.escalate if opts.escalate is None else opts.escalate
    return RunPlan(
        playbook=playbook,
        commands=commands,
        when=when,
        polled=tuple(dict.fromkeys(c for c in every if c.startswith(POLLED))),
        read_timeout=opts.read_timeout or playbook.collect.read_timeout,
        poll_interval=interval,
        fail_on=opts.fail_on or Severity(playbook.fail_on),
        debug=(escalate or opts.debug_always) and bool(playbook.checks),
        debug_seconds=opts.debug_seconds or playbook.debug.seconds,
        focus=opts.focus,
        debug_always=opts.debug_always,
    )


def _traces(
    platform: str | None, outputs: Sequence[CommandOutput], peers: tuple[str, ...]
) -> tuple[str, ...]:
    """An ASA in a triage: packet-tracer for its tunnels to the focused peers (from its
    configuration, read first on the same session)."""
    if not peers or not is_asa(platform):
        return ()
    config = next((o.parsed for o in outputs if isinstance(o.parsed, RunningConfig)), None)
    traces = tracer_commands(config, peers) if config is not None else ()
    return tuple(c for c in traces if refusal(c) is None)  # read-only, like every command


def feature_commands(
    plan: CollectPlan,
) -> Callable[[str | None, Sequence[CommandOutput]], Sequence[str]] | None:
    """What to read next on a router, from what its first outputs show it runs (None: the
    playbook has no ``collect.when``). An ASA's configuration is read into the same model, so
    its features are found the same way; the platform then names the ASA's commands."""
    if not plan.when and not plan.trace_peers:
        return None

    def more(platform: str | None, outputs: Sequence[CommandOutput]) -> Sequence[str]:
        wanted = commands_for(plan.when, outputs) if plan.when else ()
        return (*wanted, *_traces(platform, outputs, plan.trace_peers))

    return more


def polled_commands(
    collected: Mapping[str, HostCollection], plan: CollectPlan, hosts: Sequence[str]
) -> dict[str, tuple[str, ...]]:
    """Per host, the polled commands it read the first time (a conditional one may not be)."""
    out: dict[str, tuple[str, ...]] = {}
    for host in hosts:
        read = {o.command for o in collected[host].outputs}
        mine = tuple(c for c in plan.polled if c in read)
        if mine:
            out[host] = mine
    return out


def parsed(command: str, raw: str) -> Any:
    """The model of ``raw``, or None when no parser reads it or it cannot be read."""
    try:
        return parse(command, raw)
    except (UnknownCommandError, ParseError):
        return None


def reached(collected: Mapping[str, HostCollection]) -> list[str]:
    return [h for h, c in collected.items() if c.status in REACHED]


def follow_ups(collected: Mapping[str, HostCollection]) -> dict[str, tuple[str, ...]]:
    """Per reached host: route lookups for the tunnels its own outputs show unhealthy (see
    ``checks.tunnels.follow_up_routes``) and DF pings through its up tunnel interfaces without
    an MSS clamp (``checks.vti_mtu.mtu_probes``), less what was already read."""
    wanted: dict[str, tuple[str, ...]] = {}
    for host in reached(collected):
        collection = collected[host]
        asked = {o.command for o in collection.outputs}
        evidence = from_collection(collection)
        routes = follow_up_routes(evidence) + mtu_probes(evidence)
        mine = tuple(c for c in routes if c not in asked)
        if mine:
            wanted[host] = mine
    return wanted


def extended(first: HostCollection, more: HostCollection | None) -> HostCollection:
    """``first`` with the outputs of a follow-up read; a failed one names the failure."""
    if more is None:
        return first
    outputs = first.outputs + more.outputs
    if more.status not in REACHED:
        return replace(first, status=more.status, outputs=outputs, error=more.error)
    bad = any(o.status is not OutputStatus.OK for o in more.outputs)
    status = HostStatus.PARTIAL if bad else first.status
    return replace(first, status=status, outputs=outputs)


def polled(first: HostCollection, second: HostCollection | None) -> HostCollection:
    """The second poll's outputs after the first's (a command twice is two polls); a second
    poll that did not fully succeed is left out."""
    if second is None or second.status is not HostStatus.OK:
        return first
    return replace(first, outputs=first.outputs + second.outputs)


def evidence(
    collected: Mapping[str, HostCollection],
    plan: RunPlan,
    captures: Sequence[DebugCapture] = (),
) -> FleetEvidence:
    """The fleet's evidence: every host's outputs (and debug lines), parsed and keyed, with
    the playbook's limits."""
    interval_s = plan.poll_interval if plan.poll_interval > 0 else None
    lines = {c.host: (*c.typed_conditions(), *c.lines) for c in captures if c.lines}
    hosts = []
    for name in collected:
        collection = collected[name]
        if not collection.outputs:
            continue
        if name in lines:
            debug = CommandOutput(DEBUG_COMMAND, "\n".join(lines[name]), OutputStatus.OK)
            collection = replace(collection, outputs=(*collection.outputs, debug))
        hosts.append(from_collection(collection, interval_s=interval_s))
    return fleet_evidence(hosts, plan.playbook.thresholds.cpu_percent)


def findings(fleet: FleetEvidence, plan: RunPlan) -> list[Finding]:
    """The selected checks over the fleet (with the playbook's thresholds and the pointers
    to causes on the other end), kept to the focused peers in a triage."""
    found = diagnose(fleet, plan.select, second_pass=True) if plan.select else []
    if plan.focus is not None:
        found = [f for f in found if f.peer is None or f.peer in plan.focus]
    return found
