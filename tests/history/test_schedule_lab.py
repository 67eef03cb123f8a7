"""``vpndiag audit --schedule`` in the foreground against the lab: runs on the grid, each one
recorded, stopped cleanly by SIGTERM (what `docker stop` and systemd send)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lab.fleet import Fleet
from lab.inventory import write_inventory
from nornir_tasks.history.store import HistoryStore

pytestmark = pytest.mark.lab


def test_scheduled_audit_records_each_run_and_stops_on_sigterm(
    fresh_lab: Fleet, tmp_path: Path
) -> None:
    fresh_lab.advance(60)
    config = write_inventory(fresh_lab, tmp_path / "inv")
    db = tmp_path / "history.db"
    command = [
        sys.executable, "-m", "nornir_tasks.cli.main", "audit", "--schedule", "every 2s",
        "-i", str(config), "--hosts", "BR05,HQ", "--db", str(db), "-q",
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("VPNDIAG_")}
    proc = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if db.exists():
                with HistoryStore(db) as store:
                    if len([r for r in store.runs() if r.complete]) >= 2:
                        break
            time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 1  # the audit finds BR05's transform-set mismatch
    with HistoryStore(db) as store:
        runs = store.runs()
        assert len(runs) >= 2 and all(r.complete for r in runs)
        assert all(r.playbook == "audit" for r in runs)
        codes = {(f.host, f.code) for f in store.findings(runs[0].run_id)}
    assert ("BR05", "IKE_P2_PROPOSAL_MISMATCH") in codes
    assert "audit run 2: exit 1" in err
