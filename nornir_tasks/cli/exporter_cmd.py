"""``vpndiag exporter``: run a playbook on a schedule and serve its latest metrics on /metrics.

The schedule is ``audit --schedule``'s loop (``history.schedule.run_every``); every run is
recorded and reported as ``vpndiag run`` would. SIGTERM or Ctrl-C stops it: the run under
way finishes, the HTTP server closes, the exit code is 0.
"""

from __future__ import annotations

import contextlib
import ipaddress
import signal
import threading
from typing import Any

import click
from prometheus_client.exposition import start_http_server
from rich.console import Console

from nornir_tasks.cli import exit_codes
from nornir_tasks.cli.run_cmd import execute, load
from nornir_tasks.cli.run_options import Reporting, Selection, report_options, selection_options
from nornir_tasks.history.schedule import parse_every, run_every
from nornir_tasks.models.report import RunReport
from nornir_tasks.playbooks.runner import PlaybookRun
from nornir_tasks.reports.latest import LatestRun, latest_registry

EPILOG = """\b
Examples:
  vpndiag exporter --listen 127.0.0.1:9810 --every 5m -i inventory.yaml -q
  curl -s http://127.0.0.1:9810/metrics
"""


def parse_listen(text: str) -> tuple[str, int]:
    """``ADDR:PORT`` (``[v6]:PORT`` for IPv6); port 0 picks a free one."""
    host, sep, port = text.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    try:
        ipaddress.ip_address(host)
        number = int(port)
    except ValueError:
        number = -1
    if not sep or not 0 <= number <= 65535:
        raise click.BadParameter(
            f"{text!r}: expected ADDR:PORT (127.0.0.1:9810)", param_hint="--listen"
        )
    return host, number


@click.command("exporter", epilog=EPILOG)
@click.option(
    "--listen", default="127.0.0.1:9810", show_default=True, help="ADDR:PORT to serve /metrics on."
)
@click.option("--playbook", default="health_check", show_default=True, help="The playbook to run.")
@click.option(
    "--every", "every", default="5m", show_default=True, help='How often: "5m", "every 15m".'
)
@selection_options
@report_options
def exporter(listen: str, playbook: str, every: str, **kwargs: Any) -> None:
    """Run a playbook on a schedule and serve the latest run as Prometheus metrics."""
    address, port = parse_listen(listen)
    try:
        interval = parse_every(every)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--every") from exc
    selection, reporting = Selection.of(kwargs), Reporting.of(kwargs)
    book = load(playbook)
    latest = LatestRun()
    try:
        server, thread = start_http_server(port, address, registry=latest_registry(latest))
    except OSError as exc:
        raise click.BadParameter(
            f"cannot listen on {listen}: {exc}", param_hint="--listen"
        ) from exc
    err = Console(stderr=True, soft_wrap=True)
    err.print(
        f"serving http://{listen.rpartition(':')[0]}:{server.server_port}/metrics", highlight=False
    )
    try:
        _loop(book, selection, reporting, latest, interval, err)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    raise exit_codes.Exit(exit_codes.OK)


def _loop(
    book: Any,
    selection: Selection,
    reporting: Reporting,
    latest: LatestRun,
    interval: int,
    err: Console,
) -> None:
    stop = threading.Event()

    def once() -> None:
        made: list[RunReport] = []

        def keep(run: PlaybookRun) -> None:
            made.append(run.report)

        code = execute(book, selection, reporting, after=keep)
        latest.publish(made[-1] if made else None, code)
        err.print(f"exporter run: exit {code}; next in {interval} s")

    def stop_now(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, stop_now)
    with contextlib.suppress(KeyboardInterrupt):
        run_every(interval, once, stop, on_error=lambda e: err.print(f"[red]run failed:[/] {e}"))
    err.print("exporter stopped")
