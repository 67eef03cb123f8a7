"""Scheduling: "every 15m" parsed, rendered as a crontab line or systemd service and timer units,
and a foreground loop for containers (no cron, no systemd inside).

Rendering is pure (text out; the CLI writes the files). Each run's output and exit code go to
the log: journald (systemd records the exit status itself; cron pipes through ``systemd-cat``)
or a file.
"""

from __future__ import annotations

import re
import shlex
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

# every 15m / 1h / 30s / 1d / "every 2 hours"
_EVERY = re.compile(
    r"^\s*(?:every\s+)?(\d+)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?)\s*$",
    re.I,
)
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# Characters systemd accepts in a unit name (the rest becomes "-").
_UNIT_NAME = re.compile(r"[^A-Za-z0-9:_.\\-]+")


class ScheduleError(ValueError):
    """An interval that cannot be parsed or scheduled."""


class LogTarget(StrEnum):
    JOURNALD = "journald"
    FILE = "file"


def parse_every(text: str) -> int:
    """``every 15m`` (or ``15m``, ``2 hours``) -> seconds."""
    m = _EVERY.match(text)
    if m is None or int(m[1]) == 0:
        raise ScheduleError(f"{text!r}: expected 'every N' with s, m, h or d (every 15m)")
    return int(m[1]) * _UNIT_S[m[2][0].lower()]


def parse_duration(text: str) -> int:
    """``90m``, ``1d``: seconds (the same syntax without ``every``)."""
    return parse_every(text)


def systemd_span(seconds: int) -> str:
    """Seconds as a systemd time span, in the largest whole unit: 3600 -> ``1h``."""
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def cron_schedule(seconds: int) -> str:
    """The five cron fields for ``seconds``; cron counts whole minutes that divide the hour,
    hours that divide the day, or days."""
    if seconds % 86400 == 0:
        days = seconds // 86400
        return "0 0 * * *" if days == 1 else f"0 0 */{days} * *"
    if seconds % 3600 == 0 and 24 % (seconds // 3600) == 0:
        hours = seconds // 3600
        return "0 * * * *" if hours == 1 else f"0 */{hours} * * *"
    if seconds % 60 == 0 and 60 % (seconds // 60) == 0:
        minutes = seconds // 60
        return "* * * * *" if minutes == 1 else f"*/{minutes} * * * *"
    raise ScheduleError(
        f"every {systemd_span(seconds)} cannot be written in cron: use minutes dividing 60, "
        "hours dividing 24 or whole days (or --systemd)"
    )


@dataclass(frozen=True)
class Job:
    """What runs on schedule: ``vpndiag run PLAYBOOK ARGS...`` every ``seconds``."""

    executable: str  # absolute path of vpndiag
    playbook: str
    seconds: int
    args: tuple[str, ...] = ()
    log: LogTarget = LogTarget.JOURNALD
    log_file: str | None = None  # with LogTarget.FILE
    working_dir: str | None = None

    def __post_init__(self) -> None:
        if self.log is LogTarget.FILE and not self.log_file:
            raise ScheduleError("logging to a file needs the file's path")

    @property
    def argv(self) -> tuple[str, ...]:
        return (self.executable, "run", self.playbook, *self.args)

    @property
    def name(self) -> str:
        """The unit name: ``vpndiag-<playbook>``."""
        stem = self.playbook.rsplit("/", 1)[-1].removesuffix(".yaml").removesuffix(".yml")
        return "vpndiag-" + (_UNIT_NAME.sub("-", stem).strip("-") or "run")


def _cron_escape(text: str) -> str:
    # cron turns an unescaped % into a newline (the rest becomes the command's stdin).
    return text.replace("%", r"\%")


def crontab_line(job: Job) -> str:
    """One crontab line: the run, its output and its exit code appended to the log."""
    command = shlex.join(job.argv)
    if job.working_dir:
        command = f"cd {shlex.quote(job.working_dir)} && {command}"
    status = f'echo "{job.name}: exit $?"'
    if job.log is LogTarget.FILE:
        assert job.log_file is not None
        log = shlex.quote(job.log_file)
        body = f"{{ {command}; {status}; }} >> {log} 2>&1"
    else:
        body = f"{{ {command}; {status}; }} 2>&1 | systemd-cat -t {job.name}"
    return f"{cron_schedule(job.seconds)} {_cron_escape(body)}"


def _exec_start(argv: Sequence[str]) -> str:
    # systemd expands % specifiers and $VARIABLES in ExecStart: escape both.
    return " ".join(shlex.quote(a).replace("%", "%%").replace("$", "$$") for a in argv)


def service_unit(job: Job, system: bool = False, run_as: str | None = None) -> str:
    """The oneshot service that runs the job once; exit 1 (findings) is a success for systemd."""
    unit = [
        "[Unit]",
        f"Description=vpndiag run {job.playbook} (scheduled audit)",
    ]
    if system:
        unit += ["Wants=network-online.target", "After=network-online.target"]
    service = [
        "",
        "[Service]",
        "Type=oneshot",
        f"ExecStart={_exec_start(job.argv)}",
        # 1 means "findings at or above --fail-on": the audit worked; 2 and 3 are failures.
        "SuccessExitStatus=1",
        f"SyslogIdentifier={job.name}",
    ]
    if job.working_dir:
        service.append(f"WorkingDirectory={job.working_dir}")
    if system and run_as:
        service.append(f"User={run_as}")
    if job.log is LogTarget.FILE:
        service += [f"StandardOutput=append:{job.log_file}", f"StandardError=append:{job.log_file}"]
    else:
        service += ["StandardOutput=journal", "StandardError=journal"]
    return "\n".join(unit + service) + "\n"


def timer_unit(job: Job) -> str:
    """The timer: first run a minute after boot (or enabling), then every interval."""
    span = systemd_span(job.seconds)
    return "\n".join(
        [
            "[Unit]",
            f"Description=Run {job.name} every {span}",
            "",
            "[Timer]",
            "OnActiveSec=1min",
            "OnBootSec=1min",
            f"OnUnitActiveSec={span}",
            "AccuracySec=1s",
            f"Unit={job.name}.service",
            "",
            "[Install]",
            "WantedBy=timers.target",
            "",
        ]
    )


def run_every(
    interval_s: float,
    fn: Callable[[], object],
    stop: threading.Event,
    on_error: Callable[[Exception], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Call ``fn`` now and every ``interval_s`` until ``stop`` is set; returns the runs made.

    Start times stay on the grid (a run that takes 10 s of a 60 s interval is followed 50 s
    later); a run that overruns skips the ticks it missed rather than running back to back.
    ``on_error`` receives an exception of ``fn`` and the loop goes on; without it, it is raised.
    """
    start, runs = clock(), 0
    while not stop.is_set():
        try:
            fn()
        except Exception as exc:
            if on_error is None:
                raise
            on_error(exc)
        runs += 1
        elapsed = clock() - start
        next_tick = (int(elapsed // interval_s) + 1) * interval_s
        stop.wait(max(0.0, next_tick - elapsed))
    return runs
