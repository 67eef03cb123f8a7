"""``--engine celery`` on the lab over real SSH: a real redis-server, two real ``vpndiag
worker`` processes (one per queue, as one per region), the coordinator in this process.

The coordinator has no device credentials: one worker has them in its environment, the other
in its own copy of the inventory.
Nothing a device password or the broker password looks like reaches the broker or any output.
"""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis as redis_client
import yaml

from lab.fleet import Fleet
from lab.inventory import write_inventory
from lab.redis_server import RedisServer, free_port
from lab.scenario import load_scenario
from nornir_tasks.cli.main import main
from tests.celery.conftest import BROKER_PASSWORD, Worker, Workers

pytestmark = pytest.mark.lab
CREDENTIALS = ("VPNDIAG_USERNAME", "VPNDIAG_PASSWORD", "VPNDIAG_SECRET")


@dataclass(frozen=True)
class CeleryLab:
    fleet: Fleet
    inventory: Path  # no credentials in it
    redis: RedisServer
    hubs: Worker  # consumes "hubs" (HQ, routed by its inventory group)
    branches: Worker  # consumes the default queue
    folder: Path
    pool: Workers  # with the lab's credentials in their environment

    def config(self, **celery: Any) -> Path:
        path = self.folder / f"config-{len(celery)}-{time.monotonic_ns()}.yaml"
        section = {"routes": {"hubs": "hubs"}, "discovery_timeout": 0.5, **celery}
        path.write_text(yaml.safe_dump({"celery": section}))
        return path

    def health(self, *extra: str, config: Path | None = None) -> list[str]:
        return [
            "health", "-i", str(self.inventory), "--engine", "celery", "--broker", self.redis.url,
            "--config", str(config or self.config()), "--no-history", *extra,
        ]  # fmt: skip


@pytest.fixture(scope="module")
def frozen(host_key: Path) -> Iterator[Fleet]:
    """The default fleet after 90 lab seconds, its clock then stopped: two runs read the same
    state, so a Celery run and a local run must report exactly the same."""
    fleet = Fleet(load_scenario("default"), speed=0.0)
    fleet.start(key_path=host_key)
    try:
        fleet.advance(90)
        yield fleet
    finally:
        fleet.stop()


@pytest.fixture(scope="module")
def celery_lab(
    frozen: Fleet,
    redis: RedisServer,
    workers: Callable[..., Workers],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[CeleryLab]:
    fleet = frozen
    folder = tmp_path_factory.mktemp("celery-lab")
    inventory = write_inventory(fleet, folder / "inv", with_credentials=False)
    creds = fleet.scenario.credentials
    env = dict(zip(CREDENTIALS, (creds.username, creds.password, creds.secret), strict=True))
    pool = workers(env)
    hubs = pool.start("w-hubs", "hubs")
    # The other worker has no credentials in its environment: they are in its own copy of the
    # inventory (--inventory), which it reads instead of the path the coordinator sends.
    own = write_inventory(fleet, folder / "inv-branches", with_credentials=True)
    branches = workers({}).start("w-branches", "vpndiag", "--inventory", str(own))
    pool.wait_ready(hubs, branches)
    yield CeleryLab(fleet, inventory, redis, hubs, branches, folder, pool)


@pytest.fixture()
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CREDENTIALS:
        monkeypatch.delenv(name, raising=False)


def report_of(text: str) -> dict[str, Any]:
    """The JSON report less when it ran and how long it took."""
    report: dict[str, Any] = json.loads(text)
    for volatile in ("started", "duration_s"):
        report.pop(volatile)
    return report


def decoded(commands: list[str]) -> str:
    """The broker's commands as text, with the base64 message bodies Celery sends decoded."""
    bodies = [m for c in commands for m in re.findall(r'"body": "([A-Za-z0-9+/=]+)"', c)]
    return "\n".join([*commands, *(base64.b64decode(b).decode(errors="replace") for b in bodies)])


def monitor(url: str) -> tuple[list[str], Callable[[], None]]:
    """Every command the broker receives, as text, until the returned stop is called."""
    seen: list[str] = []
    client = redis_client.Redis.from_url(url)
    stop = threading.Event()

    def listen() -> None:
        with client.monitor() as feed:  # type: ignore[no-untyped-call]
            for command in feed.listen():
                seen.append(str(command.get("command", "")))
                if stop.is_set():
                    return

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()

    def done() -> None:
        stop.set()
        client.ping()  # one more command, so the listener wakes and sees the stop
        thread.join(5)

    return seen, done


def test_celery_report_equals_local_and_no_secret_travels(
    celery_lab: CeleryLab,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    creds = celery_lab.fleet.scenario.credentials
    for name, value in zip(
        CREDENTIALS, (creds.username, creds.password, creds.secret), strict=True
    ):
        monkeypatch.setenv(name, value)
    local = [
        "health", "-i", str(celery_lab.inventory), "--poll-interval", "0",
        "--format", "json", "--no-history",
    ]  # fmt: skip
    local_code = main(local)
    local_report = report_of(capsys.readouterr().out)
    for name in CREDENTIALS:
        monkeypatch.delenv(name)
    seen, stop = monitor(celery_lab.redis.url)
    try:
        code = main(celery_lab.health("--poll-interval", "0", "--format", "json"))
    finally:
        stop()
    out, err = capsys.readouterr()
    assert code == local_code == 1, err
    assert report_of(out) == local_report
    traffic = decoded(seen)
    assert "vpndiag.run_shard" in traffic and '"hosts": ["HQ"]' in traffic
    for secret in (creds.password, creds.secret, BROKER_PASSWORD):
        assert secret not in traffic + out + err
    for worker in (celery_lab.hubs, celery_lab.branches):
        banner = worker.text()  # Celery's banner and log, and vpndiag's line before it
        assert "on redis://:***@127.0.0.1:" in banner and BROKER_PASSWORD not in banner
    assert "queues hubs" in celery_lab.hubs.text() and ".> hubs" in celery_lab.hubs.text()


# -- failures a user can rely on ----------------------------------------------------------------

PAIR = ("--hosts", "HQ,BR01", "--format", "json")  # HQ on the "hubs" queue, BR01 on the other


def shard_states(url: str, skip: frozenset[bytes] = frozenset()) -> list[dict[str, Any]]:
    """The task states in the result store (what the coordinator reads), less ``skip``."""
    client = redis_client.Redis.from_url(url)
    keys = [k for k in client.scan_iter("celery-task-meta-*") if k not in skip]
    return [json.loads(client.get(key) or "{}") for key in keys]


def state_keys(url: str) -> frozenset[bytes]:
    return frozenset(redis_client.Redis.from_url(url).scan_iter("celery-task-meta-*"))


def running_on(url: str, worker: str, timeout: float = 60.0) -> int:
    """The PID of the pool process collecting a shard on ``worker``, once it reports progress."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for meta in shard_states(url):
            info = meta.get("result") or {}
            if meta.get("status") == "PROGRESS" and info.get("worker") == worker:
                return int(info["pid"])
        time.sleep(0.05)
    raise AssertionError(f"no shard reported progress on {worker}")


def in_thread(argv: list[str]) -> tuple[threading.Thread, list[int]]:
    codes: list[int] = []
    thread = threading.Thread(target=lambda: codes.append(main(argv)), daemon=True)
    thread.start()
    return thread, codes


def test_a_pool_process_killed_mid_shard_has_its_shard_run_again(
    celery_lab: CeleryLab, capsys: pytest.CaptureFixture[str], no_credentials: None
) -> None:
    # Between its two polls the shard sleeps the poll interval: killed there, it is mid-shard.
    run, codes = in_thread(celery_lab.health(*PAIR, "--poll-interval", "1"))
    pid = running_on(celery_lab.redis.url, "w-hubs@test")
    os.kill(pid, signal.SIGKILL)  # the pool process this test saw collecting, by its PID
    run.join(60)
    report = json.loads(capsys.readouterr().out)
    assert codes == [1]  # findings, every host reached: no host lost with the killed process
    assert [h["host"] for h in report["hosts"]] == ["BR01", "HQ"]  # each once
    assert all(h["status"] == "ok" for h in report["hosts"])
    log = celery_lab.hubs.text()
    assert f"pid:{pid} exited with 'signal 9 (SIGKILL)'" in log
    assert log.count("vpndiag.run_shard[") >= 2  # received, lost, received again, succeeded


def test_a_shard_over_its_time_limit_fails_its_hosts_with_the_reason(
    celery_lab: CeleryLab, capsys: pytest.CaptureFixture[str], no_credentials: None
) -> None:
    config = celery_lab.config(shard_time_limit=1)
    code = main(celery_lab.health(*PAIR, "--poll-interval", "3", config=config))
    report = json.loads(capsys.readouterr().out)
    assert code == 2
    errors = {h["host"]: (h["status"], h["error"]) for h in report["hosts"]}
    assert errors["HQ"][0] == "failed"
    assert "exceeded its time limit of 1 s on worker w-hubs@test" in errors["HQ"][1]
    assert "exceeded its time limit of 1 s on worker w-branches@test" in errors["BR01"][1]


def test_ctrl_c_on_the_coordinator_revokes_its_shards(
    celery_lab: CeleryLab, capsys: pytest.CaptureFixture[str], no_credentials: None
) -> None:
    def interrupt() -> None:
        running_on(celery_lab.redis.url, "w-branches@test")
        signal.raise_signal(signal.SIGINT)  # as Ctrl-C: the main thread, where main() runs

    before = state_keys(celery_lab.redis.url)
    threading.Thread(target=interrupt, daemon=True).start()
    code = main(celery_lab.health(*PAIR, "--poll-interval", "5"))
    assert code == 130
    deadline = time.monotonic() + 10
    while "Terminating" not in celery_lab.branches.text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "Terminating" in celery_lab.branches.text()
    # Each worker's main process records REVOKED once it has seen its pool process end, a
    # moment after it logs "Terminating": wait for both records, not for the first look.
    deadline = time.monotonic() + 10
    statuses: list[Any] = []
    while time.monotonic() < deadline:
        statuses = [m.get("status") for m in shard_states(celery_lab.redis.url, before)]
        if statuses.count("REVOKED") == 2:
            break
        time.sleep(0.1)
    assert statuses.count("REVOKED") == 2, statuses


def test_an_unreachable_broker_or_queue_is_exit_2_within_seconds(
    celery_lab: CeleryLab, capsys: pytest.CaptureFixture[str]
) -> None:
    dead = f"redis://:{BROKER_PASSWORD}@127.0.0.1:{free_port()}/0"
    started = time.monotonic()
    argv = celery_lab.health(*PAIR)
    argv[argv.index("--broker") + 1] = dead
    assert main(argv) == 2
    assert time.monotonic() - started < 10
    nobody = celery_lab.config(routes={"hubs": "apac"})
    assert main(celery_lab.health(*PAIR, config=nobody)) == 2
    out, err = capsys.readouterr()
    assert "unreachable: Error 111 connecting to 127.0.0.1" in err
    assert "no worker consumes queue apac" in err and "vpndiag worker --queues apac" in err
    assert BROKER_PASSWORD not in out + err


def test_celery_beat_starts_the_scheduled_run_on_the_beat_worker(celery_lab: CeleryLab) -> None:
    report = celery_lab.folder / "scheduled.json"
    command = ["health", "-i", str(celery_lab.inventory), "--hosts", "BR01"]
    command += ["--poll-interval", "0", "--no-history", "-q", "-o", str(report)]
    entry = {"name": "br01-health", "every": "3s", "command": command}  # first due after 3 s
    config = celery_lab.config(schedule=[entry])
    beat = celery_lab.pool.start("w-beat", "vpndiag-schedule", "--beat", "--config", str(config))
    try:
        deadline = time.monotonic() + 60
        while "vpndiag.run_command[" not in beat.text() or " succeeded in " not in beat.text():
            assert time.monotonic() < deadline and beat.process.poll() is None, beat.text()
            time.sleep(0.1)
    finally:
        beat.process.send_signal(signal.SIGQUIT)  # cold shutdown: no waiting for a next run
        beat.stop()
    text = beat.text()
    assert "Sending due task br01-health (vpndiag.run_command)" in text
    assert "'exit': 0" in text  # BR01 is healthy
    hosts = json.loads(report.read_text())["hosts"]
    assert [(h["host"], h["status"]) for h in hosts] == [("BR01", "ok")]
