"""Recorded runs against a lab fleet, as an engineer makes them: ``vpndiag run health_check
--db DB -o DIR``, a change on a router over SSH, and the tunnels the history kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nornir_tasks.cli.main import main
from nornir_tasks.history.snapshot import TunnelSnapshot
from nornir_tasks.history.store import HistoryStore


def record(config: Path, db: Path, out: Path, hosts: list[str]) -> int:
    """One recorded health check of ``hosts``, its reports written to ``out``; the run id."""
    main(["run", "health_check", "-i", str(config), "--hosts", ",".join(hosts), "--db", str(db),
          "-o", str(out), "-q", "--poll-interval", "0"])  # fmt: skip
    with HistoryStore(db) as store:
        latest = store.latest()
    assert latest is not None
    return latest


def tunnels(db: Path, run_id: int) -> dict[tuple[str, str], TunnelSnapshot]:
    """The recorded tunnels of a run, by (host, peer)."""
    with HistoryStore(db) as store:
        run = store.run(run_id)
    found = [t for h in run.hosts for t in h.tunnels]
    keys = [(t.host, t.peer) for t in found]
    assert len(keys) == len(set(keys)), keys  # never keyed twice
    return dict(zip(keys, found, strict=True))


def report_json(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "report.json").read_text())
    return data
