"""The host selection: Nornir built from an inventory, filtered, and its session options.

Code outside ``tasks`` holds a ``Hosts`` value and asks these functions about it; only this
package touches Nornir's API.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeAlias

from nornir.core import Nornir
from nornir.core.configuration import Config
from nornir.core.filter import F
from nornir.core.plugins.connections import ConnectionPluginRegister
from nornir.core.state import GlobalState
from nornir.init_nornir import load_inventory, load_runner
from nornir_netmiko.connections import Netmiko

from nornir_tasks.tasks.credentials import host_problems, set_extras

Hosts: TypeAlias = Nornir


class InventoryError(ValueError):
    """The inventory cannot be loaded or the selection matches no host."""


def init_nornir(config_file: str, **settings: Any) -> Nornir:
    """``InitNornir`` without its auto-registration of every installed connection plugin.

    That registration imports nornir_napalm and so napalm with all its drivers (≈ 0.4 s, a
    third of a health run's start, docs/performance.md). vpndiag registers netmiko here and
    napalm when a configuration session opens (``tasks.config_session``).
    """
    ConnectionPluginRegister.register("netmiko", Netmiko)
    config = Config.from_file(config_file, **settings)
    config.logging.configure()
    return Nornir(
        inventory=load_inventory(config),
        runner=load_runner(config),
        config=config,
        data=GlobalState(dry_run=False),
    )


def open_inventory(
    config: Path,
    workers: int = 50,
    hosts: Sequence[str] = (),
    groups: Sequence[str] = (),
    filters: Sequence[str] = (),
    known_hosts: Path | None = None,
) -> Nornir:
    """Nornir for ``config``, filtered; ``known_hosts``: refuse hosts whose SSH key it lacks."""
    if not config.exists():
        raise InventoryError(f"{config}: no such inventory config file")
    try:
        nr = init_nornir(
            str(config),
            runner={"plugin": "threaded", "options": {"num_workers": workers}},
            logging={"enabled": False},
        )
    except Exception as exc:
        raise InventoryError(f"{config}: cannot load the inventory: {exc}") from exc
    if hosts:
        nr = only(nr, hosts)  # a set: F(name__any=...) scans the list for every host
    if groups:
        nr = nr.filter(F(groups__any=list(groups)))
    for item in filters:
        key, _, value = item.partition("=")
        if not value:
            raise InventoryError(f"--filter {item!r}: expected key=value")
        nr = nr.filter(F(**{key.replace(".", "__"): value}))
    if not nr.inventory.hosts:
        raise InventoryError("the host selection matches no host in the inventory")
    problems = [p for host in nr.inventory.hosts.values() for p in host_problems(host)]
    if problems:  # refused before any session opens: exit 3, not a failed host later
        raise InventoryError(f"{config}:\n  " + "\n  ".join(problems))
    if known_hosts is not None:
        if not known_hosts.is_file():
            raise InventoryError(f"--known-hosts {known_hosts}: no such file")
        strict_host_keys(nr, known_hosts)
    return nr


def session_options(nr: Nornir, **options: object) -> None:
    """Add ``options`` to every host's netmiko extras and napalm ``optional_args``."""
    for host in nr.inventory.hosts.values():
        for plugin in ("netmiko", "napalm"):
            extras = dict(host.get_connection_parameters(plugin).extras or {})
            if plugin == "netmiko":
                extras.update(options)
            else:
                extras["optional_args"] = {**dict(extras.get("optional_args") or {}), **options}
            set_extras(host, plugin, extras)


def strict_host_keys(nr: Nornir, known_hosts: Path) -> None:
    """Check every host's SSH key against ``known_hosts`` (netmiko and napalm sessions)."""
    session_options(
        nr,
        ssh_strict=True,
        system_host_keys=False,
        alt_host_keys=True,
        alt_key_file=str(known_hosts),
    )


def command_timeout(nr: Nornir, seconds: float) -> None:
    """``--timeout``: the per-command read timeout and the connection timeout of every host
    (it wins over an inventory's ``read_timeout_override``)."""
    for host in nr.inventory.hosts.values():
        extras = {**dict(host.get_connection_parameters("netmiko").extras or {})}
        extras["read_timeout_override"] = seconds
        extras["conn_timeout"] = min(float(extras.get("conn_timeout", seconds)), seconds)
        set_extras(host, "netmiko", extras)


def host_names(hosts: Hosts) -> list[str]:
    return list(hosts.inventory.hosts)


def host_data(hosts: Hosts, name: str) -> dict[str, Any]:
    """The host's own inventory ``data``."""
    return dict(hosts.inventory.hosts[name].data)


def host_value(hosts: Hosts, name: str, key: str) -> Any:
    """``key`` of the host's data, else of its groups', else of the defaults'."""
    return hosts.inventory.hosts[name].get(key)


def host_platform(hosts: Hosts, name: str) -> str | None:
    platform = hosts.inventory.hosts[name].platform
    return str(platform) if platform else None


def host_groups(hosts: Hosts, name: str) -> list[str]:
    return [g.name for g in hosts.inventory.hosts[name].groups]


def only(hosts: Hosts, names: Sequence[str]) -> Hosts:
    """The hosts of ``hosts`` named in ``names``."""
    wanted = set(names)
    return hosts.filter(filter_func=lambda h: h.name in wanted)


def without(hosts: Hosts, names: Sequence[str]) -> Hosts:
    """The hosts of ``hosts`` not named in ``names``."""
    unwanted = set(names)
    return hosts.filter(filter_func=lambda h: h.name not in unwanted)


def narrow(
    hosts: Hosts, names: Sequence[str] = (), groups: Sequence[str] = (), data: Any = None
) -> Hosts:
    """Within ``hosts``: these names, these groups, and ``data`` key=value pairs."""
    if names:
        hosts = hosts.filter(F(name__any=list(names)))
    if groups:
        hosts = hosts.filter(F(groups__any=list(groups)))
    for key, value in dict(data or {}).items():
        hosts = hosts.filter(F(**{key.replace(".", "__"): value}))
    return hosts


def close(hosts: Hosts) -> None:
    """Log out of every open session."""
    hosts.close_connections(on_good=True, on_failed=True)
