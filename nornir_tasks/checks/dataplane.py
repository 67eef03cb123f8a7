"""Data transfer: one-way ESP and not encrypting back (invalid SPI and anti-replay drops:
invalid_spi.py, replay.py).

Encaps/decaps on both ends tell the causes apart (field guide §4.2, lab faults 8-11):

* A encaps moving, A decaps still, B decaps still  -> ESP lost on the path A -> B
* A encaps moving, A decaps still, B decaps moving, B encaps still -> B does not route back
  into the tunnel (IPSEC_NOT_ENCRYPTING on B, with B's route to A's LAN)
* A encaps moving, B has no SA for A's SPI -> SAs out of sync (IPSEC_INVALID_SPI on B)

Counters are compared between two polls when there are two ("moving"), else lifetime totals
of one poll are read, and the finding says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from nornir_tasks.checks import asa
from nornir_tasks.checks.compat import MapPeer, map_peers
from nornir_tasks.checks.compat_phase2 import acl_pairs
from nornir_tasks.checks.decaps import dropped_after_decaps
from nornir_tasks.checks.evidence import CONFIG, IPSEC, FleetEvidence, HostEvidence
from nornir_tasks.checks.flows import Traffic, carries, has_sa, inbound_spis, remote_network
from nornir_tasks.checks.peers import label, mirror_traffic, other_end
from nornir_tasks.checks.quote import (
    config_lines,
    counter_lines,
    tag,
    unique,
)
from nornir_tasks.checks.registry import check
from nornir_tasks.checks.routes import Egress, egress, looked_up_in
from nornir_tasks.checks.tunnels import nhrp_unmapped
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.models.logs import EventKind
from nornir_tasks.parsers.addressing import first_host, network

if TYPE_CHECKING:  # annotations only (the configuration models are slow to import)
    from nornir_tasks.models.config import RunningConfig

K = EventKind


class Verdict(StrEnum):
    LOST_OUT = "lost_out"  # our ESP never reaches the peer
    LOST_BACK = "lost_back"  # the peer sends back, it never reaches us
    PEER_NOT_ENCRYPTING = "peer_not_encrypting"
    DESYNC = "desync"  # the peer has no SA for the SPI we send on
    UNKNOWN = "unknown"  # the other end is not in the evidence


@dataclass(frozen=True)
class OneWay:
    verdict: Verdict
    other: HostEvidence | None
    mirror: Traffic | None


def _desync(mine: Traffic, theirs: Traffic | None) -> bool:
    if theirs is None or not has_sa(theirs.flow):
        return True
    spi = mine.flow.current_outbound_spi_value
    spis = inbound_spis(theirs.flow)
    return bool(spi and spis and spi not in spis)


def one_way(host: HostEvidence, t: Traffic, fleet: FleetEvidence) -> OneWay:
    """Why ``t`` encrypts but decrypts nothing, read from the other end's counters."""
    other = other_end(fleet, host, t.flow.current_peer)
    if other is None or not other.flows:
        return OneWay(Verdict.UNKNOWN, other, None)
    theirs = mirror_traffic(other, t, host.addresses)
    if _desync(t, theirs) or theirs is None:
        return OneWay(Verdict.DESYNC, other, theirs)
    if theirs.decaps.moving:
        verdict = Verdict.LOST_BACK if theirs.encaps.moving else Verdict.PEER_NOT_ENCRYPTING
        return OneWay(verdict, other, theirs)
    return OneWay(Verdict.LOST_OUT, other, theirs)


def _basis(t: Traffic, host: HostEvidence) -> str:
    if t.by_delta:
        return (
            f"over {host.interval_s:g} s between two polls"
            if host.interval_s
            else "between two polls"
        )
    return "from the lifetime totals of a single poll (poll again to confirm it is not idle)"


def sends_only(t: Traffic) -> bool:
    # A counter line the capture does not hold (cut, trimmed) is unknown, not zero.
    known = t.flow.pkts_decaps is not None
    return known and carries(t.flow) and t.encaps.moving and not t.decaps.moving


def receives_only(t: Traffic) -> bool:
    """Decaps moving, encaps not (and printed); not when every packet received is dropped after
    decapsulation (then nothing reaches the host: IPSEC_INNER_PACKET_MISMATCH)."""
    known = t.flow.pkts_encaps is not None
    return (
        known
        and carries(t.flow)
        and t.decaps.moving
        and not t.encaps.moving
        and not (dropped_after_decaps(t))
    )


def _stalled(count_total: int, by_delta: bool) -> str:
    return f"stopped moving at {count_total}" if by_delta and count_total else "never moved"


# -- IPSEC_NO_RETURN_TRAFFIC ---------------------------------------------------------------------


def _no_return_cause(host: HostEvidence, t: Traffic, way: OneWay) -> str:
    peer = t.flow.current_peer or "the peer"
    name = way.other.host if way.other else peer
    head = (
        f"{host.host} encrypts towards {peer} but decrypts nothing ({_basis(t, host)}; decaps "
        f"{_stalled(t.decaps.total, t.by_delta)})."
    )
    if way.verdict is Verdict.LOST_OUT:
        return (
            f"{head} {name} decrypts nothing from {host.host} either: ESP lost {host.host}->{name} "
            f"on the path (ESP / UDP 4500 filtered, or NAT on the way). The SAs are up on both ends."
        )
    if way.verdict is Verdict.LOST_BACK:
        return (
            f"{head} {name} receives and encrypts back, so ESP lost {name}->{host.host} on the "
            "return path (ESP / UDP 4500 filtered, asymmetric routing, NAT)."
        )
    return (
        f"{head} Either {peer} does not route the return traffic into the tunnel (missing route or "
        "NAT exemption on the peer: the most common case), or ESP is lost on the path. On the "
        f"peer: decaps rising there means it does not send back; decaps at 0 means ESP from "
        f"{host.host} is lost on the way."
    )


@check("IPSEC_NO_RETURN_TRAFFIC", needs=IPSEC)
def no_return_traffic(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """Encaps moving, decaps not: lost ESP (either way) or a peer that does not answer."""
    for t in host.traffic:
        if not sends_only(t):
            continue
        way = one_way(host, t, fleet)
        if way.verdict in (Verdict.PEER_NOT_ENCRYPTING, Verdict.DESYNC):
            continue  # reported on the other end (IPSEC_NOT_ENCRYPTING / IPSEC_INVALID_SPI)
        peer = t.flow.current_peer or "?"
        lines = counter_lines(host, t.flow, t.by_delta)
        if way.other is not None and way.mirror is not None:
            lines += tag(
                counter_lines(way.other, way.mirror.flow, way.mirror.by_delta), way.other, host.host
            )
        name = way.other.host if way.other else peer
        summary = {
            Verdict.LOST_OUT: f"ESP lost {host.host}->{name}: {name} decrypts nothing",
            Verdict.LOST_BACK: f"ESP lost {name}->{host.host}: nothing comes back",
        }.get(way.verdict, f"{host.host} sends into the tunnel to {peer}, nothing comes back")
        yield Finding(
            code="IPSEC_NO_RETURN_TRAFFIC",
            severity=Severity.CRITICAL,
            host=host.host,
            peer=peer,
            summary=summary,
            cause=_no_return_cause(host, t, way),
            evidence=unique(lines, 14),
            next_steps=(
                f"show crypto ipsec sa peer {peer}  (on both ends, twice, a few seconds apart)",
                f"on {name}: show ip route <{host.host} LAN host> ; NAT exemption for the tunnel",
                "check ACLs / firewalls on the path for ESP (IP 50) and UDP 4500",
                "monitor capture on both WAN interfaces for ESP",
            ),
            step=Step.DATA_TRANSFER,
            source=Source.STATE,
        )


# -- IPSEC_NOT_ENCRYPTING ------------------------------------------------------------------------


def _route_check(host: HostEvidence, t: Traffic) -> tuple[str, list[str]]:
    """What the host's route to the peer's LAN says (sentence, evidence lines)."""
    net = remote_network(t.flow)
    address = _probe(host, t)
    route = egress(host, address) if net else None
    if route is None:
        return f" Check its route to {net}: it must leave through {t.flow.interface}.", []
    if route.interface and route.interface != t.flow.interface:
        via = f"via {route.next_hop} " if route.next_hop else ""
        return (
            f" Its route to {address} goes {via}out of {route.interface}, not the crypto-map "
            f"interface {t.flow.interface}: replies never hit the crypto map.",
            list(route.lines),
        )
    return f" Its route to {address} ({route.source}) is shown below.", list(route.lines)


@check("IPSEC_NOT_ENCRYPTING", needs=IPSEC + CONFIG)
def not_encrypting(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """Decaps moving, encaps not: the host receives through the tunnel but never sends back."""
    for t in host.traffic:
        if not receives_only(t) or nhrp_unmapped(host, t.flow.current_peer):
            continue  # a DMVPN socket without an NHRP mapping: the NHRP_* checks say why
        peer = t.flow.current_peer or "?"
        sentence, route_lines = _route_check(host, t)
        if asa.explains_not_encrypting(host, peer):
            continue  # ASA_NAT_NOT_EXEMPT: the replies are translated before the crypto map
        other = other_end(fleet, host, peer)
        lines = counter_lines(host, t.flow, t.by_delta) + route_lines
        if other is not None:
            lines += _senders_towards(other, host)
        yield Finding(
            code="IPSEC_NOT_ENCRYPTING",
            severity=Severity.CRITICAL,
            host=host.host,
            peer=peer,
            summary=f"{host.host} decrypts from {label(fleet, host, peer)} but encrypts nothing back",
            cause=(
                f"{host.host} receives and decrypts ESP from {peer} but sends nothing into the tunnel "
                f"({_basis(t, host)}; encaps {_stalled(t.encaps.total, t.by_delta)}): the return "
                f"traffic to {remote_network(t.flow)} is routed elsewhere or NATed before the "
                f"crypto map sees it.{sentence}"
            ),
            evidence=unique(lines, 14),
            next_steps=(
                f"show ip route {_probe(host, t)}",
                "show ip cef exact-route <local LAN host> <remote LAN host>",
                "show ip nat translations ; NAT must exempt the tunnel's traffic",
                f"show crypto map  (the ACL must match the replies; the map must be on {t.flow.interface})",
            ),
            step=Step.DATA_TRANSFER,
            source=Source.STATE,
        )
    yield from _config_not_encrypting(host)


def _senders_towards(other: HostEvidence, host: HostEvidence) -> tuple[str, ...]:
    """The other end's counter lines for its flows that encrypt towards ``host``, tagged."""
    theirs = [o for o in other.traffic if o.flow.current_peer in host.addresses and sends_only(o)]
    lines = [s for o in theirs for s in counter_lines(other, o.flow, o.by_delta)]
    return tag(lines, other, host.host)


def _config_not_encrypting(host: HostEvidence) -> Iterator[Finding]:
    """A crypto ACL destination routed out of another interface than the map's (config)."""
    config = host.config
    if config is None:
        return
    for tunnel in map_peers(config):
        if not tunnel.cmap.interfaces:
            continue
        for _, _, dst in sorted(acl_pairs(config, tunnel.entry.match_address) or ()):
            net = network(dst)
            if net is None:
                continue  # not a network (e.g. a non-contiguous wildcard): nothing to route
            probe = first_host(net)
            route = egress(host, probe)
            if route is None or route.interface is None or _covered(config, route.interface, dst):
                continue
            if route.source.startswith("show ip route"):
                continue  # state is read by the rule above
            yield _route_bypass(host, tunnel, dst, route, probe)


def _route_bypass(
    host: HostEvidence, tunnel: MapPeer, dst: str, route: Egress, probe: str
) -> Finding:
    """A crypto ACL destination whose route leaves by another interface than the map's."""
    address = dst.split("/")[0]
    return Finding(
        code="IPSEC_NOT_ENCRYPTING",
        severity=Severity.CRITICAL,
        host=host.host,
        peer=tunnel.peer,
        summary=f"{host.host} routes {dst} out of {route.interface}, not into the tunnel",
        cause=(
            f"The crypto ACL {tunnel.entry.match_address} protects traffic to {dst}, but "
            f"{host.host}'s route for it leaves through {route.interface}, while crypto "
            f"map {tunnel.cmap.name} is on {', '.join(tunnel.cmap.interfaces)}: traffic to "
            f"{address} never meets the crypto map and is not encrypted."
        ),
        evidence=unique(
            list(route.lines)
            + config_lines(
                host, rf"^ *match address {re.escape(tunnel.entry.match_address or '')}$"
            )
        ),
        next_steps=(
            f"show ip route {probe}",
            f"remove or fix the route so {dst} leaves via {tunnel.cmap.interfaces[0]}",
        ),
        step=Step.DATA_TRANSFER,
        source=Source.CONFIG,
    )


def _covered(config: RunningConfig, interface: str, dst: str) -> bool:
    """A crypto map on ``interface`` protects traffic to ``dst`` (or the route is a tunnel)."""
    if interface.lower().startswith(("tunnel", "virtual", "null")):
        return True
    for cmap in config.crypto_maps:
        if interface not in cmap.interfaces:
            continue
        for entry in cmap.entries:
            if entry.dynamic_map or any(
                d == dst for _, _, d in acl_pairs(config, entry.match_address) or ()
            ):
                return True
    return False


def _probe(host: HostEvidence, t: Traffic) -> str:
    """An address of the peer's LAN to look the route up for."""
    net = remote_network(t.flow)
    if net is None:
        return "<remote LAN host>"
    return looked_up_in(host, net) or first_host(net)
