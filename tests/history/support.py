"""Runs built from the lab's real captures (tests/checks/captures), as the runner builds them."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from nornir_tasks.checks import FleetEvidence, diagnose
from nornir_tasks.history.snapshot import (
    HostSnapshot,
    RunSnapshot,
    run_snapshots,
    tunnel_snapshots,
)
from nornir_tasks.history.store import HistoryStore, RunMeta
from nornir_tasks.models.collection import HostStatus
from nornir_tasks.models.findings import Finding
from nornir_tasks.models.report import HostReport, RunReport, TunnelStatus
from nornir_tasks.parsers.repeats import POLL_MARK
from tests.checks.support import CAPTURES, fleet

PSK = "Br01-Psk-7x"  # BR01's pre-shared key, in clear in its captured running-config


def captured(scenario: str, host: str, edit: tuple[str, str] | None = None) -> tuple[str, str]:
    """(host, capture text) of the lab capture, with ``edit`` (old, new) applied once.

    The capture's first command was polled twice, 10 s apart; each poll is marked as a run's
    saved evidence marks it (``! vpndiag: poll N``), so that two identical polls (a tunnel
    that never came up) are two readings of the run, not one output pasted twice."""
    text = (CAPTURES / scenario / f"{host}.txt").read_text()
    if edit is not None:
        assert edit[0] in text, edit[0]
        text = text.replace(edit[0], edit[1], 1)
    return host, _polls_marked(text)


def _polls_marked(text: str) -> str:
    lines = text.splitlines()
    echo = lines[0]
    polls = [i for i, line in enumerate(lines) if line == echo]
    assert len(polls) == 2, f"{echo!r}: the capture should poll it twice"
    for number, index in reversed(list(enumerate(polls, start=1))):
        lines.insert(index + 1, f"{POLL_MARK}{number}")
    return "\n".join(lines) + "\n"


def host_report(name: str, evidence: FleetEvidence, findings: Sequence[Finding]) -> HostReport:
    host = evidence.host(name)
    assert host is not None
    states = [t.state for t in tunnel_snapshots(host)]
    return HostReport(
        host=name,
        status=HostStatus.OK,
        error=None,
        tunnels_up=states.count(TunnelStatus.UP),
        tunnels_total=len(states),
        findings=tuple(f for f in findings if f.host == name),
        tunnels_negotiating=states.count(TunnelStatus.NEGOTIATING),
    )


def lab_run(
    *captures: tuple[str, str], started: str = "2026-11-18T11:00:00Z", unreached: Sequence[str] = ()
) -> tuple[RunReport, FleetEvidence]:
    """A run of the hosts of ``captures`` (plus ``unreached`` ones), diagnosed for real."""
    evidence = fleet(*captures)
    findings = diagnose(evidence)
    hosts = [host_report(h.host, evidence, findings) for h in evidence.hosts]
    hosts += [
        HostReport(name, HostStatus.UNREACHABLE, "TCP connection refused", 0, 0)
        for name in unreached
    ]
    return RunReport("Nightly audit", "health_check", started, 4.2, "0.1.0", tuple(hosts)), evidence


def snapshot_run(
    run_id: int, report: RunReport, hosts: Sequence[HostSnapshot], started: str | None = None
) -> RunSnapshot:
    return RunSnapshot(run_id, started or report.started, tuple(hosts), report.findings)


def with_tunnel(run: RunSnapshot, host: str, peer: str, **changes: object) -> RunSnapshot:
    """``run`` with the tunnel (host, peer) changed."""

    def edit(h: HostSnapshot) -> HostSnapshot:
        tunnels = tuple(
            dataclasses.replace(t, **changes) if (t.host, t.peer) == (host, peer) else t  # type: ignore[arg-type]
            for t in h.tunnels
        )
        return dataclasses.replace(h, tunnels=tunnels)

    return dataclasses.replace(run, hosts=tuple(edit(h) for h in run.hosts))


def record_run(db: Path | str, report: RunReport, fleet: FleetEvidence) -> int:
    """Record a finished run as the CLI does (begin, then finish with its snapshots)."""
    with HistoryStore(db) as store:
        run_id = store.begin_run(RunMeta.of(report))
        store.finish_run(run_id, report, run_snapshots(report, fleet))
    return run_id
