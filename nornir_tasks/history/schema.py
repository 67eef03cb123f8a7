"""The history database schema: ordered migrations, each applied once, in one transaction.

``schema_version`` holds one row per applied migration; the database's version is the highest.
A migration is never edited once released: a change to the schema is a new migration.
"""

from __future__ import annotations

import sqlite3

# Version 1: runs, host outcomes, findings and tunnel snapshots.
_V1 = (
    """CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        started TEXT NOT NULL,
        started_ts REAL NOT NULL,
        title TEXT NOT NULL,
        playbook TEXT,
        tool_version TEXT NOT NULL,
        duration_s REAL,
        complete INTEGER NOT NULL DEFAULT 0,
        finished TEXT
    )""",
    """CREATE TABLE hosts (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        host TEXT NOT NULL,
        status TEXT NOT NULL,
        error TEXT,
        tunnels_up INTEGER NOT NULL,
        tunnels_total INTEGER NOT NULL,
        PRIMARY KEY (run_id, host)
    )""",
    """CREATE TABLE findings (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        host TEXT NOT NULL,
        peer TEXT,
        code TEXT NOT NULL,
        severity TEXT NOT NULL,
        summary TEXT NOT NULL,
        cause TEXT NOT NULL,
        evidence TEXT NOT NULL,
        next_steps TEXT NOT NULL,
        step TEXT NOT NULL,
        source TEXT NOT NULL
    )""",
    """CREATE TABLE tunnels (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        host TEXT NOT NULL,
        peer TEXT NOT NULL,
        state TEXT NOT NULL,
        phase1 TEXT,
        phase2_sas INTEGER NOT NULL,
        encaps INTEGER NOT NULL,
        decaps INTEGER NOT NULL,
        inbound_spis TEXT NOT NULL,
        outbound_spis TEXT NOT NULL,
        remaining_s INTEGER,
        PRIMARY KEY (run_id, host, peer)
    )""",
    "CREATE INDEX findings_by_run ON findings(run_id)",
    "CREATE INDEX tunnels_by_peer ON tunnels(host, peer)",
)

# Version 2: configuration fingerprints, negotiating tunnels, configured SA lifetimes.
_V2 = (
    "ALTER TABLE hosts ADD COLUMN crypto_sha256 TEXT",
    "ALTER TABLE hosts ADD COLUMN failover_sha256 TEXT",
    "ALTER TABLE hosts ADD COLUMN tunnels_negotiating INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE tunnels ADD COLUMN lifetime_s INTEGER",
    "CREATE INDEX runs_by_started ON runs(started_ts)",
)

# Version 3: what each tunnel is and its tunnel interface; whether the run read tunnel state.
_V3 = (
    "ALTER TABLE tunnels ADD COLUMN kind TEXT",
    "ALTER TABLE tunnels ADD COLUMN interface TEXT",
    "ALTER TABLE hosts ADD COLUMN tunnels_read INTEGER",
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2, _V3)
LATEST = len(MIGRATIONS)


def version(conn: sqlite3.Connection) -> int:
    """The schema version of the database (0: empty)."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied TEXT)"
    )
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(conn: sqlite3.Connection, target: int = LATEST) -> int:
    """Apply the migrations after the database's version up to ``target``; returns the version.

    The whole upgrade is one write transaction: two processes opening a new database at once
    wait for each other, and the second finds nothing left to do.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = version(conn)
        for number in range(current + 1, target + 1):
            for statement in MIGRATIONS[number - 1]:
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_version VALUES (?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                (number,),
            )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return max(current, target)
