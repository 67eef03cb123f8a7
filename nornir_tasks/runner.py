"""Build Nornir from an inventory and run collection across the selected hosts."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nornir import InitNornir
from nornir.core import Nornir
from nornir.core.filter import F

from nornir_tasks.inventory import host_problems, set_extras
from nornir_tasks.models.collection import HostCollection
from nornir_tasks.tasks.collect import HEALTH_COMMANDS, collect_crypto_state, collection_of


class InventoryError(ValueError):
    """The inventory cannot be loaded or the selection matches no host."""


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
        nr = InitNornir(
            config_file=str(config),
            runner={"plugin": "threaded", "options": {"num_workers": workers}},
            logging={"enabled": False},
        )
    except Exception as exc:
        raise InventoryError(f"{config}: cannot load the inventory: {exc}") from exc
    if hosts:
        nr = nr.filter(F(name__any=list(hosts)))
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


def run_collection(
    nr: Nornir, commands: Sequence[str] = HEALTH_COMMANDS, read_timeout: float = 30.0
) -> list[HostCollection]:
    results = nr.run(task=collect_crypto_state, commands=commands, read_timeout=read_timeout)
    out: list[HostCollection] = []
    for name, multi in sorted(results.items()):
        value: Any = multi[0].result if len(multi) else None
        if value is None and len(multi):
            value = multi[0].exception
        out.append(collection_of(name, value))
    nr.close_connections(on_good=True, on_failed=True)
    return out
