"""Where a host sends traffic for an address: its ``show ip route`` answers, else its config.

Used to tell whether return traffic goes into the tunnel (out of the crypto-map interface) and
which of its addresses a dual-ISP router sources IKE from.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nornir_tasks.checks.evidence import HostEvidence
from nornir_tasks.checks.model_names import ROUTE_LOOKUP
from nornir_tasks.parsers.addressing import address, network

if TYPE_CHECKING:  # annotations only (the configuration models are slow to import)
    from nornir_tasks.models.config import InterfaceConfig, RunningConfig, StaticRoute
    from nornir_tasks.models.routing import RouteLookup


@dataclass(frozen=True)
class Egress:
    """The route a host uses for an address: its key (command or config line) and interface."""

    interface: str | None
    next_hop: str | None
    source: str  # "show ip route 10.4.0.1" or the static route / connected interface line
    lines: tuple[str, ...]  # evidence


def _net(prefix: str) -> ipaddress.IPv4Network | None:
    return network(prefix)


def _addr(text: str) -> ipaddress.IPv4Address | None:
    return address(text)


def lookup(host: HostEvidence, address: str) -> tuple[str, RouteLookup] | None:
    """The host's ``show ip route <address>`` answer, or a looked-up prefix that covers it."""
    target = _addr(address)
    best: tuple[int, str, RouteLookup] | None = None
    for key, value in host.outputs.items():
        if not ROUTE_LOOKUP.holds(value) or not key.startswith("show ip route "):
            continue
        if key.split()[-1] == address:
            return key, value
        net = _net(value.prefix or "") if value.found else None
        if target and net and target in net and (best is None or net.prefixlen > best[0]):
            best = (net.prefixlen, key, value)
    return (best[1], best[2]) if best else None


def _connected(config: RunningConfig, address: str) -> InterfaceConfig | None:
    target = _addr(address)
    for itf in config.interfaces.values():
        if itf.ip_address and itf.mask and target and not itf.shutdown:
            net = _net(f"{itf.ip_address}/{itf.mask}")
            if net and target in net:
                return itf
    return None


def _static(config: RunningConfig, address: str) -> StaticRoute | None:
    target = _addr(address)
    matches = []
    for route in config.static_routes:
        net = _net(f"{route.prefix}/{route.mask}")
        if route.vrf is None and target and net and target in net:
            matches.append((net.prefixlen, -(route.distance or 1), route))
    return max(matches, key=lambda m: (m[0], m[1]))[2] if matches else None


def _hop_interface(config: RunningConfig | None, route: StaticRoute) -> str | None:
    if route.interface:
        return route.interface
    itf = _connected(config, route.next_hop) if config and route.next_hop else None
    return itf.name if itf else None


def _from_lookup(host: HostEvidence, key: str, found: RouteLookup) -> Egress:
    hop = next(
        (h for h in found.next_hops if h.best), found.next_hops[0] if found.next_hops else None
    )
    interface = hop.interface if hop else None
    if interface is None and hop and hop.address and host.config:
        itf = _connected(host.config, hop.address)
        interface = itf.name if itf else None
    text = host.raw.get(key, "")
    lines = [s.strip() for s in text.splitlines() if s.strip()]
    lines = [s for s in lines if not s.lower().startswith(("route metric", "routing descriptor"))]
    return Egress(interface, hop.address if hop else None, key, tuple(lines[:4]))


def _config_prefixlen(config: RunningConfig | None, address: str) -> int:
    """The longest connected or static prefix of the config covering ``address`` (-1: none)."""
    target = _addr(address)
    if config is None or target is None:
        return -1
    nets = [_net(f"{i.ip_address}/{i.mask}") for i in config.interfaces.values() if not i.shutdown]
    nets += [_net(f"{r.prefix}/{r.mask}") for r in config.static_routes if r.vrf is None]
    return max((n.prefixlen for n in nets if n is not None and target in n), default=-1)


def egress(host: HostEvidence, address: str) -> Egress | None:
    """How the host routes ``address``: from a route lookup it printed, else from its config."""
    found = lookup(host, address)
    if found is not None and found[1].found:
        key, answer = found
        net = _net(answer.prefix or "")
        # A lookup of another address proves nothing about a more specific route for this one
        # (the default route printed for the peer is not the route of a pinned probe target).
        exact = key.split()[-1] == address
        if exact or net is None or _config_prefixlen(host.config, address) <= net.prefixlen:
            return _from_lookup(host, key, answer)
    return config_egress(host, address)


def config_egress(host: HostEvidence, address: str) -> Egress | None:
    """How the host's configuration routes ``address`` (connected, then the best static)."""
    config = host.config
    if config is None:
        return None
    connected = _connected(config, address)
    if connected is not None:
        line = f"interface {connected.name} (ip address {connected.ip_address} {connected.mask})"
        return Egress(connected.name, None, line, (line,))
    route = _static(config, address)
    if route is None:
        return None
    return Egress(_hop_interface(config, route), route.next_hop, route.line, (route.line,))


def looked_up_in(host: HostEvidence, network: ipaddress.IPv4Network) -> str | None:
    """An address of ``network`` the host was asked to route (``show ip route <address>``)."""
    for key, value in host.outputs.items():
        if ROUTE_LOOKUP.holds(value) and key.startswith("show ip route "):
            target = _addr(key.split()[-1])
            if target is not None and target in network:
                return str(target)
    return None
