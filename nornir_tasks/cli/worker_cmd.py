"""``vpndiag worker``: a Celery worker that collects the shards of sharded runs (docs/scale.md).

It reads devices with its own credentials (``VPNDIAG_USERNAME``/``PASSWORD``/``SECRET`` and
the inventory's ``vpndiag_credentials`` transform): none travel through the broker. Exit 2
when the broker cannot be reached, 3 on a bad option or configuration.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click
from rich.console import Console
from rich.markup import escape

from nornir_tasks import ledger
from nornir_tasks.cli import exit_codes
from nornir_tasks.scale.broker import BrokerError, BrokerUnreachableError, redacted, resolve_broker
from nornir_tasks.settings import CelerySettings, SettingsError, load_settings

if TYPE_CHECKING:
    from celery import Celery

EPILOG = """\b
Examples:
  vpndiag worker --broker redis://redis.example.net:6379/0
  vpndiag worker --queues emea --concurrency 4     one worker per region
  VPNDIAG_BROKER=redis://:PASSWORD@10.0.0.5/0 vpndiag worker
  vpndiag worker --beat --concurrency 1          scheduled runs (celery.schedule)
\b
Exit codes: 0 stopped (SIGTERM, Ctrl-C), 2 broker unreachable, 3 usage or configuration error.
"""


@click.command("worker", epilog=EPILOG)
@click.option("--broker", help="redis://[:PASSWORD@]HOST[:PORT][/DB] [default: $VPNDIAG_BROKER].")
@click.option(
    "--concurrency",
    type=click.IntRange(1, 256),
    default=os.cpu_count() or 1,
    show_default="the number of cores",
    help="Shards collected at once (one process each).",
)
@click.option(
    "--queues",
    multiple=True,
    help="Queues to consume (repeatable, or a,b) [default: the configuration's celery.queue].",
)
@click.option("--name", help="Worker node name [default: vpndiag-PID@HOST].")
@click.option(
    "-i",
    "--inventory",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The inventory this worker reads [default: the path the coordinator sends].",
)
@click.option(
    "--config",
    type=click.Path(path_type=Path),
    help="vpndiag configuration (celery section); default ~/.config/vpndiag.",
)
@click.option(
    "--beat",
    is_flag=True,
    help="Also run Celery beat: the configuration's celery.schedule runs, executed here "
    "[queues default: celery.schedule_queue].",
)
@click.option(
    "--loglevel",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="info",
    show_default=True,
)
def worker(
    broker: str | None,
    concurrency: int,
    queues: tuple[str, ...],
    name: str | None,
    inventory: Path | None,
    config: Path | None,
    loglevel: str,
    beat: bool,
) -> None:
    """Run a Celery worker that collects shards of vpndiag runs."""
    err = Console(stderr=True, soft_wrap=True)
    try:
        settings = load_settings(config).celery
        url = resolve_broker(broker, settings)
    except (SettingsError, BrokerError) as exc:
        _fail(err, exc, exit_codes.USAGE)
    # Celery and the collectors load only here: `vpndiag --help` stays fast.
    from nornir_tasks.scale.celery_app import celery_app, ensure_reachable
    from nornir_tasks.scale.celery_worker import INVENTORY_KEY

    app = celery_app(url, settings.queue, settings.visibility_timeout)
    if inventory is not None:
        app.conf[INVENTORY_KEY] = str(inventory.resolve())
    wanted = [q for item in queues for q in item.split(",") if q]
    if beat:
        _with_beat(app, settings, err)
        wanted = wanted or [settings.schedule_queue]
    try:
        ensure_reachable(app, url)
    except BrokerUnreachableError as exc:
        _fail(err, exc, exit_codes.HOSTS_FAILED)
    wanted = wanted or [settings.queue]
    node = name or f"vpndiag-{os.getpid()}@{socket.gethostname()}"
    err.print(f"worker {node} on {redacted(url)}, queues {', '.join(wanted)}", highlight=False)
    app.worker_main(_celery_argv(concurrency, wanted, node, loglevel, beat))
    raise exit_codes.Exit(exit_codes.OK)


def _celery_argv(
    concurrency: int, queues: list[str], node: str, level: str, beat: bool
) -> list[str]:
    argv = ["worker", f"--concurrency={concurrency}", f"--queues={','.join(queues)}"]
    argv += [f"--hostname={node}", f"--loglevel={level.upper()}"]
    # Mingle and gossip cost a second at start and serve features vpndiag does not use.
    return [*argv, "--without-mingle", "--without-gossip", *(["--beat"] if beat else [])]


def _with_beat(app: Celery, settings: CelerySettings, err: Console) -> None:
    """Beat in this worker, with the configuration's ``celery.schedule`` (exit 3 if none)."""
    from nornir_tasks.history.schedule import ScheduleError
    from nornir_tasks.scale.celery_beat import enable_beat

    if not settings.schedule:
        _fail(err, BrokerError("--beat: the configuration has no celery.schedule entry"), 3)
    try:
        enable_beat(app, settings, ledger.state_dir() / "celery-beat")  # beat's own state file
    except ScheduleError as exc:
        _fail(err, exc, exit_codes.USAGE)


def _fail(err: Console, exc: Exception, code: int) -> NoReturn:
    err.print(f"[red]error:[/] {escape(str(exc))}", highlight=False)
    raise exit_codes.Exit(code) from exc
