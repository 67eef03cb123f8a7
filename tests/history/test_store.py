"""The history store: atomic runs, interrupted runs, concurrent writers, migrations, retention."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from nornir_tasks.history import rows as rows_module
from nornir_tasks.history import schema
from nornir_tasks.history import store as store_module
from nornir_tasks.history.snapshot import TunnelSnapshot, run_snapshots
from nornir_tasks.history.store import (
    HistoryError,
    HistoryStore,
    RunMeta,
    default_path,
)
from nornir_tasks.models.report import RunReport, TunnelStatus
from nornir_tasks.models.tunnel_status import TunnelKind
from nornir_tasks.reports.formats import render
from tests.history.support import PSK, captured, lab_run, record_run

ROOT = Path(__file__).parents[2]


def count(db: Path, table: str, run_id: int | None = None) -> int:
    conn = sqlite3.connect(db)
    try:
        where = "" if run_id is None else f" WHERE run_id = {int(run_id)}"
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}{where}").fetchone()[0])
    finally:
        conn.close()


def test_a_recorded_run_reads_back_whole(tmp_path: Path) -> None:
    report, fleet = lab_run(captured("default", "BR01"), captured("default", "HQ"))
    db = tmp_path / "history.db"
    run_id = record_run(db, report, fleet)
    with HistoryStore(db) as store:
        run = store.run(run_id)
        assert run.complete
        assert run.findings == report.findings
        assert run.hosts == run_snapshots(report, fleet)
        br01 = run.host("BR01")
        assert br01 is not None and br01.crypto_sha256 and br01.failover_sha256
        (tunnel,) = br01.tunnels
        assert (tunnel.peer, tunnel.state, tunnel.phase1) == (
            "198.51.100.2",
            TunnelStatus.UP,
            "QM_IDLE",
        )
        assert (tunnel.inbound_spis, tunnel.outbound_spis) == (("0x369E0D37",), ("0x7513270E",))
        assert (tunnel.encaps, tunnel.decaps, tunnel.remaining_s) == (157, 157, 3521)
        (row,) = store.runs()
        assert (row.run_id, row.complete, row.hosts) == (run_id, True, 2)
        assert row.critical == sum(1 for f in report.findings if f.severity == "critical") > 0


def test_an_exception_between_begin_and_finish_leaves_the_run_incomplete(tmp_path: Path) -> None:
    report, _ = lab_run(captured("default", "BR01"))
    db = tmp_path / "history.db"

    def audit(store: HistoryStore) -> None:
        store.begin_run(RunMeta.of(report))
        raise RuntimeError("collection crashed")  # finish_run is never reached

    with HistoryStore(db) as store:
        with pytest.raises(RuntimeError):
            audit(store)
        assert [r.complete for r in store.runs()] == [False]
        assert store.latest() is None  # readers only see complete runs
        assert store.tunnel_history() == ()


def test_a_failure_inside_finish_run_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report, fleet = lab_run(captured("default", "BR01"), captured("default", "HQ"))
    db = tmp_path / "history.db"
    real = rows_module.tunnel_row
    calls: list[int] = []

    def failing(run_id: int, tunnel: TunnelSnapshot) -> tuple[object, ...]:
        calls.append(run_id)
        if len(calls) == 3:
            raise OSError("disk full")
        return real(run_id, tunnel)

    monkeypatch.setattr(store_module, "tunnel_row", failing)
    with HistoryStore(db) as store:
        run_id = store.begin_run(RunMeta.of(report))
        with pytest.raises(OSError, match="disk full"):
            store.finish_run(run_id, report, run_snapshots(report, fleet))
        assert not store.run(run_id).complete
    # hosts and findings were inserted before the failure: rolled back with it
    assert [count(db, t, run_id) for t in ("hosts", "findings", "tunnels")] == [0, 0, 0]
    monkeypatch.setattr(store_module, "tunnel_row", real)
    with HistoryStore(db) as store:
        store.finish_run(run_id, report, run_snapshots(report, fleet))  # a retry completes it
        assert store.run(run_id).complete
        with pytest.raises(HistoryError, match="complete"):
            store.finish_run(run_id, report, run_snapshots(report, fleet))


KILLED_WRITER = """
import sys, time
from nornir_tasks.history import store as s
from nornir_tasks.history.snapshot import run_snapshots
from tests.history.support import captured, lab_run

report, fleet = lab_run(captured("default", "BR01"), captured("default", "HQ"))
def stall(run_id, tunnel):
    print("IN-TRANSACTION", flush=True)
    time.sleep(60)
s.tunnel_row = stall
with s.HistoryStore(sys.argv[1]) as store:
    run_id = store.begin_run(s.RunMeta.of(report))
    store.finish_run(run_id, report, run_snapshots(report, fleet))
"""


def test_a_process_killed_mid_write_leaves_the_database_consistent(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(db)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "IN-TRANSACTION"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
    with HistoryStore(db, timeout_s=5) as store:
        ((run_id, complete),) = [(r.run_id, r.complete) for r in store.runs()]
        assert not complete
        # The write lock died with the process: the next run records at once.
        report, fleet = lab_run(captured("default", "BR01"))
        store.finish_run(store.begin_run(RunMeta.of(report)), report, run_snapshots(report, fleet))
        assert store.latest() is not None
    assert [count(db, t, run_id) for t in ("hosts", "findings", "tunnels")] == [0, 0, 0]
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


CONCURRENT_WRITER = """
import sys, time
from pathlib import Path
from tests.history.support import record_run
from tests.history.support import captured, lab_run

report, fleet = lab_run(captured("default", "BR01"), captured("default", "HQ"))
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.01)
for _ in range(int(sys.argv[3])):
    record_run(sys.argv[1], report, fleet)
"""


def test_two_processes_recording_at_once_both_land(tmp_path: Path) -> None:
    db, go, runs = tmp_path / "history.db", tmp_path / "go", 8
    argv = [sys.executable, "-c", CONCURRENT_WRITER, str(db), str(go), str(runs)]
    writers = [subprocess.Popen(argv, cwd=ROOT) for _ in range(2)]
    try:
        go.touch()
        assert [w.wait(timeout=120) for w in writers] == [0, 0]
    finally:
        for w in writers:
            w.kill()
            w.wait()
    with HistoryStore(db) as store:
        recorded = store.runs()
    assert len(recorded) == 2 * runs
    assert all(r.complete and r.hosts == 2 for r in recorded)
    assert count(db, "tunnels") == 2 * runs * count(db, "tunnels", recorded[0].run_id)


def test_a_version_1_database_is_migrated_and_keeps_its_runs(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    conn = sqlite3.connect(db, isolation_level=None)
    assert schema.migrate(conn, target=1) == 1
    conn.execute(
        "INSERT INTO runs (started, started_ts, title, tool_version, complete)"
        " VALUES ('2026-01-01T00:00:00Z', 1767225600, 'old', '0.0.9', 1)"
    )
    conn.execute("INSERT INTO hosts VALUES (1, 'BR01', 'ok', NULL, 1, 1)")
    conn.execute(
        "INSERT INTO tunnels VALUES"
        " (1, 'BR01', '198.51.100.2', 'up', 'QM_IDLE', 2, 5, 5, '[\"0x1\"]', '[\"0x2\"]', 100)"
    )
    conn.close()
    with HistoryStore(db) as store:
        assert store.schema_version == schema.LATEST == 3
        (host,) = store.run(1).hosts
        assert (host.host, host.crypto_sha256, host.tunnels[0].lifetime_s) == ("BR01", None, None)
        assert host.tunnels[0].inbound_spis == ("0x1",)
        # recorded before the kind and the read flag: kind unknown, tunnel state read
        assert (host.tunnels[0].kind, host.tunnels[0].interface, host.tunnels_read) == (
            None,
            None,
            True,
        )
        report, fleet = lab_run(captured("default", "BR01"))
        new = store.run(record_run(db, report, fleet)).hosts[0]
        assert new.crypto_sha256 and new.tunnels[0].kind is TunnelKind.CRYPTO_MAP
    with HistoryStore(db) as store:  # opening again migrates nothing
        assert store.schema_version == 3


def test_a_database_newer_than_the_tool_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    HistoryStore(db).close()
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO schema_version VALUES (99, 'future')")
    conn.commit()
    conn.close()
    with pytest.raises(HistoryError, match="schema version 99 is newer"):
        HistoryStore(db)


def test_retention_deletes_old_runs_with_everything_they_hold(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    now = dt.datetime(2026, 11, 18, 12, 0, tzinfo=dt.UTC)
    for started in ("2026-09-01T00:00:00Z", "2026-10-10T00:00:00Z", "2026-11-18T11:00:00Z"):
        report, fleet = lab_run(captured("default", "BR01"), started=started)
        record_run(db, report, fleet)
    with HistoryStore(db) as store:
        assert store.prune(keep_days=30, now=now) == 2
        assert [r.started for r in store.runs()] == ["2026-11-18T11:00:00Z"]
    assert count(db, "tunnels") == count(db, "hosts") == 1


def test_no_secret_reaches_the_database_file(tmp_path: Path) -> None:
    report, fleet = lab_run(captured("default", "BR01"), captured("default", "HQ"))
    br01 = fleet.host("BR01")
    assert br01 is not None and PSK in br01.raw["show running-config"]
    # A finding quoting the key line (as a config rule could) must not carry it in either.
    quoted = f"BR01#crypto isakmp key {PSK} address 198.51.100.2"
    br01_report, hq = report.hosts
    leaky = replace(hq.findings[0], evidence=(quoted,))
    report = replace(report, hosts=(br01_report, replace(hq, findings=(leaky, *hq.findings))))
    db = tmp_path / "history.db"
    with HistoryStore(db) as store:
        run_id = store.begin_run(RunMeta.of(report))
        store.finish_run(run_id, report, run_snapshots(report, fleet))
        files = [p for p in tmp_path.iterdir() if p.name.startswith("history.db")]
        assert len(files) >= 2  # the database and its WAL, while open
        assert not [p for p in files if PSK.encode() in p.read_bytes()]
        assert any("<removed>" in line for f in store.findings(run_id) for line in f.evidence)
    assert not [p for p in tmp_path.iterdir() if PSK.encode() in p.read_bytes()]


def test_tunnel_history_feeds_the_report_chart(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    for scenario, started in (
        ("default", "2026-11-18T10:00:00Z"),
        ("fault1", "2026-11-18T11:00:00Z"),
    ):
        report, fleet = lab_run(captured(scenario, "BR01"), started=started)
        record_run(db, report, fleet)
    with HistoryStore(db) as store:
        states = store.tunnel_history("BR01", "198.51.100.2")
    assert [(s.state, s.at) for s in states] == [
        (TunnelStatus.UP, "2026-11-18T10:00:00Z"),
        (TunnelStatus.NEGOTIATING, "2026-11-18T11:00:00Z"),
    ]


def test_the_default_path_follows_the_environment(tmp_path: Path) -> None:
    assert default_path({"VPNDIAG_HISTORY_DB": str(tmp_path / "h.db")}) == tmp_path / "h.db"
    assert default_path({"XDG_DATA_HOME": str(tmp_path)}) == tmp_path / "vpndiag" / "history.db"
    assert default_path({}) == Path("~/.local/share/vpndiag/history.db").expanduser()


def test_the_html_report_charts_the_recorded_history(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    for scenario, hour in (("default", 1), ("fault1", 2), ("default", 3)):
        report, fleet = lab_run(captured(scenario, "BR01"), started=f"2026-11-18T0{hour}:00:00Z")
        record_run(db, report, fleet)
    with HistoryStore(db) as store:
        charted = store.with_history(report)
    assert [(s.state, s.at[11:13]) for s in charted.history] == [
        (TunnelStatus.UP, "01"),
        (TunnelStatus.NEGOTIATING, "02"),
        (TunnelStatus.UP, "03"),
    ]
    html = render(charted, "html")
    assert "Tunnel states over time" in html and "198.51.100.2" in html
    assert "Tunnel states over time" not in render(report, "html")


def test_drift_compares_runs_of_the_same_playbook(tmp_path: Path) -> None:
    """An audit between two health checks is neither their base nor inside their series."""
    db = tmp_path / "h.db"

    def record(playbook: str, started: str) -> int:
        report = RunReport(f"vpndiag {playbook}", playbook, started, 1.0, "0", ())
        with HistoryStore(db) as store:
            run_id = store.begin_run(RunMeta.of(report))
            store.finish_run(run_id, replace(report), ())
        return run_id

    first = record("health_check", "2026-11-26T10:00:00+00:00")
    audit = record("audit", "2026-11-26T10:05:00+00:00")
    last = record("health_check", "2026-11-26T10:10:00+00:00")
    with HistoryStore(db) as store:
        assert store.latest(exclude=last, playbook="health_check") == first
        assert store.latest(exclude=last) == audit
        assert [r.run_id for r in store.between(first, last)] == [first, last]
        assert store.playbook_of(audit) == "audit"


def test_runs_started_in_the_same_second_are_between_by_their_order(tmp_path: Path) -> None:
    """Start times have whole seconds: a run recorded before ``first`` in the same second is
    not between ``first`` and ``last`` (it made the drift of a quick lab test compare the
    wrong base)."""
    db = tmp_path / "h.db"

    def record(started: str) -> int:
        report = RunReport("vpndiag health_check", "health_check", started, 1.0, "0", ())
        with HistoryStore(db) as store:
            run_id = store.begin_run(RunMeta.of(report))
            store.finish_run(run_id, report, ())
        return run_id

    healthy = record("2026-12-03T14:30:01Z")
    faulty = record("2026-12-03T14:30:01Z")
    cleared = record("2026-12-03T14:30:02Z")
    with HistoryStore(db) as store:
        assert [r.run_id for r in store.between(faulty, cleared)] == [faulty, cleared]
        assert [r.run_id for r in store.between(healthy, faulty)] == [healthy, faulty]
        assert [r.run_id for r in store.between(cleared, healthy)] == [healthy, faulty, cleared]
        assert [r.run_id for r in store.between(faulty, faulty)] == [faulty]
