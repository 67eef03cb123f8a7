"""``vpndiag triage HOST --interface TunnelN``: the tunnel's peers, read from HOST first.

A point-to-point tunnel (static VTI, GRE over IPsec) has one peer, its ``tunnel destination``
in the running configuration. A DMVPN interface (``tunnel mode gre multipoint``) has none: its
peers are read from ``show dmvpn`` and ``show crypto session`` (``checks.dmvpn_peers``): a
spoke's servers and up shortcuts, a hub's spokes. ``--peer`` narrows a multipoint interface
to one of them; a hub with more than ``MAX_PEERS`` spokes must be narrowed.
"""

from __future__ import annotations

from typing import NoReturn

from rich.console import Console

from nornir_tasks.checks.dmvpn_peers import MgrePeers, mgre_peers
from nornir_tasks.cli import exit_codes
from nornir_tasks.models.collection import HostCollection
from nornir_tasks.models.config import InterfaceConfig, RunningConfig
from nornir_tasks.models.crypto_session import CryptoSessionTable
from nornir_tasks.models.dmvpn import DmvpnTable
from nornir_tasks.tasks.collect import collect
from nornir_tasks.tasks.hosts import Hosts, host_names, only

# Every peer's owner is read too; the debug step debugs at most 8 (host, peer) pairs, both
# ends of the first unexplained tunnels (playbooks.debug_targets.MAX_TARGETS).
MAX_PEERS = 8
MGRE_READS = ("show dmvpn", "show crypto session")


def tunnel_named(config: RunningConfig, name: str) -> InterfaceConfig | None:
    """The tunnel interface ``name`` (``Tunnel3``, ``tu3``, ``Tun 3``) of the configuration."""
    number = name.lower().replace(" ", "").lstrip("tunel")
    wanted = f"tunnel{number}"
    return next((i for n, i in config.interfaces.items() if n.lower() == wanted), None)


def usage_error(message: str) -> NoReturn:
    Console(stderr=True).print(f"[red]error:[/] {message}", highlight=False)
    raise exit_codes.Exit(exit_codes.USAGE)


def _note(message: str) -> None:
    Console(stderr=True).print(f"[yellow]note:[/] {message}", highlight=False)


def _read(full: Hosts, host: str, commands: tuple[str, ...], why: str) -> HostCollection:
    read = collect(only(full, [host]), list(commands))[host]
    if not any(o.parsed is not None for o in read.outputs):
        Console(stderr=True).print(
            f"[red]error:[/] {host}: {commands[0]} could not be read "
            f"({read.error or read.status}) to find {why}",
            highlight=False,
        )
        raise exit_codes.Exit(exit_codes.HOSTS_FAILED)
    return read


def interface_peers(full: Hosts, host: str, name: str, peer: str | None) -> tuple[str, ...]:
    """The peer addresses of HOST's tunnel interface ``name`` (exit 3 when it has none)."""
    if host not in host_names(full):
        usage_error(f"{host}: not in the inventory")
    read = _read(full, host, ("show running-config",), name)
    config = next((o.parsed for o in read.outputs if isinstance(o.parsed, RunningConfig)), None)
    tunnel = tunnel_named(config, name) if config is not None else None
    if tunnel is None:
        usage_error(f"{host} has no tunnel interface {name}")
    if (tunnel.tunnel_mode or "").startswith("gre multipoint"):
        return _multipoint(full, host, tunnel.name, peer)
    if peer is not None:
        usage_error("--interface and --peer both name the tunnel: give one")
    if not tunnel.tunnel_destination:
        usage_error(f"{host} {tunnel.name} has no tunnel destination: give --peer instead")
    return (tunnel.tunnel_destination,)


def _multipoint(full: Hosts, host: str, name: str, peer: str | None) -> tuple[str, ...]:
    read = _read(full, host, MGRE_READS, f"the peers of {name}")
    tables = [o.parsed for o in read.outputs if isinstance(o.parsed, DmvpnTable)]
    sessions = [o.parsed for o in read.outputs if isinstance(o.parsed, CryptoSessionTable)]
    found = mgre_peers(tables, sessions, name)
    if found is None:
        usage_error(f"{host} {name} is multipoint GRE but show dmvpn does not list it")
    return _chosen(host, found, peer)


def _chosen(host: str, found: MgrePeers, peer: str | None) -> tuple[str, ...]:
    """The peers to triage: the one ``--peer`` names, else all of them (bounded)."""
    role = "hub" if found.hub else "spoke"
    listed = ", ".join(found.peers) or "none"
    if peer is not None:
        if peer not in found.peers:
            _note(f"{peer} is not a current peer of {host} {found.interface} ({listed})")
        return (peer,)
    if not found.peers:
        usage_error(f"{host} {found.interface} (DMVPN {role}) has no peer now: give --peer")
    if len(found.peers) > MAX_PEERS:
        usage_error(
            f"{host} {found.interface} (DMVPN {role}) has {len(found.peers)} peers; "
            f"narrow with --peer ADDRESS, one of: {listed}"
        )
    _note(
        f"{host} {found.interface} (DMVPN {role}): triaging {len(found.peers)} peer(s): "
        f"{listed}" + ("; narrow with --peer ADDRESS" if len(found.peers) > 1 else "")
    )
    return found.peers
