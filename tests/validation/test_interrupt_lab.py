"""Ctrl-C exits 130 (128 + SIGINT, as shells report it), not 3, the usage-error code.

``vpndiag health`` runs as a process against the lab over SSH and gets SIGINT while it waits
between its two counter polls (its SSH session to BR01 is open then).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from lab.fleet import Fleet
from lab.inventory import write_inventory
from lab.scenario import Scenario, load_scenario

pytestmark = pytest.mark.lab
ROOT = Path(__file__).resolve().parents[2]


def _sessions(fleet: Fleet, name: str) -> int:
    return fleet.call(lambda: len(fleet.device(name).drop_hooks))


def test_ctrl_c_exits_130(fleet_factory: Callable[[Scenario], Fleet], tmp_path: Path) -> None:
    scenario = load_scenario("default")
    scenario.routers = [r for r in scenario.routers if r.name in ("HQ", "BR01")]
    scenario.faults = []
    fleet = fleet_factory(scenario)
    inventory = write_inventory(fleet, tmp_path / "inv")
    argv = [sys.executable, "-m", "nornir_tasks.cli.main", "health", "-i", str(inventory)]
    argv += ["--hosts", "BR01", "--poll-interval", "600", "-q", "--no-history"]
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while _sessions(fleet, "BR01") == 0 and proc.poll() is None:
            assert time.monotonic() < deadline, "vpndiag never logged in to BR01"
            time.sleep(0.2)
        time.sleep(1.0)  # the collection ends; the 600 s wait for the second poll begins
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = err.decode()
    assert proc.returncode == 130, text
    assert "Aborted." in text and "Traceback" not in text
