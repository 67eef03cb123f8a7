"""Metrics of a real health check on the lab fleet, read back with prometheus_client's parser:
each tunnel's up/phase samples agree with the report's counts (the one "tunnel up" rule), the
counters and their deltas come from the two polls, and the CLI writes stdout and ``.prom``."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab.fleet import Fleet
from lab.inventory import write_inventory
from lab.scenario import load_scenario
from nornir_tasks.checks import registered_codes
from nornir_tasks.cli.main import main
from nornir_tasks.models.report import RunReport
from nornir_tasks.playbooks.loader import load_playbook
from nornir_tasks.playbooks.runner import RunOptions, run_playbook
from nornir_tasks.reports.prometheus import render_prometheus
from nornir_tasks.tasks.hosts import open_inventory
from tests.monitoring.promtext import ALLOWED_LABELS, by, parse, value

pytestmark = pytest.mark.lab


@pytest.fixture(scope="module")
def report(settled: tuple[Fleet, Path]) -> RunReport:
    fleet, config = settled
    nr = open_inventory(config)
    try:
        playbook = load_playbook("health_check", registered_codes())
        options = RunOptions(sleep=fleet.advance, clock=fleet.clock.now)
        return run_playbook(nr, playbook, options).report
    finally:
        nr.close_connections()


def test_tunnel_samples_follow_the_report(report: RunReport) -> None:
    samples = parse(render_prometheus(report))
    up = samples["vpndiag_tunnel_up"]
    assert sum(up.values()) == report.tunnels_up > 0
    assert len(up) == report.tunnels_total
    assert report.tunnels_up < report.tunnels_total  # the default scenario has broken tunnels
    for host in report.hosts:
        states = {
            dict(k)["state"]: v
            for k, v in samples["vpndiag_host_tunnels"].items()
            if ("host", host.host) in k
        }
        want = (host.tunnels_up, host.tunnels_negotiating, host.tunnels_down)
        assert states == dict(zip(("up", "negotiating", "down"), want, strict=True))
        for t in host.tunnels:
            key = {"host": host.host, "peer": t.peer}
            assert value(samples, "vpndiag_tunnel_up", **key) == (t.state == "up")
            assert value(samples, "vpndiag_tunnel_state", **key, state=str(t.state)) == 1
            if t.state == "up":  # up means both phases, by the one rule
                assert value(samples, "vpndiag_tunnel_phase1_up", **key) == 1
                assert value(samples, "vpndiag_tunnel_phase2_up", **key) == 1
    for key_sets in samples.values():
        assert all({n for n, _ in key} <= ALLOWED_LABELS for key in key_sets)


def test_counters_and_deltas_come_from_the_two_polls(report: RunReport) -> None:
    samples = parse(render_prometheus(report))
    encaps = samples["vpndiag_tunnel_encaps_packets_total"]
    deltas = samples["vpndiag_tunnel_encaps_packets_delta"]
    assert encaps and deltas  # health_check polls twice
    assert any(v > 0 for v in deltas.values())  # lab traffic moves between the polls
    for key, delta in deltas.items():
        assert 0 <= delta <= encaps[key]
    found = by(samples, "vpndiag_findings_by_severity", "severity")
    assert found == {str(s): float(n) for s, n in report.severity_counts().items()}
    assert value(samples, "vpndiag_debug_left_on") == len(report.debug_left_on())


def test_cli_prints_metrics_and_writes_a_prom_file(
    settled: tuple[Fleet, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, config = settled
    args = ["health", "-i", str(config), "--hosts", "HQ,BR01", "-q", "--poll-interval", "0"]
    main([*args, "--format", "prometheus"])
    printed = parse(capsys.readouterr().out)
    assert set(by(printed, "vpndiag_host_reachable", "host")) == {"HQ", "BR01"}
    prom = tmp_path / "textfile" / "vpndiag.prom"
    main([*args, "-o", str(prom)])
    assert sorted(p.name for p in prom.parent.iterdir()) == ["vpndiag.prom"]
    written = parse(prom.read_text())
    assert value(written, "vpndiag_hosts") == 2
    assert set(written["vpndiag_tunnel_up"]) == set(printed["vpndiag_tunnel_up"])


def test_ikev2_vti_tunnels_have_their_phases(
    host_key: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """On the flexvpn scenario phase 1 is an IKEv2 SA: an up VTI shows phase 1 up too."""
    fleet = Fleet(load_scenario("flexvpn"))
    fleet.start(key_path=host_key)
    try:
        fleet.advance(30)
        nr = open_inventory(write_inventory(fleet, tmp_path_factory.mktemp("inv")))
        try:
            playbook = load_playbook("health_check", registered_codes())
            options = RunOptions(sleep=fleet.advance, clock=fleet.clock.now, poll_interval=0)
            flex = run_playbook(nr, playbook, options).report
        finally:
            nr.close_connections()
    finally:
        fleet.stop()
    samples = parse(render_prometheus(flex))
    up = {k for k, v in samples["vpndiag_tunnel_up"].items() if v == 1}
    assert up  # the healthy VTIs
    assert all(samples["vpndiag_tunnel_phase1_up"][k] == 1 for k in up)
    assert all(samples["vpndiag_tunnel_phase2_up"][k] == 1 for k in up)
