"""The report model's helpers: every renderer's verdicts come from these."""

from __future__ import annotations

import pytest

from nornir_tasks.models.collection import HostStatus
from nornir_tasks.models.findings import Severity
from nornir_tasks.models.report import (
    CheckOutcome,
    HostReport,
    TunnelCounts,
    check_results,
)
from tests.reports.sample import NO_DPD, PSK_MISMATCH, RETURN_PATH, fleet_report, healthy_report


def test_worst_severity_and_counts() -> None:
    report = fleet_report()
    assert report.worst_severity() is Severity.CRITICAL
    assert report.severity_counts() == {
        Severity.CRITICAL: 2,
        Severity.WARNING: 0,
        Severity.INFO: 1,
    }
    assert list(report.severity_counts()) == [Severity.CRITICAL, Severity.WARNING, Severity.INFO]
    assert healthy_report().worst_severity() is None


def test_findings_most_severe_first() -> None:
    assert fleet_report().findings == (RETURN_PATH, PSK_MISMATCH, NO_DPD)


def test_failed_hosts_are_the_unreached_ones() -> None:
    assert [h.host for h in fleet_report().failed_hosts()] == ["spoke3"]


def test_problem_hosts_exclude_healthy_ones() -> None:
    # hub1 has no finding but a tunnel not up: not healthy
    assert [h.host for h in fleet_report().problem_hosts()] == [
        "hub1",
        "spoke1",
        "spoke2",
        "spoke3",
    ]


def test_tunnel_states_per_host() -> None:
    states = fleet_report().tunnel_states()
    assert states[0] == TunnelCounts("hub1", up=1, negotiating=1, down=1)
    assert states[0].total == 3
    assert [s.total for s in states] == [3, 1, 1, 0, 1]


def test_problem_tunnels_group_by_host_and_peer() -> None:
    tunnels = fleet_report().problem_tunnels()
    assert [(t.host, t.peer) for t in tunnels] == [
        ("spoke1", "203.0.113.1"),
        ("spoke2", "203.0.113.1"),
    ]
    assert fleet_report().notes() == (NO_DPD,)
    # With an info threshold the host-wide note is a problem "tunnel" too
    assert len(fleet_report().problem_tunnels(Severity.INFO)) == 3


def test_unexplained_checks_are_the_failed_assertions() -> None:
    assert [c.name for c in fleet_report().unexplained_checks()] == ["tunnel 203.0.113.1 QM_IDLE"]


def test_check_results_fail_pass_skip_and_uncovered_codes() -> None:
    results = check_results(
        "spoke1",
        ["IKE_P1_RETURN_PATH", "TRACK_DOWN", "IKE_P1_PSK_MISMATCH"],
        [RETURN_PATH, NO_DPD, PSK_MISMATCH],  # PSK_MISMATCH is spoke2's: ignored here
        skipped={"TRACK_DOWN": "no failover configured"},
    )
    assert [(r.name, r.outcome) for r in results] == [
        ("IKE_P1_RETURN_PATH", CheckOutcome.FAIL),
        ("TRACK_DOWN", CheckOutcome.SKIP),
        ("IKE_P1_PSK_MISMATCH", CheckOutcome.PASS),
        ("IKE_NO_DPD", CheckOutcome.PASS),  # not asked for, still reported; info passes
    ]
    assert results[0].message == RETURN_PATH.summary
    strict = check_results("spoke1", [], [NO_DPD], fail_on=Severity.INFO)
    assert strict[0].outcome is CheckOutcome.FAIL


def test_host_report_refuses_impossible_tunnel_counts() -> None:
    with pytest.raises(ValueError, match="exceed total"):
        HostReport("r1", HostStatus.OK, None, 2, 1)
    assert HostReport("r1", HostStatus.OK, None, 1, 3, tunnels_negotiating=1).tunnels_down == 1
