"""Routing models: ``show ip route <address>`` (one entry) and ``show ip route`` (the table)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RouteHop:
    """A next hop: an address, an interface, or both (``directly connected, via Gi0/0``)."""

    address: str | None
    interface: str | None
    best: bool  # marked "*" in the routing descriptor blocks
    source: str | None  # "from 10.1.1.1" (the advertising router)
    age: str | None
    metric: int | None  # "Route metric is 0"
    traffic_share: int | None


@dataclass(frozen=True)
class RouteLookup:
    """``show ip route <address>``: the entry the router would use, or why there is none."""

    found: bool
    not_found_reason: str | None  # "% Network not in table", "% Subnet not in table"
    prefix: str | None  # "10.0.0.0/8"
    protocol: str | None  # "static", "connected", "eigrp 1", "bgp 65161"
    distance: int | None
    metric: int | None
    route_type: str | None  # "internal", "external", "intra area"
    candidate_default: bool
    tag: int | None
    last_update: str | None
    next_hops: tuple[RouteHop, ...]
    complete: bool


@dataclass(frozen=True)
class Route:
    """One route of ``show ip route``."""

    code: str  # as printed: "S*", "O E2", "C", "L", "D EX"
    protocol: str  # the first letter of the code: "S", "O", "C", "L"
    candidate_default: bool
    prefix: str  # always with a length: "1.1.1.1/32"
    distance: int | None
    metric: int | None
    next_hops: tuple[RouteHop, ...]
    # the "Routing Table: VRF1" header above the route (show ip route vrf X / vrf *);
    # None in the global table
    vrf: str | None = None


@dataclass(frozen=True)
class RouteTable:
    """``show ip route``."""

    gateway_of_last_resort: str | None  # "194.0.0.2"; None when "not set" or not shown
    default_network: str | None  # "0.0.0.0" in "... to network 0.0.0.0"
    routes: tuple[Route, ...]
    complete: bool
