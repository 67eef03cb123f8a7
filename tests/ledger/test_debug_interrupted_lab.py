"""Issue 17 item 1, reproduced against the lab over real SSH: a `triage --debug` interrupted
(Ctrl-C once, twice, kill -9, the connection cut) never leaves debug running unnoticed; the
next run turns it off, verifies it with ``show debugging`` and says so in its report."""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lab.fleet import Fleet
from nornir_tasks.cli.main import main
from nornir_tasks.ledger import DEBUG, Ledger
from nornir_tasks.tasks.debug import debugging_is_clean
from tests.lab.labcli import cli, one

pytestmark = pytest.mark.lab

ENDS = ("BR07", "HQ")
FAST = ["--poll-interval", "0", "--no-history"]


@pytest.fixture()
def lab(settled: tuple[Fleet, Path]) -> Iterator[tuple[Fleet, Path]]:
    """The settled lab; every test leaves it without debug, quirks or refused sessions."""
    yield settled
    fleet = settled[0]
    for name in ENDS:
        fleet.call(functools.partial(_reset, fleet, name))
        cli(fleet, name, "undebug all", "no debug crypto condition all")


def _reset(fleet: Fleet, name: str) -> None:
    device = fleet.device(name)
    quirks = device.quirks
    assert isinstance(quirks, dict)
    quirks.pop("slow", None)
    device.refuse_until = 0.0


def debug_on(fleet: Fleet, name: str) -> bool:
    device = fleet.device(name)
    return bool(fleet.call(lambda: bool(device.debugs) or bool(device.debug_conditions)))


def clean_on_router(fleet: Fleet, name: str) -> bool:
    return debugging_is_clean(one(fleet, name, "show debugging"))


def start_triage(config: Path, *extra: str) -> subprocess.Popen[str]:
    """``vpndiag triage BR07 --debug`` in its own process (it inherits the test's ledger)."""
    args = ["triage", "BR07", "-i", str(config), "--debug", "--debug-seconds", "120", *FAST]
    return subprocess.Popen(
        [sys.executable, "-m", "nornir_tasks.cli.main", *args, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, COLUMNS="200"),
    )


def wait_for_debug(fleet: Fleet, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not all(debug_on(fleet, n) for n in ENDS):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the debug never started on both ends"
        time.sleep(0.1)


def finish(proc: subprocess.Popen[str], timeout: float = 60) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def test_ctrl_c_once_cleans_up_both_ends_at_once_and_says_so(
    lab: tuple[Fleet, Path],
) -> None:
    fleet, config = lab
    proc = start_triage(config)
    wait_for_debug(fleet, proc)
    interrupted = time.monotonic()
    proc.send_signal(signal.SIGINT)
    code, out, err = finish(proc)
    took = time.monotonic() - interrupted
    assert code == 130 and took < 15, (code, took, err)
    assert "Interrupted: stopping the debug on BR07, HQ" in err
    assert "Traceback" not in err
    for name in ENDS:
        assert clean_on_router(fleet, name)
        line = next(ln for ln in out.splitlines() if ln.startswith(f"{name}: debug crypto"))
        assert "cleanup verified" in line and "interrupted (Ctrl-C)" in line
    assert Ledger().hosts(DEBUG) == []


def test_a_second_ctrl_c_during_the_cleanup_is_ignored(lab: tuple[Fleet, Path]) -> None:
    fleet, config = lab
    proc = start_triage(config)
    wait_for_debug(fleet, proc)
    # HQ answers "show debugging" slowly: the cleanup is still running at the second Ctrl-C.
    quirks = fleet.device("HQ").quirks
    assert isinstance(quirks, dict)
    fleet.call(lambda: quirks.__setitem__("slow", {"^show debugging": 4}))
    proc.send_signal(signal.SIGINT)
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    code, out, err = finish(proc)
    assert code == 130, err
    assert "Ctrl-C ignored" in err and "cleanup still running on HQ" in err
    assert "Traceback" not in err
    assert all(clean_on_router(fleet, n) for n in ENDS)
    assert "HQ: debug crypto isakmp, ipsec for peer ipv4 203.0.113.30" in out
    assert Ledger().hosts(DEBUG) == []


def _debug_section(out: str) -> dict[str, dict[str, object]]:
    return {d["host"]: d for d in json.loads(out)["debug"]}


def test_kill_9_during_debug_then_health_turns_it_off_and_says_so(
    lab: tuple[Fleet, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    fleet, config = lab
    proc = start_triage(config)
    wait_for_debug(fleet, proc)
    proc.kill()
    proc.communicate(timeout=30)
    assert Ledger().hosts(DEBUG) == ["BR07", "HQ"]  # written before the first debug command
    assert all(debug_on(fleet, n) for n in ENDS)  # kill -9: nobody cleaned up

    capsys.readouterr()
    main(["health", "-i", str(config), "--hosts", "BR07,HQ,BR01", "--format", "json", *FAST])
    section = _debug_section(capsys.readouterr().out)
    assert set(section) == set(ENDS)
    for name in ENDS:
        assert section[name]["origin"] == "earlier run"
        assert section[name]["cleanup_verified"] is True
        assert section[name]["kinds"] == ["isakmp", "ipsec"]
        assert "left on by vpndiag triage BR07 <-> HQ" in str(section[name]["note"])
        assert clean_on_router(fleet, name)
    assert Ledger().hosts(DEBUG) == []


def _leave_debug_behind(fleet: Fleet, tmp_path: Path) -> None:
    """The state a killed run leaves: debug on both ends, ledger entries of a dead process."""
    code = (
        "import time\n"
        "from nornir_tasks.ledger import DebugEntry, Ledger, Owner\n"
        "for host, peer in (('BR07', '198.51.100.2'), ('HQ', '203.0.113.30')):\n"
        "    Ledger().record(DebugEntry(host, (peer,), ('isakmp',), time.time(), 30,"
        " Owner(run='vpndiag triage BR07')))\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    cli(fleet, "BR07", "debug crypto condition peer ipv4 198.51.100.2", "debug crypto isakmp")
    cli(fleet, "HQ", "debug crypto condition peer ipv4 203.0.113.30", "debug crypto isakmp")


@pytest.mark.parametrize(
    "command",
    [
        ["audit", "--hosts", "BR07,HQ"],
        ["run", "health_check", "--hosts", "BR07,HQ"],
        ["triage", "BR07", "--no-debug"],
    ],
)
def test_every_later_run_finishes_the_leftover_debug(
    lab: tuple[Fleet, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    fleet, config = lab
    _leave_debug_behind(fleet, tmp_path)
    capsys.readouterr()
    main([*command, "-i", str(config), "--format", "json", *FAST])
    section = _debug_section(capsys.readouterr().out)
    assert {h: (d["origin"], d["cleanup_verified"]) for h, d in section.items()} == {
        "BR07": ("earlier run", True),
        "HQ": ("earlier run", True),
    }
    assert all(clean_on_router(fleet, n) for n in ENDS)
    assert Ledger().hosts(DEBUG) == []


def test_connection_cut_during_debug_is_reported_then_finished_later(
    lab: tuple[Fleet, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fleet, config = lab
    report = tmp_path / "report.json"
    # New sessions for HQ's cleanup 0.2 s apart (default 1, 2 and 4 s): as many, all refused.
    settings = tmp_path / "vpndiag.yaml"
    settings.write_text("debug:\n  reconnect_delays: [0.2, 0.2, 0.2]\n")
    proc = start_triage(
        config, "--debug-seconds", "6", "-o", str(report), "--config", str(settings)
    )
    wait_for_debug(fleet, proc)
    fleet.call(lambda: fleet.device("HQ").refuse_sessions(60.0))  # past the run's retries
    fleet.drop_sessions("HQ")
    code, out, err = finish(proc)
    assert code == 2, (out, err)  # not "ok": the run could not verify HQ's cleanup
    assert "Traceback" not in err
    data = json.loads(report.read_text())
    section = _debug_section(report.read_text())
    assert section["HQ"]["cleanup_verified"] is False and section["HQ"]["seconds"] is None
    assert "cleanup impossible: 4 new sessions failed" in str(section["HQ"]["note"])
    assert section["BR07"]["cleanup_verified"] is True
    hosts = {h["host"]: h for h in data["hosts"]}
    assert hosts["HQ"]["status"] == "partial"  # not "ok"
    assert "DEBUG_LEFT_ON" in {f["code"] for f in hosts["HQ"]["findings"]}
    assert "cleanup NOT VERIFIED" in out and "DEBUG_LEFT_ON" in out
    assert Ledger().hosts(DEBUG) == ["HQ"] and debug_on(fleet, "HQ")

    # HQ takes sessions again (rather than waiting out the refusal in real time).
    fleet.call(lambda: setattr(fleet.device("HQ"), "refuse_until", 0.0))
    capsys.readouterr()
    main(["health", "-i", str(config), "--hosts", "HQ", "--format", "json", *FAST])
    section = _debug_section(capsys.readouterr().out)
    assert section["HQ"]["origin"] == "earlier run" and section["HQ"]["cleanup_verified"]
    assert clean_on_router(fleet, "HQ") and Ledger().hosts(DEBUG) == []
