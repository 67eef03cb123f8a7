"""``vpndiag triage HOST [--peer ADDRESS | --interface TunnelN]``: one tunnel, both ends.

The other end is found in the inventory: the host whose data names the peer address
(``wan_ip``, ``addresses`` or ``backup_ip``), or the one ``data.hub`` names when no peer is
given. ``--interface`` names a tunnel interface of HOST, read from HOST first
(``triage_interface``): a static VTI's or GRE tunnel's ``tunnel destination`` is the peer; a
DMVPN interface's peers are its NHRP servers and up shortcuts (spoke) or its spokes (hub),
each read with its other end (``--peer`` narrows to one). The ends are collected in parallel
(tunnel_triage playbook); when state alone does not explain a tunnel that is not up, a
conditional debug bounded by ``--debug-seconds`` runs on both ends (``undebug all``
guaranteed). The report keeps only these tunnels' findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

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
from nornir_tasks.cli.triage_interface import interface_peers, usage_error
from nornir_tasks.playbooks.model import HostSelection
from nornir_tasks.playbooks.runner import RunOptions
from nornir_tasks.tasks.hosts import (
    Hosts,
    InventoryError,
    host_data,
    host_names,
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
    help="A tunnel interface of HOST (Tunnel1, Tu1): its tunnel destination is the peer; "
    "DMVPN: its NHRP peers (--peer narrows to one).",
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
      vpndiag triage D01 --interface Tunnel0       DMVPN spoke: its hub(s) and up shortcuts
      vpndiag triage DH1 --interface Tu0 --peer 203.0.113.142   DMVPN hub: one spoke
    """
    _refuse_contradictions(force_debug, no_debug)
    full = _inventory(inventory)
    chosen = interface_peers(full, host, interface, peer) if interface else (peer,)
    if peer_host and len(chosen) > 1:
        usage_error(f"--peer-host names one other end; {interface} has several: give --peer")
    ends, focus = _all_ends(full, inventory, host, chosen, peer_host)
    playbook = load("tunnel_triage")
    playbook = playbook.model_copy(update={"hosts": HostSelection(names=ends)})
    selection = Selection(inventory, tuple(ends), (), (), 4)
    options = RunOptions(
        escalate=False if no_debug else None,
        debug_always=force_debug and not no_debug,
        debug_seconds=debug_seconds,
        title=f"vpndiag triage {host}" + (f" <-> {', '.join(ends[1:])}" if ends[1:] else ""),
        focus=focus,
    )
    raise exit_codes.Exit(execute(playbook, selection, Reporting.of(kwargs), options))


def _all_ends(
    full: Hosts,
    inventory: Path,
    host: str,
    peers: tuple[str | None, ...],
    peer_host: str | None,
) -> tuple[list[str], frozenset[str] | None]:
    """(HOST and the inventory hosts at the other ends, the addresses the report keeps): each
    peer address, and HOST's own addresses when another end is read (its view of HOST)."""
    found = [_ends(full, inventory, host, p, peer_host) for p in peers]
    owners = [o for _, o in found if o is not None and o != host]
    focus = {a for a, _ in found if a}
    if owners:
        focus |= addresses_of(host_data(full, host))
    return list(dict.fromkeys([host, *owners])), frozenset(focus) if focus else None


def _refuse_contradictions(force_debug: bool, no_debug: bool) -> None:
    if force_debug and no_debug:
        raise click.UsageError("--debug and --no-debug contradict each other: give one")


def _inventory(inventory: Path) -> Hosts:
    try:
        return open_inventory(inventory)
    except InventoryError as exc:
        usage_error(str(exc))


def _ends(
    full: Hosts, inventory: Path, host: str, peer: str | None, peer_host: str | None
) -> tuple[str | None, str | None]:
    """(the tunnel's peer address, the inventory host at the other end, if any)."""
    if host not in host_names(full):
        usage_error(f"{host}: not in the inventory {inventory}")
    address, owner = far_end(full, host, peer)
    if address is None:
        usage_error(
            f"which tunnel of {host}? Give --peer ADDRESS (its inventory data has no 'hub' "
            "to default to)"
        )
    owner = peer_host or owner
    if owner is not None and owner not in host_names(full):
        usage_error(f"--peer-host {owner}: not in the inventory")
    if owner is None:
        Console(stderr=True).print(
            f"[yellow]note:[/] the other end of {host}'s tunnel to {address} is not in the "
            "inventory: one end only",
            highlight=False,
        )
    return address, owner
