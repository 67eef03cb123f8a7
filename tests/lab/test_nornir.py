"""Nornir with nornir_netmiko and nornir_napalm across a 24-router lab in one run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from nornir import InitNornir
from nornir_netmiko.tasks import netmiko_send_command

from lab.fleet import Fleet
from lab.inventory import write_inventory
from lab.scenario import Scenario, scaled_scenario

pytestmark = pytest.mark.lab


def test_nornir_across_24_routers(
    fleet_factory: Callable[[Scenario], Fleet], tmp_path: Path
) -> None:
    fleet = fleet_factory(scaled_scenario(24, legacy_every=6))
    config = write_inventory(fleet, tmp_path / "inv")
    nr = InitNornir(config_file=str(config))
    assert len(nr.inventory.hosts) == 24

    shown = nr.run(task=netmiko_send_command, command_string="show ip interface brief", enable=True)
    assert not shown.failed
    for name, multi in shown.items():
        wan = fleet.scenario.routers[int(name[1:]) - 1].config.split("ip address ")[1].split()[0]
        assert wan in multi[0].result

    # imported here: napalm is ~0.35 s of CPU that every xdist worker would pay to collect
    from nornir_napalm.plugins.tasks import napalm_get

    facts = nr.run(task=napalm_get, getters=["facts"])
    assert not facts.failed
    assert sorted(r[0].result["facts"]["hostname"] for r in facts.values()) == sorted(
        nr.inventory.hosts
    )
    nr.close_connections()


def test_shipped_style_inventory_takes_credentials_from_env(
    lab: Fleet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_inventory(lab, tmp_path / "inv", with_credentials=False)
    for name in ("hosts", "groups", "defaults"):
        text = (tmp_path / "inv" / f"{name}.yaml").read_text()
        assert "Lab-Pa55" not in text and "En4ble" not in text
    creds = lab.scenario.credentials
    monkeypatch.setenv("VPNDIAG_USERNAME", creds.username)
    monkeypatch.setenv("VPNDIAG_PASSWORD", creds.password)
    monkeypatch.setenv("VPNDIAG_SECRET", creds.secret)
    nr = InitNornir(config_file=str(config)).filter(name="HQ")
    result = nr.run(task=netmiko_send_command, command_string="show run | i ^hostname", enable=True)
    assert result["HQ"][0].result.strip() == "hostname HQ"
    nr.close_connections()


def test_written_inventory_matches_the_fleet(lab: Fleet, tmp_path: Path) -> None:
    write_inventory(lab, tmp_path / "inv")
    hosts = yaml.safe_load((tmp_path / "inv" / "hosts.yaml").read_text())
    assert set(hosts) == set(lab.devices)
    assert hosts["BR12"]["groups"] == ["lab", "spokes", "dual_isp"]
    assert hosts["BR12"]["port"] == lab.ports["BR12"]
    assert hosts["HQ"]["data"]["role"] == "hub"
