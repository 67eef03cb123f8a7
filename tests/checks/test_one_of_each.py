"""One of each concept: one tunnel-up rule (report and history agree), one finding order,
one exit-code function, and one listing of every finding code and what makes it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from nornir_tasks.checks import diagnose, host_evidence, registered_checks
from nornir_tasks.checks.tunnels import tunnels
from nornir_tasks.cli import exit_codes
from nornir_tasks.cli.main import cli
from nornir_tasks.history.snapshot import tunnel_snapshots
from nornir_tasks.models.collection import CommandOutput
from nornir_tasks.models.findings import Finding, Severity, Source, Step, finding_order
from nornir_tasks.models.report import TunnelStatus, sorted_findings
from tests.checks.support import CAPTURES, fleet, ipsec_flow

HQ, BR01 = "198.51.100.2", "203.0.113.10"


def test_history_and_report_share_the_tunnel_up_rule_on_every_lab_capture() -> None:
    for path in sorted(CAPTURES.glob("*/*.txt")):
        built = fleet((path.stem, path.read_text()))
        for host in built.hosts:
            report = {t.peer: t.state for t in tunnels(host)}
            history = {t.peer: t.state for t in tunnel_snapshots(host)}
            shared = report.keys() & history.keys()
            assert shared, path
            assert {p: report[p] for p in shared} == {p: history[p] for p in shared}, path


def test_ipsec_sas_without_phase_1_are_negotiating_in_the_history_too() -> None:
    # IKE SA expired, IPsec SAs still installed: the report never called this up; the history
    # used to (any SA meant up), so the two disagreed on the same run.
    flow = ipsec_flow(BR01, HQ, "10.1.0.0/255.255.255.0", "10.0.0.0/255.255.255.0", 8, 8)
    host = host_evidence("BR01", [CommandOutput("show crypto ipsec sa", flow)])
    [tunnel] = [t for t in tunnels(host) if t.peer == HQ]
    [snapshot] = [t for t in tunnel_snapshots(host) if t.peer == HQ]
    assert tunnel.state is snapshot.state is TunnelStatus.NEGOTIATING


def _finding(severity: Severity, host: str, code: str, peer: str | None) -> Finding:
    return Finding(code, severity, host, peer, "s", "c", (), (), Step.TERMINATION, Source.STATE)


def test_one_finding_order_for_the_register_and_the_report() -> None:
    found = [
        _finding(Severity.INFO, "A", "Z_CODE", None),
        _finding(Severity.CRITICAL, "B", "A_CODE", "10.0.0.2"),
        _finding(Severity.CRITICAL, "B", "B_CODE", "10.0.0.1"),
        _finding(Severity.CRITICAL, "A", "C_CODE", None),
    ]
    ordered = sorted(found, key=finding_order)
    assert list(sorted_findings(reversed(found))) == ordered
    assert [(f.host, f.peer, f.code) for f in ordered] == [
        ("A", None, "C_CODE"), ("B", "10.0.0.1", "B_CODE"), ("B", "10.0.0.2", "A_CODE"),
        ("A", None, "Z_CODE"),
    ]  # fmt: skip
    captured = fleet(*[(p.stem, p.read_text()) for p in sorted((CAPTURES / "default").glob("*"))])
    assert diagnose(captured) == sorted(diagnose(captured), key=finding_order)


@pytest.mark.parametrize(
    ("severities", "fail_on", "incomplete", "failed_checks", "code"),
    [
        ((), Severity.CRITICAL, False, False, 0),
        ((Severity.WARNING,), Severity.CRITICAL, False, False, 0),
        ((Severity.WARNING,), Severity.WARNING, False, False, 1),
        ((), Severity.CRITICAL, False, True, 1),
        ((Severity.CRITICAL,), Severity.CRITICAL, True, False, 2),
    ],
)
def test_one_exit_code_function(
    severities: tuple[Severity, ...],
    fail_on: Severity,
    incomplete: bool,
    failed_checks: bool,
    code: int,
) -> None:
    found = [_finding(s, "R1", "X", None) for s in severities]
    assert exit_codes.exit_code(found, fail_on, incomplete, failed_checks) == code


def test_vpndiag_checks_lists_every_code_and_what_makes_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["checks", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["code"]: r for r in json.loads(result.output)}
    assert {c.code for c in registered_checks()} <= rows.keys()
    for code in ("CPU_HIGH", "EXPLAINED_AT_PEER"):  # once added outside the register
        assert rows[code]["register"] == "check"
    assert rows["EXPLAINED_AT_PEER"]["made_by"] == "nornir_tasks.checks.pointers:explained_at_peer"
    assert rows["DEBUG_LEFT_ON"]["register"] == "debug ledger"
    assert any(r["register"] == "failover lint" for r in rows.values())
    assert any(r["register"] == "smtp" for r in rows.values())
    table = CliRunner().invoke(cli, ["checks"])
    assert table.exit_code == 0 and "IKE_P1_PSK_MISMATCH" in table.output


def test_the_cpu_threshold_is_checked_on_an_asa_too() -> None:
    """An ASA's load is its ``show cpu usage`` (the line as the ASA command reference prints
    it): CPU_HIGH was skipped on every ASA, whose output is not ``show processes cpu``."""
    from nornir_tasks.checks import diagnose, fleet_evidence, host_evidence
    from nornir_tasks.models.collection import CommandOutput, OutputStatus

    line = "CPU utilization for 5 seconds = 97%; 1 minute: 91%; 5 minutes: 60%"
    asa = host_evidence("ASA1", [CommandOutput("show cpu usage", line + "\n", OutputStatus.OK)])
    (busy,) = [f for f in diagnose(fleet_evidence([asa], cpu_percent=80)) if f.code == "CPU_HIGH"]
    assert (busy.host, busy.evidence) == ("ASA1", (line,))
    assert "91%" in busy.summary and busy.next_steps[0].startswith("show processes cpu-usage")
