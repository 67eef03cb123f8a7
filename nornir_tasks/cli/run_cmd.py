"""``vpndiag run PLAYBOOK`` and ``vpndiag health``: a playbook across the fleet, reported.

Exit codes: 0 healthy, 1 a finding at or above ``--fail-on`` or a failed assertion, 2 some
hosts unreachable or failed (wins over 1: the run is incomplete), 3 usage or input error.

The command-line shape (``Selection``, ``Reporting`` and their options) is in ``run_options``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from nornir_tasks.checks import registered_codes
from nornir_tasks.cli import exit_codes
from nornir_tasks.cli.engine_options import celery_collector, engine_options
from nornir_tasks.cli.interrupt import INTERRUPTED, OrderlyInterrupt
from nornir_tasks.cli.ledger_notes import warn_pending_reverts
from nornir_tasks.cli.recording import Recording
from nornir_tasks.cli.run_options import (
    DEFAULT_INVENTORY,
    SUFFIXES,
    Delivery,
    HistoryOptions,
    Overrides,
    Reporting,
    Selection,
    processes_option,
    report_options,
    selection_options,
)
from nornir_tasks.cli.terminal import fleet_progress, print_checks, print_report
from nornir_tasks.cli.validation import bad_history_db, bad_options
from nornir_tasks.models.findings import Severity
from nornir_tasks.models.report import RunReport
from nornir_tasks.playbooks.loader import PlaybookError, load_playbook
from nornir_tasks.playbooks.model import Playbook
from nornir_tasks.playbooks.runner import PlaybookRun, RunOptions, run_playbook
from nornir_tasks.reports import render, write_reports
from nornir_tasks.saved_evidence import save_evidence
from nornir_tasks.scale.broker import BrokerError, BrokerUnreachableError
from nornir_tasks.scale.gc_thresholds import fleet_gc
from nornir_tasks.scale.processes import ProcessCollector
from nornir_tasks.settings import Settings, SettingsError, load_settings
from nornir_tasks.smtp.mailer import MailError, MailSettings, mail_report
from nornir_tasks.tasks.hosts import (
    Hosts,
    InventoryError,
    close,
    command_timeout,
    host_names,
)


def load(name: str, allow_changes: bool = False) -> Playbook:
    try:
        return load_playbook(name, registered_codes(), allow_changes)
    except PlaybookError as exc:
        # soft_wrap: one line per problem, file:line first, as compilers print them
        Console(stderr=True, soft_wrap=True).print(f"[red]error:[/] {exc}", highlight=False)
        raise exit_codes.Exit(exit_codes.USAGE) from exc


def write_output(report: RunReport, output: Path) -> dict[str, Path]:
    fmt = SUFFIXES.get(output.suffix)
    if fmt is not None:
        return write_reports(report, {fmt: output})
    return write_reports(report, output)


@dataclass(frozen=True)
class _Ready:
    """A run checked before any device is touched: hosts, settings, options, threshold."""

    nr: Hosts
    settings: Settings
    options: RunOptions
    fail_on: Severity


def _ready(
    playbook: Playbook,
    selection: Selection,
    reporting: Reporting,
    options: RunOptions | None,
    err: Console,
) -> _Ready | int:
    """Options, settings and inventory checked; the exit code when one is wrong (said why)."""
    if bad_options(reporting, SUFFIXES, err):
        return exit_codes.USAGE
    try:
        settings = load_settings(reporting.config)
        if bad_history_db(reporting.history, settings, err):
            return exit_codes.USAGE
        if reporting.delivery.mail_to:
            MailSettings.from_config(settings.smtp or {})
        nr = selection.open()
        overrides = reporting.overrides
        if overrides.timeout:
            command_timeout(nr, overrides.timeout)
        fail_on = Severity(overrides.fail_on or playbook.fail_on)
        options = _overridden(options or RunOptions(), overrides, fail_on)
        options = replace(options, reconnect_delays=tuple(settings.debug.reconnect_delays))
        if options.collector is None and selection.engine == "celery":
            collector = celery_collector(selection, overrides, settings, playbook.name, nr)
            options = replace(options, collector=collector)
    except BrokerUnreachableError as exc:  # the hosts cannot be collected: as if unreachable
        err.print(f"[red]error:[/] {escape(str(exc))}", highlight=False)
        return exit_codes.HOSTS_FAILED
    except (SettingsError, MailError, InventoryError, BrokerError) as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
        return exit_codes.USAGE
    if options.collector is None:
        options = replace(options, collector=_sharded(playbook, selection, reporting.overrides))
    return _Ready(nr, settings, options, fail_on)


def _sharded(playbook: Playbook, selection: Selection, overrides: Overrides) -> ProcessCollector:
    """The collection over ``--processes`` (one process below the default's threshold)."""
    return ProcessCollector(
        selection.inventory,
        selection.processes,
        selection.workers,
        overrides.timeout,
        selection.known_hosts,
        playbook.name,
    )


def _overridden(options: RunOptions, overrides: Overrides, fail_on: Severity) -> RunOptions:
    """The command line's timeout, poll interval and threshold over the caller's options."""
    interval = overrides.poll_interval
    return replace(
        options,
        read_timeout=overrides.timeout or options.read_timeout,
        poll_interval=interval if interval is not None else options.poll_interval,
        fail_on=fail_on,
    )


def _recording(
    ready: _Ready, playbook: Playbook, history: HistoryOptions, err: Console
) -> Recording | None:
    if history.no_history or not ready.settings.history.enabled:
        return None
    title = ready.options.title or f"vpndiag {playbook.name}"
    return Recording.begin(history.db, ready.settings, title, playbook.name, err, history.keep_days)


def _run_with_progress(
    ready: _Ready, playbook: Playbook, delivery: Delivery, console: Console, err: Console
) -> tuple[PlaybookRun, bool]:
    """The playbook under a progress display and the Ctrl-C guard; (run, interrupted)."""
    table = delivery.fmt == "table" and not delivery.quiet
    guard = OrderlyInterrupt(err)
    try:
        with (
            guard,
            fleet_progress(
                console if delivery.fmt == "table" else err, len(host_names(ready.nr))
            ) as progress,
        ):
            options = replace(ready.options, stop=guard.stop)
            if table:
                options = replace(options, progress=progress.phase)
            run = run_playbook(ready.nr, playbook, options)
    finally:
        close(ready.nr)
    return run, guard.interrupted


def _show(console: Console, report: RunReport, delivery: Delivery, triage: bool) -> None:
    if delivery.fmt != "table":
        click.echo(render(report, delivery.fmt))
    elif not delivery.quiet:
        print_report(console, report, delivery.only_failed, triage)
        if delivery.verbose:
            print_checks(console, report)


def execute(
    playbook: Playbook,
    selection: Selection,
    reporting: Reporting,
    options: RunOptions | None = None,
    after: Callable[[PlaybookRun], None] | None = None,
) -> int:
    """Run ``playbook`` on the selection and report it; returns the exit code."""
    with fleet_gc():
        return _execute(playbook, selection, reporting, options, after)


def _execute(
    playbook: Playbook,
    selection: Selection,
    reporting: Reporting,
    options: RunOptions | None,
    after: Callable[[PlaybookRun], None] | None,
) -> int:
    console = Console()
    err = Console(stderr=True, soft_wrap=True)
    ready = _ready(playbook, selection, reporting, options, err)
    if isinstance(ready, int):
        return ready
    delivery = reporting.delivery
    recording = _recording(ready, playbook, reporting.history, err)
    run, interrupted = _run_with_progress(ready, playbook, delivery, console, err)
    report = run.report if recording is None else recording.finish(run)
    written_ok = write_files(run, report, delivery, err)
    _show(console, report, delivery, ready.options.focus is not None)
    warn_pending_reverts(err, host_names(ready.nr))  # a change a dead run left live: say so
    code = INTERRUPTED if interrupted else exit_codes.report_exit_code(report, ready.fail_on)
    if recording is not None:
        recording.notify()
    if after is not None:
        after(run)
    if delivery.mail_to and not mail(report, ready.settings, delivery, err):
        return max(code, exit_codes.USAGE)
    return code if written_ok else max(code, exit_codes.USAGE)


def write_files(run: PlaybookRun, report: RunReport, delivery: Delivery, err: Console) -> bool:
    """Evidence and report files; False (said why) when one could not be written.

    The paths were checked before the run; this catches what changed since (disk full, a
    folder removed), so the run's own exit code is kept, never replaced by a traceback.
    """
    try:
        if delivery.save_evidence is not None:
            save_evidence(run.collections, delivery.save_evidence, run.debug)
        if delivery.output is not None:
            written = write_output(report, delivery.output)
            if not delivery.quiet:
                for path in written.values():
                    err.print(f"wrote {path}", highlight=False)
    except OSError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}", highlight=False)
        return False
    return True


def mail(report: RunReport, config: Settings, delivery: Delivery, err: Console) -> bool:
    """Mail ``report`` with the configuration's SMTP settings; False (said why) on failure."""
    try:
        settings = MailSettings.from_config(config.smtp or {})
        with tempfile.TemporaryDirectory(prefix="vpndiag-mail-") as tmp:
            files = write_reports(report, Path(tmp), ("html", "json"))
            worst = report.worst_severity()
            subject = f"{report.title}: {str(worst).upper() if worst else 'healthy'}"
            mail_report(
                settings,
                delivery.mail_to,
                subject,
                render(report, "markdown"),
                [files["html"], files["json"]],
            )
    except MailError as exc:
        err.print(f"[red]error:[/] report not mailed: {exc}", highlight=False)
        return False
    if not delivery.quiet:
        err.print(f"mailed the report to {', '.join(delivery.mail_to)}", highlight=False)
    return True


def _run(playbook_name: str, allow_changes: bool = False, **kwargs: Any) -> None:
    selection = Selection.of(kwargs)
    reporting = Reporting.of(kwargs)
    playbook = load(playbook_name, allow_changes)
    raise exit_codes.Exit(execute(playbook, selection, reporting))


RUN_EPILOG = """\b
Examples:
  vpndiag run health_check                       a shipped playbook, by name
  vpndiag run my.yaml --groups spokes -o out/    a file; every report format into out/
  vpndiag run failover_check --format json       the JSON report on stdout
\b
Exit codes: 0 healthy, 1 findings at or above --fail-on (or a failed assertion),
2 some hosts unreachable or failed, 3 usage or input error.
"""


allow_changes_option = click.option(
    "--allow-changes",
    is_flag=True,
    help="Send a playbook's commands that change the router (it must say 'changes: true').",
)


@click.command("run", epilog=RUN_EPILOG)
@click.argument("playbook")
@allow_changes_option
@selection_options
@processes_option
@engine_options
@report_options
def run_cmd(playbook: str, allow_changes: bool, **kwargs: Any) -> None:
    """Run PLAYBOOK (a file, or a shipped playbook's name) across the fleet.

    Only read-only commands are sent (show, ping, traceroute, telnet HOST 25) unless the
    playbook declares 'changes: true' and --allow-changes is given.
    """
    _run(playbook, allow_changes, **kwargs)


@click.command("health", epilog=RUN_EPILOG.replace("run health_check", "health"))
@selection_options
@processes_option
@engine_options
@report_options
def health(**kwargs: Any) -> None:
    """Health-check every tunnel of the fleet (the health_check playbook)."""
    _run("health_check", **kwargs)


__all__ = [
    "DEFAULT_INVENTORY",
    "SUFFIXES",
    "Reporting",
    "Selection",
    "allow_changes_option",
    "execute",
    "health",
    "load",
    "processes_option",
    "report_options",
    "run_cmd",
    "selection_options",
]
