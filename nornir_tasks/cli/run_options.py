"""The command line of every run-like command: which hosts (``Selection``) and the rest
(``Reporting``: where results go, what overrides the playbook, the history), and the click
options that fill them."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from nornir_tasks.cli import exit_codes
from nornir_tasks.inventory import PASSWORD_VAR
from nornir_tasks.models.findings import Severity
from nornir_tasks.reports import FORMATS
from nornir_tasks.tasks.hosts import Hosts, open_inventory

FC = TypeVar("FC", bound=Callable[..., Any])
DEFAULT_INVENTORY = Path("inventory/lab/config.yaml")
SUFFIXES = {
    ".json": "json",
    ".xml": "junit",
    ".md": "markdown",
    ".html": "html",
    ".prom": "prometheus",
}


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


def processes_option(fn: FC) -> FC:
    """``--processes N`` (run, health, audit): the collection sharded over N processes."""
    return click.option(
        "--processes",
        type=click.IntRange(1, 256),
        default=None,
        help="Collect in N processes, each with --workers sessions [default: one per core "
        "above 300 hosts, else 1].",
    )(fn)


# Output, thresholds and evidence (--fail-on is the one of every command, cli.exit_codes).
_OUTPUT_OPTIONS = (
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
)
# Configuration, history and verbosity.
_RUN_OPTIONS = (
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


def report_options(fn: FC) -> FC:
    """Output, thresholds, evidence and history options shared by every run-like command."""
    for option in reversed((*_OUTPUT_OPTIONS, *_RUN_OPTIONS)):
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
    processes: int | None = None  # --processes; None: one per core for a large selection
    engine: str = "local"  # --engine: local (processes) or celery (workers via --broker)
    broker: str | None = None  # --broker (None: $VPNDIAG_BROKER or the configuration)

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
            kwargs.pop("processes", None),
            kwargs.pop("engine", "local"),
            kwargs.pop("broker", None),
        )

    def open(self) -> Hosts:
        return open_inventory(
            self.inventory, self.workers, self.hosts, self.groups, self.filters, self.known_hosts
        )


@dataclass(frozen=True)
class Delivery:
    """Where the results go (stdout's format, report files, raw evidence, mail), and how much
    the terminal is told."""

    fmt: str = "table"
    output: Path | None = None
    save_evidence: Path | None = None
    mail_to: tuple[str, ...] = ()
    only_failed: bool = False
    quiet: bool = False
    verbose: bool = False


@dataclass(frozen=True)
class Overrides:
    """What the command line changes of the playbook's own settings."""

    fail_on: Severity | None = None
    timeout: float | None = None
    poll_interval: float | None = None


@dataclass(frozen=True)
class HistoryOptions:
    """Whether and where the run is recorded."""

    db: Path | None = None
    no_history: bool = False
    keep_days: float | None = None


G = TypeVar("G", Delivery, Overrides, HistoryOptions)


def _popped(group: type[G], kwargs: dict[str, Any]) -> G:
    return group(**{name: kwargs.pop(name) for name in group.__dataclass_fields__})


@dataclass(frozen=True)
class Reporting:
    """Everything a run-like command line says besides its hosts, in groups each read by the
    step that needs it; ``config``: the configuration file (SMTP relay, history)."""

    delivery: Delivery = Delivery()
    overrides: Overrides = Overrides()
    history: HistoryOptions = HistoryOptions()
    config: Path | None = None

    @classmethod
    def of(cls, kwargs: dict[str, Any]) -> Reporting:
        delivery, overrides = _popped(Delivery, kwargs), _popped(Overrides, kwargs)
        return cls(delivery, overrides, _popped(HistoryOptions, kwargs), kwargs.pop("config"))
