"""Offline configuration compatibility of the two ends of each crypto-map tunnel.

From both running configurations (the fleet matches each ``set peer`` to the host that owns
the address): phase-1 policy intersection, a key on the responder for the address the
initiator actually uses, transform-set and PFS intersection, mirrored crypto ACLs. Reported
as the same findings as live evidence, with ``source=config``. A pair-wide (symmetric) finding
is reported once, on the end with fewer peers (the spoke), ties broken by name.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from nornir_tasks.checks.evidence import CONFIG, FleetEvidence, HostEvidence
from nornir_tasks.checks.ike import WAITING_MSG2 as _WAITING
from nornir_tasks.checks.peers import other_end
from nornir_tasks.checks.quote import config_lines, ike_lines, tag, unique
from nornir_tasks.checks.registry import check
from nornir_tasks.checks.routes import config_egress, egress
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.parsers.addressing import address as ipv4
from nornir_tasks.parsers.addressing import network

if TYPE_CHECKING:  # annotations only (the configuration models are slow to import)
    from nornir_tasks.models.config import CryptoMap, CryptoMapEntry, RunningConfig


@dataclass(frozen=True)
class MapPeer:
    """One crypto-map entry of a host toward one peer address."""

    cmap: CryptoMap
    entry: CryptoMapEntry
    peer: str


@dataclass(frozen=True)
class Pair:
    """A tunnel and, when the peer is in the fleet with its config, the entry pointing back."""

    host: HostEvidence
    config: RunningConfig
    tunnel: MapPeer
    other: HostEvidence | None
    other_config: RunningConfig | None
    back: MapPeer | None  # the other end's entry for one of our addresses (or its dynamic map)


# id(config) -> (weak reference to the config, its tunnels): a hub's map is read once per
# run, not once per spoke. The entry goes when the config is collected, so its id is never
# reused while the entry lives, and no size cap is needed: a cap (4,096) below the fleet size
# emptied the cache over and over in every scan of the fleet at 10,000 hosts.
_MAP_PEERS: dict[int, tuple[weakref.ref[RunningConfig], tuple[MapPeer, ...]]] = {}


def map_peers(config: RunningConfig) -> tuple[MapPeer, ...]:
    """Static crypto-map entries and their peers (dynamic maps have no peer)."""
    key = id(config)
    hit = _MAP_PEERS.get(key)
    if hit is not None and hit[0]() is config:
        return hit[1]
    found = tuple(
        MapPeer(cmap, entry, peer)
        for cmap in config.crypto_maps
        if not cmap.dynamic
        for entry in cmap.entries
        for peer in entry.peers
    )
    _MAP_PEERS[key] = (weakref.ref(config, lambda _: _MAP_PEERS.pop(key, None)), found)
    return found


def _callers_index(fleet: FleetEvidence) -> dict[str, list[tuple[int, int, HostEvidence, MapPeer]]]:
    index: dict[str, list[tuple[int, int, HostEvidence, MapPeer]]] = {}
    for position, other in enumerate(fleet.hosts):
        for order, t in enumerate(map_peers(other.config) if other.config else ()):
            index.setdefault(t.peer, []).append((position, order, other, t))
    return index


def map_callers(host: HostEvidence, fleet: FleetEvidence) -> list[tuple[HostEvidence, MapPeer]]:
    """The other fleet hosts' crypto-map entries whose peer is one of ``host``'s addresses,
    in fleet order: from an index built once per fleet, not a scan of every host per host."""
    index = fleet.memo("compat.map_callers", lambda: _callers_index(fleet))
    found = sorted((e for a in host.addresses for e in index.get(a, ())), key=lambda e: e[:2])
    return [(other, t) for _, _, other, t in found if other.host != host.host]


def _back(config: RunningConfig, addresses: frozenset[str]) -> MapPeer | None:
    for t in map_peers(config):
        if t.peer in addresses:
            return t
    for cmap in config.crypto_maps:  # a dynamic map accepts any peer
        if cmap.dynamic and cmap.entries:
            return MapPeer(cmap, cmap.entries[0], "")
    return None


def pairs(host: HostEvidence, fleet: FleetEvidence) -> list[Pair]:
    config = host.config
    if config is None:
        return []
    out = []
    for t in map_peers(config):
        other = other_end(fleet, host, t.peer)
        other_config = other.config if other else None
        back = _back(other_config, host.addresses) if other_config else None
        out.append(Pair(host, config, t, other, other_config, back))
    return out


def reports(pair: Pair) -> bool:
    """Symmetric findings go on one end only: the one with fewer peers, then by name."""
    if pair.other is None or pair.other_config is None:
        return True
    mine = (len({t.peer for t in map_peers(pair.config)}), pair.host.host)
    theirs = (len({t.peer for t in map_peers(pair.other_config)}), pair.other.host)
    return mine <= theirs


def pair_finding(
    pair: Pair,
    code: str,
    summary: str,
    cause: str,
    evidence: list[str],
    steps: tuple[str, ...],
    step: Step,
    severity: Severity = Severity.CRITICAL,
) -> Finding:
    return Finding(
        code=code,
        severity=severity,
        host=pair.host.host,
        peer=pair.tunnel.peer,
        summary=summary,
        cause=cause,
        evidence=unique(evidence, 14),
        next_steps=steps,
        step=step,
        source=Source.CONFIG,
    )


def other_lines(pair: Pair, pattern: str, children: bool = False) -> list[str]:
    if pair.other is None:
        return []
    return list(tag(config_lines(pair.other, pattern, children), pair.other, pair.host.host))


# -- phase 1 policies ----------------------------------------------------------------------------

Suite = tuple[str, str, str, int]


def _encryption(value: str | None) -> str:
    words = (value or "des").lower().split()
    return "aes 128" if words == ["aes"] else " ".join(words)


def suites(config: RunningConfig) -> frozenset[Suite] | None:
    """Phase-1 policies as (encryption, hash, auth, group), IOS defaults filled in.

    None when no policy is configured: the image's default suites apply, unknown here.
    """
    if not config.isakmp_policies:
        return None
    return frozenset(
        (
            _encryption(p.encryption),
            (p.hash or "sha").lower().replace("sha1", "sha"),
            (p.authentication or "rsa-sig").lower(),
            p.group or 1,
        )
        for p in config.isakmp_policies
    )


def policy_findings(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    for pair in pairs(host, fleet):
        if pair.other_config is None or pair.back is None or not reports(pair):
            continue
        mine, theirs = suites(pair.config), suites(pair.other_config)
        if mine is None or theirs is None or mine & theirs:
            continue
        other = pair.other.host if pair.other else pair.tunnel.peer
        yield pair_finding(
            pair,
            "IKE_P1_POLICY_MISMATCH",
            f"no ISAKMP policy of {host.host} matches one of {other}'s",
            f"{host.host} offers {_suites_text(mine)}; {other} accepts {_suites_text(theirs)}. "
            "Phase 1 needs one policy equal on encryption, hash, DH group and authentication; "
            "with none in common the responder answers 'no offers accepted' and the tunnel "
            "never comes up.",
            config_lines(host, r"^crypto isakmp policy", children=True)
            + other_lines(pair, r"^crypto isakmp policy", children=True),
            (
                "show crypto isakmp policy  (on both ends)",
                "add a policy with the same encryption/hash/group/authentication on both ends",
            ),
            Step.IKE_PHASE1,
        )


def _suites_text(found: frozenset[Suite]) -> str:
    return ", ".join(f"{e}/{h}/{a}/group {g}" for e, h, a, g in sorted(found))


# -- keys ----------------------------------------------------------------------------------------


def _covers(address: str | None, mask: str | None, target: str) -> bool:
    if address is None:
        return False
    if mask is None:
        return address == target
    net, addr = network(address, mask), ipv4(target)
    return net is not None and addr is not None and addr in net


def has_key_for(config: RunningConfig, target: str) -> bool:
    """A pre-shared key covers ``target`` (hostname keys are assumed to: they cannot be resolved).

    ``crypto isakmp peer address X`` + ``set aggressive-mode password`` is X's key too.
    """
    peers = [p for p in config.isakmp_peers if p.aggressive_key_type is not None]
    if any(k.hostname for k in config.isakmp_keys) or any(p.hostname for p in peers):
        return True
    entries = [(k.address, k.mask) for k in config.isakmp_keys]
    entries += [(p.address, None) for p in peers]
    entries += [(p.address, p.mask) for r in config.keyrings for p in r.peers]
    entries += [(p.address, p.mask) for r in config.ikev2_keyrings for p in r.peers]
    return any(_covers(a, m, target) for a, m in entries)


def uses_psk(config: RunningConfig) -> bool:
    """Pre-shared keys are in play (a pre-share policy, or only the image defaults)."""
    return not config.isakmp_policies or any(
        (p.authentication or "").lower() == "pre-share" for p in config.isakmp_policies
    )


def used_addresses(
    host: HostEvidence, cmap: CryptoMap, peer: str, configured: bool = False
) -> tuple[str | None, list[str]]:
    """(primary, backups): the address IKE to ``peer`` is sourced from, and the others it can be.

    ``crypto map X local-address IF`` pins it; otherwise it is the map interface the route to the
    peer leaves from, and every other interface carrying the map is a backup (dual ISP).
    ``configured``: the route of the configuration (the primary ISP even while failed over),
    not the one the host printed.
    """
    config = host.config
    if config is None:
        return None, []

    def address(name: str) -> str | None:
        itf = config.interfaces.get(name)
        return itf.ip_address if itf and not itf.shutdown else None

    if cmap.local_address:
        return address(cmap.local_address), []
    route = config_egress(host, peer) if configured else egress(host, peer)
    names = list(cmap.interfaces)
    primary = (
        route.interface if route and route.interface in names else (names[0] if names else None)
    )
    backups = [a for n in names if n != primary and (a := address(n))]
    return (address(primary) if primary else None), backups


def key_findings(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """This host lacks a key for a peer it talks to, or for the address a fleet peer uses."""
    config = host.config
    if config is None or not config.complete or not uses_psk(config):
        return  # an excerpt (ASA "show running-config crypto map") shows no keys either way
    reported: set[str] = set()
    for pair in pairs(host, fleet):
        peer = pair.tunnel.peer
        if pair.tunnel.cmap.interfaces and not has_key_for(config, peer) and peer not in reported:
            reported.add(peer)
            yield _missing_key(host, pair, peer, f"set peer {peer}")
    for other, t in map_callers(host, fleet):
        if not t.cmap.interfaces:
            continue
        used, _ = used_addresses(other, t.cmap, t.peer)
        if used and used not in reported and not has_key_for(config, used):
            reported.add(used)
            pair = Pair(host, config, MapPeer(t.cmap, t.entry, used), other, other.config, t)
            yield _missing_key(host, pair, used, f"{other.host} sources IKE from {used}")


def _missing_key(host: HostEvidence, pair: Pair, address: str, why: str) -> Finding:
    config = pair.config
    if config.platform == "asa":
        return _asa_missing_key(host, pair, address, why)
    return pair_finding(
        pair,
        "IKE_P1_PSK_MISSING",
        f"{host.host} has no pre-shared key for {address}",
        f"{host.host} authenticates with pre-shared keys but none covers {address} ({why}): "
        "as initiator it cannot start main mode ('No pre-shared key with ...'), as responder "
        "it drops the peer after MSG3 (the peer sits in MM_WAIT_MSG4 / MM_KEY_EXCH).",
        config_lines(host, r"^crypto isakmp key|^ *pre-shared-key|^ *set aggressive-mode password")
        + config_lines(host, rf"^ *set peer {re.escape(address)}$"),
        (
            "show run | include crypto isakmp key",
            "show run | section crypto keyring",
            f"crypto isakmp key <key> address {address}",
        ),
        Step.IKE_PHASE1,
    )


def _asa_missing_key(host: HostEvidence, pair: Pair, address: str, why: str) -> Finding:
    """An ASA finds a LAN-to-LAN peer's tunnel-group (and key) by the peer's address."""
    named = [g.name for g in pair.config.tunnel_groups if g.type == "ipsec-l2l"]
    other = pair.other
    # The peer's own state proves it now: its MSG1 to us is never answered.
    waiting = (
        [r for r in other.ike if r.peer in host.addresses and r.state in _WAITING] if other else []
    )
    finding = pair_finding(
        pair,
        "IKE_P1_PSK_MISSING",
        f"{host.host} has no tunnel-group for {address}: no pre-shared key for the peer",
        f"{host.host} is an ASA: it looks a LAN-to-LAN peer's tunnel-group up by the peer's "
        f"address, and no tunnel-group is named {address} ({why}); "
        + (f"the ones it has ({', '.join(named)}) are never used for it. " if named else "")
        + "Without the group there is no key, so phase 1 with the peer never completes.",
        config_lines(host, r"^tunnel-group ", children=True)
        + config_lines(host, rf"^crypto map \S+ \d+ set peer .*{re.escape(address)}")
        + (list(tag(ike_lines(other, waiting), other, host.host)) if other else []),
        (
            "show running-config tunnel-group",
            f"tunnel-group {address} type ipsec-l2l",
            f"tunnel-group {address} ipsec-attributes ; ikev1 pre-shared-key <key>",
        ),
        Step.IKE_PHASE1,
    )
    return replace(finding, source=Source.STATE) if waiting else finding


# -- CRYPTO_PEER_NOT_FOUND -----------------------------------------------------------------------


@check("CRYPTO_PEER_NOT_FOUND", needs=CONFIG)
def peer_not_found(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """``set peer X`` names no host of the fleet, while a fleet host points its tunnel at us."""
    config = host.config
    if config is None:
        return
    callers = list({id(o): o for o, _ in map_callers(host, fleet)}.values())
    for t in map_peers(config):
        if fleet.owner_of(t.peer) is not None:
            continue
        unanswered = [
            o for o in callers if not any(x.peer in o.addresses for x in map_peers(config))
        ]
        if not unanswered:
            continue
        yield _wrong_peer(host, t, unanswered[0])


def _wrong_peer(host: HostEvidence, t: MapPeer, caller: HostEvidence) -> Finding:
    """``set peer`` names an address nobody owns while ``caller`` points its tunnel at us."""
    return Finding(
        code="CRYPTO_PEER_NOT_FOUND",
        severity=Severity.CRITICAL,
        host=host.host,
        peer=t.peer,
        summary=f"set peer {t.peer} is no host of the fleet; {caller.host} expects {host.host}",
        cause=(
            f"{host.host}'s crypto map {t.cmap.name} {t.entry.seq} points at {t.peer}, which "
            f"no host in the evidence owns, while {caller.host} has a tunnel to {host.host} "
            f"and {host.host} has none back to it: the peer address is probably wrong "
            f"({caller.host} has {', '.join(sorted(caller.addresses)[:3])})."
        ),
        evidence=unique(config_lines(host, rf"^ *set peer {re.escape(t.peer)}$")),
        next_steps=(
            "show crypto map",
            f"set peer <{caller.host}'s address> in crypto map {t.cmap.name} {t.entry.seq}",
        ),
        step=Step.IKE_PHASE1,
        source=Source.CONFIG,
    )
