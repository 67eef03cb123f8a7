"""The routing table a router builds from its configuration: connected, local and static routes.

Static routes follow IOS: a route with ``track N`` is installed only while the track is up,
a route via a next hop needs that next hop to resolve, and per prefix the lowest
administrative distance wins (floating statics).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass

from lab.configtree import ConfigTree, Node

IPv4Net = ipaddress.IPv4Network
IPv4Addr = ipaddress.IPv4Address


@dataclass(frozen=True)
class Interface:
    name: str
    address: IPv4Addr | None
    network: IPv4Net | None
    shutdown: bool
    description: str
    crypto_map: str | None
    nat: str | None  # "inside" / "outside"


@dataclass(frozen=True)
class Route:
    prefix: IPv4Net
    code: str  # "C", "L", "S"
    distance: int
    next_hop: IPv4Addr | None
    interface: str | None
    track: int | None = None
    name: str | None = None


def interfaces(tree: ConfigTree) -> list[Interface]:
    return [_interface(n) for n in tree.sections() if n.line.startswith("interface ")]


def _interface(node: Node) -> Interface:
    address = network = None
    description = ""
    crypto_map = nat = None
    for child in node.children:
        w = child.line.split()
        if w[:2] == ["ip", "address"] and len(w) >= 4 and w[-1] != "secondary":
            iface = ipaddress.IPv4Interface(f"{w[2]}/{w[3]}")
            address, network = iface.ip, iface.network
        elif w[0] == "description":
            description = child.line[len("description ") :]
        elif w[:2] == ["crypto", "map"] and len(w) > 2:
            crypto_map = w[2]
        elif w[:2] == ["ip", "nat"] and len(w) > 2:
            nat = w[2]
    shutdown = any(c.line == "shutdown" for c in node.children)
    return Interface(
        node.line.split(None, 1)[1], address, network, shutdown, description, crypto_map, nat
    )


def static_routes(tree: ConfigTree) -> list[Route]:
    """``ip route P M {NH | IF [NH]} [distance] [track N] [name X] [permanent]``"""
    routes = []
    for line in tree.lines_starting("ip route "):
        w = line.split()[2:]
        if len(w) < 3:
            continue
        prefix = IPv4Net(f"{w[0]}/{w[1]}", strict=False)
        rest = w[2:]
        iface = nh = None
        if not _is_addr(rest[0]):
            iface = rest.pop(0)
        if rest and _is_addr(rest[0]):
            nh = IPv4Addr(rest.pop(0))
        distance, track, name = 1, None, None
        while rest:
            word = rest.pop(0)
            if word.isdigit():
                distance = int(word)
            elif word == "track" and rest:
                track = int(rest.pop(0))
            elif word in ("name", "tag") and rest:
                name = rest.pop(0) if word == "name" else name
        routes.append(Route(prefix, "S", distance, nh, iface, track, name))
    return routes


def _is_addr(word: str) -> bool:
    try:
        IPv4Addr(word)
    except ValueError:
        return False
    return True


def build_rib(
    tree: ConfigTree,
    link_up: Callable[[str], bool],
    track_up: Callable[[int], bool],
) -> list[Route]:
    """Installed routes, best per prefix, sorted by prefix."""
    return rib_from(interfaces(tree), static_routes(tree), link_up, track_up)


def rib_from(
    itfs: list[Interface],
    statics: list[Route],
    link_up: Callable[[str], bool],
    track_up: Callable[[int], bool],
) -> list[Route]:
    """The routing table of these interfaces and static routes (any platform's reading)."""
    rib: list[Route] = []
    for itf in itfs:
        if itf.network is None or itf.address is None or itf.shutdown or not link_up(itf.name):
            continue
        rib.append(Route(itf.network, "C", 0, None, itf.name))
        if itf.network.prefixlen < 32:
            rib.append(Route(IPv4Net(f"{itf.address}/32"), "L", 0, None, itf.name))
    connected = list(rib)
    best: dict[IPv4Net, Route] = {}
    for route in statics:
        if route.track is not None and not track_up(route.track):
            continue
        if not _resolvable(route, connected):
            continue
        current = best.get(route.prefix)
        if current is None or route.distance < current.distance:
            best[route.prefix] = route
    rib.extend(best.values())
    rib.sort(key=lambda r: (int(r.prefix.network_address), r.prefix.prefixlen))
    return rib


def _resolvable(route: Route, connected: list[Route]) -> bool:
    if route.interface == "Null0":
        return True
    if route.interface is not None:
        return any(r.interface == route.interface for r in connected)
    return route.next_hop is not None and lookup(connected, route.next_hop) is not None


def lookup(rib: list[Route], address: IPv4Addr) -> Route | None:
    """Longest-prefix match."""
    matches = [r for r in rib if address in r.prefix]
    return max(matches, key=lambda r: r.prefix.prefixlen) if matches else None


def resolve(rib: list[Route], address: IPv4Addr, depth: int = 0) -> tuple[str, IPv4Addr] | None:
    """The (egress interface, next-hop or destination) a packet to ``address`` takes."""
    route = lookup(rib, address)
    if route is None or depth > 4 or route.interface == "Null0":
        return None
    if route.code in ("C", "L"):
        assert route.interface is not None
        return route.interface, address
    if route.interface is not None:
        return route.interface, route.next_hop or address
    assert route.next_hop is not None
    found = resolve(rib, route.next_hop, depth + 1)
    return (found[0], route.next_hop) if found else None


def interface_matches(full: str, typed: str) -> bool:
    """``Gi2`` and ``gigabitethernet2`` name ``GigabitEthernet2``, as IOS accepts them."""
    a, b = _NAME.match(full), _NAME.match(typed)
    if a is None or b is None:
        return False
    return a.group(1).lower().startswith(b.group(1).lower()) and a.group(2) == b.group(2)


_NAME = re.compile(r"^([A-Za-z-]+)\s*([\d/.:]*)$")  # "GigabitEthernet2", "Gi 0/1"
