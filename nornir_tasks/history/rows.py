"""The history database's rows: findings, hosts and tunnel snapshots to and from SQLite."""

from __future__ import annotations

import json
import sqlite3

from nornir_tasks.history.snapshot import HostSnapshot, TunnelSnapshot
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.models.report import HostReport
from nornir_tasks.models.tunnel_status import TunnelKind, TunnelStatus

INSERT_FINDING = (
    "INSERT INTO findings (run_id, code, severity, host, peer, summary, cause, evidence,"
    " next_steps, step, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
TUNNEL_COLUMNS = (
    "host, peer, state, phase1, phase2_sas, encaps, decaps, inbound_spis, outbound_spis,"
    " remaining_s, lifetime_s, kind, interface"
)
INSERT_TUNNEL = f"INSERT INTO tunnels (run_id, {TUNNEL_COLUMNS}) VALUES ({', '.join('?' * 14)})"


def insert_host(
    conn: sqlite3.Connection, run_id: int, host: HostReport, snapshot: HostSnapshot | None
) -> None:
    conn.execute(
        "INSERT INTO hosts (run_id, host, status, error, tunnels_up, tunnels_total,"
        " tunnels_negotiating, crypto_sha256, failover_sha256, tunnels_read)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            run_id,
            host.host,
            host.status.value,
            host.error,  # already masked by redact_report
            host.tunnels_up,
            host.tunnels_total,
            host.tunnels_negotiating,
            snapshot.crypto_sha256 if snapshot else None,
            snapshot.failover_sha256 if snapshot else None,
            int(snapshot.tunnels_read) if snapshot else 0,
        ),
    )


def finding_row(run_id: int, f: Finding) -> tuple[object, ...]:
    return (
        run_id,
        f.code,
        f.severity.value,
        f.host,
        f.peer,
        f.summary,
        f.cause,
        json.dumps(list(f.evidence)),
        json.dumps(list(f.next_steps)),
        f.step.value,
        f.source.value,
    )


def finding_from_row(row: tuple[object, ...]) -> Finding:
    code, severity, host, peer, summary, cause, evidence, next_steps, step, source = row
    return Finding(
        code=str(code),
        severity=Severity(str(severity)),
        host=str(host),
        peer=None if peer is None else str(peer),
        summary=str(summary),
        cause=str(cause),
        evidence=tuple(json.loads(str(evidence))),
        next_steps=tuple(json.loads(str(next_steps))),
        step=Step(str(step)),
        source=Source(str(source)),
    )


def tunnel_row(run_id: int, t: TunnelSnapshot) -> tuple[object, ...]:
    return (
        run_id,
        t.host,
        t.peer,
        t.state.value,
        t.phase1,
        t.phase2_sas,
        t.encaps,
        t.decaps,
        json.dumps(list(t.inbound_spis)),
        json.dumps(list(t.outbound_spis)),
        t.remaining_s,
        t.lifetime_s,
        None if t.kind is None else t.kind.value,
        t.interface,
    )


def tunnel_from_row(row: tuple[object, ...]) -> TunnelSnapshot:
    host, peer, state, phase1, sas, encaps, decaps, spis_in, spis_out, remaining, life = row[:11]
    kind, interface = row[11:]
    return TunnelSnapshot(
        host=str(host),
        peer=str(peer),
        state=TunnelStatus(str(state)),
        phase1=None if phase1 is None else str(phase1),
        phase2_sas=int(str(sas)),
        encaps=int(str(encaps)),
        decaps=int(str(decaps)),
        inbound_spis=tuple(json.loads(str(spis_in))),
        outbound_spis=tuple(json.loads(str(spis_out))),
        remaining_s=None if remaining is None else int(str(remaining)),
        lifetime_s=None if life is None else int(str(life)),
        kind=None if kind is None else TunnelKind(str(kind)),
        interface=None if interface is None else str(interface),
    )
