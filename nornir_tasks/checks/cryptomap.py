"""Interesting traffic: the crypto map must exist, be complete, sit on the WAN interface that
routes to the peer, and see traffic; else IKE never starts (field guide §4.2 row 7, lab fault 12).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from nornir_tasks.checks import ikev2_counters as counters
from nornir_tasks.checks.admin_down import shut_peers
from nornir_tasks.checks.compat import MapPeer, map_peers
from nornir_tasks.checks.evidence import (
    CONFIG,
    CRYPTO_MAP,
    IPSEC,
    ISAKMP,
    LOGS,
    SESSION,
    FleetEvidence,
    HostEvidence,
)
from nornir_tasks.checks.flows import carries, has_sa, hit_without_sa
from nornir_tasks.checks.model_names import CRYPTO_MAP_TABLE
from nornir_tasks.checks.peers import (
    crypto_interface,
    ike_state_read,
    known_peers,
    other_end,
    rows,
    sessions_in,
    traffic_to,
)
from nornir_tasks.checks.quote import config_lines, flow_lines, map_lines, unique
from nornir_tasks.checks.registry import check
from nornir_tasks.checks.routes import Egress, egress
from nornir_tasks.checks.stale_ike import stale_sa_findings
from nornir_tasks.checks.tunnels import vti_peers
from nornir_tasks.checks.unapplied_logs import unapplied_logs
from nornir_tasks.checks.unrouted import unrouted_peers
from nornir_tasks.models.findings import Finding, Severity, Source, Step

if TYPE_CHECKING:  # annotations only (the configuration models are slow to import)
    from nornir_tasks.models.config import CryptoMapEntry as ConfigMapEntry
    from nornir_tasks.models.config import RunningConfig
    from nornir_tasks.models.crypto_map import CryptoMapEntry


def _unapplied_state(host: HostEvidence) -> dict[str, Finding]:
    found: dict[str, Finding] = {}
    for table in host.models(CRYPTO_MAP_TABLE):
        for entry in table.entries:
            if entry.applied or entry.interfaces or entry.name in found:
                continue
            lines = map_lines(host, entry, "Peer =", "Interfaces using crypto map")
            peer = entry.peers[0] if entry.peers else None
            found[entry.name] = _unapplied(host, entry.name, peer, lines, Source.STATE)
    return found


def _unapplied(
    host: HostEvidence, name: str, peer: str | None, lines: list[str], source: Source
) -> Finding:
    return Finding(
        code="CRYPTO_MAP_NOT_APPLIED",
        severity=Severity.CRITICAL,
        host=host.host,
        peer=peer,
        summary=f"crypto map {name} is applied to no interface",
        cause=(
            f"Crypto map {name} is configured but applied to no interface: traffic never meets it, "
            "IKE is never triggered and incoming IKE for it is ignored. The tunnel cannot come up "
            "(no ISAKMP SA, empty `show crypto ipsec sa`)."
        ),
        evidence=unique(lines),
        next_steps=(
            "show crypto map  ('Interfaces using crypto map' is empty)",
            f"interface <WAN interface> ; crypto map {name}",
            f"show ip route {peer}  (the map belongs on the interface this route leaves from)"
            if peer
            else "show ip route <peer>",
        ),
        step=Step.INTERESTING_TRAFFIC,
        source=source,
    )


@check("CRYPTO_MAP_NOT_APPLIED", needs=CRYPTO_MAP + CONFIG + LOGS)
def map_not_applied(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """A crypto map on no interface, or not on the interface that routes to its peer."""
    found = _unapplied_state(host)
    yield from found.values()
    yield from unapplied_logs(host, {f.peer for f in found.values()})
    config = host.config
    if config is None:
        return
    named = set(found)
    for cmap in config.crypto_maps:
        # An excerpt or a cut paste (no final "end") may hold the map but not its interface.
        if cmap.dynamic or cmap.name in named or cmap.interfaces or not config.complete:
            continue
        named.add(cmap.name)
        peer = next((p for e in cmap.entries for p in e.peers), None)
        lines = config_lines(host, rf"^crypto map {re.escape(cmap.name)} \d+")
        yield _unapplied(host, cmap.name, peer, lines, Source.CONFIG)
    for t in map_peers(config):
        route = egress(host, t.peer)
        if t.cmap.name in named or not t.cmap.interfaces or route is None:
            continue
        if route.interface is None or route.interface.lower().startswith("null"):
            continue
        if not _serves(config, route.interface, t.peer):
            yield _wrong_interface(host, t, route)


def _wrong_interface(host: HostEvidence, t: MapPeer, route: Egress) -> Finding:
    """The map entry for a peer sits on another interface than the one routing to it."""
    interface = route.interface or ""
    return Finding(
        code="CRYPTO_MAP_NOT_APPLIED",
        severity=Severity.CRITICAL,
        host=host.host,
        peer=t.peer,
        summary=f"no crypto map for {t.peer} on {interface}, the way to {t.peer}",
        cause=(
            f"Traffic to {t.peer} leaves through {interface}, but crypto map "
            f"{t.cmap.name} (its entry for {t.peer}) is applied to "
            f"{', '.join(t.cmap.interfaces)}: packets for the tunnel never meet the map and "
            "IKE from the peer arrives where no map listens."
        ),
        evidence=unique(
            list(route.lines) + config_lines(host, rf"^ *crypto map {re.escape(t.cmap.name)}$")
        ),
        next_steps=(f"show ip route {t.peer}", f"apply crypto map {t.cmap.name} to {interface}"),
        step=Step.INTERESTING_TRAFFIC,
        source=Source.STATE if route.source.startswith("show ") else Source.CONFIG,
    )


def _serves(config: RunningConfig, interface: str, peer: str) -> bool:
    """Some crypto map on ``interface`` has an entry for ``peer`` (or is dynamic)."""
    return any(
        interface in cmap.interfaces
        and (cmap.dynamic or any(peer in e.peers or e.dynamic_map for e in cmap.entries))
        for cmap in config.crypto_maps
    )


# -- CRYPTO_MAP_INCOMPLETE -----------------------------------------------------------------------


@check("CRYPTO_MAP_INCOMPLETE", needs=CRYPTO_MAP + CONFIG)
def map_incomplete(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """An entry without peer, ACL or transform set (the device flags it, or the config shows it)."""
    flagged: set[tuple[str, int]] = set()
    for table in host.models(CRYPTO_MAP_TABLE):
        for entry in table.entries:
            if entry.incomplete and (entry.name, entry.seq) not in flagged:
                flagged.add((entry.name, entry.seq))
                missing = _missing_state(entry)
                yield _incomplete(
                    host,
                    entry.name,
                    entry.seq,
                    entry.peers[0] if entry.peers else None,
                    missing,
                    map_lines(host, entry, "WARNING", "(missing", "No matching address list"),
                    Source.STATE,
                )
    config = host.config
    if config is None:
        return
    for cmap in config.crypto_maps:
        for e in cmap.entries:
            if (cmap.name, e.seq) in flagged or cmap.dynamic or e.dynamic_map:
                continue
            if (e.type or "").startswith("gdoi"):
                continue  # GET VPN: peers, ACL and transforms come from the key server
            missing = _missing_config(config, e)
            if missing:
                yield _incomplete(
                    host,
                    cmap.name,
                    e.seq,
                    e.peers[0] if e.peers else None,
                    missing,
                    config_lines(
                        host, rf"^crypto map {re.escape(cmap.name)} {e.seq} ", children=True
                    ),
                    Source.CONFIG,
                )


def _missing_config(config: RunningConfig, e: ConfigMapEntry) -> list[str]:
    """What a configured map entry lacks: peer, ACL (or its definition), transform sets.

    "Not defined" needs the whole configuration (it ends with "end"): a ``| section crypto``
    paste or a cut one leaves the ACLs and transform sets out without them being missing."""
    whole = config.complete
    defined_ts = {ts.name for ts in config.transform_sets}
    return [
        *(["set peer"] if not e.peers else []),
        *(["match address"] if not e.match_address else []),
        *(
            [f"access-list {e.match_address} (not defined)"]
            if whole and e.match_address and e.match_address not in config.acls
            else []
        ),
        *(["set transform-set"] if not e.transform_sets else []),
        *[
            f"transform-set {n} (not defined)"
            for n in e.transform_sets
            if whole and n not in defined_ts
        ],
    ]


def _missing_state(entry: CryptoMapEntry) -> list[str]:
    return [
        *(["set peer"] if not entry.peers else []),
        *(["match address"] if not entry.access_list or entry.no_matching_address_list else []),
        *(
            ["set transform-set"]
            if not entry.transform_sets and entry.ipsec_profile is None
            else []
        ),
    ]


def _incomplete(
    host: HostEvidence,
    name: str,
    seq: int,
    peer: str | None,
    missing: list[str],
    lines: list[str],
    source: Source,
) -> Finding:
    what = (
        ", ".join(missing) if missing else "a peer, an ACL or a transform set (the device says so)"
    )
    return Finding(
        code="CRYPTO_MAP_INCOMPLETE",
        severity=Severity.CRITICAL,
        host=host.host,
        peer=peer,
        summary=f"crypto map {name} {seq} is incomplete: missing {what}",
        cause=(
            f"Crypto map {name} {seq} lacks {what}. IOS keeps an incomplete entry inactive: it "
            "neither triggers IKE nor accepts the peer's proposal for it."
        ),
        evidence=unique(lines),
        next_steps=(
            f"show crypto map tag {name}",
            "show run | section crypto map",
            "show crypto ipsec transform-set ; show access-lists",
        ),
        step=Step.INTERESTING_TRAFFIC,
        source=source,
    )


# -- NO_INTERESTING_TRAFFIC / IKE_NO_SA ----------------------------------------------------------


def _idle_peers(host: HostEvidence, fleet: FleetEvidence) -> Iterator[tuple[str, list[str]]]:
    """Peers with no IKE SA, no IPsec SA and nothing in the logs: (peer, evidence lines). Not
    when the other end still encrypts towards us (SAs out of sync), nor when nothing routes to
    the tunnel (CRYPTO_NO_ROUTE says why)."""
    unrouted = unrouted_peers(host)
    for peer in known_peers(host):
        other = other_end(fleet, host, peer)
        if other is not None and any(
            t.flow.current_peer in host.addresses and carries(t.flow) for t in other.traffic
        ):
            continue
        flows = traffic_to(host, peer)
        down = sessions_in(host, peer, "DOWN")
        if rows(host, peer, live=False) or host.events_for(peer) or peer in vti_peers(host):
            continue  # a VTI needs no traffic to come up: IKEV2_VTI_DOWN reads it
        if peer in shut_peers(host):
            continue  # its tunnel interface is shut down: TUNNEL_ADMIN_DOWN says so
        if counters.explained_elsewhere(host, peer, fleet) or peer in unrouted:
            continue  # IKEv2 was tried (the far end's counters say why), or nothing is routed
        if other is not None and any(other.events_for(a) for a in host.addresses):
            continue  # the far end logged a negotiation with us: IKE was attempted
        if any(has_sa(t.flow) or t.encaps.ever for t in flows):
            continue
        if not flows and not down:
            continue
        lines = [
            s for t in flows for s in flow_lines(host, t.flow, ("ident", "spi", "no_sa", "errors"))
        ]
        yield peer, lines + (["Session status: DOWN"] if down else [])


@check("NO_INTERESTING_TRAFFIC", needs=IPSEC + SESSION)
def no_interesting_traffic(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """The tunnel is down because nothing has tried to use it (crypto maps are on demand)."""
    for peer, lines in _idle_peers(host, fleet):
        if any(hit_without_sa(t) for t in traffic_to(host, peer)):
            continue  # traffic is there and dropped: IKE_NO_SA / IPSEC_P2_NOT_ESTABLISHED
        yield Finding(
            code="NO_INTERESTING_TRAFFIC",
            severity=Severity.INFO,
            host=host.host,
            peer=peer,
            summary=f"no traffic has tried the tunnel to {peer}: no IKE attempted",
            cause=(
                f"{host.host} has a crypto map entry for {peer} but no IKE or IPsec SA and no "
                "negotiation in its logs: nothing matching the crypto ACL has been routed out of the "
                "crypto-map interface yet (crypto-map tunnels come up on demand), or the other end "
                "cannot initiate."
            ),
            evidence=unique(lines),
            next_steps=(
                f"ping <host in the remote LAN> source <inside interface>  (towards {peer}'s LAN)",
                "show access-lists <crypto ACL>  (hit counts)",
                f"show ip route <remote LAN host>  (must leave via {crypto_interface(host, peer)})",
            ),
            step=Step.INTERESTING_TRAFFIC,
            source=Source.STATE,
        )


def _hitting(host: HostEvidence, peer: str) -> bool:
    """Traffic for ``peer`` is dropped for lack of an SA; send errors alone prove the SA is
    missing, not that IKE is: they count only with the IKE table in the evidence."""
    return any(
        (t.no_sa_send is not None and t.no_sa_send.moving)
        or (ike_state_read(host) and hit_without_sa(t))
        for t in traffic_to(host, peer)
    )


@check("IKE_NO_SA", needs=IPSEC + LOGS + ISAKMP)
def ike_no_sa(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """Traffic hits the crypto map but IKE never starts, or the peer talks to a deleted IKE SA."""
    for peer, lines in _idle_peers(host, fleet):
        if _hitting(host, peer):
            yield Finding(
                code="IKE_NO_SA",
                severity=Severity.CRITICAL,
                host=host.host,
                peer=peer,
                summary=f"traffic for {peer} is dropped for lack of an SA, and IKE never starts",
                cause=(
                    f"Packets match the crypto ACL towards {peer} and are dropped ('#pkts no sa "
                    "(send)' rising), yet no ISAKMP SA exists or is being negotiated: IKE cannot "
                    "start (no key or policy for the peer, ISAKMP disabled) or its packets never "
                    "leave. The debug says which."
                ),
                evidence=unique(lines),
                next_steps=(
                    "show crypto isakmp sa",
                    "show run | section crypto isakmp",
                    f"debug crypto condition peer ipv4 {peer}",
                    "debug crypto isakmp",
                ),
                step=Step.IKE_PHASE1,
                source=Source.STATE,
            )
    yield from stale_sa_findings(host)
