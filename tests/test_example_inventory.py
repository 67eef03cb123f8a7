"""inventory/example/: the template for a real fleet loads, resolves and carries no secrets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from nornir import InitNornir
from nornir.core import Nornir

from nornir_tasks.cli.triage_cmd import far_end
from nornir_tasks.inventory import PASSWORD_VAR, SECRET_VAR, USERNAME_VAR

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inventory" / "example"
CREDENTIAL_KEYS = {"username", "password", "secret", "enable_password", "enable_secret"}


def _load(monkeypatch: pytest.MonkeyPatch) -> Nornir:
    monkeypatch.chdir(ROOT)  # SimpleInventory paths are relative to the working directory
    return InitNornir(config_file="inventory/example/config.yaml")


@pytest.fixture()
def nr(monkeypatch: pytest.MonkeyPatch) -> Nornir:
    for var in (USERNAME_VAR, PASSWORD_VAR, SECRET_VAR):
        monkeypatch.delenv(var, raising=False)
    return _load(monkeypatch)


def _keys(data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield str(key)
            yield from _keys(value)
    elif isinstance(data, list):
        for item in data:
            yield from _keys(item)


def test_no_credential_keys_anywhere_in_the_files() -> None:
    files = sorted(EXAMPLE.glob("*.yaml"))
    assert {f.name for f in files} == {"config.yaml", "hosts.yaml", "groups.yaml", "defaults.yaml"}
    for path in files:
        found = set(_keys(yaml.safe_load(path.read_text()))) & CREDENTIAL_KEYS
        assert not found, f"{path.name}: {found}"


def test_hosts_resolve_groups_and_platforms(nr: Nornir) -> None:
    hosts = nr.inventory.hosts
    assert len(hosts) >= 4
    for host in hosts.values():
        assert host.platform in {"ios", "cisco_asa"}, host.name
        assert host.password is None and host.username is None
    assert hosts["dc-asa-1"].platform == "cisco_asa"
    assert hosts["hq-hub-1"].get_connection_parameters("netmiko").platform == "cisco_xe"
    assert hosts["branch-lille"].get_connection_parameters("netmiko").platform == "ios"
    assert hosts["branch-lille"].port == 2222


def test_every_host_has_a_wan_ip_and_spokes_name_an_existing_hub(nr: Nornir) -> None:
    raw = yaml.safe_load((EXAMPLE / "hosts.yaml").read_text())
    for name, host in nr.inventory.hosts.items():
        assert raw[name]["data"]["wan_ip"], name
        if "spokes" in [g.name for g in host.groups]:
            assert host.data["hub"] in nr.inventory.hosts, name


def test_dual_isp_hosts_carry_what_failover_check_reads(nr: Nornir) -> None:
    dual = [h for h in nr.inventory.hosts.values() if "dual_isp" in [g.name for g in h.groups]]
    assert dual
    for host in dual:
        assert host.data["backup_ip"] and host.data["isp1_gateway"], host.name


def test_group_connection_options(nr: Nornir) -> None:
    for name in ("iosxe", "ios15", "asa"):
        extras = nr.inventory.groups[name].connection_options["netmiko"].extras or {}
        assert {"fast_cli", "read_timeout_override"} <= set(extras), name
    ios15 = nr.inventory.groups["ios15"].connection_options["napalm"].extras or {}
    assert ios15["optional_args"]["global_delay_factor"] == 2


def test_triage_finds_the_hub_and_the_owner_of_a_backup_address(nr: Nornir) -> None:
    assert far_end(nr, "branch-nantes", None) == ("198.51.100.2", "hq-hub-1")
    assert far_end(nr, "hq-hub-1", "203.0.113.130") == ("203.0.113.130", "branch-lyon")


def test_credentials_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(USERNAME_VAR, "netops")
    monkeypatch.setenv(PASSWORD_VAR, "from-env")
    monkeypatch.delenv(SECRET_VAR, raising=False)
    host = _load(monkeypatch).inventory.hosts["branch-lille"]
    assert (host.username, host.password) == ("netops", "from-env")
    extras = host.get_connection_parameters("netmiko").extras or {}
    assert extras["secret"] == "from-env"


def test_env_credentials_keep_the_group_connection_options(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(PASSWORD_VAR, "from-env")
    host = _load(monkeypatch).inventory.hosts["branch-lille"]
    extras = host.get_connection_parameters("netmiko").extras or {}
    assert extras["fast_cli"] is False and extras["read_timeout_override"] == 60
