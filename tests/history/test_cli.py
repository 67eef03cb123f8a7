"""``vpndiag history``, ``audit diff`` (diff_cmd) and ``schedule install`` as users run them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
import pytest

from nornir_tasks.cli import exit_codes
from nornir_tasks.cli.history_cmd import diff_cmd
from nornir_tasks.cli.main import cli, main
from tests.history.support import captured, lab_run, record_run

HQ = "198.51.100.2"


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    """Three nights of BR01: healthy at 01:00, HQ unreachable at 02:00, healthy again at 03:00."""
    path = tmp_path / "history.db"
    for hour, scenario in ((1, "default"), (2, "fault1"), (3, "default")):
        report, fleet = lab_run(captured(scenario, "BR01"), started=f"2026-11-18T0{hour}:00:00Z")
        record_run(path, report, fleet)
    return path


def audit(*args: str) -> int:
    """``vpndiag audit diff ARGS`` with diff_cmd mounted as the lead mounts it."""
    group = click.Group("audit", commands={"diff": diff_cmd})
    root = click.Group("vpndiag", commands={"audit": group})
    try:
        root.main(args=["audit", "diff", *args], standalone_mode=False)
    except exit_codes.Exit as done:
        return done.code
    return exit_codes.OK


def test_history_prints_a_timeline_per_tunnel(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "BR01", "--db", str(db)]) == exit_codes.OK
    out = capsys.readouterr().out
    assert "BR01" in out and HQ in out and "crypto map" in out  # the tunnel's kind
    assert "█▒█" in out  # up, negotiating, up
    assert "2026-11-18T03:00:00Z" in out  # up since the last run


def test_history_as_json_filters_by_tunnel(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "--tunnel", HQ, "--db", str(db), "--format", "json"]) == 0
    (tunnel,) = json.loads(capsys.readouterr().out)["tunnels"]
    assert [s["state"] for s in tunnel["states"]] == ["up", "negotiating", "up"]
    assert (tunnel["kind"], tunnel["interface"]) == ("crypto-map", None)
    assert main(["history", "--tunnel", "192.0.2.99", "--db", str(db), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"tunnels": []}


def test_history_prunes_with_keep_days(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "history.db"
    now = dt.datetime.now(dt.UTC)
    for days in (10, 0):
        started = (now - dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
        record_run(path, *lab_run(captured("default", "BR01"), started=started))
    assert main(["history", "--keep-days", "7", "--db", str(path), "--format", "json"]) == 0
    out = capsys.readouterr()
    assert "pruned 1 run(s) older than 7 days" in out.err
    (tunnel,) = json.loads(out.out)["tunnels"]
    assert len(tunnel["states"]) == 1


def test_diff_of_a_new_fault_exits_1(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert audit("--since", "1", "--run", "2", "--db", str(db), "--format", "json") == 1
    data = json.loads(capsys.readouterr().out)
    assert [(f["host"], f["code"]) for f in data["new_findings"]] == [
        ("BR01", "IKE_P1_NO_RESPONSE")
    ]


def test_diff_of_a_cleared_fault_exits_0_and_shows_it_resolved(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert audit("--db", str(db)) == 0  # the latest run against the one before
    out = capsys.readouterr().out
    assert "run 2" in out and "run 3" in out
    assert "resolved findings" in out and "IKE_P1_NO_RESPONSE BR01" in out
    assert "tunnels up" in out


def test_diff_since_a_duration_reaches_back_to_the_first_run(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert audit("--since", "2h", "--db", str(db), "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["base_run"], data["current_run"]) == (1, 3)
    assert data["new_findings"] == data["resolved_findings"] == []


def test_diff_fail_on_warning_and_bad_input(db: Path, tmp_path: Path) -> None:
    assert audit("--since", "1", "--run", "2", "--fail-on", "info", "--db", str(db)) == 1
    with pytest.raises(click.ClickException, match="not a complete run older"):
        audit("--since", "3", "--run", "2", "--db", str(db))
    with pytest.raises(click.ClickException, match="no complete run"):
        audit("--db", str(tmp_path / "empty.db"))


def test_schedule_install_cron_prints_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["schedule", "install", "--cron", "health_check", "--every", "15m"]
    rc = main([*args, "--output-dir", str(tmp_path), "--db", str(tmp_path / "h.db")])
    assert rc == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("*/15 * * * * ") and f"--db {tmp_path / 'h.db'}" in line
    assert (tmp_path / "vpndiag-health_check.cron").read_text() == line + "\n"


def test_schedule_install_systemd_writes_both_units(tmp_path: Path) -> None:
    args = ["schedule", "install", "--systemd", "--system", "nightly.yaml", "--every", "1d"]
    assert main([*args, "--output-dir", str(tmp_path), "--log-file", str(tmp_path / "v.log")]) == 0
    service = (tmp_path / "vpndiag-nightly.service").read_text()
    assert "run nightly.yaml" in service and f"append:{tmp_path / 'v.log'}" in service
    assert "OnUnitActiveSec=1d" in (tmp_path / "vpndiag-nightly.timer").read_text()


def test_schedule_install_refuses_what_cron_cannot_do(tmp_path: Path) -> None:
    args = ["schedule", "install", "--cron", "health_check", "--every", "45m"]
    assert main(args) == exit_codes.USAGE
    assert main(["schedule", "install", "health_check", "--every", "1h"]) == exit_codes.USAGE
    assert {"history", "schedule"} <= set(cli.list_commands(click.Context(cli)))
