"""``vpndiag worker`` refuses a broker it cannot use at once (exit 2), and says why without
showing the broker's password. (A worker that starts is tested with the lab runs.)"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from lab.redis_server import RedisServer, free_port
from nornir_tasks.cli.main import main
from tests.celery.conftest import BROKER_PASSWORD


def test_unreachable_broker_is_exit_2_within_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"redis://:{BROKER_PASSWORD}@127.0.0.1:{free_port()}/0"
    started = time.monotonic()
    assert main(["worker", "--broker", url]) == 2
    assert time.monotonic() - started < 10
    out, err = capsys.readouterr()
    assert "error: broker redis://:***@127.0.0.1:" in err and "Connection refused" in err
    assert BROKER_PASSWORD not in out + err


def test_wrong_broker_password_is_named_without_showing_either(
    redis: RedisServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = redis.url.replace(BROKER_PASSWORD, "Wr0ng-guess-11")
    assert main(["worker", "--broker", url]) == 2
    out, err = capsys.readouterr()
    assert "invalid username-password pair" in err
    assert BROKER_PASSWORD not in out + err and "Wr0ng-guess-11" not in out + err


def test_no_broker_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VPNDIAG_BROKER", raising=False)
    assert main(["worker"]) == 3
    assert "no broker: give --broker" in capsys.readouterr().err


def test_processes_with_the_celery_engine_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    inventory = Path(__file__).parents[2] / "inventory" / "lab" / "config.yaml"
    argv = ["health", "-i", str(inventory), "--engine", "celery", "--processes", "2"]
    assert main([*argv, "--broker", "redis://127.0.0.1:1/0", "--no-history"]) == 3
    assert "--processes is for --engine local" in capsys.readouterr().err
