"""A crypto-map tunnel whose peer and protected networks have no route at all.

Read from a whole ``show ip route`` table with no gateway of last resort::

    R1# show ip route
    Gateway of last resort is not set
    C        15.1.1.0/24 is directly connected, GigabitEthernet0/1

Traffic for the remote LAN (the crypto ACL's destination: ``show crypto map``, the ``IPSEC
FLOW`` of ``show crypto session``, the remote ident of ``show crypto ipsec sa``) is dropped
before it meets the crypto map, so IKE never starts and the tunnel looks idle: "no traffic has
tried it" is the symptom, the missing route the cause. A cut table (no legend or gateway line)
or a VRF table proves nothing and is not read.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from nornir_tasks.checks.evidence import FleetEvidence, HostEvidence
from nornir_tasks.checks.flows import remote_network
from nornir_tasks.checks.model_names import CRYPTO_MAP_TABLE, ROUTE_TABLE
from nornir_tasks.checks.peers import crypto_interface, known_peers, sessions
from nornir_tasks.checks.quote import unique
from nornir_tasks.checks.registry import check
from nornir_tasks.checks.tunnels import vti_peers
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.parsers.addressing import address, first_host, network, wildcard_network

if TYPE_CHECKING:  # annotations only (looked up by name: ``model_names``)
    from nornir_tasks.models.routing import RouteTable

ROUTES = ("show ip route",)
_NOT_SET = "Gateway of last resort is not set"
# access-list X permit ip 10.1.0.0 0.0.255.255 10.2.0.0 0.0.255.255 (show crypto map)
_ACL_DST = re.compile(
    r"permit \S+ (?:host \S+|any|\S+ \S+) (?:host (?P<host>\S+)|(?P<net>\S+) (?P<wild>\S+))"
)
# IPSEC FLOW: permit ip 10.1.0.0/255.255.0.0 10.2.0.0/255.255.0.0 (show crypto session)
_FLOW_DST = re.compile(r"permit \S+ \S+ (?P<dst>[\d.]+/[\d.]+)")


def _table(host: HostEvidence) -> RouteTable | None:
    """The whole global table, when its header says there is no default (else None): a table
    pasted without its "Gateway of last resort" line may have lost the default route too."""
    if _NOT_SET not in host.raw.get("show ip route", ""):
        return None
    for table in host.models(ROUTE_TABLE):
        if (
            table.complete
            and table.gateway_of_last_resort is None
            and table.routes
            and all(r.vrf is None for r in table.routes)
        ):
            return table
    return None


def _routed(table: RouteTable, target: str) -> bool:
    ip = address(target)
    return ip is None or any(
        (net := network(r.prefix)) is not None and ip in net for r in table.routes
    )


def _protected(host: HostEvidence, peer: str) -> list[ipaddress.IPv4Network]:
    """The remote networks the host's state says this tunnel protects."""
    found = [
        n for t in host.traffic if t.flow.current_peer == peer if (n := remote_network(t.flow))
    ]
    for table in host.models(CRYPTO_MAP_TABLE):
        for entry in table.entries:
            if peer in entry.peers:
                found += [n for line in entry.access_list_entries if (n := _acl_dst(line))]
    for session in sessions(host, peer):
        for flow in session.ipsec_flows:
            m = _FLOW_DST.search(flow.flow)
            found += [n] if m and (n := network(m["dst"])) else []
    return list(dict.fromkeys(found))


def _map_peers(host: HostEvidence) -> list[str]:
    """Crypto-map peers: a tunnel interface brings IKE up by itself (VTI_NO_ROUTE reads it)."""
    vti = set(vti_peers(host))
    return [p for p in known_peers(host) if p not in vti]


def _acl_dst(line: str) -> ipaddress.IPv4Network | None:
    m = _ACL_DST.search(line)
    if m is None:
        return None
    return network(m["host"]) if m["host"] else wildcard_network(m["net"], m["wild"])


@check("CRYPTO_NO_ROUTE", needs=ROUTES)
def no_route(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """Neither the peer nor the networks behind it are routed: nothing reaches the crypto map."""
    table = _table(host)
    if table is None:
        return
    for peer in _map_peers(host):
        nets = [n for n in _protected(host, peer) if not _routed(table, first_host(n))]
        if _routed(table, peer) or not nets:
            continue  # a route for the peer or a routed LAN: the other checks read it
        yield _finding(host, peer, nets)


def unrouted_peers(host: HostEvidence) -> frozenset[str]:
    """Peers this check reports (so "no traffic has tried the tunnel" is not said as well)."""
    table = _table(host)
    if table is None:
        return frozenset()
    return frozenset(
        p
        for p in _map_peers(host)
        if not _routed(table, p)
        and any(not _routed(table, first_host(n)) for n in _protected(host, p))
    )


def _finding(host: HostEvidence, peer: str, nets: list[ipaddress.IPv4Network]) -> Finding:
    shown = ", ".join(str(n) for n in nets)
    itf = crypto_interface(host, peer)
    return Finding(
        code="CRYPTO_NO_ROUTE",
        severity=Severity.CRITICAL,
        host=host.host,
        peer=peer,
        summary=f"{host.host} has no route to {peer} nor to {shown}: nothing reaches the tunnel",
        cause=(
            f"{host.host}'s routing table has no gateway of last resort and no route covering "
            f"the peer {peer} or the protected network {shown}. Traffic for the remote LAN is "
            f"dropped before it can leave {itf} and meet the crypto map, so IKE is never "
            "started: the tunnel stays down without a single IKE packet."
        ),
        evidence=unique([_NOT_SET, *_quote(host, peer, nets)]),
        next_steps=(
            f"show ip route {peer}",
            f"show ip route {first_host(nets[0])}",
            f"ip route 0.0.0.0 0.0.0.0 <next hop on {itf}>  (or routes for {peer} and {shown})",
        ),
        step=Step.INTERESTING_TRAFFIC,
        source=Source.STATE,
    )


def _quote(host: HostEvidence, peer: str, nets: list[ipaddress.IPv4Network]) -> list[str]:
    """The device lines that name the unrouted networks (crypto map ACL, session flow)."""
    words = {str(n.network_address) for n in nets} | {peer}
    lines = []
    for key in ("show crypto map", "show crypto session", "show crypto session detail"):
        text = host.raw.get(key, "")
        lines += [s.strip() for s in text.splitlines() if any(w in s for w in words)]
    return lines[:4]
