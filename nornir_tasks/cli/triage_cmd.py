"""``vpndiag triage HOST [--peer ADDRESS | --interface TunnelN]``: one tunnel, both ends.

The other end is found in the inventory: the host whose data names the peer address
(``wan_ip``, ``addresses`` or ``backup_ip``), or the one ``data.hub`` names when no peer is
given. ``--interface`` names a tunnel interface of HOST (a static VTI, GRE over IPsec): its
``tunnel destination``, read from HOST's running configuration first, is the peer. Both ends are collected in parallel (tunnel_triage playbook); when state alone does
not explain a tunnel that is not up, a conditional debug bounded by ``--debug-seconds`` runs
on both ends (``undebug all`` guaranteed). The report keeps only this tunnel's findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console

from nornir_tasks.cli import exit_codes
from nornir_tasks.cli.run_cmd import (
    Reporting,
    Selection,
    execute,
    load,
    report_options,
)
from nornir_tasks.models.config import InterfaceConfig, RunningConfig
from nornir_tasks.playbooks.model import HostSelection
from nornir_tasks.playbooks.runner import RunOptions
from nornir_tasks.tasks.collect import collect
from nornir_tasks.tasks.hosts import (
    Hosts,
    InventoryError,
    host_data,
    host_names,
    only,
    open_inventory,
)

ADDRESS_KEYS = ("wan_ip", "backup_ip", "addresses")


def addresses_of(data: Mapping[str, Any]) -> set[str]:
    """The addresses a host's inventory data gives it."""
    found: set[str] = set()
    for key in ADDRESS_KEYS:
        value = data.get(key)
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, list):
            found.update(str(v) for v in value)
    return found


def far_end(nr: Hosts, host: str, peer: str | None) -> tuple[str | None, str | None]:
    """(peer address, inventory host owning it); either may stay unknown."""
    names = host_names(nr)
    data = host_data(nr, host)
    hub = data.get("hub")
    if peer is None and isinstance(hub, str) and hub in names:
        return (next(iter(sorted(addresses_of(host_data(nr, hub)))), None), hub)
    if peer is None:
        return None, None
    owner = next((name for name in names if peer in addresses_of(host_data(nr, name))), None)
    return peer, owner


@click.command("triage")
@click.argument("host")
@click.option("--peer", help="The tunnel's peer address (default: the host's hub).")
@click.option(
    "--interface",
    "interface",
    help="A tunnel interface of HOST (Tunnel1, Tu1): its tunnel destination is the peer.",
)
@click.option("--peer-host", help="The inventory name of the other end, if not found.")
@click.option("--debug-seconds", type=click.FloatRange(1, 300), help="Bound of the debug.")
@click.option("--no-debug", is_flag=True, help="Never start a debug, even when unexplained.")
@click.option(
    "--debug", "force_debug", is_flag=True, help="Debug a tunnel not up even if explained."
)
@click.option(
    "-i",
    "--inventory",
    type=click.Path(path_type=Path),
    default=Path("inventory/lab/config.yaml"),
    show_default=True,
)
@report_options
def triage_cmd(
    host: str,
    peer: str | None,
    interface: str | None,
    peer_host: str | None,
    debug_seconds: float | None,
    no_debug: bool,
    force_debug: bool,
    inventory: Path,
    **kwargs: Any,
) -> None:
    """Triage one tunnel of HOST from both ends.

    \b
    Examples:
      vpndiag triage BR07                          BR07 and its hub (data.hub)
      vpndiag triage HQ --peer 203.0.113.30        HQ and whoever owns that address
      vpndiag triage BR03 --no-debug -o out/       state only; reports into out/
      vpndiag triage HUB2 --interface Tunnel3      the VTI's destination is the peer
    """
    _refuse_contradictions(force_debug, no_debug, interface, peer)
    full = _inventory(inventory)
    if interface:
        peer = _interface_peer(full, host, interface)
    address, owner = _ends(full, inventory, host, peer, peer_host)
    playbook = load("tunnel_triage")
    ends = [host] + ([owner] if owner and owner != host else [])
    playbook = playbook.model_copy(update={"hosts": HostSelection(names=ends)})
    peers = {address} if address else set()
    if owner is not None:
        peers |= addresses_of(host_data(full, host))
    selection = Selection(inventory, tuple(ends), (), (), 4)
    options = RunOptions(
        escalate=False if no_debug else None,
        debug_always=force_debug and not no_debug,
        debug_seconds=debug_seconds,
        title=f"vpndiag triage {host}" + (f" <-> {owner}" if owner else ""),
        focus=frozenset(peers) if peers else None,
    )
    raise exit_codes.Exit(execute(playbook, selection, Reporting.of(kwargs), options))


def _refuse_contradictions(
    force_debug: bool, no_debug: bool, interface: str | None, peer: str | None
) -> None:
    if force_debug and no_debug:
        raise click.UsageError("--debug and --no-debug contradict each other: give one")
    if interface and peer:
        raise click.UsageError("--interface and --peer both name the tunnel: give one")


def tunnel_named(config: RunningConfig, name: str) -> InterfaceConfig | None:
    """The tunnel interface ``name`` (``Tunnel3``, ``tu3``, ``Tun 3``) of the configuration."""
    number = name.lower().replace(" ", "").lstrip("tunel")
    wanted = f"tunnel{number}"
    return next((i for n, i in config.interfaces.items() if n.lower() == wanted), None)


def _interface_peer(full: Hosts, host: str, name: str) -> str:
    """The tunnel destination of HOST's interface ``name``, read from its running config."""
    if host not in host_names(full):
        _usage_error(f"{host}: not in the inventory")
    read = collect(only(full, [host]), ["show running-config"])[host]
    config = next((o.parsed for o in read.outputs if isinstance(o.parsed, RunningConfig)), None)
    if config is None:
        Console(stderr=True).print(
            f"[red]error:[/] {host}: the running configuration could not be read "
            f"({read.error or read.status}) to find {name}",
            highlight=False,
        )
        raise exit_codes.Exit(exit_codes.HOSTS_FAILED)
    tunnel = tunnel_named(config, name)
    if tunnel is None:
        _usage_error(f"{host} has no tunnel interface {name}")
    if (tunnel.tunnel_mode or "").startswith("gre multipoint") or not tunnel.tunnel_destination:
        _usage_error(
            f"{host} {tunnel.name} has no tunnel destination (multipoint GRE?): give --peer "
            "with the peer's address"
        )
    return tunnel.tunnel_destination


def _usage_error(message: str) -> NoReturn:
    Console(stderr=True).print(f"[red]error:[/] {message}", highlight=False)
    raise exit_codes.Exit(exit_codes.USAGE)


def _inventory(inventory: Path) -> Hosts:
    try:
        return open_inventory(inventory)
    except InventoryError as exc:
        _usage_error(str(exc))


def _ends(
    full: Hosts, inventory: Path, host: str, peer: str | None, peer_host: str | None
) -> tuple[str | None, str | None]:
    """(the tunnel's peer address, the inventory host at the other end, if any)."""
    if host not in host_names(full):
        _usage_error(f"{host}: not in the inventory {inventory}")
    address, owner = far_end(full, host, peer)
    if address is None:
        _usage_error(
            f"which tunnel of {host}? Give --peer ADDRESS (its inventory data has no 'hub' "
            "to default to)"
        )
    owner = peer_host or owner
    if owner is not None and owner not in host_names(full):
        _usage_error(f"--peer-host {owner}: not in the inventory")
    if owner is None:
        Console(stderr=True).print(
            f"[yellow]note:[/] the other end of {host}'s tunnel to {address} is not in the "
            "inventory: one end only",
            highlight=False,
        )
    return address, owner
