"""Protected tunnel interfaces the operator shut down (``shutdown``). Pure.

IOS-XE deletes such a tunnel's IPsec SAs (and its IKEv2 SA when no other child uses it), so
nothing in the SA tables names it any more: read from the running configuration (``shutdown``
in the interface block) or from ``show ip interface brief`` / ``show interfaces``
(``administratively down``). Its peers (the ``tunnel destination``, or a DMVPN spoke's NHS
NBMA addresses) are configured tunnels that are down, and the tunnel checks (``vti_peers``)
leave them alone: a shut tunnel is down by intent, not broken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nornir_tasks.checks.evidence import FleetEvidence, HostEvidence
from nornir_tasks.checks.model_names import INTERFACE_BRIEF, INTERFACE_DETAIL
from nornir_tasks.checks.quote import config_lines

_IP = r"\d{1,3}(?:\.\d{1,3}){3}"
# "ip nhrp nhs 172.30.0.1 nbma 198.51.100.130" / "ip nhrp map 172.30.0.1 198.51.100.130"
_NBMA = re.compile(rf"^ip nhrp (?:nhs {_IP} nbma|map {_IP}) ({_IP})\b")


@dataclass(frozen=True)
class ShutTunnel:
    name: str  # "Tunnel0"
    peers: tuple[str, ...]  # its destination, or the NHS NBMA addresses of a DMVPN spoke
    lines: tuple[str, ...]  # the interface's state line(s) as printed, and "shutdown"
    shown: bool  # a show command (not only the configuration) has it administratively down


def _brief_lines(host: HostEvidence) -> dict[str, str]:
    """Interface -> its ``show ip interface brief`` row, as printed, for admin-down rows."""
    tables = host.models(INTERFACE_BRIEF)
    if not tables:
        return {}
    from nornir_tasks.models.interfaces import LinkStatus  # imported: tables are its models

    down = {
        name
        for t in tables
        for name, row in t.interfaces.items()
        if row.status is LinkStatus.ADMIN_DOWN
    }
    rows: dict[str, str] = {}
    for _, text in host.raw_of("show ip interface brief*"):
        for line in text.splitlines():
            word = line.split(maxsplit=1)[0] if line.strip() else ""
            if word in down:
                rows[word] = line.rstrip()
    return rows


def _detail_down(host: HostEvidence) -> dict[str, tuple[str | None, str | None]]:
    """Admin-down protected tunnels of ``show interfaces``: name -> (destination, profile)."""
    tables = host.models(INTERFACE_DETAIL)
    if not tables:
        return {}
    from nornir_tasks.models.interfaces import LinkStatus  # imported: tables are its models

    return {
        d.name: (d.tunnel_destination, d.tunnel_protection_profile)
        for t in tables
        for d in t.interfaces.values()
        if d.status is LinkStatus.ADMIN_DOWN and d.tunnel_protection_profile
    }


def _nbma_peers(host: HostEvidence, name: str) -> list[str]:
    lines = config_lines(host, rf"^interface {re.escape(name)}$", True)
    return [m.group(1) for line in lines if (m := _NBMA.match(line))]


def _detail_lines(host: HostEvidence, names: set[str]) -> dict[str, str]:
    """Interface -> its ``show interfaces`` first line, as printed."""
    rows: dict[str, str] = {}
    for _, text in host.raw_of("show interfaces*"):
        for line in text.splitlines():
            name = line.split(" is ", 1)[0]
            if name in names and " is administratively down" in line:
                rows[name] = line.rstrip()
    return rows


def shut_tunnels(host: HostEvidence) -> tuple[ShutTunnel, ...]:
    """The protected tunnel interfaces that are administratively down (read once per host:
    the tunnel, VTI and crypto-map checks ask for every peer)."""
    return host.memo("shut_tunnels", lambda: _shut_tunnels(host))


def _shut_tunnels(host: HostEvidence) -> tuple[ShutTunnel, ...]:
    brief, detail = _brief_lines(host), _detail_down(host)
    found: dict[str, tuple[str | None, bool]] = {n: (d, False) for n, (d, _) in detail.items()}
    config = host.config
    for itf in config.interfaces.values() if config is not None else ():
        if itf.tunnel_protection and (itf.shutdown or itf.name in brief):
            found[itf.name] = (itf.tunnel_destination, itf.shutdown)
    shown = _detail_lines(host, set(found))
    out = []
    for name, (destination, shut) in found.items():
        peers = [destination] if destination else _nbma_peers(host, name)
        lines = [row[name] for row in (brief, shown) if name in row]
        state = bool(lines) or name in detail
        lines += [f"interface {name}", "shutdown"] if shut else []
        out.append(ShutTunnel(name, tuple(dict.fromkeys(peers)), tuple(lines), state))
    return tuple(out)


def shut_peers(host: HostEvidence) -> set[str]:
    """The peers of the host's shut tunnels."""
    return {p for t in shut_tunnels(host) for p in t.peers}


def shut_by_peer(host: HostEvidence, peer: str, fleet: FleetEvidence) -> bool:
    """Has the far end (the fleet host owning ``peer``) shut its tunnel toward ``host``?"""
    other = fleet.owner_of(peer)
    return other is not None and bool(shut_peers(other) & host.addresses)
