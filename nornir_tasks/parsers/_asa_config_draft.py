"""ASA configuration statements read into a mutable draft (see ``asa_config``, which freezes
it into a ``RunningConfig``): one handler per top-level command, each a block of the tree.

    interface GigabitEthernet0/0 / nameif outside / ip address 203.0.113.2 255.255.255.252
    crypto map CMAP 10 set peer 198.51.100.2
    tunnel-group 198.51.100.2 ipsec-attributes / ikev1 pre-shared-key *****

Pure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from nornir_tasks.models.config import (
    Ikev2Proposal,
    InterfaceConfig,
    IsakmpPolicy,
    StaticRoute,
    TransformSet,
)
from nornir_tasks.parsers import _asa_config_items as items
from nornir_tasks.parsers._common import to_int
from nornir_tasks.parsers._config_tree import ConfigNode, Words
from nornir_tasks.parsers.addressing import address


@dataclass
class MapEntry:
    peers: list[str] = field(default_factory=list)
    transform_sets: list[str] = field(default_factory=list)
    match_address: str | None = None
    pfs: str | None = None
    lifetime_s: int | None = None
    lifetime_kb: int | None = None
    dynamic_map: str | None = None
    reverse_route: str | None = None
    ikev2: bool = False  # set ikev2 ipsec-proposal: an IKEv2 entry


@dataclass
class GroupDraft:
    type: str | None = None
    line: str = ""
    ikev1_psk: bool = False
    ikev2_local: bool = False
    ikev2_remote: bool = False


@dataclass
class Draft:
    hostname: str | None = None
    version: str | None = None
    objects: dict[str, str] = field(default_factory=dict)
    object_nodes: list[tuple[str, ConfigNode]] = field(default_factory=list)
    policies: list[IsakmpPolicy] = field(default_factory=list)
    ikev2_policies: list[Ikev2Proposal] = field(default_factory=list)
    transform_sets: list[TransformSet] = field(default_factory=list)
    proposals: dict[str, tuple[TransformSet, ...]] = field(default_factory=dict)
    maps: dict[tuple[str, bool], dict[int, MapEntry]] = field(default_factory=dict)
    bindings: dict[str, list[str]] = field(default_factory=dict)
    ike_enabled: dict[str, list[str]] = field(default_factory=dict)
    groups: dict[str, GroupDraft] = field(default_factory=dict)
    acl_lines: list[tuple[Words, str]] = field(default_factory=list)
    nat_lines: list[tuple[Words, str]] = field(default_factory=list)
    routes: list[StaticRoute] = field(default_factory=list)
    interfaces: dict[str, InterfaceConfig] = field(default_factory=dict)


def _interface(draft: Draft, node: ConfigNode) -> None:
    # interface GigabitEthernet0/0 /  nameif outside /  ip address A M [standby S] /  shutdown
    values = {c.words()[0]: c.words() for c in node.children if c.words()}
    ip = values.get("ip", Words())
    name = values.get("nameif", Words())[1] or node.words()[1]
    draft.interfaces[name] = InterfaceConfig(
        name=name,
        description=" ".join(values.get("description", Words())[1:]) or None,
        ip_address=ip[2] if ip[1] == "address" and address(ip[2]) else None,
        mask=ip[3] if ip[1] == "address" and address(ip[2]) else None,
        dhcp=ip[1:3] == ["address", "dhcp"],
        unnumbered=None,
        shutdown="shutdown" in values,
        nat=None,
        crypto_map=None,
        vrf=None,
        tunnel_source=None,
        tunnel_destination=None,
        tunnel_mode=None,
        tunnel_protection=None,
        policy_route_map=None,
    )


def read_object(draft: Draft, node: ConfigNode) -> None:
    # object network LAN /  subnet 10.1.0.0 255.255.255.0 /  nat (inside,outside) dynamic interface
    words = node.words()
    if words[1] != "network":
        return
    net = items.object_network(node)
    if net is not None:
        draft.objects[words[2]] = net
    draft.object_nodes += [(words[2], c) for c in node.children if c.words()[0] == "nat"]


def _ikev1_policy(draft: Draft, node: ConfigNode) -> None:
    # crypto ikev1 policy 10 / authentication pre-share / encryption aes-256 / hash sha / group 14
    values = {c.words()[0]: c.words()[1] for c in node.children if c.words()}
    draft.policies.append(
        IsakmpPolicy(
            priority=to_int(node.words()[3]) or 0,
            # ASA defaults (the lines a running-config omits): 3des, sha, pre-share, group 2
            encryption=items.ike_encryption(values.get("encryption")) or "3des",
            hash=values.get("hash") or "sha",
            authentication=values.get("authentication") or "pre-share",
            group=to_int(values.get("group")) or 2,
            lifetime_s=to_int(values.get("lifetime")),
        )
    )


def _crypto_ipsec(draft: Draft, node: ConfigNode) -> None:
    # crypto ipsec ikev1 transform-set NAME ... / crypto ipsec ikev2 ipsec-proposal NAME
    words = node.words()
    if words[2:4] == ["ikev1", "transform-set"] and words[5] != "mode":
        draft.transform_sets.append(items.transform_set(words))
    elif words[2:4] == ["ikev2", "ipsec-proposal"]:
        expanded = items.ipsec_proposal(node)
        draft.proposals[words[4]] = expanded
        draft.transform_sets.extend(expanded)


def _crypto_map(draft: Draft, node: ConfigNode, dynamic: bool) -> None:
    # crypto map NAME SEQ set peer A / crypto map NAME interface outside
    words = node.words()
    if not dynamic and words[3] == "interface":
        draft.bindings.setdefault(words[2], []).append(words[4])
        return
    seq = to_int(words[3])
    if seq is None:
        return
    entry = draft.maps.setdefault((words[2], dynamic), {}).setdefault(seq, MapEntry())
    _map_setting(draft, entry, words[4:])


def _map_setting(draft: Draft, entry: MapEntry, w: Words) -> None:
    if w[:2] == ["match", "address"]:
        entry.match_address = w[2]
    elif w[:2] == ["set", "peer"]:
        entry.peers += w[2:]
    elif w[:3] == ["set", "ikev1", "transform-set"]:
        entry.transform_sets += w[3:]
    elif w[:3] == ["set", "ikev2", "ipsec-proposal"]:
        entry.transform_sets += [n for p in w[3:] for n in items.proposal_names(draft.proposals, p)]
        entry.ikev2 = True
    elif w[:2] == ["set", "pfs"]:
        entry.pfs = w[2] or "group2"  # ASA: a bare "set pfs" is group 2
    elif w[:3] == ["set", "security-association", "lifetime"]:
        unit = "lifetime_s" if w[3] == "seconds" else "lifetime_kb"
        setattr(entry, unit, to_int(w[4]))
    elif w[:2] == ["ipsec-isakmp", "dynamic"]:
        entry.dynamic_map = w[2]
    elif w[:2] == ["set", "reverse-route"]:
        entry.reverse_route = ""


def _crypto(draft: Draft, node: ConfigNode) -> None:
    words = node.words()
    if words[1] in ("ikev1", "ikev2") and words[2] == "enable":
        draft.ike_enabled.setdefault(words[1], []).append(words[3])
    elif words[1:3] == ["ikev1", "policy"]:
        _ikev1_policy(draft, node)
    elif words[1:3] == ["ikev2", "policy"]:
        draft.ikev2_policies.append(items.ikev2_policy(node))
    elif words[1] == "ipsec":
        _crypto_ipsec(draft, node)
    elif words[1] in ("map", "dynamic-map"):
        _crypto_map(draft, node, words[1] == "dynamic-map")


def _tunnel_group(draft: Draft, node: ConfigNode) -> None:
    # tunnel-group NAME type ipsec-l2l / tunnel-group NAME ipsec-attributes /  ikev1 pre-shared-key *
    words = node.words()
    group = draft.groups.setdefault(words[1], GroupDraft())
    if words[2] == "type":
        group.type, group.line = words[3], node.text
    elif words[2] == "ipsec-attributes":
        for child in node.children:
            w = child.words()
            group.ikev1_psk |= w[:2] == ["ikev1", "pre-shared-key"]
            group.ikev2_local |= w[:3] == ["ikev2", "local-authentication", "pre-shared-key"]
            group.ikev2_remote |= w[:3] == ["ikev2", "remote-authentication", "pre-shared-key"]


def _route(draft: Draft, node: ConfigNode) -> None:
    # route outside 0.0.0.0 0.0.0.0 203.0.113.1 1 [track 1]
    w = node.words()
    if not address(w[2]) or not address(w[4]):
        return
    track = to_int(w[w.index("track") + 1]) if "track" in w else None
    route = StaticRoute(
        w[2], w[3], w[1], w[4], to_int(w[5]), track, None, False, None, None, node.text
    )
    draft.routes.append(route)


def dispatch(draft: Draft, node: ConfigNode) -> None:
    words = node.words()
    first = words[0]
    if first == "hostname":
        draft.hostname = words[1] or None
    elif node.text.startswith("ASA Version "):
        draft.version = words[2] or None
    elif first == "access-list":
        draft.acl_lines.append((words, node.text))
    elif first == "nat":
        draft.nat_lines.append((words, node.text))
    elif first in _HANDLERS:
        _HANDLERS[first](draft, node)


_HANDLERS: dict[str, Callable[[Draft, ConfigNode], None]] = {
    "interface": _interface,
    "object": read_object,
    "crypto": _crypto,
    "tunnel-group": _tunnel_group,
    "route": _route,
}
