"""The history database (SQLite): every run, its hosts, findings and tunnel snapshots.

    with HistoryStore(path) as store:
        run_id = store.begin_run(RunMeta.of(report))   # the row exists, marked incomplete
        store.finish_run(run_id, report, snapshots)    # everything else, in one transaction

A run interrupted between the two stays incomplete and holds nothing else; readers only see
complete runs. WAL mode and a busy timeout let two processes record at once. Every free-text
field goes through the report redactor first: no secret is stored.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType

from nornir_tasks.history import schema
from nornir_tasks.history.rows import (
    INSERT_FINDING,
    INSERT_TUNNEL,
    TUNNEL_COLUMNS,
    finding_from_row,
    finding_row,
    insert_host,
    tunnel_from_row,
    tunnel_row,
)
from nornir_tasks.history.snapshot import (
    HostSnapshot,
    RunSnapshot,
    TunnelSnapshot,
    parse_time,
)
from nornir_tasks.models.collection import HostStatus
from nornir_tasks.models.findings import Finding, Severity
from nornir_tasks.models.report import RunReport, TunnelPoint, TunnelStatus
from nornir_tasks.models.tunnel_status import TunnelKind
from nornir_tasks.reports.redact import redact_report

ENV = "VPNDIAG_HISTORY_DB"
BUSY_TIMEOUT_S = 30.0


class HistoryError(Exception):
    """The history database cannot be opened or does not hold what was asked for."""


def default_path(environ: Mapping[str, str] = os.environ) -> Path:
    """``$VPNDIAG_HISTORY_DB``, else ``$XDG_DATA_HOME/vpndiag/history.db`` (~/.local/share)."""
    if environ.get(ENV):
        return Path(environ[ENV]).expanduser()
    data = environ.get("XDG_DATA_HOME") or str(Path("~/.local/share").expanduser())
    return Path(data) / "vpndiag" / "history.db"


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class RunMeta:
    """What is known when a run starts."""

    title: str
    started: str  # ISO 8601, UTC
    tool_version: str
    playbook: str | None = None

    @classmethod
    def of(cls, report: RunReport) -> RunMeta:
        return cls(report.title, report.started, report.tool_version, report.playbook)


@dataclass(frozen=True)
class RunRow:
    """One line of the run list."""

    run_id: int
    started: str
    title: str
    playbook: str | None
    complete: bool
    duration_s: float | None
    hosts: int
    findings: int
    critical: int


class HistoryStore:
    """An open history database (one connection; use one store per thread)."""

    def __init__(self, path: Path | str | None = None, timeout_s: float = BUSY_TIMEOUT_S) -> None:
        self.path = Path(path).expanduser() if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(self.path, timeout=timeout_s, isolation_level=None)
            self._setup(timeout_s)
        except sqlite3.DatabaseError as exc:
            raise HistoryError(f"{self.path}: {exc}") from exc

    def _setup(self, timeout_s: float) -> None:
        self._conn.execute(f"PRAGMA busy_timeout = {int(timeout_s * 1000)}")
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA foreign_keys = ON")
        self._conn.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoints
        found = schema.version(self._conn)
        if found > schema.LATEST:
            raise HistoryError(
                f"{self.path}: schema version {found} is newer than this vpndiag knows "
                f"({schema.LATEST}); upgrade vpndiag"
            )
        if found < schema.LATEST:
            schema.migrate(self._conn)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        # IMMEDIATE: take the write lock up front, so a busy database waits instead of failing
        # half-way through the transaction.
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    @property
    def schema_version(self) -> int:
        return schema.version(self._conn)

    # -- writing ---------------------------------------------------------------------------

    def begin_run(self, meta: RunMeta) -> int:
        """Record that a run started; it stays incomplete until ``finish_run``."""
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO runs (started, started_ts, title, playbook, tool_version)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    meta.started,
                    parse_time(meta.started).timestamp(),
                    meta.title,
                    meta.playbook,
                    meta.tool_version,
                ),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def finish_run(self, run_id: int, report: RunReport, snapshots: Iterable[HostSnapshot]) -> None:
        """Hosts, findings and tunnels of the run, and the run marked complete: all or nothing."""
        report = redact_report(report)
        by_host = {s.host: s for s in snapshots}
        with self._transaction() as conn:
            row = conn.execute("SELECT complete FROM runs WHERE id = ?", (run_id,)).fetchone()
            if row is None or row[0]:
                raise HistoryError(f"run {run_id}: {'no such run' if row is None else 'complete'}")
            for host in report.hosts:
                insert_host(conn, run_id, host, by_host.get(host.host))
            conn.executemany(INSERT_FINDING, [finding_row(run_id, f) for f in report.findings])
            tunnels = [t for s in by_host.values() for t in s.tunnels]
            conn.executemany(INSERT_TUNNEL, [tunnel_row(run_id, t) for t in tunnels])
            conn.execute(
                "UPDATE runs SET complete = 1, finished = ?, duration_s = ?, title = ? WHERE id = ?",
                (utc_now(), report.duration_s, report.title, run_id),
            )

    def prune(self, keep_days: float, now: dt.datetime | None = None) -> int:
        """Delete the runs (complete or not) started more than ``keep_days`` ago; returns how many."""
        cutoff = (now or dt.datetime.now(dt.UTC)).timestamp() - keep_days * 86400
        with self._transaction() as conn:
            deleted = conn.execute("DELETE FROM runs WHERE started_ts < ?", (cutoff,)).rowcount
        return deleted

    # -- reading ---------------------------------------------------------------------------

    def runs(self, limit: int | None = None, complete_only: bool = False) -> tuple[RunRow, ...]:
        """Runs, newest first."""
        where = "WHERE r.complete = 1" if complete_only else ""
        rows = self._conn.execute(
            f"""SELECT r.id, r.started, r.title, r.playbook, r.complete, r.duration_s,
                (SELECT COUNT(*) FROM hosts h WHERE h.run_id = r.id),
                (SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id),
                (SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id AND f.severity = ?)
            FROM runs r {where} ORDER BY r.started_ts DESC, r.id DESC LIMIT ?""",
            (Severity.CRITICAL.value, -1 if limit is None else limit),
        ).fetchall()
        return tuple(RunRow(r[0], r[1], r[2], r[3], bool(r[4]), *r[5:]) for r in rows)

    def run(self, run_id: int) -> RunSnapshot:
        """A recorded run with its hosts, tunnels and findings."""
        row = self._conn.execute(
            "SELECT started, complete FROM runs WHERE id = ?", (run_id,)
        ).fetchone()
        if row is None:
            raise HistoryError(f"no run {run_id} in {self.path}")
        return RunSnapshot(
            run_id, row[0], self._hosts(run_id), self.findings(run_id), complete=bool(row[1])
        )

    def latest(
        self,
        before_ts: float | None = None,
        exclude: int | None = None,
        playbook: str | None = None,
    ) -> int | None:
        """The newest complete run (started at or before ``before_ts``), not ``exclude``;
        with ``playbook``, only runs of that playbook (drift compares like with like)."""
        row = self._conn.execute(
            "SELECT id FROM runs WHERE complete = 1 AND started_ts <= ? AND id != ?"
            " AND (? IS NULL OR playbook = ?)"
            " ORDER BY started_ts DESC, id DESC LIMIT 1",
            (
                float("inf") if before_ts is None else before_ts,
                -1 if exclude is None else exclude,
                playbook,
                playbook,
            ),
        ).fetchone()
        return None if row is None else int(row[0])

    def playbook_of(self, run_id: int) -> str | None:
        row = self._conn.execute("SELECT playbook FROM runs WHERE id = ?", (run_id,)).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    def between(self, first: int, last: int) -> tuple[RunSnapshot, ...]:
        """Complete runs from ``first`` to ``last`` (both included), oldest first; runs of
        other playbooks in between are left out (they read other things).

        Runs are placed by (start time, id), the order ``runs`` and ``latest`` use: start
        times have whole seconds, and runs started in the same second as ``first`` but
        recorded before it are not between the two."""
        ends = self._conn.execute(
            "SELECT started_ts, id FROM runs WHERE id IN (?, ?) ORDER BY started_ts, id",
            (first, last),
        ).fetchall()
        low, high = ends[0], ends[-1]
        playbook = self.playbook_of(last)
        ids = self._conn.execute(
            "SELECT id FROM runs WHERE complete = 1"
            " AND (started_ts, id) >= (?, ?) AND (started_ts, id) <= (?, ?)"
            " AND (id IN (?, ?) OR ? IS NULL OR playbook = ?)"
            " ORDER BY started_ts, id",
            (*low, *high, first, last, playbook, playbook),
        ).fetchall()
        return tuple(self.run(int(r[0])) for r in ids)

    def findings(self, run_id: int) -> tuple[Finding, ...]:
        rows = self._conn.execute(
            "SELECT code, severity, host, peer, summary, cause, evidence, next_steps, step,"
            " source FROM findings WHERE run_id = ? ORDER BY rowid",
            (run_id,),
        ).fetchall()
        return tuple(finding_from_row(r) for r in rows)

    def tunnel_history(
        self, host: str | None = None, peer: str | None = None, since_ts: float | None = None
    ) -> tuple[TunnelPoint, ...]:
        """Tunnel states over the complete runs, oldest first (the HTML report's chart)."""
        rows = self._conn.execute(
            """SELECT t.host, t.peer, t.state, r.started, t.kind, t.interface FROM tunnels t
            JOIN runs r ON r.id = t.run_id
            WHERE r.complete = 1 AND (? IS NULL OR t.host = ?) AND (? IS NULL OR t.peer = ?)
                AND r.started_ts >= ?
            ORDER BY t.host, t.peer, r.started_ts, r.id""",
            (host, host, peer, peer, float("-inf") if since_ts is None else since_ts),
        ).fetchall()
        return tuple(
            TunnelPoint(h, p, TunnelStatus(s), at, TunnelKind(k) if k else None, i)
            for h, p, s, at, k, i in rows
        )

    def with_history(self, report: RunReport, since_ts: float | None = None) -> RunReport:
        """``report`` carrying the recorded states of its hosts' tunnels (the HTML chart)."""
        hosts = {h.host for h in report.hosts}
        states = tuple(s for s in self.tunnel_history(since_ts=since_ts) if s.host in hosts)
        return replace(report, history=states)

    def _hosts(self, run_id: int) -> tuple[HostSnapshot, ...]:
        tunnels: dict[str, list[TunnelSnapshot]] = {}
        for row in self._conn.execute(
            f"SELECT {TUNNEL_COLUMNS} FROM tunnels WHERE run_id = ? ORDER BY rowid", (run_id,)
        ):
            tunnels.setdefault(row[0], []).append(tunnel_from_row(row))
        rows = self._conn.execute(
            "SELECT host, status, error, crypto_sha256, failover_sha256,"
            " COALESCE(tunnels_read, 1) FROM hosts"
            " WHERE run_id = ? ORDER BY rowid",
            (run_id,),
        ).fetchall()
        return tuple(
            HostSnapshot(h, HostStatus(s), e, c, f, tuple(tunnels.get(h, ())), read != 0)
            for h, s, e, c, f, read in rows
        )
