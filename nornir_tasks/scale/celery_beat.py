"""Scheduled runs from Celery beat: ``vpndiag worker --beat`` runs beat inside a worker that
consumes ``celery.schedule_queue``; each ``celery.schedule`` entry becomes a beat entry that
sends ``vpndiag.run_command`` with the entry's vpndiag arguments there, and the worker runs
that command as a process of its own, the coordinator of the run (history, reports, mail
where it runs; an ``--engine celery`` run publishes its shards to the other queues).

Only ``run``, ``health`` and ``audit`` are accepted, and only a worker started with ``--beat``
has the task at all: a message on the broker cannot make any other worker run a command.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from celery import Celery

from nornir_tasks.history.schedule import ScheduleError, parse_every
from nornir_tasks.settings import BeatEntry, CelerySettings

RUN_COMMAND = "vpndiag.run_command"
ALLOWED = ("run", "health", "audit")


def beat_schedule(entries: Sequence[BeatEntry], queue: str) -> dict[str, dict[str, Any]]:
    """Celery's ``beat_schedule`` for the configuration's entries; ``ScheduleError`` names a
    bad one."""
    schedule: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if not entry.command or entry.command[0] not in ALLOWED:
            raise ScheduleError(
                f"celery.schedule {entry.name!r}: the command must start with "
                f"{', '.join(ALLOWED)} (got {entry.command[:1]})"
            )
        every = timedelta(seconds=parse_every(entry.every))
        schedule[entry.name] = {
            "task": RUN_COMMAND,
            "schedule": every,
            "args": [list(entry.command)],
            "options": {"queue": queue, "expires": every.total_seconds()},
        }
    return schedule


def enable_beat(app: Celery, settings: CelerySettings, state: Path) -> None:
    """``app`` runs beat with the configured entries and executes them (``--beat``)."""
    app.conf.beat_schedule = beat_schedule(settings.schedule, settings.schedule_queue)
    state.mkdir(parents=True, exist_ok=True)
    app.conf.beat_schedule_filename = str(state / "celerybeat-schedule")
    app.task(name=RUN_COMMAND)(run_command)


def run_command(argv: list[str]) -> dict[str, Any]:
    """``vpndiag ARGV`` as a process of its own; its exit code (1 = findings) is the result."""
    if not argv or argv[0] not in ALLOWED:
        raise ValueError(f"not a scheduled run: {argv[:1]} (allowed: {', '.join(ALLOWED)})")
    command = [sys.executable, "-m", "nornir_tasks.cli.main", *argv]
    done = subprocess.run(command, stdin=subprocess.DEVNULL, check=False)
    return {"command": ["vpndiag", *argv], "exit": done.returncode}
