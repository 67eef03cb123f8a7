"""``vpndiag worker`` against a real redis-server: it starts, never shows the broker's
password, and refuses an unreachable broker at once (exit 2)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

from lab.redis_server import RedisServer, free_port
from tests.celery.conftest import BROKER_PASSWORD, VPNDIAG, Workers


def test_worker_starts_on_its_queues_and_never_prints_the_password(
    workers: Callable[..., Workers],
) -> None:
    pool = workers({})
    worker = pool.start("w-banner", "emea,apac")
    pool.wait_ready(worker)
    worker.stop()
    text = worker.text()
    assert "queues emea, apac" in text
    assert ".> emea" in text and ".> apac" in text  # Celery's own banner
    assert "vpndiag.run_shard" in text
    assert BROKER_PASSWORD not in text


def test_unreachable_broker_is_exit_2_within_seconds(redis: RedisServer) -> None:
    url = f"redis://:{BROKER_PASSWORD}@127.0.0.1:{free_port()}/0"
    started = time.monotonic()
    done = subprocess.run([*VPNDIAG, "worker", "--broker", url], capture_output=True, timeout=30)
    assert done.returncode == 2, done.stderr
    assert time.monotonic() - started < 10
    said = done.stderr.decode()
    assert "unreachable" in said and "Connection refused" in said
    assert BROKER_PASSWORD not in said + done.stdout.decode()


def test_wrong_broker_password_is_named_without_showing_either(redis: RedisServer) -> None:
    url = redis.url.replace(BROKER_PASSWORD, "Wr0ng-guess-11")
    done = subprocess.run([*VPNDIAG, "worker", "--broker", url], capture_output=True, timeout=30)
    said = done.stderr.decode()
    assert done.returncode == 2, said
    assert "invalid username-password pair" in said
    assert BROKER_PASSWORD not in said and "Wr0ng-guess-11" not in said
