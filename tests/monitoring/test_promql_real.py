"""The alerting rules and the dashboard's queries evaluated by Prometheus itself (Debian's
``prometheus`` package: its server and promtool), on series rendered from a real report.

The rules are unit-tested with ``promtool test rules`` over the lab clock of promtool's own
evaluator (minutes pass instantly); the dashboard's queries run on a real Prometheus server on
127.0.0.1 that scrapes the metrics vpndiag renders, served over HTTP."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from nornir_tasks.models.report import RunReport, TunnelDetail, TunnelStatus
from nornir_tasks.reports.prometheus import render_prometheus
from tests.debian import debian_tool
from tests.monitoring.dashboard import load, queries
from tests.monitoring.promtext import Samples, parse
from tests.monitoring.test_dashboard import RULES, full_report

# Prometheus' own programs: `make test` runs these, `make check` does not (~7 s of server start).
pytestmark = pytest.mark.external


def fleet() -> RunReport:
    """The dashboard test's report with one more tunnel of r1, down (no phase 1, no SA)."""
    base = full_report()
    r1 = base.hosts[-1]
    down = TunnelDetail("10.0.0.9", TunnelStatus.DOWN, False, 0)
    hosts = (*base.hosts[:-1], replace(r1, tunnels=(*r1.tunnels, down)))
    return replace(base, hosts=hosts)


def _series(name: str, labels: tuple[tuple[str, str], ...]) -> str:
    inner = ",".join(f'{k}="{v}"' for k, v in (*labels, ("job", "vpndiag")))
    return f"{name}{{{inner}}}"


def _pick(samples: Samples, name: str, want: float) -> tuple[tuple[str, str], ...]:
    """The labels of one rendered sample of ``name`` whose value is ``want``."""
    return next(k for k, v in samples[name].items() if v == want)


def _alert(labels: tuple[tuple[str, str], ...], summary: str) -> dict[str, Any]:
    """An expected firing alert: the series' labels plus the rule's, and its rendered summary."""
    return {
        "exp_labels": {**dict(labels), "job": "vpndiag", "severity": "critical"},
        "exp_annotations": {"summary": summary.format(**dict(labels))},
    }


DOWN = "IPsec tunnel {host} -> {peer} down for 15 minutes"
NEW = "New critical finding {code} on {host} (peer {peer})"


def rule_tests(samples: Samples) -> dict[str, Any]:
    """promtool's unit-test file: a tunnel down from t=0 alerts at 15 min, not at 14; an up
    tunnel never; a critical finding alerts from the run that first reports it
    (19 min) for 15 minutes, one there all along never."""
    down, up = _pick(samples, "vpndiag_tunnel_up", 0.0), _pick(samples, "vpndiag_tunnel_up", 1.0)
    critical = [k for k in samples["vpndiag_findings"] if ("severity", "critical") in k]
    assert len(critical) >= 2, "the sample report needs two critical findings"
    new, old = critical[0], critical[1]
    series = [
        {"series": _series("vpndiag_tunnel_up", down), "values": "0x40"},
        {"series": _series("vpndiag_tunnel_up", up), "values": "1x40"},
        {"series": _series("vpndiag_findings", new), "values": "_x19 1x21"},  # from 19 min
        {"series": _series("vpndiag_findings", old), "values": "1x40"},
    ]
    down_alert = {"alertname": "VpndiagTunnelDown"}
    new_alert = {"alertname": "VpndiagNewCriticalFinding"}
    checks = [
        {**down_alert, "eval_time": "14m", "exp_alerts": []},
        {**down_alert, "eval_time": "15m", "exp_alerts": [_alert(down, DOWN)]},
        {**new_alert, "eval_time": "18m", "exp_alerts": []},
        {**new_alert, "eval_time": "19m", "exp_alerts": [_alert(new, NEW)]},
        {**new_alert, "eval_time": "33m", "exp_alerts": [_alert(new, NEW)]},
        {**new_alert, "eval_time": "35m", "exp_alerts": []},
    ]
    return {
        "rule_files": [str(RULES)],
        "evaluation_interval": "1m",
        "tests": [{"interval": "1m", "input_series": series, "alert_rule_test": checks}],
    }


def test_the_rules_file_is_valid_prometheus() -> None:
    promtool = debian_tool("promtool", "prometheus")
    done = subprocess.run([promtool, "check", "rules", str(RULES)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_alerts_fire_when_and_only_when_they_should(tmp_path: Path) -> None:
    promtool = debian_tool("promtool", "prometheus")
    spec = tmp_path / "rules_test.yml"
    spec.write_text(yaml.safe_dump(rule_tests(parse(render_prometheus(fleet())))))
    done = subprocess.run([promtool, "test", "rules", str(spec)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _serve(body: bytes) -> ThreadingHTTPServer:
    class Metrics(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Metrics)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _query(base: str, expr: str) -> dict[str, Any]:
    url = f"{base}/api/v1/query?{urllib.parse.urlencode({'query': expr})}"
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            data: dict[str, Any] = json.load(reply)
    except urllib.error.HTTPError as error:  # a PromQL error is a 400 with a JSON body
        data = json.load(error)
    return data


def _ready(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/-/ready", timeout=5) as reply:
            return bool(reply.status == 200)
    except OSError:  # refused while it starts, or 503 until its storage is up
        return False


def _start(binary: str, work: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Prometheus on a free loopback port, ready for queries. A port taken between choosing
    and binding (other tests pick ports too) ends the process: start again on another."""
    log = work / "prometheus.log"
    for _attempt in range(3):
        port = _free_port()
        args = [
            binary,
            f"--config.file={work / 'prometheus.yml'}",
            f"--storage.tsdb.path={work / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ]
        with log.open("ab") as out:
            process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if _ready(base):
                return process, base
            time.sleep(0.2)
        process.kill()
        process.wait()
    pytest.fail(f"Prometheus did not start: {log.read_text(errors='replace')[-2000:]}")


def _scraped_twice(base: str) -> bool:
    try:
        got = _query(base, "count_over_time(vpndiag_hosts[1m])")["data"]["result"]
    except (OSError, ValueError, KeyError):  # not answering yet, or not JSON
        return False
    return bool(got) and float(got[0]["value"][1]) >= 2


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Prometheus server scraping vpndiag's rendered metrics every second, until it holds
    two scrapes (so ``rate()`` has samples). Its scrape manager applies new targets about
    5 s after start, so this takes some 7 s; up to a minute on a loaded machine."""
    binary = debian_tool("prometheus", "prometheus")
    work = tmp_path_factory.mktemp("prometheus")
    metrics = _serve(render_prometheus(fleet()).encode())
    target = f"127.0.0.1:{metrics.server_address[1]}"
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(RULES)],
        "scrape_configs": [{"job_name": "vpndiag", "static_configs": [{"targets": [target]}]}],
    }
    (work / "prometheus.yml").write_text(yaml.safe_dump(config))
    process, base = _start(binary, work)
    try:
        deadline = time.monotonic() + 90
        while not _scraped_twice(base):
            if time.monotonic() > deadline:
                pytest.fail("Prometheus did not scrape the metrics twice within 90 s")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        metrics.shutdown()
        metrics.server_close()


def _concrete(expr: str, samples: Samples) -> str:
    """A dashboard query as Grafana sends it: variables filled with a tunnel the metrics have,
    ``label_values(SELECTOR, LABEL)`` as its selector."""
    labels = dict(_pick(samples, "vpndiag_tunnel_encaps_packets_total", 120.0))
    expr = expr.replace("$host", labels["host"]).replace("$peer", labels["peer"])
    if expr.startswith("label_values("):
        expr = expr[len("label_values(") : expr.rindex(",")]
    return expr


def test_every_dashboard_query_runs_and_finds_data(prometheus: str) -> None:
    samples = parse(render_prometheus(fleet()))
    for expr in queries(load()):
        reply = _query(prometheus, _concrete(expr, samples))
        assert reply["status"] == "success", (expr, reply.get("error"))
        assert reply["data"]["result"], f"no data for the dashboard query {expr}"


def test_the_rules_load_into_a_real_server(prometheus: str) -> None:
    with urllib.request.urlopen(f"{prometheus}/api/v1/rules", timeout=5) as reply:
        groups = json.load(reply)["data"]["groups"]
    rules = {r["name"]: r for g in groups for r in g["rules"]}
    assert set(rules) == {"VpndiagTunnelDown", "VpndiagNewCriticalFinding"}
    assert all(r["health"] == "ok" for r in rules.values()), rules
