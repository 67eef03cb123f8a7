"""Write a Nornir inventory (SimpleInventory files) that points at a running lab fleet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from lab.fleet import Fleet

_GROUP_NOTES = {
    "hubs": "VPN hubs (crypto map with one entry per branch)",
    "spokes": "branch routers",
    "dual_isp": "branches with two ISPs and IP SLA/track/EEM failover",
    "ios15": "older images: legacy SSH (diffie-hellman-group14-sha1, ssh-rsa)",
}


def _connection_options() -> dict[str, Any]:
    return {
        "netmiko": {"extras": {"fast_cli": True, "read_timeout_override": 20}},
        "napalm": {"extras": {"optional_args": {"dest_file_system": "bootflash:"}}},
    }


def _with_secret(secret: str) -> dict[str, Any]:
    """The host's secret. Nornir takes a host's extras for a connection as a whole, so the
    napalm ones repeat the defaults' (without ``dest_file_system`` napalm probes the file
    system with two commands at every open). The netmiko ones keep only the secret: tests
    give commands shorter read timeouts than the defaults' override."""
    napalm = _connection_options()["napalm"]
    napalm["extras"]["optional_args"]["secret"] = secret
    return {"netmiko": {"extras": {"secret": secret}}, "napalm": napalm}


def inventory_data(fleet: Fleet, with_credentials: bool) -> dict[str, dict[str, Any]]:
    hosts: dict[str, Any] = {}
    for router in fleet.scenario.routers:
        entry: dict[str, Any] = {
            "hostname": fleet.host,
            "port": fleet.ports[router.name],
            # "ios" as the inventories always said; an ASA is "cisco_asa" (netmiko's name).
            "platform": "cisco_asa" if router.platform == "asa" else "ios",
            "groups": ["lab", *router.groups],
            "data": {"role": router.role, **router.data},
        }
        if with_credentials:
            creds = fleet.scenario.credentials_of(router)
            entry["username"] = creds.username
            entry["password"] = creds.password
            entry["connection_options"] = _with_secret(creds.secret)
        hosts[router.name] = entry
    group_names = sorted({g for r in fleet.scenario.routers for g in r.groups})
    groups: dict[str, Any] = {"lab": {"data": {"lab": True}}}
    groups.update({g: {"data": {"description": _GROUP_NOTES.get(g, g)}} for g in group_names})
    defaults = {"connection_options": _connection_options()}
    return {"hosts": hosts, "groups": groups, "defaults": defaults}


def write_inventory(fleet: Fleet, directory: Path, with_credentials: bool = True) -> Path:
    """hosts.yaml, groups.yaml, defaults.yaml and a config.yaml for ``InitNornir``."""
    directory.mkdir(parents=True, exist_ok=True)
    data = inventory_data(fleet, with_credentials)
    for name, content in data.items():
        (directory / f"{name}.yaml").write_text("---\n" + yaml.safe_dump(content, sort_keys=False))
    config = {
        "inventory": {
            "plugin": "SimpleInventory",
            "options": {
                "host_file": str(directory / "hosts.yaml"),
                "group_file": str(directory / "groups.yaml"),
                "defaults_file": str(directory / "defaults.yaml"),
            },
            "transform_function": "vpndiag_credentials",
        },
        "runner": {"plugin": "threaded", "options": {"num_workers": 50}},
        "logging": {"enabled": False},
    }
    (directory / "config.yaml").write_text("---\n" + yaml.safe_dump(config, sort_keys=False))
    return directory / "config.yaml"
