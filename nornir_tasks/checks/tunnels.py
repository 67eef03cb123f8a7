"""The tunnels of one host and their state, and the follow-up commands a sick tunnel needs.

A tunnel is a peer: one named by a crypto map entry or a protected tunnel interface (its
``TunnelN-head-0`` map in ``show crypto ipsec sa``: configured), or one that has a phase-1 or
IPsec SA (dynamic peers of a hub). Phase 1 is IKEv1's ``show crypto isakmp sa`` row or IKEv2's
``show crypto ikev2 sa`` row (``READY`` is up). It is *up* when phase 1 is up and an IPsec SA exists
for the peer, *negotiating* when an exchange is under way (an ``MM_*`` state, or phase 1 up
without an IPsec SA yet, or a DMVPN socket NHRP has not registered or resolved), and *down*
when nothing exists for it. Data-plane trouble on an up
tunnel (counters that stop) is for the findings to explain, not for the state.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from nornir_tasks.checks.admin_down import shut_peers
from nornir_tasks.checks.evidence import HostEvidence
from nornir_tasks.checks.flows import has_sa, remote_network
from nornir_tasks.checks.model_names import CRYPTO_MAP_TABLE, DMVPN_TABLE, IKEV2_SA_TABLE
from nornir_tasks.models.tunnel_status import TunnelStatus

# Route lookups are one command each; a hub with many sick spokes stays bounded.
MAX_ROUTE_LOOKUPS = 32


@dataclass(frozen=True)
class Tunnel:
    peer: str
    state: TunnelStatus
    phase1: str | None  # the phase-1 state read (QM_IDLE, MM_NO_STATE, ...), None: no SA
    ipsec_sas: int  # flows with IPsec SAs towards the peer
    phase1_up: bool  # an IKEv1 row up or the IKEv2 SA READY


def _valid(address: str | None) -> str | None:
    if not address:
        return None
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


def configured_peers(host: HostEvidence) -> list[str]:
    """Peers of the crypto map entries (``show crypto map``, else the running config)."""
    found: list[str] = []
    for table in host.models(CRYPTO_MAP_TABLE):
        found += [p for e in table.entries for p in e.peers]
    config = host.config
    if not found and config is not None:
        found += [p for m in config.crypto_maps for e in m.entries for p in e.peers]
    found += vti_peers(host)
    found += sorted(shut_peers(host))  # down by intent, yet configured: counted as down
    return list(dict.fromkeys(p for p in found if _valid(p)))


def vti_peers(host: HostEvidence) -> list[str]:
    """Destinations of protected tunnel interfaces: IOS names their crypto map
    ``TunnelN-head-0`` and lists it with its peer even while no SA exists. The peers of a
    tunnel shut down on purpose are left out (``admin_down``): no VTI check reads them."""
    shut = shut_peers(host)
    return [
        f.current_peer
        for f in host.flows
        if f.current_peer
        and (f.crypto_map_tag or "").endswith("-head-0")
        and f.current_peer not in shut
    ]


def ikev2_state(host: HostEvidence, peer: str) -> str | None:
    """The IKEv2 SA's status with ``peer`` (READY first), None: no row."""
    rows = [sa for t in host.models(IKEV2_SA_TABLE) for sa in t.sas if sa.remote == peer]
    if not rows:
        return None
    from nornir_tasks.models.ikev2 import Ikev2Status  # imported: rows are its models

    ready = [sa for sa in rows if sa.status is Ikev2Status.READY]
    found = ready or rows
    return (found[0].status_text or str(found[0].status)) if found else None


def _phase1(host: HostEvidence, peer: str) -> str | None:
    rows = [r for r in host.ike if r.peer == peer and not r.deleted]
    if not rows:
        return None
    up = [r for r in rows if r.up]
    return (up[0] if up else rows[-1]).state


def nhrp_unmapped(host: HostEvidence, peer: str | None) -> bool:
    """A DMVPN crypto socket toward ``peer`` (a flow on a multipoint interface) that NHRP maps
    nothing to (no UP row with that NBMA): nothing is routed into it, so the tunnel is not
    usable and only receives; the NHRP checks (``checks.dmvpn``) say why."""
    if peer is None or not host.has("show dmvpn*"):
        return False
    tables = host.models(DMVPN_TABLE)
    mgre = {i.interface for t in tables for i in t.interfaces}
    if not any(f.current_peer == peer and f.interface in mgre for f in host.flows):
        return False  # not a DMVPN peer (a crypto map or VTI peer of a mixed hub)
    rows = [p for t in tables for p in t.peers() if p.nbma == peer]
    from nornir_tasks.models.dmvpn import DmvpnState  # imported: tables are its models

    return not any(p.state is DmvpnState.UP for p in rows)


def _tunnel(host: HostEvidence, peer: str) -> Tunnel:
    """The one "tunnel up" rule (report, history and drift): up with phase 1 up *and* an
    IPsec SA for the peer; negotiating with either alone (an ``MM_*`` exchange, or phase 1
    up and no IPsec SA yet); down with nothing live for it."""
    phase1 = _phase1(host, peer) or ikev2_state(host, peer)  # None: no live phase-1 row
    sas = sum(1 for f in host.flows if f.current_peer == peer and has_sa(f))
    # "READY": ``Ikev2Status.READY`` (a StrEnum), whose module only an IKEv2 paste imports.
    up = any(r.up for r in host.ike if r.peer == peer) or phase1 == "READY"
    if phase1 is not None and up and sas and not nhrp_unmapped(host, peer):
        state = TunnelStatus.UP
    elif phase1 is not None or sas:
        state = TunnelStatus.NEGOTIATING
    else:
        state = TunnelStatus.DOWN
    return Tunnel(peer, state, phase1, sas, up)


def tunnel_state(host: HostEvidence, peer: str) -> TunnelStatus:
    """The state of the tunnel to ``peer`` by the one "tunnel up" rule (``_tunnel``)."""
    return _tunnel(host, peer).state


def tunnels(host: HostEvidence) -> tuple[Tunnel, ...]:
    """Every tunnel of ``host``, configured peers first, then dynamic ones."""
    peers = configured_peers(host)
    peers += [p for r in host.ike if (p := _valid(r.peer)) and not r.deleted]
    peers += [p for f in host.flows if (p := _valid(f.current_peer)) and has_sa(f)]
    return tuple(_tunnel(host, peer) for peer in dict.fromkeys(peers))


def _first_host(network: ipaddress.IPv4Network) -> str:
    if network.num_addresses <= 2:
        return str(network.network_address)
    return str(network.network_address + 1)


def _idle_flows(host: HostEvidence) -> Iterable[str]:
    """Remote LAN hosts of flows whose counters do not move in both directions."""
    for traffic in host.traffic:
        if traffic.encaps.moving and traffic.decaps.moving:
            continue
        network = remote_network(traffic.flow)
        if network is not None and network.prefixlen > 0:
            yield _first_host(network)


def follow_up_routes(host: HostEvidence) -> tuple[str, ...]:
    """``show ip route`` lookups for the tunnels that are not healthy (bounded).

    The route to a peer that is not up (which interface IKE leaves from, the return path) and
    the route to the remote LAN of a flow whose counters do not move both ways (traffic that
    should enter the tunnel but leaves elsewhere).
    """
    targets = [t.peer for t in tunnels(host) if t.state is not TunnelStatus.UP]
    targets += list(_idle_flows(host))
    unique = list(dict.fromkeys(targets))[:MAX_ROUTE_LOOKUPS]
    return tuple(f"show ip route {target}" for target in unique)


def tunnel_counts(
    evidence: HostEvidence | None, focus: frozenset[str] | None = None
) -> tuple[int, int, int]:
    """(up, negotiating, total) tunnels of a host (only the ``focus`` peers', when given)."""
    # A playbook that did not read the IPsec table (the failover check, the config audit)
    # knows the configured peers, not whether they are up: no counts at all.
    if evidence is None or not evidence.has("show crypto ipsec sa*"):
        return 0, 0, 0
    found = [t for t in tunnels(evidence) if focus is None or t.peer in focus]
    up = sum(1 for t in found if t.state is TunnelStatus.UP)
    negotiating = sum(1 for t in found if t.state is TunnelStatus.NEGOTIATING)
    return up, negotiating, len(found)
