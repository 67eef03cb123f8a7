"""The exit codes of every vpndiag command (documented in the README)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from nornir_tasks.models.findings import Finding, Severity

if TYPE_CHECKING:  # every command imports this module; the run report only the run commands
    from nornir_tasks.models.report import RunReport

FC = TypeVar("FC", bound=Callable[..., Any])

OK = 0  # healthy
FINDINGS = 1  # findings at or above --fail-on
HOSTS_FAILED = 2  # some hosts unreachable or failed
USAGE = 3  # usage or input error
INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), as shells report it


class Exit(Exception):  # noqa: N818  (a control-flow signal, not an error)
    """Raised by a command to end with ``code``."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def exit_code(
    findings: Iterable[Finding],
    fail_on: Severity,
    incomplete: bool = False,
    failed_checks: bool = False,
) -> int:
    """The exit code of every command: 2 when the run is incomplete (a host not reached, a
    debug cleanup not verified), else 1 on a finding at or above ``fail_on`` or a failed
    check (an assertion, a wait), else 0."""
    if incomplete:
        return HOSTS_FAILED
    if failed_checks or any(f.severity >= fail_on for f in findings):
        return FINDINGS
    return OK


def report_exit_code(report: RunReport, fail_on: Severity) -> int:
    """``exit_code`` of a run's report: its findings, hosts, debug and failed checks."""
    from nornir_tasks.models.report import CheckOutcome  # imported with the report

    bad = (CheckOutcome.FAIL, CheckOutcome.ERROR)
    return exit_code(
        report.findings,
        fail_on,
        incomplete=bool(report.failed_hosts() or report.debug_left_on()),
        failed_checks=any(c.outcome in bad for c in report.unexplained_checks()),
    )


def fail_on_option(
    default: Severity | None = Severity.CRITICAL, what: str = "a finding"
) -> Callable[[FC], FC]:
    """The one ``--fail-on`` of every command; the command gets a ``Severity`` (or None:
    the playbook's own)."""

    def convert(ctx: click.Context, param: click.Parameter, value: str | None) -> Severity | None:
        return Severity(value) if value is not None else None

    said = "" if default is not None else " (default: the playbook's)"
    return click.option(
        "--fail-on",
        type=click.Choice([s.value for s in Severity]),
        default=default.value if default is not None else None,
        show_default=default is not None,
        callback=convert,
        help=f"Exit 1 when {what} is at or above this severity{said}.",
    )
