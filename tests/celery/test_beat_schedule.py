"""Beat entries from the configuration: only run/health/audit, intervals as audit --schedule."""

from __future__ import annotations

from datetime import timedelta

import pytest

from nornir_tasks.history.schedule import ScheduleError
from nornir_tasks.scale.celery_beat import RUN_COMMAND, beat_schedule, run_command
from nornir_tasks.settings import BeatEntry


def test_entries_become_beat_entries_on_the_schedule_queue() -> None:
    entry = BeatEntry(name="hourly-audit", every="1h", command=["audit", "-q"])
    schedule = beat_schedule([entry], "vpndiag-schedule")
    assert schedule == {
        "hourly-audit": {
            "task": RUN_COMMAND,
            "schedule": timedelta(hours=1),
            "args": [["audit", "-q"]],
            "options": {"queue": "vpndiag-schedule", "expires": 3600.0},
        }
    }


@pytest.mark.parametrize(
    ("command", "every", "said"),
    [
        (["worker"], "1h", "must start with run, health, audit"),
        ([], "1h", "must start with"),
        (["audit"], "sometimes", "expected 'every N'"),
    ],
)
def test_a_bad_entry_is_named(command: list[str], every: str, said: str) -> None:
    with pytest.raises(ScheduleError, match=said):
        beat_schedule([BeatEntry(name="x", every=every, command=command)], "q")


def test_the_task_refuses_any_other_command() -> None:
    with pytest.raises(ValueError, match="not a scheduled run"):
        run_command(["lab", "up"])
