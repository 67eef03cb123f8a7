"""The terminal report (rich): fleet summary table, one panel per problem tunnel, the verdict.

Every device text goes in as ``Text``, never as markup, so ``[OK]`` in an evidence line stays
literal. Nothing forces colour: a ``Console()`` on a pipe or a file prints plain text. Codes
never wrap or truncate; long evidence lines fold. Also the per-phase progress bar.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from nornir_tasks.models.collection import HostStatus
from nornir_tasks.models.findings import Finding, Severity
from nornir_tasks.models.report import HostReport, RunReport, TunnelFindings
from nornir_tasks.reports.redact import redact_report
from nornir_tasks.reports.wording import debug_line, finding_verdict, headline, tunnel_label

SEVERITY_STYLE = {
    Severity.CRITICAL: "bold red",
    Severity.WARNING: "bold yellow",
    Severity.INFO: "cyan",
}
STATUS_STYLE = {
    HostStatus.OK: "green",
    HostStatus.PARTIAL: "yellow",
    HostStatus.UNREACHABLE: "red",
    HostStatus.AUTH_FAILED: "red",
    HostStatus.TIMEOUT: "red",
    HostStatus.FAILED: "red",
}
PHASES = ("collect", "poll", "diagnose")
HostDone = Callable[[str, bool], None]  # on_host_done(host, ok), called by the runner


def _worst_cell(host: HostReport) -> Text:
    worst = host.worst_finding()
    if worst is None:
        return Text("-")
    return Text.assemble((str(worst.severity), SEVERITY_STYLE[worst.severity]), " ", worst.code)


def _tunnels_cell(host: HostReport) -> Text:
    if not host.reached or not host.tunnels_total:
        return Text("-")
    style = "green" if host.tunnels_up == host.tunnels_total else "red"
    return Text(f"{host.tunnels_up}/{host.tunnels_total}", style)


# Widths around the host column: status ("auth_failed"), "tunnels", cell padding and edges.
_STATUS_W, _TUNNELS_W, _PADDING_W = 11, 7, 12


def _host_width(width: int, hosts: Sequence[HostReport]) -> int:
    """The host column gives way first, so a finding code is never cut.

    The worst-finding cell stays on one line when the host column can keep 12 columns;
    else it may break between severity and code, never inside the code.
    """
    cells = [len(f"{w.severity} {w.code}") for h in hosts if (w := h.worst_finding())]
    codes = [len(f.code) for h in hosts for f in h.findings]
    fixed = width - _STATUS_W - _TUNNELS_W - _PADDING_W
    one_line = fixed - max(cells, default=len("worst finding"))
    return one_line if one_line >= 12 else max(8, fixed - max(codes, default=0))


def summary_table(report: RunReport, only_failed: bool = False, width: int = 80) -> Table:
    """Host, status, tunnels up/total, worst finding; ``only_failed``: problem hosts only."""
    hosts = report.problem_hosts() if only_failed else report.hosts
    table = Table(title=Text(report.title), title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("host", overflow="fold", max_width=_host_width(width, hosts))
    table.add_column("status", no_wrap=True)
    table.add_column("tunnels", justify="right", no_wrap=True)
    table.add_column("worst finding", overflow="fold")
    for host in hosts:
        status = Text(str(host.status), STATUS_STYLE[host.status])
        table.add_row(Text(host.host), status, _tunnels_cell(host), _worst_cell(host))
    return table


def _lines(label: str, lines: tuple[str, ...], bullet: str = "") -> list[RenderableType]:
    if not lines:
        return []
    body = [Padding(Text(bullet + line, overflow="fold"), (0, 0, 0, 2)) for line in lines]
    return [Text(label, "bold"), *body]


def finding_group(finding: Finding) -> Group:
    """Verdict line first, then evidence, cause and next steps."""
    verdict = Text.assemble(
        (f"{str(finding.severity).upper()} {finding.code}", SEVERITY_STYLE[finding.severity]),
        f": {finding.summary}",
    )
    return Group(
        verdict,
        *_lines("Evidence:", finding.evidence),
        Text.assemble(("Cause: ", "bold"), finding.cause),
        *_lines("Next steps:", finding.next_steps, "- "),
    )


def tunnel_panel(tunnel: TunnelFindings) -> Panel:
    """One problem tunnel: each finding, most severe first, separated by a blank line."""
    parts: list[RenderableType] = []
    for finding in tunnel.findings:
        parts += [Text(""), finding_group(finding)] if parts else [finding_group(finding)]
    style = SEVERITY_STYLE[tunnel.worst.severity]
    title = Text(tunnel_label(tunnel.host, tunnel.peer))
    return Panel(Group(*parts), title=title, title_align="left", border_style=style)


def unreached_panel(host: HostReport) -> Panel:
    verdict = Text(str(host.status).upper(), "bold red")
    if host.error:
        verdict.append(f": {host.error}")
    return Panel(verdict, title=Text(host.host), title_align="left", border_style="red")


def _notes(report: RunReport) -> list[RenderableType]:
    notes = report.notes()
    if not notes:
        return []
    lines = [Text(f"{tunnel_label(f.host, f.peer)}: {finding_verdict(f)}") for f in notes]
    return [Text("Notes:", "bold"), *lines]


def _failed_checks(report: RunReport) -> list[RenderableType]:
    checks = report.unexplained_checks()
    if not checks:
        return []
    table = Table(title=Text("failed checks"), title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("host", "check", "outcome", "message"):
        table.add_column(column, overflow="fold")
    for c in checks:
        table.add_row(Text(c.host), Text(c.name), Text(str(c.outcome), "red"), Text(c.message))
    return [table]


def _debug(report: RunReport) -> list[RenderableType]:
    """Every debug of the run (or finished by it): router, conditions, how long, cleanup."""
    if not report.debug:
        return []
    lines = [Text(debug_line(d), "bold red" if d.left_on else "") for d in report.debug]
    return [Text("Debug:", "bold"), *lines]


def report_renderables(
    report: RunReport, only_failed: bool = False, width: int = 80
) -> list[RenderableType]:
    """Everything ``print_report`` prints, in order (secrets masked), for ``width`` columns."""
    report = redact_report(report)
    worst = report.worst_severity()
    parts: list[RenderableType] = [summary_table(report, only_failed, width)]
    parts += [tunnel_panel(t) for t in report.problem_tunnels()]
    parts += [unreached_panel(h) for h in report.failed_hosts()]
    parts += _debug(report)
    parts += _failed_checks(report)
    if not only_failed:
        parts += _notes(report)
    parts += [Text(""), Text(headline(report), SEVERITY_STYLE[worst] if worst else "bold green")]
    return parts


def verdict_line(report: RunReport) -> Text:
    """Triage's first line: the worst finding of the tunnel, or that it is healthy."""
    findings = redact_report(report).findings
    if not findings:
        return Text("VERDICT: no finding at all on this tunnel", "bold green")
    worst = findings[0]
    return Text.assemble(
        ("VERDICT: ", "bold"),
        (f"{tunnel_label(worst.host, worst.peer)}: ", "bold"),
        (finding_verdict(worst), SEVERITY_STYLE[worst.severity]),
    )


def print_report(
    console: Console, report: RunReport, only_failed: bool = False, verdict_first: bool = False
) -> None:
    """Print the terminal report on ``console`` (the CLI's one printing call for a run)."""
    if verdict_first:
        console.print(verdict_line(report))
    for part in report_renderables(report, only_failed, console.width):
        console.print(part)


def print_checks(console: Console, report: RunReport) -> None:
    """Every check result of the run (``-v``): host, check, outcome, message."""
    table = Table(title=Text("checks"), title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("host", "check", "outcome", "message"):
        table.add_column(column, overflow="fold")
    style = {"PASS": "green", "FAIL": "red", "ERROR": "red", "SKIP": "dim"}
    for c in report.checks:
        outcome = Text(str(c.outcome), style.get(str(c.outcome), ""))
        table.add_row(Text(c.host), Text(c.name), outcome, Text(c.message))
    console.print(table)


@dataclass
class PhaseCount:
    done: int = 0
    failed: int = 0


class FleetProgress:
    """Hosts done and failed per phase; draws a bar per phase when given a ``Progress``."""

    def __init__(self, progress: Progress | None, total_hosts: int) -> None:
        self._progress = progress
        self._total = total_hosts
        self._lock = threading.Lock()  # Nornir's threaded runner reports from worker threads
        self.counts: dict[str, PhaseCount] = {}

    def phase(self, name: str, total: int | None = None) -> HostDone:
        """Start phase ``name``; return the ``on_host_done(host, ok)`` callback for it."""
        count = self.counts.setdefault(name, PhaseCount())
        task = self._add_task(name, total or self._total)

        def on_host_done(host: str, ok: bool) -> None:
            with self._lock:
                count.done += 1
                count.failed += not ok
                if self._progress is not None and task is not None:
                    self._progress.update(task, completed=count.done, failed=count.failed)

        return on_host_done

    def _add_task(self, name: str, total: int) -> TaskID | None:
        if self._progress is None:
            return None
        return self._progress.add_task(name, total=total, failed=0)


@contextmanager
def fleet_progress(console: Console, total_hosts: int) -> Iterator[FleetProgress]:
    """Per-phase progress bars (hosts done / failed); counts only, drawing nothing, off a TTY."""
    if not console.is_terminal:
        yield FleetProgress(None, total_hosts)
        return
    columns = (
        TextColumn("{task.description:<9}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("hosts, {task.fields[failed]} failed"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        yield FleetProgress(progress, total_hosts)
