"""``vpndiag audit``: the audit playbook, once or on a schedule; ``vpndiag audit diff``.

Every audit run is recorded in the history database; after each one, new critical findings
since the previous run are announced (webhook, mail) when the configuration asks for it.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Any

import click
from rich.console import Console

from nornir_tasks.cli import exit_codes
from nornir_tasks.cli.engine_options import engine_options
from nornir_tasks.cli.history_cmd import diff_cmd
from nornir_tasks.cli.run_cmd import (
    Reporting,
    Selection,
    allow_changes_option,
    execute,
    load,
    processes_option,
    report_options,
    selection_options,
)
from nornir_tasks.history.schedule import parse_every, run_every

EPILOG = """\b
Examples:
  vpndiag audit                                  audit the fleet once, record it
  vpndiag audit --schedule "every 15m"           in the foreground (containers)
  vpndiag audit diff --since 24h                 what changed since yesterday
  vpndiag schedule install --systemd audit --every 1h
"""


@click.group("audit", invoke_without_command=True, epilog=EPILOG)
@click.option("--playbook", default="audit", show_default=True, help="The playbook to run.")
@click.option("--schedule", "every", help='Run on a schedule until stopped: "every 15m".')
@allow_changes_option
@selection_options
@processes_option
@engine_options
@report_options
@click.pass_context
def audit(
    ctx: click.Context, /, playbook: str, every: str | None, allow_changes: bool, **kwargs: Any
) -> None:
    """Audit crypto and failover configuration across the fleet (recorded in the history)."""
    if ctx.invoked_subcommand is not None:
        return
    selection = Selection.of(kwargs)
    reporting = Reporting.of(kwargs)
    book = load(playbook, allow_changes)
    if every is None:
        raise exit_codes.Exit(execute(book, selection, reporting))
    try:
        interval = parse_every(every)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--schedule") from exc
    err = Console(stderr=True)
    stop = threading.Event()
    codes: list[int] = []

    def once() -> None:
        codes.append(execute(book, selection, reporting))
        err.print(f"audit run {len(codes)}: exit {codes[-1]}; next in {interval} s")

    def stop_now(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, stop_now)
    with contextlib.suppress(KeyboardInterrupt):
        run_every(interval, once, stop, on_error=lambda e: err.print(f"[red]run failed:[/] {e}"))
    raise exit_codes.Exit(codes[-1] if codes else exit_codes.OK)


audit.add_command(diff_cmd)
