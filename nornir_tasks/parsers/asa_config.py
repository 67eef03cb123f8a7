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
The pre-shared keys themselves are never read (the ASA prints ``*****`` anyway). The
statements are read into a draft by ``_asa_config_draft``; this module freezes it. Pure.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from nornir_tasks.models.config import (
    Acl,
    AclEntry,
    AsaNatRule,
    CryptoMap,
    CryptoMapEntry,
    Ikev2Keyring,
    Ikev2KeyringPeer,
    InterfaceConfig,
    IsakmpKey,
    RunningConfig,
    TunnelGroup,
)
from nornir_tasks.parsers import _asa_config_items as items
from nornir_tasks.parsers._asa_config_draft import Draft, MapEntry, dispatch, read_object
from nornir_tasks.parsers._config_tree import read_tree
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


# -- freezing ------------------------------------------------------------------------------------


def _acls(draft: Draft) -> dict[str, Acl]:
    entries: dict[str, list[AclEntry]] = {}
    kinds: dict[str, str] = {}
    for words, line in draft.acl_lines:
        entries.setdefault(words[1], []).append(items.acl_entry(words, draft.objects, line))
        kinds.setdefault(words[1], "standard" if "standard" in words[2:4] else "extended")
    return {n: Acl(n, kinds[n], tuple(e)) for n, e in entries.items()}


def _nat_rules(draft: Draft) -> tuple[AsaNatRule, ...]:
    twice = [items.twice_nat(w, draft.objects, line) for w, line in draft.nat_lines]
    auto = [items.object_nat(o, n, draft.objects) for o, n in draft.object_nodes]
    rules = [r for r in twice + auto if r is not None]
    order = {"manual": 0, "auto": 1, "after-auto": 2}  # the order the ASA matches them in
    return tuple(sorted(rules, key=lambda r: order[r.section]))


def _entry(seq: int, e: MapEntry, dynamic: bool) -> CryptoMapEntry:
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


def _crypto_maps(draft: Draft) -> tuple[CryptoMap, ...]:
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


def _interfaces(draft: Draft) -> dict[str, InterfaceConfig]:
    applied = {i: m for m, interfaces in draft.bindings.items() for i in interfaces}
    return {n: replace(i, crypto_map=applied.get(n)) for n, i in draft.interfaces.items()}


def _keys(draft: Draft) -> tuple[tuple[IsakmpKey, ...], tuple[Ikev2Keyring, ...]]:
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


def _tunnel_groups(draft: Draft) -> tuple[TunnelGroup, ...]:
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
    draft = Draft()
    nodes = read_tree(text)
    for node in nodes:  # objects first: ACLs and NAT rules name them before or after
        if node.words()[0] == "object":
            read_object(draft, node)
    for node in nodes:
        if node.words()[0] != "object":
            dispatch(draft, node)
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
