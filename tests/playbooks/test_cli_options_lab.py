"""Run options against the lab: strict host keys, mailing the report, the configuration file."""

from __future__ import annotations

import email
import email.policy
import json
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import asyncssh
import pytest

from lab.fleet import Fleet
from lab.inventory import write_inventory
from lab.scenario import load_scenario
from nornir_tasks.cli.main import main
from tests.smtp.servers import LoopbackController, RelayHandler

pytestmark = pytest.mark.lab
QUIET = ["-q", "--poll-interval", "0"]


@pytest.fixture(scope="module")
def small(host_key: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Fleet, Path]]:
    scenario = load_scenario("default")
    scenario.routers = [r for r in scenario.routers if r.name in ("HQ", "BR01", "BR11")]
    scenario.faults = []
    fleet = Fleet(scenario)
    fleet.start(key_path=host_key)
    try:
        fleet.advance(60)
        yield fleet, write_inventory(fleet, tmp_path_factory.mktemp("inv"))
    finally:
        fleet.stop()


def known_hosts_line(fleet: Fleet, name: str, key_path: Path) -> str:
    public = asyncssh.read_private_key(key_path).export_public_key("openssh").decode()
    kind, blob = public.split()[:2]
    port = fleet.connection(name)["port"]
    return f"[127.0.0.1]:{port} {kind} {blob}\n"


def test_strict_host_keys_refuses_unknown_keys_and_accepts_known_ones(
    small: tuple[Fleet, Path], host_key: Path, tmp_path: Path
) -> None:
    fleet, config = small
    known = tmp_path / "known_hosts"
    known.write_text(known_hosts_line(fleet, "BR01", host_key))
    out = tmp_path / "r.json"
    args = ["health", "-i", str(config), "--hosts", "BR01,HQ", "--strict-host-keys"]
    code = main([*args, "--known-hosts", str(known), "-o", str(out), *QUIET])
    assert code == 2  # HQ's key is not in the file: HQ is refused, BR01 is checked
    hosts = {h["host"]: h for h in json.loads(out.read_text())["hosts"]}
    assert hosts["HQ"]["status"] == "failed"
    assert "known_hosts" in hosts["HQ"]["error"]
    assert hosts["BR01"]["status"] == "ok"

    known.write_text(known.read_text() + known_hosts_line(fleet, "HQ", host_key))
    assert main([*args, "--known-hosts", str(known), *QUIET]) == 0
    assert main([*args, "--known-hosts", str(tmp_path / "absent"), *QUIET]) == 3


def test_mail_to_sends_the_report_through_the_configured_relay(
    small: tuple[Fleet, Path], tmp_path: Path
) -> None:
    _, config = small
    handler = RelayHandler()
    relay = LoopbackController(handler)
    relay.start()
    try:
        settings = tmp_path / "vpndiag.yaml"
        settings.write_text(f"smtp:\n  host: 127.0.0.1\n  port: {relay.port}\n")
        code = main(
            [
                "health",
                "-i",
                str(config),
                "--hosts",
                "BR11",
                "--mail-to",
                "noc@corp.example",
                "--config",
                str(settings),
                *QUIET,
            ]
        )
    finally:
        relay.stop()
    assert code == 1  # BR11's crypto map is not applied: critical
    (received,) = handler.received
    message = email.message_from_bytes(received.content, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert received.rcpt_tos == ["noc@corp.example"]
    assert "CRITICAL" in message["Subject"]
    names = {part.get_filename() for part in message.iter_attachments()}
    assert names == {"report.html", "report.json"}
    body = message.get_body(("plain",))
    assert body is not None and "CRYPTO_MAP_NOT_APPLIED" in body.get_content()


def test_a_bad_configuration_is_a_usage_error_naming_the_line(
    small: tuple[Fleet, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, config = small
    settings = tmp_path / "vpndiag.yaml"
    settings.write_text("smtp:\n  host: 127.0.0.1\nhistory:\n  keep_dayz: 3\n")
    code = main(
        [
            "health",
            "-i",
            str(config),
            "--hosts",
            "BR01",
            "--mail-to",
            "a@b.example",
            "--config",
            str(settings),
            *QUIET,
        ]
    )
    assert code == 3
    assert f"{settings}:4: history.keep_dayz" in capsys.readouterr().err


def test_verbose_lists_every_check(
    small: tuple[Fleet, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, config = small
    capsys.readouterr()
    assert main(["health", "-i", str(config), "--hosts", "BR01", "-v", "--poll-interval", "0"]) == 0
    out = capsys.readouterr().out
    assert "IKE_P1_RETURN_PATH" in out and "PASS" in out


def test_every_run_is_recorded_and_keep_days_prunes(
    small: tuple[Fleet, Path], tmp_path: Path
) -> None:
    from nornir_tasks.history.store import HistoryStore, RunMeta
    from nornir_tasks.models.report import RunReport

    _, config = small
    db = tmp_path / "history.db"
    old = RunReport("vpndiag health_check", "health_check", "2026-01-02T03:04:05+00:00", 1, "0", ())
    with HistoryStore(db) as store:
        store.finish_run(store.begin_run(RunMeta.of(old)), old, ())
    args = ["health", "-i", str(config), "--hosts", "BR01", "--db", str(db), *QUIET]
    assert main([*args, "--keep-days", "30"]) == 0
    with HistoryStore(db) as store:
        runs = store.runs()
        assert [r.started[:4] for r in runs] == ["2026"] and len(runs) == 1
        assert runs[0].complete and runs[0].playbook == "health_check"
        assert not runs[0].started.startswith("2026-01-02")
        (snapshot,) = store.run(runs[0].run_id).hosts
        assert snapshot.host == "BR01" and snapshot.tunnels[0].peer == "198.51.100.2"
    assert main([*args, "--no-history"]) == 0
    with HistoryStore(db) as store:
        assert len(store.runs()) == 1
    html = tmp_path / "report.html"
    assert main([*args, "-o", str(html)]) == 0  # second recorded run: the chart has history
    page = html.read_text()
    assert "Tunnel states over time" in page and "198.51.100.2" in page
