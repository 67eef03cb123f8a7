"""Schedules: intervals parsed, crontab lines and systemd units that cron and systemd accept."""

from __future__ import annotations

import configparser
import re
import shlex
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from nornir_tasks.history.schedule import (
    Job,
    LogTarget,
    ScheduleError,
    crontab_line,
    parse_every,
    run_every,
    service_unit,
    timer_unit,
)

VPNDIAG = str(Path(__file__).parents[2] / ".venv" / "bin" / "vpndiag")
# One cron field: *, */N, N, N-M, lists of these.
CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$")
CRON_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("every 15m", 900), ("1h", 3600), ("every 30s", 30), ("every 1d", 86400), ("2 hours", 7200)],
)
def test_intervals_parse(text: str, seconds: int) -> None:
    assert parse_every(text) == seconds


@pytest.mark.parametrize("text", ["every", "15", "every 0m", "every 5 weeks", "hourly"])
def test_bad_intervals_are_refused(text: str) -> None:
    with pytest.raises(ScheduleError):
        parse_every(text)


def cron_fields(line: str) -> tuple[list[str], str]:
    fields = line.split(maxsplit=5)
    for field, (low, high) in zip(fields[:5], CRON_RANGES, strict=True):
        assert CRON_FIELD.match(field), field
        numbers = [int(n) for n in re.findall(r"\d+", field.split("/")[0])]
        assert all(low <= n <= high for n in numbers), field
    return fields[:5], fields[5]


@pytest.mark.parametrize(
    ("every", "schedule"),
    [
        ("every 15m", "*/15 * * * *"),
        ("every 1m", "* * * * *"),
        ("every 1h", "0 * * * *"),
        ("every 6h", "0 */6 * * *"),
        ("every 1d", "0 0 * * *"),
        ("every 60m", "0 * * * *"),
    ],
)
def test_crontab_lines_are_five_valid_fields_and_the_command(every: str, schedule: str) -> None:
    job = Job(VPNDIAG, "health_check", parse_every(every), ("--db", "/var/lib/vpndiag/h.db"))
    fields, command = cron_fields(crontab_line(job))
    assert " ".join(fields) == schedule
    words = shlex.split(command)
    assert words[:4] == ["{", VPNDIAG, "run", "health_check"]
    assert words[-4:] == ["|", "systemd-cat", "-t", "vpndiag-health_check"]


def test_a_cron_line_logging_to_a_file_records_the_exit_code_and_escapes_percent() -> None:
    job = Job(
        VPNDIAG,
        "nightly.yaml",
        900,
        ("--output-dir", "/srv/100%"),
        LogTarget.FILE,
        "/var/log/v.log",
    )
    _, command = cron_fields(crontab_line(job))
    assert "%" not in command.replace(r"\%", "")  # cron would cut the line at a bare %
    assert 'echo "vpndiag-nightly: exit $?"' in command
    assert command.endswith(">> /var/log/v.log 2>&1")


def test_a_cron_line_really_runs_under_sh(tmp_path: Path) -> None:
    fake = tmp_path / "vpndiag"
    fake.write_text('#!/bin/sh\necho "ran $*"\nexit 1\n')
    fake.chmod(0o755)
    log = tmp_path / "run.log"
    job = Job(str(fake), "health_check", 3600, ("--every", "x"), LogTarget.FILE, str(log))
    _, command = cron_fields(crontab_line(job))
    subprocess.run(["/bin/sh", "-c", command.replace(r"\%", "%")], check=True, timeout=10)
    assert log.read_text() == "ran run health_check --every x\nvpndiag-health_check: exit 1\n"


@pytest.mark.parametrize("every", ["every 45m", "every 5h", "every 90s"])
def test_intervals_cron_cannot_express_are_refused(every: str) -> None:
    with pytest.raises(ScheduleError, match="cron"):
        crontab_line(Job(VPNDIAG, "p", parse_every(every)))


def units(
    job: Job, system: bool, run_as: str | None = None
) -> dict[str, configparser.ConfigParser]:
    parsed = {}
    for name, text in (
        (".service", service_unit(job, system, run_as)),
        (".timer", timer_unit(job)),
    ):
        parser = configparser.ConfigParser(strict=True, interpolation=None)
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        parser.read_string(text)
        parsed[name] = parser
    return parsed


def test_units_parse_and_say_what_runs_when() -> None:
    job = Job(VPNDIAG, "health_check", 3600, ("--db", "/var/lib/vpndiag/h.db"))
    parsed = units(job, system=True, run_as="vpndiag")
    service, timer = parsed[".service"], parsed[".timer"]
    assert shlex.split(service["Service"]["ExecStart"]) == [
        VPNDIAG,
        "run",
        "health_check",
        "--db",
        "/var/lib/vpndiag/h.db",
    ]
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["User"] == "vpndiag"
    assert service["Service"]["StandardOutput"] == "journal"
    assert timer["Timer"]["OnUnitActiveSec"] == "1h"
    assert timer["Timer"]["Unit"] == "vpndiag-health_check.service"
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_units_logging_to_a_file_append_to_it() -> None:
    job = Job(VPNDIAG, "p", 900, (), LogTarget.FILE, "/var/log/vpndiag.log")
    service = units(job, system=False)[".service"]["Service"]
    assert service["StandardOutput"] == service["StandardError"] == "append:/var/log/vpndiag.log"
    assert "User" not in service


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
@pytest.mark.parametrize("system", [False, True], ids=["user", "system"])
def test_systemd_analyze_verifies_the_units(tmp_path: Path, system: bool) -> None:
    job = Job(VPNDIAG, "health_check", 900, ("--db", "/tmp/h 100%.db"), working_dir=str(tmp_path))
    service = tmp_path / f"{job.name}.service"
    timer = tmp_path / f"{job.name}.timer"
    service.write_text(service_unit(job, system))
    timer.write_text(timer_unit(job))
    (tmp_path / "runtime").mkdir()
    scope = [] if system else ["--user"]
    result = subprocess.run(
        ["systemd-analyze", "verify", *scope, str(timer), str(service)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"XDG_RUNTIME_DIR": str(tmp_path / "runtime"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    # Unknown keys and bad values are only warnings: none may be printed.
    assert result.stderr.strip() == "", result.stderr


class _SimulatedStop(threading.Event):
    """A stop event whose waits advance a simulated clock instead of the wall clock."""

    def __init__(self) -> None:
        super().__init__()
        self.now = 100.0

    def clock(self) -> float:
        return self.now

    def wait(self, timeout: float | None = None) -> bool:
        self.now += timeout or 0.0
        return self.is_set()


def test_run_every_keeps_start_times_on_the_interval_grid_until_stopped() -> None:
    stop = _SimulatedStop()
    starts: list[float] = []

    def tick() -> None:
        starts.append(stop.now)
        stop.now += 0.01  # each run takes a fifth of the interval
        if len(starts) == 4:
            stop.set()

    assert run_every(0.05, tick, stop, clock=stop.clock) == 4
    assert [round(t - 100.0, 6) for t in starts] == [0.0, 0.05, 0.1, 0.15]


def test_run_every_skips_the_ticks_an_overrunning_run_missed() -> None:
    stop = _SimulatedStop()
    starts: list[float] = []

    def tick() -> None:
        starts.append(stop.now)
        stop.now += 0.12 if len(starts) == 1 else 0.01  # the first run overruns two ticks
        if len(starts) == 3:
            stop.set()

    assert run_every(0.05, tick, stop, clock=stop.clock) == 3
    assert [round(t - 100.0, 6) for t in starts] == [0.0, 0.15, 0.2]


def test_run_every_survives_a_failing_run_when_told_to() -> None:
    stop = threading.Event()
    errors: list[Exception] = []
    calls = 0

    def tick() -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ValueError("hosts down")
        if calls == 3:
            stop.set()

    assert run_every(0.01, tick, stop, on_error=errors.append) == 3
    assert [str(e) for e in errors] == ["hosts down"]


def test_run_every_raises_a_failing_run_by_default() -> None:
    def tick() -> None:
        raise ValueError("no handler")

    with pytest.raises(ValueError, match="no handler"):
        run_every(0.01, tick, threading.Event())
