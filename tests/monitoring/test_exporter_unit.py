"""The exporter's pieces without the lab: --listen parsing and the latest-run collector."""

from __future__ import annotations

import click
import pytest
from prometheus_client.exposition import generate_latest

from nornir_tasks.cli.exporter_cmd import parse_listen
from nornir_tasks.reports.latest import LatestRun, latest_registry
from tests.monitoring.promtext import parse, value
from tests.reports.sample import fleet_report, healthy_report


@pytest.mark.parametrize(
    ("text", "want"),
    [("127.0.0.1:9810", ("127.0.0.1", 9810)), ("[::1]:0", ("::1", 0))],
)
def test_listen_is_an_address_and_a_port(text: str, want: tuple[str, int]) -> None:
    assert parse_listen(text) == want


@pytest.mark.parametrize("text", ["9810", "localhost:9810", "127.0.0.1:http", "127.0.0.1:70000"])
def test_a_bad_listen_is_a_usage_error(text: str) -> None:
    with pytest.raises(click.BadParameter, match="ADDR:PORT"):
        parse_listen(text)


def scrape(latest: LatestRun) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    return parse(generate_latest(latest_registry(latest)).decode())


def test_before_the_first_run_only_the_exporter_speaks_then_the_latest_run_wins() -> None:
    latest = LatestRun(clock=lambda: 1000.0)
    assert set(scrape(latest)) == {"vpndiag_exporter_runs_total"}
    latest.publish(fleet_report(), 2)
    latest.publish(healthy_report(), 0)
    latest.publish(None, 3)  # a run that made no report keeps the last one served
    samples = scrape(latest)
    assert value(samples, "vpndiag_exporter_runs_total") == 3
    assert value(samples, "vpndiag_exporter_last_exit_code") == 3
    assert value(samples, "vpndiag_exporter_last_run_end_timestamp_seconds") == 1000.0
    assert value(samples, "vpndiag_hosts") == len(healthy_report().hosts)
