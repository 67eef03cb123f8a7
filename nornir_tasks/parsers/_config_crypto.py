"""Crypto sections of a running configuration: one pure function per block type.

Sample::

    crypto isakmp policy 100
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    crypto isakmp key 6 <secret> address 203.0.113.1 255.255.255.255 no-xauth
    crypto keyring VPN
      pre-shared-key address 61.128.1.1 key <secret>
    crypto isakmp profile VPN
       keyring VPN
       match identity address 61.128.1.1 255.255.255.255
       initiate mode aggressive
    crypto isakmp peer address 14.38.69.71
     set aggressive-mode password <secret>
     set aggressive-mode client-endpoint ipv4-address 14.38.69.70
    crypto ikev2 proposal P1
     encryption aes-cbc-256
     integrity sha256
     group 14
    crypto ipsec transform-set VPN esp-3des esp-sha-hmac
     mode tunnel
    crypto map VPN1 10 ipsec-isakmp
     set peer 61.128.1.1
     set transform-set VPN
     match address PROXY-ACL
    crypto ipsec profile GLOBAL-EZVPN
     set transform-set EZVPN
"""

from __future__ import annotations

from nornir_tasks.models.config import (
    CryptoMapEntry,
    Ikev2Keyring,
    Ikev2KeyringPeer,
    Ikev2Policy,
    Ikev2Profile,
    Ikev2Proposal,
    IpsecProfile,
    IsakmpKeepalive,
    IsakmpKey,
    IsakmpPeer,
    IsakmpPolicy,
    IsakmpProfile,
    Keyring,
    KeyringPeer,
    TransformSet,
)
from nornir_tasks.parsers._common import to_int
from nornir_tasks.parsers._config_tree import ConfigNode

_KEY_TYPES = ("0", "6", "7")


def _after(words: list[str], keyword: str) -> str | None:
    """The word after ``keyword``, if any."""
    if keyword in words:
        i = words.index(keyword)
        return words[i + 1] if i + 1 < len(words) else None
    return None


def _rest(node: ConfigNode, count: int) -> str:
    """The line without its first ``count`` words."""
    parts = node.text.split(maxsplit=count)
    return parts[count] if len(parts) > count else ""


def _key_type_and_rest(words: list[str]) -> tuple[int, list[str]]:
    """``[6] <secret> rest...`` -> (6, rest); the secret itself is dropped."""
    if len(words) >= 2 and words[0] in _KEY_TYPES:
        return int(words[0]), words[2:]
    return 0, words[1:]


def isakmp_policy(node: ConfigNode) -> IsakmpPolicy:
    """``crypto isakmp policy N``."""
    values = {c.words()[0]: _rest(c, 1) for c in node.children if c.words()}
    encryption = values.get("encryption") or values.get("encr")
    return IsakmpPolicy(
        priority=to_int(node.words()[3]) or 0,
        encryption=encryption or None,
        hash=values.get("hash") or None,
        authentication=values.get("authentication") or None,
        group=to_int(values.get("group")),
        lifetime_s=to_int(values.get("lifetime")),
    )


def isakmp_key(node: ConfigNode) -> IsakmpKey:
    """``crypto isakmp key [0|6|7] <secret> address A [M] [no-xauth]`` / ``hostname H``."""
    words = node.words()[3:]
    # "crypto isakmp key 6 address 1.1.1.1": a clear key that is literally "6".
    typed = len(words) > 2 and words[0] in _KEY_TYPES and words[1] not in ("address", "hostname")
    key_type, rest = _key_type_and_rest(words) if typed else (0, words[1:])
    address = _after(rest, "address")
    if address == "ipv6":
        address = _after(rest, "ipv6")
    mask = None
    if address and "address" in rest:
        i = rest.index("address") + 2
        mask = rest[i] if i < len(rest) and rest[i][:1].isdigit() else None
    return IsakmpKey(key_type, address, mask, _after(rest, "hostname"), "no-xauth" in rest)


def isakmp_keepalive(node: ConfigNode) -> IsakmpKeepalive:
    """``crypto isakmp keepalive 10 3 periodic``."""
    words = node.words()[3:]
    numbers = [w for w in words if w.isdigit()]
    mode = next((w for w in words if w in ("periodic", "on-demand")), None)
    retry = to_int(numbers[1]) if len(numbers) > 1 else None
    return IsakmpKeepalive(to_int(numbers[0]) or 0 if numbers else 0, retry, mode)


def keyring(node: ConfigNode) -> Keyring:
    """``crypto keyring NAME [vrf V]`` with ``pre-shared-key`` lines (secrets dropped)."""
    words = node.words()
    peers = []
    local = None
    for child in node.children:
        cw = child.words()
        if cw[:1] == ["pre-shared-key"] and "key" in cw:
            target = cw[1 : cw.index("key")]
            key_type, _ = _key_type_and_rest(cw[cw.index("key") + 1 :])
            address = _after(target, "address")
            mask = target[2] if address and len(target) > 2 else None
            peers.append(KeyringPeer(address, mask, _after(target, "hostname"), key_type))
        elif cw[:1] == ["local-address"] and len(cw) > 1:
            local = cw[1]
    return Keyring(words[2] if len(words) > 2 else "", _after(words, "vrf"), local, tuple(peers))


def isakmp_profile(node: ConfigNode) -> IsakmpProfile:
    """``crypto isakmp profile NAME``."""
    keyrings, identities = [], []
    values: dict[str, str] = {}
    for child in node.children:
        cw = child.words()
        if cw[:1] == ["keyring"] and len(cw) > 1:
            keyrings.append(cw[1])
        elif cw[:2] == ["match", "identity"]:
            identities.append(_rest(child, 2))
        elif cw:
            values[cw[0]] = _rest(child, 1)
    return IsakmpProfile(
        name=node.words()[3] if len(node.words()) > 3 else "",
        keyrings=tuple(keyrings),
        match_identities=tuple(identities),
        local_address=values.get("local-address") or None,
        virtual_template=to_int(values.get("virtual-template")),
        vrf=values.get("vrf") or None,
        keepalive=values.get("keepalive") or None,
        initiate_mode=_after(values.get("initiate", "").split(), "mode"),
    )


def isakmp_peer(node: ConfigNode) -> IsakmpPeer:
    """``crypto isakmp peer address A`` / ``hostname H`` with ``set aggressive-mode`` lines."""
    words = node.words()
    key_type, endpoint = None, None
    for child in node.children:
        cw = child.words()
        # set aggressive-mode password [0|6|7] <secret>: the secret is dropped
        if cw[:3] == ["set", "aggressive-mode", "password"] and len(cw) > 3:
            key_type = _key_type_and_rest(cw[3:])[0]
        # set aggressive-mode client-endpoint ipv4-address 14.38.69.70
        elif cw[:3] == ["set", "aggressive-mode", "client-endpoint"] and len(cw) > 3:
            endpoint = " ".join(cw[3:])
    address = _after(words, "address")
    return IsakmpPeer(
        address=_after(words, "ipv6") if address == "ipv6" else address,
        hostname=_after(words, "hostname"),
        aggressive_key_type=key_type,
        client_endpoint=endpoint,
    )


def _name(node: ConfigNode, index: int) -> str:
    words = node.words()
    return words[index] if len(words) > index else ""


def ikev2_proposal(node: ConfigNode) -> Ikev2Proposal:
    """``crypto ikev2 proposal NAME``."""
    values: dict[str, tuple[str, ...]] = {}
    for child in node.children:
        cw = child.words()
        if cw:
            values[cw[0]] = values.get(cw[0], ()) + tuple(cw[1:])
    return Ikev2Proposal(
        name=_name(node, 3),
        encryption=values.get("encryption", ()),
        integrity=values.get("integrity", ()),
        prf=values.get("prf", ()),
        group=values.get("group", ()),
    )


def ikev2_policy(node: ConfigNode) -> Ikev2Policy:
    """``crypto ikev2 policy NAME``."""
    proposals = [w for c in node.children if c.words()[:1] == ["proposal"] for w in c.words()[1:]]
    matches = [_rest(c, 1) for c in node.children if c.words()[:1] == ["match"]]
    return Ikev2Policy(_name(node, 3), tuple(proposals), tuple(matches))


def _ikev2_peer(node: ConfigNode) -> Ikev2KeyringPeer:
    values: dict[str, list[str]] = {}
    key_types = []
    for child in node.children:
        cw = child.words()
        if cw[:1] == ["pre-shared-key"]:
            rest = cw[2:] if cw[1:2] in (["local"], ["remote"]) else cw[1:]
            key_types.append(_key_type_and_rest(rest)[0])
        elif cw:
            values[cw[0]] = cw[1:]
    address = values.get("address", [])
    identity = values.get("identity")
    return Ikev2KeyringPeer(
        name=_name(node, 1),
        address=address[0] if address else None,
        mask=address[1] if len(address) > 1 else None,
        hostname=values["hostname"][0] if values.get("hostname") else None,
        identity=" ".join(identity) if identity else None,
        key_types=tuple(key_types),
    )


def ikev2_keyring(node: ConfigNode) -> Ikev2Keyring:
    """``crypto ikev2 keyring NAME`` with ``peer`` blocks (secrets dropped)."""
    peers = [_ikev2_peer(c) for c in node.children if c.words()[:1] == ["peer"]]
    return Ikev2Keyring(_name(node, 3), tuple(peers))


def ikev2_profile(node: ConfigNode) -> Ikev2Profile:
    """``crypto ikev2 profile NAME``."""
    identities, auth_local, auth_remote, pki = [], [], [], []
    values: dict[str, str] = {}
    for child in node.children:
        cw = child.words()
        if cw[:2] == ["pki", "trustpoint"] and len(cw) > 2:
            pki.append(cw[2:4])  # pki trustpoint NAME [sign|verify]
        elif cw[:2] == ["match", "identity"]:
            identities.append(_rest(child, 2))
        elif cw[:2] == ["authentication", "local"]:
            auth_local.append(_rest(child, 2))
        elif cw[:2] == ["authentication", "remote"]:
            auth_remote.append(_rest(child, 2))
        elif cw[:2] == ["identity", "local"]:
            values["identity local"] = _rest(child, 2)
        elif cw:
            values[cw[0]] = _rest(child, 1)
    return Ikev2Profile(
        name=_name(node, 3),
        match_identities=tuple(identities),
        identity_local=values.get("identity local"),
        authentication_local=tuple(auth_local),
        authentication_remote=tuple(auth_remote),
        keyring=values.get("keyring") or None,
        dpd=values.get("dpd") or None,
        lifetime_s=to_int(values.get("lifetime")),
        pki_trustpoint=next((w[0] for w in pki if w[1:] != ["verify"]), None),
        pki_verify=tuple(w[0] for w in pki if w[1:] != ["sign"]),
    )


def transform_set(node: ConfigNode) -> TransformSet:
    """``crypto ipsec transform-set NAME transforms...`` and ``mode``."""
    words = node.words()
    mode = next((c.words()[1] for c in node.children if c.words()[:1] == ["mode"]), None)
    return TransformSet(_name(node, 3), tuple(words[4:]), mode)


def _lifetime(children: list[ConfigNode], unit: str) -> int | None:
    for child in children:
        cw = child.words()
        if cw[:3] == ["set", "security-association", "lifetime"] and unit in cw:
            return to_int(_after(cw, unit))
    return None


def _set_values(children: list[ConfigNode]) -> dict[str, list[str]]:
    """``set <what> args`` lines as what -> args (``set peer`` accumulates)."""
    values: dict[str, list[str]] = {}
    for child in children:
        cw = child.words()
        if cw[:1] == ["set"] and len(cw) > 1:
            args = cw[2:]
            if cw[1] == "peer" and args:
                args = args[:1]  # "set peer 10.1.1.1 default": the address only
            values.setdefault(cw[1], []).extend(args)
    return values


def _first(values: dict[str, list[str]], key: str) -> str | None:
    found = values.get(key)
    return found[0] if found else None


def _pfs(values: dict[str, list[str]]) -> str | None:
    """``set pfs group14``; a bare ``set pfs`` means group1."""
    if "pfs" not in values:
        return None
    return _first(values, "pfs") or "group1"


def crypto_map_entry(node: ConfigNode, seq_index: int) -> CryptoMapEntry:
    """``crypto map NAME SEQ ipsec-isakmp [dynamic DYN]`` or ``crypto dynamic-map NAME SEQ``."""
    words = node.words()
    values = _set_values(node.children)
    match = next((_rest(c, 2) for c in node.children if c.words()[:2] == ["match", "address"]), "")
    reverse = next((_rest(c, 1) for c in node.children if c.words()[:1] == ["reverse-route"]), None)
    map_type = words[seq_index + 1] if len(words) > seq_index + 1 else None
    return CryptoMapEntry(
        seq=to_int(words[seq_index]) or 0,
        type=map_type,
        dynamic_map=_after(words, "dynamic"),
        peers=tuple(values.get("peer", ())),
        transform_sets=tuple(values.get("transform-set", ())),
        match_address=match or None,
        pfs=_pfs(values),
        lifetime_s=_lifetime(node.children, "seconds"),
        lifetime_kb=_lifetime(node.children, "kilobytes"),
        isakmp_profile=_first(values, "isakmp-profile"),
        ikev2_profile=_first(values, "ikev2-profile"),
        reverse_route=reverse,
    )


def ipsec_profile(node: ConfigNode) -> IpsecProfile:
    """``crypto ipsec profile NAME``."""
    values = _set_values(node.children)
    return IpsecProfile(
        name=_name(node, 3),
        transform_sets=tuple(values.get("transform-set", ())),
        pfs=_pfs(values),
        isakmp_profile=_first(values, "isakmp-profile"),
        ikev2_profile=_first(values, "ikev2-profile"),
        lifetime_s=_lifetime(node.children, "seconds"),
    )
