"""``vpndiag run PLAYBOOK`` and ``vpndiag health``: a playbook across the fleet, reported.

Exit codes: 0 healthy, 1 a finding at or above ``--fail-on`` or a failed assertion, 2 some
hosts unreachable or failed (wins over 1: the run is incomplete), 3 usage or input error.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape

from nornir_tasks.checks import registered_codes
from nornir_tasks.cli import exit_codes
from nornir_tasks.cli.interrupt import INTERRUPTED, OrderlyInterrupt
from nornir_tasks.cli.ledger_notes import warn_pending_reverts
from nornir_tasks.cli.recording import Recording
from nornir_tasks.cli.terminal import fleet_progress, print_checks, print_report
from nornir_tasks.cli.validation import bad_history_db, bad_options
from nornir_tasks.inventory import PASSWORD_VAR
from nornir_tasks.models.findings import Severity
from nornir_tasks.models.report import RunReport
from nornir_tasks.playbooks.loader import PlaybookError, load_playbook
from nornir_tasks.playbooks.model import Playbook
from nornir_tasks.playbooks.runner import PlaybookRun, RunOptions, run_playbook
from nornir_tasks.reports import FORMATS, render, write_reports
from nornir_tasks.saved_evidence import save_evidence
from nornir_tasks.settings import Settings, SettingsError, load_settings
from nornir_tasks.smtp.mailer import MailError, MailSettings, mail_report
from nornir_tasks.tasks.hosts import (
    Hosts,
    InventoryError,
    close,
    command_timeout,
    host_names,
    open_inventory,
)

FC = TypeVar("FC", bound=Callable[..., Any])
DEFAULT_INVENTORY = Path("inventory/lab/config.yaml")
SUFFIXES = {".json": "json", ".xml": "junit", ".md": "markdown", ".html": "html"}


def selection_options(fn: FC) -> FC:
    """``-i/--inventory``, ``--hosts``, ``--groups``, ``--filter``, ``--workers``."""
    for option in reversed(
        (
            click.option(
                "-i",
                "--inventory",
                type=click.Path(path_type=Path),
                default=DEFAULT_INVENTORY,
                show_default=True,
                help="Nornir config file of the inventory.",
            ),
            click.option("--hosts", multiple=True, help="Only these hosts (repeatable, or a,b)."),
            click.option("--groups", multiple=True, help="Only hosts of these groups."),
            click.option("--filter", "filters", multiple=True, help="key=value on host data."),
            click.option("--workers", type=click.IntRange(1, 1000), default=50, show_default=True),
            click.option(
                "--strict-host-keys",
                is_flag=True,
                help="Refuse hosts whose SSH key is not in --known-hosts.",
            ),
            click.option(
                "--known-hosts",
                type=click.Path(path_type=Path),
                default=Path("~/.ssh/known_hosts"),
                show_default=True,
                help="The known_hosts file --strict-host-keys checks against.",
            ),
            click.option(
                "--ask-pass",
                is_flag=True,
                help=f"Prompt for the device password (else ${PASSWORD_VAR} or the inventory).",
            ),
        )
    ):
        fn = option(fn)
    return fn


def report_options(fn: FC) -> FC:
    """Output, thresholds and evidence options shared by every run-like command."""
    for option in reversed(
        (
            click.option(
                "--format",
                "fmt",
                type=click.Choice(["table", *FORMATS]),
                default="table",
                show_default=True,
                help="What goes to stdout.",
            ),
            click.option(
                "-o",
                "--output",
                type=click.Path(path_type=Path),
                help="A report file (.json/.xml/.md/.html) or a directory for all four.",
            ),
            exit_codes.fail_on_option(default=None),
            click.option("--timeout", type=float, help="Per command read timeout, seconds."),
            click.option("--poll-interval", type=float, help="Seconds between counter polls."),
            click.option(
                "--save-evidence",
                type=click.Path(path_type=Path),
                help="Write raw outputs (secrets masked) to DIR/<host>/<command>.txt.",
            ),
            click.option("--only-failed", is_flag=True, help="Report problem hosts only."),
            click.option(
                "--mail-to",
                multiple=True,
                help="Mail the report (Markdown body, HTML and JSON attached); repeatable.",
            ),
            click.option(
                "--config",
                type=click.Path(path_type=Path),
                help="vpndiag configuration (SMTP relay, history); default ~/.config/vpndiag.",
            ),
            click.option(
                "--db",
                type=click.Path(path_type=Path),
                help="History database [default: config, $VPNDIAG_HISTORY_DB, ~/.local/share].",
            ),
            click.option("--no-history", is_flag=True, help="Do not record this run."),
            click.option(
                "--keep-days",
                type=click.FloatRange(min=1),
                help="After recording, delete runs older than this (default: config, keep all).",
            ),
            click.option("-q", "--quiet", is_flag=True, help="No progress, no table: exit code."),
            click.option("-v", "--verbose", is_flag=True, help="Also list every check result."),
        )
    ):
        fn = option(fn)
    return fn


@dataclass(frozen=True)
class Selection:
    inventory: Path
    hosts: tuple[str, ...]
    groups: tuple[str, ...]
    filters: tuple[str, ...]
    workers: int
    known_hosts: Path | None = None  # set: strict host key checking against this file

    @classmethod
    def of(cls, kwargs: dict[str, Any]) -> Selection:
        def split(values: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(v for item in values for v in item.split(",") if v)

        strict = kwargs.pop("strict_host_keys")
        known_hosts: Path = kwargs.pop("known_hosts").expanduser()
        if kwargs.pop("ask_pass"):
            # Read by the inventory's vpndiag_credentials transform, in this process only.
            os.environ[PASSWORD_VAR] = click.prompt("Device password", hide_input=True)
        return cls(
            kwargs.pop("inventory"),
            split(kwargs.pop("hosts")),
            split(kwargs.pop("groups")),
            kwargs.pop("filters"),
            kwargs.pop("workers"),
            known_hosts if strict else None,
        )

    def open(self) -> Hosts:
        return open_inventory(
            self.inventory, self.workers, self.hosts, self.groups, self.filters, self.known_hosts
        )


@dataclass(frozen=True)
class Reporting:
    fmt: str = "table"
    output: Path | None = None
    fail_on: Severity | None = None
    timeout: float | None = None
    poll_interval: float | None = None
    save_evidence: Path | None = None
    only_failed: bool = False
    mail_to: tuple[str, ...] = ()
    config: Path | None = None
    db: Path | None = None
    no_history: bool = False
    keep_days: float | None = None
    quiet: bool = False
    verbose: bool = False

    @classmethod
    def of(cls, kwargs: dict[str, Any]) -> Reporting:
        names = cls.__dataclass_fields__
        return cls(**{n: kwargs.pop(n) for n in names})


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


def execute(
    playbook: Playbook,
    selection: Selection,
    reporting: Reporting,
    options: RunOptions | None = None,
    after: Callable[[PlaybookRun], None] | None = None,
) -> int:
    """Run ``playbook`` on the selection and report it; returns the exit code."""
    console = Console()
    err = Console(stderr=True, soft_wrap=True)
    if bad_options(reporting, SUFFIXES, err):
        return exit_codes.USAGE
    try:
        settings = load_settings(reporting.config)
        if bad_history_db(reporting, settings, err):
            return exit_codes.USAGE
        if reporting.mail_to:
            MailSettings.from_config(settings.smtp or {})
    except (SettingsError, MailError) as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
        return exit_codes.USAGE
    try:
        nr = selection.open()
        if reporting.timeout:
            command_timeout(nr, reporting.timeout)
    except InventoryError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
        return exit_codes.USAGE
    fail_on = Severity(reporting.fail_on or playbook.fail_on)
    options = options or RunOptions()
    options = replace(
        options,
        read_timeout=reporting.timeout or options.read_timeout,
        poll_interval=(
            reporting.poll_interval
            if reporting.poll_interval is not None
            else options.poll_interval
        ),
        fail_on=fail_on,
    )
    title = options.title or f"vpndiag {playbook.name}"
    recording = None
    if not reporting.no_history and settings.history.enabled:
        recording = Recording.begin(
            reporting.db, settings, title, playbook.name, err, reporting.keep_days
        )
    table = reporting.fmt == "table" and not reporting.quiet
    progress_console = err if reporting.fmt != "table" else console
    guard = OrderlyInterrupt(err)
    try:
        with guard, fleet_progress(progress_console, len(host_names(nr))) as progress:
            options = replace(options, stop=guard.stop)
            if table:
                options = replace(options, progress=progress.phase)
            run = run_playbook(nr, playbook, options)
    finally:
        close(nr)
    report = run.report if recording is None else recording.finish(run)
    written_ok = write_files(run, report, reporting, err)
    if table:
        print_report(console, report, reporting.only_failed, options.focus is not None)
        if reporting.verbose:
            print_checks(console, report)
    elif reporting.fmt != "table":
        click.echo(render(report, reporting.fmt))
    warn_pending_reverts(err, host_names(nr))  # a change a dead run left live: say so
    code = INTERRUPTED if guard.interrupted else exit_codes.report_exit_code(report, fail_on)
    if recording is not None:
        recording.notify()
    if after is not None:
        after(run)
    if reporting.mail_to and not mail(report, settings, reporting, err):
        return max(code, exit_codes.USAGE)
    return code if written_ok else max(code, exit_codes.USAGE)


def write_files(run: PlaybookRun, report: RunReport, reporting: Reporting, err: Console) -> bool:
    """Evidence and report files; False (said why) when one could not be written.

    The paths were checked before the run; this catches what changed since (disk full, a
    folder removed), so the run's own exit code is kept, never replaced by a traceback.
    """
    try:
        if reporting.save_evidence is not None:
            save_evidence(run.collections, reporting.save_evidence, run.debug)
        if reporting.output is not None:
            written = write_output(report, reporting.output)
            if not reporting.quiet:
                for path in written.values():
                    err.print(f"wrote {path}", highlight=False)
    except OSError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}", highlight=False)
        return False
    return True


def mail(report: RunReport, config: Settings, reporting: Reporting, err: Console) -> bool:
    """Mail ``report`` with the configuration's SMTP settings; False (said why) on failure."""
    try:
        settings = MailSettings.from_config(config.smtp or {})
        with tempfile.TemporaryDirectory(prefix="vpndiag-mail-") as tmp:
            files = write_reports(report, Path(tmp), ("html", "json"))
            worst = report.worst_severity()
            subject = f"{report.title}: {str(worst).upper() if worst else 'healthy'}"
            mail_report(
                settings,
                reporting.mail_to,
                subject,
                render(report, "markdown"),
                [files["html"], files["json"]],
            )
    except MailError as exc:
        err.print(f"[red]error:[/] report not mailed: {exc}", highlight=False)
        return False
    if not reporting.quiet:
        err.print(f"mailed the report to {', '.join(reporting.mail_to)}", highlight=False)
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


@click.command("run", epilog=RUN_EPILOG)
@click.argument("playbook")
@click.option(
    "--allow-changes",
    is_flag=True,
    help="Send a playbook's commands that change the router (it must say 'changes: true').",
)
@selection_options
@report_options
def run_cmd(playbook: str, allow_changes: bool, **kwargs: Any) -> None:
    """Run PLAYBOOK (a file, or a shipped playbook's name) across the fleet.

    Only read-only commands are sent (show, ping, traceroute, telnet HOST 25) unless the
    playbook declares 'changes: true' and --allow-changes is given.
    """
    _run(playbook, allow_changes, **kwargs)


@click.command("health", epilog=RUN_EPILOG.replace("run health_check", "health"))
@selection_options
@report_options
def health(**kwargs: Any) -> None:
    """Health-check every tunnel of the fleet (the health_check playbook)."""
    _run("health_check", **kwargs)
