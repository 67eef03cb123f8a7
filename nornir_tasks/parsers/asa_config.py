"""ASA ``show running-config`` (whole, or ``crypto`` / ``tunnel-group`` / ``nat`` /
``access-list`` parts) read into the same ``RunningConfig`` as an IOS configuration.

Sample::

    ASA Version 9.8(4)
    hostname ASA1
    interface GigabitEthernet0/0
     nameif outside
     ip address 203.0.113.2 255.255.255.252
    object network LAN
     subnet 10.1.0.0 255.255.255.0
     nat (inside,outside) dynamic interface
    access-list VPN extended permit ip 10.1.0.0 255.255.255.0 10.0.0.0 255.255.255.0
    nat (inside,outside) source static LAN LAN destination static HQ HQ no-proxy-arp route-lookup
    route outside 0.0.0.0 0.0.0.0 203.0.113.1 1
    crypto ipsec ikev1 transform-set TS esp-aes-256 esp-sha-hmac
    crypto map CMAP 10 match address VPN
    crypto map CMAP 10 set peer 198.51.100.2
    crypto map CMAP 10 set ikev1 transform-set TS
    crypto map CMAP interface outside
    crypto ikev1 enable outside
    crypto ikev1 policy 10
     authentication pre-share
     encryption aes-256
    tunnel-group 198.51.100.2 type ipsec-l2l
    tunnel-group 198.51.100.2 ipsec-attributes
     ikev1 pre-shared-key *****
    : end

Interfaces are keyed by ``nameif`` (the name crypto maps, routes and NAT use). A tunnel-group
named by an address with a key is that address's key (``IsakmpKey`` / an IKEv2 keyring
peer), so the IOS rules for keys read it; ``DefaultL2LGroup`` with a key covers every peer.
The pre-shared keys themselves are never read (the ASA prints ``*****`` anyway). Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from nornir_tasks.models.config import (
    Acl,
    AclEntry,
    AsaNatRule,
    CryptoMap,
    CryptoMapEntry,
    Ikev2Keyring,
    Ikev2KeyringPeer,
    Ikev2Proposal,
    InterfaceConfig,
    IsakmpKey,
    IsakmpPolicy,
    RunningConfig,
    StaticRoute,
    TransformSet,
    TunnelGroup,
)
from nornir_tasks.parsers import _asa_config_items as items
from nornir_tasks.parsers._common import to_int
from nornir_tasks.parsers._config_tree import ConfigNode, Words, read_tree
from nornir_tasks.parsers._text import clean_lines
from nornir_tasks.parsers.addressing import address

# Lines only an ASA configuration has (an IOS one never starts a line this way).
_ASA_MARK = re.compile(
    r"^(?:ASA Version |: Saved|crypto ikev1 (?:enable|policy) |crypto ikev2 enable |crypto ipsec ikev[12] "
    r"|tunnel-group \S+ |crypto map \S+ \d+ (?:match address|set (?:peer|ikev[12]|pfs)) "
    r"|nat \(\S+,\S+\) | nameif )",
    re.M,
)
_HEADER = re.compile(r"^(?:ASA Version |: Saved)", re.M)
_DEFAULT_GROUP = "DefaultL2LGroup"


def is_asa_config(text: str) -> bool:
    return _ASA_MARK.search(text) is not None


@dataclass
class _MapEntry:
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
class _TunnelGroup:
    type: str | None = None
    line: str = ""
    ikev1_psk: bool = False
    ikev2_local: bool = False
    ikev2_remote: bool = False


@dataclass
class _Draft:
    hostname: str | None = None
    version: str | None = None
    objects: dict[str, str] = field(default_factory=dict)
    object_nodes: list[tuple[str, ConfigNode]] = field(default_factory=list)
    policies: list[IsakmpPolicy] = field(default_factory=list)
    ikev2_policies: list[Ikev2Proposal] = field(default_factory=list)
    transform_sets: list[TransformSet] = field(default_factory=list)
    proposals: dict[str, tuple[TransformSet, ...]] = field(default_factory=dict)
    maps: dict[tuple[str, bool], dict[int, _MapEntry]] = field(default_factory=dict)
    bindings: dict[str, list[str]] = field(default_factory=dict)
    ike_enabled: dict[str, list[str]] = field(default_factory=dict)
    groups: dict[str, _TunnelGroup] = field(default_factory=dict)
    acl_lines: list[tuple[Words, str]] = field(default_factory=list)
    nat_lines: list[tuple[Words, str]] = field(default_factory=list)
    routes: list[StaticRoute] = field(default_factory=list)
    interfaces: dict[str, InterfaceConfig] = field(default_factory=dict)


def _interface(draft: _Draft, node: ConfigNode) -> None:
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


def _object(draft: _Draft, node: ConfigNode) -> None:
    # object network LAN /  subnet 10.1.0.0 255.255.255.0 /  nat (inside,outside) dynamic interface
    words = node.words()
    if words[1] != "network":
        return
    net = items.object_network(node)
    if net is not None:
        draft.objects[words[2]] = net
    draft.object_nodes += [(words[2], c) for c in node.children if c.words()[0] == "nat"]


def _ikev1_policy(draft: _Draft, node: ConfigNode) -> None:
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


def _crypto_ipsec(draft: _Draft, node: ConfigNode) -> None:
    # crypto ipsec ikev1 transform-set NAME ... / crypto ipsec ikev2 ipsec-proposal NAME
    words = node.words()
    if words[2:4] == ["ikev1", "transform-set"] and words[5] != "mode":
        draft.transform_sets.append(items.transform_set(words))
    elif words[2:4] == ["ikev2", "ipsec-proposal"]:
        expanded = items.ipsec_proposal(node)
        draft.proposals[words[4]] = expanded
        draft.transform_sets.extend(expanded)


def _crypto_map(draft: _Draft, node: ConfigNode, dynamic: bool) -> None:
    # crypto map NAME SEQ set peer A / crypto map NAME interface outside
    words = node.words()
    if not dynamic and words[3] == "interface":
        draft.bindings.setdefault(words[2], []).append(words[4])
        return
    seq = to_int(words[3])
    if seq is None:
        return
    entry = draft.maps.setdefault((words[2], dynamic), {}).setdefault(seq, _MapEntry())
    _map_setting(draft, entry, words[4:])


def _map_setting(draft: _Draft, entry: _MapEntry, w: Words) -> None:
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


def _crypto(draft: _Draft, node: ConfigNode) -> None:
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


def _tunnel_group(draft: _Draft, node: ConfigNode) -> None:
    # tunnel-group NAME type ipsec-l2l / tunnel-group NAME ipsec-attributes /  ikev1 pre-shared-key *
    words = node.words()
    group = draft.groups.setdefault(words[1], _TunnelGroup())
    if words[2] == "type":
        group.type, group.line = words[3], node.text
    elif words[2] == "ipsec-attributes":
        for child in node.children:
            w = child.words()
            group.ikev1_psk |= w[:2] == ["ikev1", "pre-shared-key"]
            group.ikev2_local |= w[:3] == ["ikev2", "local-authentication", "pre-shared-key"]
            group.ikev2_remote |= w[:3] == ["ikev2", "remote-authentication", "pre-shared-key"]


def _route(draft: _Draft, node: ConfigNode) -> None:
    # route outside 0.0.0.0 0.0.0.0 203.0.113.1 1 [track 1]
    w = node.words()
    if not address(w[2]) or not address(w[4]):
        return
    track = to_int(w[w.index("track") + 1]) if "track" in w else None
    route = StaticRoute(
        w[2], w[3], w[1], w[4], to_int(w[5]), track, None, False, None, None, node.text
    )
    draft.routes.append(route)


def _dispatch(draft: _Draft, node: ConfigNode) -> None:
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


_HANDLERS: dict[str, Callable[[_Draft, ConfigNode], None]] = {
    "interface": _interface,
    "object": _object,
    "crypto": _crypto,
    "tunnel-group": _tunnel_group,
    "route": _route,
}


# -- freezing ------------------------------------------------------------------------------------


def _acls(draft: _Draft) -> dict[str, Acl]:
    entries: dict[str, list[AclEntry]] = {}
    kinds: dict[str, str] = {}
    for words, line in draft.acl_lines:
        entries.setdefault(words[1], []).append(items.acl_entry(words, draft.objects, line))
        kinds.setdefault(words[1], "standard" if "standard" in words[2:4] else "extended")
    return {n: Acl(n, kinds[n], tuple(e)) for n, e in entries.items()}


def _nat_rules(draft: _Draft) -> tuple[AsaNatRule, ...]:
    twice = [items.twice_nat(w, draft.objects, line) for w, line in draft.nat_lines]
    auto = [items.object_nat(o, n, draft.objects) for o, n in draft.object_nodes]
    rules = [r for r in twice + auto if r is not None]
    order = {"manual": 0, "auto": 1, "after-auto": 2}  # the order the ASA matches them in
    return tuple(sorted(rules, key=lambda r: order[r.section]))


def _entry(seq: int, e: _MapEntry, dynamic: bool) -> CryptoMapEntry:
    return CryptoMapEntry(
        seq=seq,
        type=None if dynamic else "ipsec-isakmp",
        dynamic_map=e.dynamic_map,
        peers=tuple(e.peers),
        transform_sets=tuple(e.transform_sets),
        match_address=e.match_address,
        pfs=e.pfs,
        lifetime_s=e.lifetime_s,
        lifetime_kb=e.lifetime_kb,
        isakmp_profile=None,
        # IKEv2 entry: its "profile" is the tunnel group the L2L peer is found by, its address
        ikev2_profile=(e.peers[0] if e.peers else "") if e.ikev2 else None,
        reverse_route=e.reverse_route,
    )


def _crypto_maps(draft: _Draft) -> tuple[CryptoMap, ...]:
    names = list(dict.fromkeys([*draft.maps, *((n, False) for n in draft.bindings)]))
    return tuple(
        CryptoMap(
            name=name,
            dynamic=dynamic,
            entries=tuple(
                _entry(s, e, dynamic)
                for s, e in sorted(draft.maps.get((name, dynamic), {}).items())
            ),
            interfaces=() if dynamic else tuple(draft.bindings.get(name, ())),
            local_address=None,
            options=(),
        )
        for name, dynamic in names
    )


def _interfaces(draft: _Draft) -> dict[str, InterfaceConfig]:
    applied = {i: m for m, interfaces in draft.bindings.items() for i in interfaces}
    return {n: replace(i, crypto_map=applied.get(n)) for n, i in draft.interfaces.items()}


def _keys(draft: _Draft) -> tuple[tuple[IsakmpKey, ...], tuple[Ikev2Keyring, ...]]:
    """Tunnel-groups with keys as the keys of the addresses they are named after."""
    v1: list[IsakmpKey] = []
    v2: list[Ikev2KeyringPeer] = []
    for name, g in draft.groups.items():
        if name == _DEFAULT_GROUP:
            target, mask = "0.0.0.0", "0.0.0.0"
        elif address(name) is not None:
            target, mask = name, "255.255.255.255"
        else:
            continue  # a name the ASA never looks a LAN-to-LAN peer up by
        if g.ikev1_psk:
            v1.append(IsakmpKey(0, target, mask, None, False))
        if g.ikev2_local or g.ikev2_remote:
            types = (0,) * (g.ikev2_local + g.ikev2_remote)
            v2.append(Ikev2KeyringPeer(name, target, mask, None, None, types))
    return tuple(v1), ((Ikev2Keyring("tunnel-group", tuple(v2)),) if v2 else ())


def _tunnel_groups(draft: _Draft) -> tuple[TunnelGroup, ...]:
    return tuple(
        TunnelGroup(n, g.type, g.ikev1_psk, g.ikev2_local, g.ikev2_remote, g.line or n)
        for n, g in draft.groups.items()
    )


def _complete(lines: list[str]) -> bool:
    """The whole configuration: its header and its ``: end``. A part (``show running-config
    crypto``) or a cut one is not complete, so it proves nothing is missing (see the rules)."""
    last = next((line.strip() for line in reversed(lines) if line.strip()), "")
    return _HEADER.search("\n".join(lines)) is not None and last in (": end", "end")


# What the model holds for IOS features an ASA configures otherwise or not at all.
_NOT_ON_ASA: dict[str, Any] = {
    "keyrings": (), "isakmp_keepalive": None, "isakmp_profiles": (), "isakmp_peers": (),
    "aggressive_mode_disabled": False, "ikev2_policies": (), "ikev2_profiles": (),
    "ipsec_profiles": (), "eem_applets": (),
    "eem_session_user": None, "route_maps": (), "nat_rules": (),
    "aaa_authorization_commands": (), "archive": False, "archive_path": None,
    "scp_server": False, "file_prompt_quiet": False,
}  # fmt: skip


def parse_asa_config(text: str) -> RunningConfig:
    draft = _Draft()
    nodes = read_tree(text)
    for node in nodes:  # objects first: ACLs and NAT rules name them before or after
        if node.words()[0] == "object":
            _object(draft, node)
    for node in nodes:
        if node.words()[0] != "object":
            _dispatch(draft, node)
    keys, keyrings = _keys(draft)
    return RunningConfig(
        **_NOT_ON_ASA,
        hostname=draft.hostname,
        version=draft.version,
        isakmp_policies=tuple(draft.policies),
        isakmp_keys=keys,
        ikev2_proposals=tuple(draft.ikev2_policies),
        ikev2_keyrings=keyrings,
        transform_sets=tuple(draft.transform_sets),
        crypto_maps=_crypto_maps(draft),
        acls=_acls(draft),
        static_routes=tuple(draft.routes),
        ip_slas={},
        tracks={},
        interfaces=_interfaces(draft),
        complete=_complete(clean_lines(text)),
        platform="asa",
        ike_enabled={k: tuple(v) for k, v in draft.ike_enabled.items()},
        tunnel_groups=_tunnel_groups(draft),
        asa_nat_rules=_nat_rules(draft),
    )
