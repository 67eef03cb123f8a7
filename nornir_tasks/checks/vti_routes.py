"""A protected tunnel interface that is up, with no route into it for the far end's networks.

A VTI carries what the routing table sends into it, not what an ACL selects: with the tunnel
and both SAs up, traffic for the far end's LAN that a default route sends out of the WAN goes
in clear (or is dropped by the ISP), and the counters stay at zero this way. The far end is
the fleet host that owns the tunnel destination; its LANs are its connected networks other
than tunnels and than the networks its own routes leave by (the WAN). This end's route for the
first host of each is read from a ``show ip route`` lookup when one was printed, else from the
configuration (connected, then the best static route). A router running a routing protocol
learns routes the configuration does not show: without a lookup it is not judged.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import TYPE_CHECKING

from nornir_tasks.checks.evidence import CONFIG, IPSEC, FleetEvidence, HostEvidence
from nornir_tasks.checks.peers import other_end, sessions
from nornir_tasks.checks.quote import config_lines, tag, unique
from nornir_tasks.checks.registry import check
from nornir_tasks.checks.routes import egress, looked_up_in
from nornir_tasks.checks.tunnels import tunnel_state, vti_peers
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.models.tunnel_status import TunnelStatus

if TYPE_CHECKING:  # annotations only (the configuration models are slow to import)
    from nornir_tasks.models.config import InterfaceConfig, RunningConfig

_ROUTING = r"^router (ospf|eigrp|bgp|rip|isis|odr)\b"


def _network(itf: InterfaceConfig) -> ipaddress.IPv4Network | None:
    try:
        return ipaddress.IPv4Network(f"{itf.ip_address}/{itf.mask}", strict=False)
    except ValueError:
        return None


def _next_hop_networks(config: RunningConfig) -> list[ipaddress.IPv4Network]:
    """The connected networks the host's static routes leave by (its WAN side)."""
    found = []
    for itf in config.interfaces.values():
        net = _network(itf) if itf.ip_address and itf.mask else None
        hops = (r.next_hop for r in config.static_routes if r.next_hop)
        if net is not None and any(ipaddress.ip_address(h) in net for h in hops):
            found.append(net)
    return found


def lans(config: RunningConfig) -> list[tuple[ipaddress.IPv4Network, InterfaceConfig]]:
    """The host's LANs: connected, up, not a tunnel, not where its routes leave."""
    wan = _next_hop_networks(config)
    sources = {i.tunnel_source for i in config.interfaces.values() if i.tunnel_source}
    out = []
    for itf in config.interfaces.values():
        net = _network(itf) if itf.ip_address and itf.mask else None
        skip = itf.shutdown or itf.name.lower().startswith(("tunnel", "loopback"))
        if net is not None and not skip and net not in wan and itf.name not in sources:
            out.append((net, itf))
    return out


def _tunnel_to(config: RunningConfig, peer: str) -> InterfaceConfig | None:
    return next((i for i in config.interfaces.values() if i.tunnel_destination == peer), None)


def _judged(host: HostEvidence, net: ipaddress.IPv4Network) -> bool:
    """A lookup was printed for the network, or no routing protocol can hide a route."""
    return looked_up_in(host, net) is not None or not config_lines(host, _ROUTING)


def _misrouted(host: HostEvidence, tunnel: InterfaceConfig, net: ipaddress.IPv4Network) -> bool:
    target = str(net.network_address + 1) if net.num_addresses > 2 else str(net.network_address)
    way = egress(host, target)
    return way is None or way.interface != tunnel.name


@check("VTI_NO_ROUTE", needs=IPSEC + CONFIG)
def no_route_into_tunnel(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """The tunnel interface is up and the far end's LAN is not routed into it."""
    config = host.config
    for peer in dict.fromkeys(vti_peers(host)):
        other = other_end(fleet, host, peer)
        tunnel = _tunnel_to(config, peer) if config else None
        if other is None or other.config is None or tunnel is None:
            continue
        if tunnel_state(host, peer) is not TunnelStatus.UP:
            continue
        missing = [
            (net, itf)
            for net, itf in lans(other.config)
            if _judged(host, net) and _misrouted(host, tunnel, net)
        ]
        if missing:
            yield _finding(host, other, peer, tunnel, missing)


def _cause(
    host: HostEvidence,
    other: HostEvidence,
    peer: str,
    tunnel: InterfaceConfig,
    missing: list[tuple[ipaddress.IPv4Network, InterfaceConfig]],
) -> str:
    nets = ", ".join(str(n) for n, _ in missing)
    way = egress(host, str(missing[0][0].network_address + 1))
    taken = (
        f"{way.source} takes it out of {way.interface or 'the WAN'}, in clear"
        if way is not None
        else "there is no route for it at all"
    )
    return (
        f"{host.host}'s tunnel interface {tunnel.name} and its IPsec SAs with {peer} are up, but "
        f"no route sends {other.host}'s LAN ({nets}) into the tunnel: {taken}. A tunnel "
        "interface (VTI, GRE over IPsec) carries what the routing table gives it (no crypto ACL "
        "selects traffic): add 'ip route "
        f"{missing[0][0].network_address} {missing[0][0].netmask} {tunnel.name}' or run the "
        "routing protocol over the tunnel."
    )


def _session_lines(host: HostEvidence, peer: str) -> list[str]:
    """The tunnel's ``show crypto session`` lines (interface and status), as printed."""
    return [
        line
        for s in sessions(host, peer)
        for line in (f"Interface: {s.interface}", f"Session status: {s.status_text or s.status}")
    ]


def _finding(
    host: HostEvidence,
    other: HostEvidence,
    peer: str,
    tunnel: InterfaceConfig,
    missing: list[tuple[ipaddress.IPv4Network, InterfaceConfig]],
) -> Finding:
    nets = ", ".join(str(n) for n, _ in missing)
    first = str(missing[0][0].network_address + 1)
    way = egress(host, first)
    theirs = [f"interface {i.name} (ip address {i.ip_address} {i.mask})" for _, i in missing]
    return Finding(
        code="VTI_NO_ROUTE",
        severity=Severity.CRITICAL,
        host=host.host,
        peer=peer,
        summary=f"{tunnel.name} to {other.host} is up but {nets} is not routed into it",
        cause=_cause(host, other, peer, tunnel, missing),
        evidence=unique(
            [
                *_session_lines(host, peer),
                *(way.lines if way else (f"no route for {first}",)),
                *tag(theirs, other, host.host),
            ]
        ),
        next_steps=(
            f"show ip route {first}  (on {host.host}: which interface?)",
            f"show ip route | include {tunnel.name}",
            f"ping {first} source <LAN interface>  (then show crypto ipsec sa: encaps grow?)",
        ),
        step=Step.INTERESTING_TRAFFIC,
        source=Source.CONFIG if looked_up_in(host, missing[0][0]) is None else Source.STATE,
    )
