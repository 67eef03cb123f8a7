"""The report of one run: per host the collection outcome, tunnel counts, findings and checks.

Every renderer (terminal, JSON, JUnit, Markdown, HTML) takes a ``RunReport``; none computes
its own verdicts, so all formats agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from nornir_tasks.models.collection import HostStatus
from nornir_tasks.models.debug import DebugRecord
from nornir_tasks.models.findings import Finding, Severity, finding_order
from nornir_tasks.models.tunnel_status import TunnelKind
from nornir_tasks.models.tunnel_status import TunnelStatus as TunnelStatus  # its old home

# Reached hosts; every other status means nothing (or not enough) was collected.
REACHED = frozenset({HostStatus.OK, HostStatus.PARTIAL})
# Most severe first: the order of every finding list and count in every report.
SEVERITY_ORDER = tuple(sorted(Severity, reverse=True))


def at_or_above(severity: Severity, threshold: Severity) -> bool:
    """``severity`` is as severe as ``threshold`` or more (``--fail-on``)."""
    return severity >= threshold


def sorted_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Most severe first, then by host, peer and code: the same order in every format."""
    return tuple(sorted(findings, key=finding_order))


class CheckOutcome(StrEnum):
    """A check's result, as nornir_salt's TestsProcessor names them (plus SKIP)."""

    PASS = "PASS"
    FAIL = "FAIL"
    ERROR = "ERROR"  # the check could not run: host unreachable, output missing
    SKIP = "SKIP"  # not applicable to this host (no IKEv2 on it, no failover configured)


@dataclass(frozen=True)
class CheckResult:
    """One check (a finding code or a playbook assertion) run on one host."""

    name: str
    host: str
    outcome: CheckOutcome
    message: str = ""


@dataclass(frozen=True)
class TunnelPoint:
    """The state of one tunnel (host, peer) at one time: a point of a history chart."""

    host: str
    peer: str
    state: TunnelStatus
    at: str  # ISO 8601, UTC
    kind: TunnelKind | None = None  # what the tunnel is (None: recorded before kinds were)
    interface: str | None = None  # its tunnel interface (VTI, DMVPN)


@dataclass(frozen=True)
class TunnelDetail:
    """One tunnel of a host as this run read it: its state by the one "tunnel up" rule, its
    phases, and its packet counters (None: not read); the metrics export reads these."""

    peer: str
    state: TunnelStatus
    phase1_up: bool
    ipsec_sas: int  # flows with IPsec SAs towards the peer (phase 2 up when > 0)
    encaps: int | None = None  # lifetime totals summed over the peer's flows
    decaps: int | None = None
    encaps_delta: int | None = None  # between the run's two polls; None with one poll
    decaps_delta: int | None = None


@dataclass(frozen=True)
class TunnelCounts:
    """Tunnels of one host by state: a bar of the fleet chart."""

    host: str
    up: int
    negotiating: int
    down: int

    @property
    def total(self) -> int:
        return self.up + self.negotiating + self.down


@dataclass(frozen=True)
class TunnelFindings:
    """The findings of one tunnel (host, peer), most severe first; peer None: host-wide."""

    host: str
    peer: str | None
    findings: tuple[Finding, ...]

    @property
    def worst(self) -> Finding:
        return self.findings[0]

    def is_problem(self, threshold: Severity = Severity.WARNING) -> bool:
        return at_or_above(self.worst.severity, threshold)


@dataclass(frozen=True)
class HostReport:
    """One host: how collection went, its tunnels, its findings and its checks."""

    host: str
    status: HostStatus
    error: str | None
    tunnels_up: int
    tunnels_total: int
    findings: tuple[Finding, ...] = ()
    checks: tuple[CheckResult, ...] = ()
    tunnels_negotiating: int = 0  # neither up nor down: IKE in progress (MM_*, DOWN-NEGOTIATING)
    tunnels: tuple[TunnelDetail, ...] = ()  # each tunnel counted above, in the same order

    def __post_init__(self) -> None:
        if min(self.tunnels_up, self.tunnels_negotiating) < 0 or (
            self.tunnels_up + self.tunnels_negotiating > self.tunnels_total
        ):
            raise ValueError(
                f"{self.host}: tunnels up {self.tunnels_up} + negotiating "
                f"{self.tunnels_negotiating} exceed total {self.tunnels_total}"
            )

    @property
    def reached(self) -> bool:
        return self.status in REACHED

    @property
    def tunnels_down(self) -> int:
        return self.tunnels_total - self.tunnels_up - self.tunnels_negotiating

    def worst_severity(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)

    def worst_finding(self) -> Finding | None:
        ordered = sorted_findings(self.findings)
        return ordered[0] if ordered else None

    def failed_checks(self) -> tuple[CheckResult, ...]:
        bad = (CheckOutcome.FAIL, CheckOutcome.ERROR)
        return tuple(c for c in self.checks if c.outcome in bad)

    def unexplained_checks(self) -> tuple[CheckResult, ...]:
        """Failed checks no finding of the same code explains: playbook assertions, mostly."""
        if not self.reached:
            return ()
        codes = {f.code for f in self.findings}
        return tuple(c for c in self.failed_checks() if c.name not in codes)

    def is_problem(self, threshold: Severity = Severity.WARNING) -> bool:
        """Not reached, a tunnel not up, a finding at or above ``threshold``, a failed check."""
        return (
            not self.reached
            or self.tunnels_up < self.tunnels_total
            or any(at_or_above(f.severity, threshold) for f in self.findings)
            or bool(self.failed_checks())
        )


@dataclass(frozen=True)
class RunReport:
    """A whole run: what ran, when, for how long, and every host's report."""

    title: str
    playbook: str | None
    started: str  # ISO 8601, UTC
    duration_s: float
    tool_version: str
    hosts: tuple[HostReport, ...]
    history: tuple[TunnelPoint, ...] = ()
    debug: tuple[DebugRecord, ...] = ()  # every debug this run started or finished

    def debug_left_on(self) -> tuple[DebugRecord, ...]:
        """Debugs whose cleanup was not verified: the run is incomplete (exit 2)."""
        return tuple(d for d in self.debug if d.left_on)

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding of every host, most severe first."""
        return sorted_findings(f for h in self.hosts for f in h.findings)

    @property
    def checks(self) -> tuple[CheckResult, ...]:
        return tuple(c for h in self.hosts for c in h.checks)

    def worst_severity(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)

    def severity_counts(self) -> dict[Severity, int]:
        """Findings per severity, every severity present (zero included), most severe first."""
        counts = dict.fromkeys(SEVERITY_ORDER, 0)
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    def outcome_counts(self) -> dict[CheckOutcome, int]:
        counts = dict.fromkeys(CheckOutcome, 0)
        for check in self.checks:
            counts[check.outcome] += 1
        return counts

    def failed_hosts(self) -> tuple[HostReport, ...]:
        """Hosts not reached: unreachable, refused login, timed out or failed."""
        return tuple(h for h in self.hosts if not h.reached)

    def problem_hosts(self, threshold: Severity = Severity.WARNING) -> tuple[HostReport, ...]:
        return tuple(h for h in self.hosts if h.is_problem(threshold))

    def unexplained_checks(self) -> tuple[CheckResult, ...]:
        return tuple(c for h in self.hosts for c in h.unexplained_checks())

    def findings_at_or_above(self, threshold: Severity) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if at_or_above(f.severity, threshold))

    def tunnel_findings(self) -> tuple[TunnelFindings, ...]:
        """Findings grouped by tunnel, the tunnel with the most severe finding first."""
        groups: dict[tuple[str, str | None], list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault((finding.host, finding.peer), []).append(finding)
        return tuple(TunnelFindings(h, p, tuple(fs)) for (h, p), fs in groups.items())

    def problem_tunnels(self, threshold: Severity = Severity.WARNING) -> tuple[TunnelFindings, ...]:
        """Tunnels with a finding at or above ``threshold``: one report section each."""
        return tuple(t for t in self.tunnel_findings() if t.is_problem(threshold))

    def notes(self, threshold: Severity = Severity.WARNING) -> tuple[Finding, ...]:
        """Findings of the tunnels that are not a problem (below ``threshold``)."""
        return tuple(
            f for t in self.tunnel_findings() if not t.is_problem(threshold) for f in t.findings
        )

    def tunnel_states(self) -> tuple[TunnelCounts, ...]:
        """Per host: tunnels up, negotiating and down (the fleet chart's bars)."""
        return tuple(
            TunnelCounts(h.host, h.tunnels_up, h.tunnels_negotiating, h.tunnels_down)
            for h in self.hosts
        )

    @property
    def tunnels_up(self) -> int:
        return sum(h.tunnels_up for h in self.hosts)

    @property
    def tunnels_total(self) -> int:
        return sum(h.tunnels_total for h in self.hosts)


def check_results(
    host: str,
    codes: Iterable[str],
    findings: Iterable[Finding],
    fail_on: Severity = Severity.WARNING,
    skipped: Mapping[str, str] | None = None,
) -> tuple[CheckResult, ...]:
    """One result per check code run on ``host``: FAIL when it found something at ``fail_on``.

    A finding whose code was not in ``codes`` still gets its result, so no finding is ever
    missing from a JUnit file. ``skipped`` maps a code to the reason it did not apply.
    """
    by_code: dict[str, list[Finding]] = {}  # grouped once, not scanned once per code
    for f in findings:
        if f.host == host:
            by_code.setdefault(f.code, []).append(f)
    skipped = skipped or {}
    names = list(dict.fromkeys([*codes, *by_code]))
    return tuple(
        _check_result(host, name, by_code.get(name, []), fail_on, skipped.get(name))
        for name in names
    )


def _check_result(
    host: str, code: str, findings: list[Finding], fail_on: Severity, skip_reason: str | None
) -> CheckResult:
    hits = sorted_findings(findings)  # this code's, on this host
    failing = [f for f in hits if at_or_above(f.severity, fail_on)]
    if failing:
        return CheckResult(code, host, CheckOutcome.FAIL, "; ".join(f.summary for f in failing))
    if skip_reason is not None and not hits:
        return CheckResult(code, host, CheckOutcome.SKIP, skip_reason)
    return CheckResult(code, host, CheckOutcome.PASS, "; ".join(f.summary for f in hits))
