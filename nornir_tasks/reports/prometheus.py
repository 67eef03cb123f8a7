"""The report as Prometheus metrics (text exposition format, by the official client).

For node_exporter's textfile collector (``-o vpndiag.prom``) and for ``vpndiag exporter``.
Names are stable (docs/monitoring.md lists them); labels are only host, peer, code, severity,
state and cleanup, each from a small set, so no free text (summaries, errors) ever becomes a
series. Pure: a report in, text out.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector, CollectorRegistry

from nornir_tasks.models.report import RunReport, TunnelStatus

PREFIX = "vpndiag"
TUNNEL = ["host", "peer"]


def _gauge(name: str, doc: str, labels: list[str]) -> GaugeMetricFamily:
    return GaugeMetricFamily(f"{PREFIX}_{name}", doc, labels=labels)


def _tunnel_metrics(report: RunReport) -> Iterator[Metric]:
    up = _gauge("tunnel_up", "1 when the tunnel is up (phase 1 up and an IPsec SA)", TUNNEL)
    state = _gauge(
        "tunnel_state", "1 for the tunnel's state (up, negotiating, down)", [*TUNNEL, "state"]
    )
    p1 = _gauge("tunnel_phase1_up", "1 when a phase-1 (IKE) SA to the peer is up", TUNNEL)
    p2 = _gauge("tunnel_phase2_up", "1 when the peer has IPsec SAs", TUNNEL)
    sas = _gauge("tunnel_ipsec_flows", "Flows with IPsec SAs towards the peer", TUNNEL)
    enc = CounterMetricFamily(
        f"{PREFIX}_tunnel_encaps_packets", "Packets encapsulated (device counter)", labels=TUNNEL
    )
    dec = CounterMetricFamily(
        f"{PREFIX}_tunnel_decaps_packets", "Packets decapsulated (device counter)", labels=TUNNEL
    )
    enc_d = _gauge(
        "tunnel_encaps_packets_delta", "Packets encapsulated between the run's two polls", TUNNEL
    )
    dec_d = _gauge(
        "tunnel_decaps_packets_delta", "Packets decapsulated between the run's two polls", TUNNEL
    )
    for host in report.hosts:
        for t in host.tunnels:
            key = [host.host, t.peer]
            up.add_metric(key, float(t.state is TunnelStatus.UP))
            for s in TunnelStatus:
                state.add_metric([*key, str(s)], float(t.state is s))
            p1.add_metric(key, float(t.phase1_up))
            p2.add_metric(key, float(t.ipsec_sas > 0))
            sas.add_metric(key, float(t.ipsec_sas))
            for family, value in (
                (enc, t.encaps),
                (dec, t.decaps),
                (enc_d, t.encaps_delta),
                (dec_d, t.decaps_delta),
            ):
                if value is not None:  # not read is no sample, never a zero
                    family.add_metric(key, float(value))
    yield from (up, state, p1, p2, sas, enc, dec, enc_d, dec_d)


def _host_metrics(report: RunReport) -> Iterator[Metric]:
    reached = _gauge("host_reachable", "1 when the run collected from the host", ["host"])
    counts = _gauge("host_tunnels", "Tunnels of the host by state", ["host", "state"])
    for host in report.hosts:
        reached.add_metric([host.host], float(host.reached))
        for s, n in (
            (TunnelStatus.UP, host.tunnels_up),
            (TunnelStatus.NEGOTIATING, host.tunnels_negotiating),
            (TunnelStatus.DOWN, host.tunnels_down),
        ):
            counts.add_metric([host.host, str(s)], float(n))
    hosts = _gauge("hosts", "Hosts in the run", [])
    hosts.add_metric([], float(len(report.hosts)))
    failed = _gauge("hosts_unreachable", "Hosts the run could not collect from", [])
    failed.add_metric([], float(len(report.failed_hosts())))
    yield from (reached, counts, hosts, failed)


def _finding_metrics(report: RunReport) -> Iterator[Metric]:
    by_key = Counter((f.host, f.peer or "", f.code, str(f.severity)) for f in report.findings)
    findings = _gauge(
        "findings",
        "Findings of the run by host, peer (empty: host-wide), code and severity",
        ["host", "peer", "code", "severity"],
    )
    for key, n in sorted(by_key.items()):
        findings.add_metric(list(key), float(n))
    severity = _gauge("findings_by_severity", "Findings of the run by severity", ["severity"])
    for s, n in report.severity_counts().items():
        severity.add_metric([str(s)], float(n))
    yield from (findings, severity)


def _debug_metrics(report: RunReport) -> Iterator[Metric]:
    by_key = Counter(
        (d.host, "verified" if d.cleanup_verified else "not_verified") for d in report.debug
    )
    debugs = _gauge(
        "debug_sessions",
        "Debugs this run started or finished, by whether their cleanup was verified",
        ["host", "cleanup"],
    )
    for key, n in sorted(by_key.items()):
        debugs.add_metric(list(key), float(n))
    left = _gauge(
        "debug_left_on",
        "Debugs whose cleanup was not verified (a router may still be debugging)",
        [],
    )
    left.add_metric([], float(len(report.debug_left_on())))
    yield from (debugs, left)


def _run_metrics(report: RunReport) -> Iterator[Metric]:
    duration = _gauge("run_duration_seconds", "How long the run took", [])
    duration.add_metric([], report.duration_s)
    yield duration
    if report.started:
        started = _gauge("run_started_timestamp_seconds", "When the run started (Unix time)", [])
        at = dt.datetime.fromisoformat(report.started)
        at = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)  # reports are in UTC
        started.add_metric([], at.timestamp())
        yield started
    info = _gauge(
        "run_info", "1, labelled with the playbook and the tool version", ["playbook", "version"]
    )
    info.add_metric([report.playbook or "", report.tool_version], 1.0)
    yield info


class ReportCollector(Collector):
    """Every metric of one report; a registry collects it on each scrape."""

    def __init__(self, report: RunReport) -> None:
        self.report = report

    def collect(self) -> Iterator[Metric]:
        for part in (
            _run_metrics,
            _host_metrics,
            _tunnel_metrics,
            _finding_metrics,
            _debug_metrics,
        ):
            yield from part(self.report)


def render_prometheus(report: RunReport) -> str:
    """The report in the Prometheus text exposition format (ends with a newline)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ReportCollector(report))
    return generate_latest(registry).decode("utf-8")
