"""The Prometheus rendering of a hand-built report, read back with the real text parser."""

from __future__ import annotations

from pathlib import Path

from nornir_tasks.models.report import HostReport, TunnelDetail, TunnelStatus
from nornir_tasks.reports import write_reports
from nornir_tasks.reports.prometheus import render_prometheus
from tests.monitoring.promtext import ALLOWED_LABELS, by, parse, value
from tests.reports.sample import SECRETS, fleet_report


def test_findings_hosts_and_run_read_back_with_the_real_parser() -> None:
    report = fleet_report()
    samples = parse(render_prometheus(report))
    assert value(samples, "vpndiag_hosts") == len(report.hosts)
    assert value(samples, "vpndiag_hosts_unreachable") == len(report.failed_hosts()) == 1
    assert value(samples, "vpndiag_run_duration_seconds") == report.duration_s
    by_severity = by(samples, "vpndiag_findings_by_severity", "severity")
    assert by_severity == {str(s): float(n) for s, n in report.severity_counts().items()}
    assert sum(samples["vpndiag_findings"].values()) == len(report.findings)
    for f in report.findings:
        labels = {"host": f.host, "peer": f.peer or "", "code": f.code}
        assert value(samples, "vpndiag_findings", **labels, severity=str(f.severity)) >= 1
    reachable = by(samples, "vpndiag_host_reachable", "host")
    assert reachable == {h.host: float(h.reached) for h in report.hosts}


def test_labels_are_bounded_and_no_free_text_or_secret_leaks() -> None:
    report = fleet_report()
    text = render_prometheus(report)
    for key_sets in parse(text).values():
        for key in key_sets:
            assert {name for name, _ in key} <= ALLOWED_LABELS
    for f in report.findings:
        assert f.summary not in text and f.cause not in text
    assert not any(secret in text for secret in SECRETS)


def test_an_unread_counter_is_no_sample_not_a_zero() -> None:
    base = fleet_report()
    tunnels = (
        TunnelDetail("10.0.0.1", TunnelStatus.UP, True, 1, 120, 118, 20, 19),
        TunnelDetail("10.0.0.2", TunnelStatus.NEGOTIATING, True, 0, None, None, None, None),
    )
    host = HostReport(
        "r1", base.hosts[-1].status, None, 1, 2, tunnels_negotiating=1, tunnels=tunnels
    )
    samples = parse(render_prometheus(base.__class__(**{**base.__dict__, "hosts": (host,)})))
    assert value(samples, "vpndiag_tunnel_up", host="r1", peer="10.0.0.1") == 1
    assert value(samples, "vpndiag_tunnel_up", host="r1", peer="10.0.0.2") == 0
    assert (
        value(samples, "vpndiag_tunnel_state", host="r1", peer="10.0.0.2", state="negotiating") == 1
    )
    assert value(samples, "vpndiag_tunnel_phase2_up", host="r1", peer="10.0.0.2") == 0
    # A counter family's samples carry the _total suffix in the text format.
    assert value(samples, "vpndiag_tunnel_encaps_packets_total", host="r1", peer="10.0.0.1") == 120
    assert value(samples, "vpndiag_tunnel_decaps_packets_delta", host="r1", peer="10.0.0.1") == 19
    assert set(samples["vpndiag_tunnel_encaps_packets_total"]) == {
        (("host", "r1"), ("peer", "10.0.0.1"))
    }


def test_dot_prom_output_is_written_whole_beside_its_final_name(tmp_path: Path) -> None:
    target = tmp_path / "textfile" / "vpndiag.prom"
    written = write_reports(fleet_report(), {"prometheus": target})
    assert written == {"prometheus": target}
    # Only the final file remains: the collector never sees a partial one.
    assert sorted(p.name for p in target.parent.iterdir()) == ["vpndiag.prom"]
    assert parse(target.read_text())["vpndiag_hosts"]
