"""A fleet where some hosts misbehave: every other host is checked, each failure is explained."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from lab.fleet import Fleet
from lab.inventory import write_inventory
from lab.scenario import Scenario, scaled_scenario
from nornir_tasks.cli.main import main
from nornir_tasks.models.collection import HostStatus, OutputStatus
from nornir_tasks.tasks.collect import HEALTH_COMMANDS, collect
from nornir_tasks.tasks.hosts import close, open_inventory

pytestmark = pytest.mark.lab


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture()
def unruly(fleet_factory: Callable[[Scenario], Fleet], tmp_path: Path) -> Path:
    scenario = scaled_scenario(6)
    quirks: dict[str, dict[str, Any]] = {
        "R0003": {"no_crypto": True},
        # slow on a command every health run asks (these routers run no crypto: the health
        # playbook asks them no crypto command)
        "R0004": {"slow": {"crypto ipsec": 5, "running-config": 5}},
        "R0005": {"truncate": {"processes cpu": {"bytes": 30, "times": 99}}},
        "R0006": {"truncate": {"processes cpu": {"bytes": 30, "times": 1}}},
    }
    for router in scenario.routers:
        router.quirks = quirks.get(router.name, {})
        if router.name == "R0003":  # configured for IKEv2, on an image without crypto commands
            router.config += "crypto ikev2 proposal P\n encryption aes-cbc-256\n"
    fleet = fleet_factory(scenario)
    config = write_inventory(fleet, tmp_path / "inv")
    hosts_file = tmp_path / "inv" / "hosts.yaml"
    hosts = yaml.safe_load(hosts_file.read_text())
    hosts["R0001"]["password"] = "wrong-one"
    hosts["GHOST"] = {**hosts["R0002"], "port": _free_port()}  # nothing listens there
    hosts_file.write_text(yaml.safe_dump(hosts))
    return config


def test_every_host_reported_with_its_reason(unruly: Path) -> None:
    nr = open_inventory(unruly, workers=10)
    for host in nr.inventory.hosts.values():
        extras = host.connection_options["netmiko"].extras
        assert extras is not None
        extras.update(read_timeout_override=2, conn_timeout=3)
    by_host = collect(nr, HEALTH_COMMANDS, read_timeout=2)
    close(nr)
    assert set(by_host) == {"R0001", "R0002", "R0003", "R0004", "R0005", "R0006", "GHOST"}

    assert by_host["R0001"].status is HostStatus.AUTH_FAILED
    assert by_host["GHOST"].status is HostStatus.UNREACHABLE
    assert "refused" in (by_host["GHOST"].error or "")
    assert by_host["R0002"].status is HostStatus.OK

    no_crypto = by_host["R0003"]
    assert no_crypto.status is HostStatus.PARTIAL
    isakmp = no_crypto.output("show crypto isakmp sa")
    assert isakmp is not None and isakmp.status is OutputStatus.UNSUPPORTED
    assert "% Invalid input detected" in (isakmp.error or "")

    slow = by_host["R0004"]
    assert slow.status is HostStatus.TIMEOUT
    assert "timed out" in (slow.error or "")

    cpu = "show processes cpu | include CPU"
    cut = by_host["R0005"].output(cpu)
    assert cut is not None and cut.status is OutputStatus.INCOMPLETE and cut.attempts == 2
    healed = by_host["R0006"].output(cpu)
    assert healed is not None and healed.status is OutputStatus.OK and healed.attempts == 2


def test_the_cli_reports_each_host_and_exits_2(
    unruly: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``vpndiag health`` over the same fleet: the report names every host's fate."""
    report_file = tmp_path / "report.json"
    args = ["health", "-i", str(unruly), "--timeout", "2", "--poll-interval", "0"]
    code = main([*args, "-o", str(report_file), "--no-history"])
    assert code == 2
    hosts = {h["host"]: h for h in json.loads(report_file.read_text())["hosts"]}
    assert hosts["R0001"]["status"] == "auth_failed"
    assert hosts["GHOST"]["status"] == "unreachable"
    assert hosts["R0004"]["status"] == "timeout"
    assert hosts["R0002"]["status"] == "ok"
    assert hosts["R0003"]["status"] == "partial"
    assert "unsupported" in hosts["R0003"]["error"]
    out = capsys.readouterr().out
    for name in ("R0001", "GHOST", "R0004"):
        assert name in out  # each unreached host gets its own panel with the reason
    assert "AUTH_FAILED: authentication failed" in out
