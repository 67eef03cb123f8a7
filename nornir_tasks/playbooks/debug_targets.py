"""Which tunnels a run debugs: both ends of each tunnel not up that no finding explains. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from nornir_tasks.checks.evidence import FleetEvidence, HostEvidence
from nornir_tasks.checks.model_names import DMVPN_TABLE
from nornir_tasks.checks.tunnels import ikev2_state, tunnels, vti_peers
from nornir_tasks.models.findings import Finding, Severity
from nornir_tasks.models.report import TunnelStatus

MAX_TARGETS = 8


def _unexplained(fleet: FleetEvidence, findings: Sequence[Finding]) -> list[tuple[str, str]]:
    """(host, peer) of tunnels not up that no warning or critical finding explains; those
    negotiating first (a debug shows why), then those down."""
    explained = {(f.host, f.peer) for f in findings if f.severity >= Severity.WARNING}
    out: list[tuple[int, str, str]] = []
    for host in fleet.hosts:
        for tunnel in tunnels(host):
            if tunnel.state is TunnelStatus.UP or (host.host, tunnel.peer) in explained:
                continue
            owner = fleet.owner_of(tunnel.peer)
            if owner is not None and (owner.host, address_of(owner, host)) in explained:
                continue
            rank = 0 if tunnel.state is TunnelStatus.NEGOTIATING else 1
            out.append((rank, host.host, tunnel.peer))
    return [(h, p) for _, h, p in sorted(out, key=lambda t: t[0])]


def address_of(owner: HostEvidence, other: HostEvidence) -> str | None:
    """The address ``owner`` knows ``other`` by: the one ``other`` sources IKE from toward
    ``owner`` (a dual-ISP branch after failover talks from its backup address), else the
    one in ``owner``'s phase-1 rows, else a configured peer."""
    used = next((r.local for r in other.ike if r.peer in owner.addresses and r.local), None)
    seen = next((r.peer for r in owner.ike if r.peer in other.addresses), None)
    configured = next((t.peer for t in tunnels(owner) if t.peer in other.addresses), None)
    return used or seen or configured


def debug_targets(
    fleet: FleetEvidence,
    findings: Sequence[Finding],
    limit: int = MAX_TARGETS,
    focus: frozenset[str] | None = None,
) -> list[tuple[str, str]]:
    """(host, peer) pairs to debug: both ends of each unexplained tunnel (only the focused
    peers' in a triage), bounded."""
    pairs: list[tuple[str, str]] = []
    for host_name, peer in _unexplained(fleet, findings):
        pairs.append((host_name, peer))
        owner = fleet.owner_of(peer)
        me = fleet.host(host_name)
        if owner is not None and me is not None:
            back = address_of(owner, me)
            if back is not None:
                pairs.append((owner.host, back))
    if focus is not None:
        pairs = [p for p in pairs if p[1] in focus]
    return list(dict.fromkeys(pairs))[:limit]


def peers_by_host(pairs: Iterable[tuple[str, str]], hosts: Iterable[str]) -> dict[str, list[str]]:
    """The pairs grouped by host, for the hosts of the run only."""
    known = set(hosts)
    grouped: dict[str, list[str]] = {}
    for host, peer in pairs:
        if host in known:
            grouped.setdefault(host, []).append(peer)
    return grouped


IKEV1_KINDS = ("isakmp", "ipsec")


def debug_kinds(fleet: FleetEvidence, peers: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """Per host, what to debug: ``isakmp`` and ``ipsec``, ``ikev2`` when one of its peers
    speaks IKEv2 (an IKEv2 SA row, a protected tunnel interface or an IKEv2 crypto map entry
    toward it: a failing IKEv2 tunnel leaves no SA row), and ``nhrp`` when one is a DMVPN
    peer (registration and resolution are NHRP's, not IKE's)."""
    kinds: dict[str, tuple[str, ...]] = {}
    for name, addresses in peers.items():
        host = fleet.host(name)
        v2 = host is not None and any(
            ikev2_state(host, a) is not None or a in vti_peers(host) or a in _v2_map_peers(host)
            for a in addresses
        )
        nhrp = host is not None and bool(set(addresses) & _nbma_peers(host))
        kinds[name] = (*IKEV1_KINDS, *(("ikev2",) * v2), *(("nhrp",) * nhrp))
    return kinds


def _nbma_peers(host: HostEvidence) -> set[str]:
    """The NBMA addresses of the host's ``show dmvpn`` rows (its servers, spokes, shortcuts)
    and the peers of its crypto sockets on mGRE interfaces (a spoke whose registration the hub
    refuses has a socket there, no row)."""
    tables = host.models(DMVPN_TABLE)
    mgre = {i.interface for t in tables for i in t.interfaces}
    rows = {p.nbma for t in tables for p in t.peers() if p.nbma}
    return rows | {f.current_peer for f in host.flows if f.interface in mgre and f.current_peer}


def _v2_map_peers(host: HostEvidence) -> set[str]:
    """Peers of the host's IKEv2 crypto map entries (IOS ``set ikev2-profile``, an ASA's ``set
    ikev2 ipsec-proposal``)."""
    config = host.config
    if config is None:
        return set()
    return {p for m in config.crypto_maps for e in m.entries if e.ikev2_profile for p in e.peers}
