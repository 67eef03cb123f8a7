"""The Grafana dashboard loads and every query names metrics the exporter really emits."""

from __future__ import annotations

import yaml
from prometheus_client.exposition import generate_latest

from nornir_tasks.models.debug import DebugOrigin, DebugRecord
from nornir_tasks.models.report import HostReport, RunReport, TunnelDetail, TunnelStatus
from nornir_tasks.reports.latest import LatestRun, latest_registry
from tests.monitoring.dashboard import DASHBOARD, load, metric_names, queries
from tests.monitoring.promtext import parse
from tests.reports.sample import fleet_report

RULES = DASHBOARD.parents[1] / "prometheus" / "vpndiag-rules.yml"


def full_report() -> RunReport:
    """The sample fleet plus a tunnel with counters and a debug: every family has a sample."""
    base = fleet_report()
    tunnel = TunnelDetail("10.0.0.1", TunnelStatus.UP, True, 1, 120, 118, 20, 19)
    host = HostReport("r1", base.hosts[-1].status, None, 1, 1, tunnels=(tunnel,))
    debug = DebugRecord(
        "r1", ("peer ipv4 10.0.0.1",), ("isakmp",), "", 3.0, True, DebugOrigin.THIS_RUN, ""
    )
    return RunReport(**{**base.__dict__, "hosts": (*base.hosts, host), "debug": (debug,)})


def emitted() -> set[str]:
    latest = LatestRun()
    latest.publish(full_report(), 1)
    return set(parse(generate_latest(latest_registry(latest)).decode()))


def test_dashboard_loads_as_a_grafana_dashboard() -> None:
    dashboard = load()
    assert dashboard["uid"] == "vpndiag-fleet" and dashboard["panels"]
    titles = {p["title"] for p in dashboard["panels"] if p["type"] == "row"}
    assert {"Fleet summary (latest run)", "Tunnels down by site", "Findings over time"} <= titles
    assert all(p["gridPos"]["w"] <= 24 for p in dashboard["panels"])


def test_every_query_names_only_metrics_the_exporter_emits() -> None:
    names = emitted()
    for expr in queries(load()):
        used = metric_names(expr)
        assert used, f"no metric in {expr!r}"
        assert used <= names, f"{expr!r} names {sorted(used - names)}, not emitted"


def test_the_name_extraction_sees_a_wrong_name() -> None:
    assert metric_names('rate(vpndiag_nope_total{host="$host"}[15m])') == {"vpndiag_nope_total"}
    assert metric_names('sum by (host) (up{state!="up"})') == {"up"}
    assert metric_names('label_values(vpndiag_tunnel_up{host="$host"}, peer)') == {
        "vpndiag_tunnel_up"
    }


def test_alerting_rules_load_and_name_only_emitted_metrics() -> None:
    rules = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"][0]["rules"]
    assert {r["alert"] for r in rules} == {"VpndiagTunnelDown", "VpndiagNewCriticalFinding"}
    names = emitted()
    for rule in rules:
        assert metric_names(rule["expr"]) <= names, rule["expr"]
    assert next(r for r in rules if r["alert"] == "VpndiagTunnelDown")["for"] == "15m"
