"""``vpndiag exporter`` against the lab: a subprocess runs the health check, /metrics is scraped
over HTTP on 127.0.0.1 and read with prometheus_client's parser; SIGTERM stops it with exit 0."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from lab.fleet import Fleet
from lab.inventory import write_inventory
from tests.monitoring.dashboard import load, metric_names, queries
from tests.monitoring.promtext import Samples, by, parse, value

pytestmark = pytest.mark.lab


def scrape_until_run(url: str, proc: subprocess.Popen[str], seconds: float = 60) -> Samples:
    """The first scrape that holds a finished run (before it: only the exporter's own metrics)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        with urllib.request.urlopen(url, timeout=5) as response:
            samples = parse(response.read().decode("utf-8"))
        if "vpndiag_run_duration_seconds" in samples:
            return samples
        assert value(samples, "vpndiag_exporter_runs_total") == 0
        time.sleep(0.3)
    raise AssertionError(f"no run served in {seconds} s (exporter exit {proc.poll()})")


def test_exporter_serves_the_latest_run_and_stops_on_sigterm(
    fresh_lab: Fleet, tmp_path: Path
) -> None:
    fresh_lab.advance(60)
    config = write_inventory(fresh_lab, tmp_path / "inv")
    command = [
        sys.executable, "-m", "nornir_tasks.cli.main", "exporter", "--listen", "127.0.0.1:0",
        "--every", "1h", "-i", str(config), "--hosts", "BR05,HQ", "-q", "--poll-interval", "1",
        "--db", str(tmp_path / "history.db"),
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("VPNDIAG_")}
    env["VPNDIAG_STATE_DIR"] = str(tmp_path / "state")
    proc = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()  # "serving http://127.0.0.1:PORT/metrics"
        url = first.split()[-1]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/metrics"), first
        samples = scrape_until_run(url, proc)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "exporter stopped" in err
    assert value(samples, "vpndiag_exporter_runs_total") == 1
    assert value(samples, "vpndiag_exporter_last_exit_code") == 1  # BR05 has findings
    assert set(by(samples, "vpndiag_host_reachable", "host")) == {"BR05", "HQ"}
    # BR05's transform sets do not match HQ's: its tunnel to HQ is not up, seen from BR05.
    assert value(samples, "vpndiag_tunnel_up", host="BR05", peer="198.51.100.2") == 0
    assert sum(samples["vpndiag_tunnel_up"].values()) > 0  # HQ's other tunnels are up
    codes = {dict(k)["code"] for k in samples["vpndiag_findings"] if ("host", "BR05") in k}
    assert "IKE_P2_PROPOSAL_MISMATCH" in codes
    for expr in queries(load()):  # the dashboard asks only for what a real scrape holds
        assert metric_names(expr) <= set(samples), expr
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass  # the server is closed
