"""``--engine`` and ``--broker`` (run, health, audit): where the collection runs.

``local`` collects in this machine's processes (``--processes``); ``celery`` publishes the
shards to ``vpndiag worker`` processes through a Redis broker (docs/scale.md). Diagnosis,
history and reports run here either way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from nornir_tasks.scale.broker import BROKER_VAR, BrokerError, resolve_broker
from nornir_tasks.settings import Settings
from nornir_tasks.tasks.hosts import Hosts

if TYPE_CHECKING:
    from nornir_tasks.cli.run_options import Overrides, Selection
    from nornir_tasks.scale.celery_engine import CeleryCollector

FC = TypeVar("FC", bound=Callable[..., Any])
ENGINES = ("local", "celery")


def engine_options(fn: FC) -> FC:
    """``--engine local|celery`` and ``--broker URL``."""
    fn = click.option(
        "--broker",
        help=f"Celery broker, redis://[:PASSWORD@]HOST[:PORT][/DB] [default: ${BROKER_VAR}, "
        "then the configuration's celery.broker].",
    )(fn)
    return click.option(
        "--engine",
        type=click.Choice(ENGINES),
        default="local",
        show_default=True,
        help="Collect here (local: --processes) or on Celery workers (celery: --broker).",
    )(fn)


def celery_collector(
    selection: Selection, overrides: Overrides, settings: Settings, playbook: str, nr: Hosts
) -> CeleryCollector:
    """The checked Celery collector of this run: ``BrokerError`` for a missing or bad URL
    (exit 3), ``BrokerUnreachableError`` for a broker or queue nobody answers (exit 2)."""
    if selection.processes is not None:
        raise BrokerError("--processes is for --engine local (Celery workers: --concurrency)")
    url = resolve_broker(selection.broker, settings.celery)
    # Celery loads only for a Celery run: a local run does not pay for it.
    from nornir_tasks.scale.celery_engine import CeleryCollector

    collector = CeleryCollector(
        url,
        selection.inventory,
        settings.celery,
        selection.workers,
        overrides.timeout,
        selection.known_hosts,
        playbook,
    )
    return collector.checked(nr)
