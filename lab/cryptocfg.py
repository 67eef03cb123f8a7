"""Crypto configuration as IOS reads it from the running config (ISAKMP, maps, ACLs, keys).

Aggressive mode is started the two ways IOS documents:

- ``crypto isakmp peer address X`` with ``set aggressive-mode password P`` and/or
  ``set aggressive-mode client-endpoint ...`` (IKE: Initiate Aggressive Mode, 12.2(8)T; the
  ``crypto isakmp aggressive-mode disable`` command reference says either ``set`` line makes
  the router initiate aggressive mode). The password is the pre-shared key.
- an ISAKMP profile with ``initiate mode aggressive``, attached to a crypto map entry by
  ``set isakmp-profile NAME``; its key comes from the profile's ``keyring`` (``crypto keyring``
  / ``pre-shared-key address A key K``), else from ``crypto isakmp key``.

``crypto isakmp aggressive-mode disable`` blocks aggressive mode in both directions.
The hostname/FQDN forms (``crypto isakmp peer hostname``, ``client-endpoint fqdn``) are read but
the lab identifies peers by IPv4 address only.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from lab.configtree import ConfigTree

IPv4Net = ipaddress.IPv4Network


@dataclass(frozen=True)
class IsakmpPolicy:
    priority: int
    encr: str = "des"  # IOS defaults when a policy line is absent
    hash: str = "sha"
    auth: str = "rsa-sig"
    group: int = 1
    lifetime: int = 86400

    def matches(self, other: IsakmpPolicy) -> str | None:
        """None if acceptable, else the IOS debug reason for the first mismatch."""
        if self.encr != other.encr:
            return "Encryption algorithm offered does not match policy!"
        if self.hash != other.hash:
            return "Hash algorithm offered does not match policy!"
        if self.auth != other.auth:
            return "Authentication method offered does not match policy!"
        if self.group != other.group:
            return "Diffie-Hellman group offered does not match policy!"
        return None


@dataclass(frozen=True)
class Ace:
    action: str
    src: IPv4Net
    dst: IPv4Net


@dataclass(frozen=True)
class MapEntry:
    map_name: str
    seq: int
    peers: tuple[str, ...]
    acl: str | None
    transform_sets: tuple[str, ...]
    pfs: str | None
    lifetime_sec: int
    lifetime_kb: int
    description: str
    isakmp_profile: str | None = None
    ikev2_profile: str | None = None  # ``set ikev2-profile``: an IKEv2 crypto map entry

    @property
    def key(self) -> str:
        return f"{self.map_name} {self.seq}"


@dataclass(frozen=True)
class IsakmpProfile:
    name: str
    aggressive: bool  # ``initiate mode aggressive``
    keyring: str | None


@dataclass(frozen=True)
class AggressivePeer:
    """``crypto isakmp peer address X`` with its ``set aggressive-mode`` lines."""

    address: str
    password: str | None
    client_endpoint: str | None


@dataclass(frozen=True)
class CryptoConfig:
    policies: tuple[IsakmpPolicy, ...]
    keys: dict[str, str]  # peer address (or 0.0.0.0 wildcard) -> key
    transform_sets: dict[str, tuple[str, ...]]
    entries: tuple[MapEntry, ...]
    map_interfaces: dict[str, tuple[str, ...]]
    acls: dict[str, tuple[Ace, ...]]
    keepalive: tuple[int, int] | None  # (interval, retry)
    invalid_spi_recovery: bool
    profiles: dict[str, IsakmpProfile] = field(default_factory=dict)
    keyrings: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> peer -> key
    aggressive_peers: dict[str, AggressivePeer] = field(default_factory=dict)
    aggressive_disabled: bool = False
    # An ASA answers main mode from a peer it has no tunnel group for (DefaultL2LGroup takes
    # it) and finds the missing key only at MSG3; IOS ignores such an MM1.
    key_checked_late: bool = False
    # (source, destination) of traffic NAT rewrites before the crypto map sees it (an ASA
    # without a NAT exemption): it matches no crypto ACL, so nothing of it is encrypted.
    translated: tuple[Ace, ...] = ()

    def nat_translates(self, src: str, dst: str) -> bool:
        s, d = ipaddress.IPv4Address(src), ipaddress.IPv4Address(dst)
        return any(s in a.src and d in a.dst for a in self.translated)

    def key_for(self, peer: str) -> str | None:
        found = self.keys.get(peer) or self.keys.get("0.0.0.0")
        if found is None:  # a responder also finds keys in any keyring (no profile matched yet)
            found = next((k for r in self.keyrings.values() if (k := _ring_key(r, peer))), None)
        return found

    def aggressive_wanted(self, entry: MapEntry, peer: str) -> bool:
        """Does this entry's configuration ask IOS to start aggressive mode toward ``peer``?"""
        if peer in self.aggressive_peers:
            return True
        profile = self.profiles.get(entry.isakmp_profile or "")
        return profile is not None and profile.aggressive

    def initiator_key(self, entry: MapEntry, peer: str) -> str | None:
        """The pre-shared key this router uses when it starts phase 1 toward ``peer``."""
        am_peer = self.aggressive_peers.get(peer)
        if am_peer is not None and am_peer.password is not None:
            return am_peer.password
        profile = self.profiles.get(entry.isakmp_profile or "")
        ring = self.keyrings.get(profile.keyring or "") if profile else None
        return (_ring_key(ring, peer) if ring else None) or self.key_for(peer)

    def permits(self, acl: str | None) -> tuple[Ace, ...]:
        return tuple(a for a in self.acls.get(acl or "", ()) if a.action == "permit")


def _ring_key(ring: dict[str, str], peer: str) -> str | None:
    return ring.get(peer) or ring.get("0.0.0.0")


_ENCR = {"aes": "aes", "3des": "3des", "des": "des"}


def _policy(priority: int, lines: list[str]) -> IsakmpPolicy:
    values: dict[str, object] = {}
    for line in lines:
        w = line.split()
        if w[0] in ("encr", "encryption") and len(w) > 1:
            values["encr"] = _ENCR.get(w[1], w[1]) + (f" {w[2]}" if len(w) > 2 else "")
        elif w[0] == "hash" and len(w) > 1:
            values["hash"] = w[1]
        elif w[0] == "authentication" and len(w) > 1:
            values["auth"] = w[1]
        elif w[0] == "group" and len(w) > 1 and w[1].isdigit():
            values["group"] = int(w[1])
        elif w[0] == "lifetime" and len(w) > 1 and w[1].isdigit():
            values["lifetime"] = int(w[1])
    return IsakmpPolicy(priority, **values)  # type: ignore[arg-type]


def _wildcard_net(addr: str, wildcard: str) -> IPv4Net:
    mask = ".".join(str(255 - int(o)) for o in wildcard.split("."))
    return IPv4Net(f"{addr}/{mask}", strict=False)


def _ace_net(words: list[str]) -> tuple[IPv4Net, list[str]] | None:
    if not words:
        return None
    if words[0] == "any":
        return IPv4Net("0.0.0.0/0"), words[1:]
    if words[0] == "host" and len(words) > 1:
        return IPv4Net(f"{words[1]}/32"), words[2:]
    if len(words) > 1:
        try:
            return _wildcard_net(words[0], words[1]), words[2:]
        except ValueError:
            return None
    return None


def parse_ace(line: str) -> Ace | None:
    """``permit ip 10.1.0.0 0.0.0.255 10.0.0.0 0.0.0.255`` (sequence number optional)."""
    w = line.split()
    if w and w[0].isdigit():
        w = w[1:]
    if len(w) < 3 or w[0] not in ("permit", "deny"):
        return None
    src = _ace_net(w[2:])
    if src is None:
        return None
    dst = _ace_net(src[1])
    if dst is None:
        return None
    return Ace(w[0], src[0], dst[0])


def _profile(name: str, lines: list[str]) -> IsakmpProfile:
    aggressive, keyring = False, None
    for line in lines:
        w = line.split()
        if w[:3] == ["initiate", "mode", "aggressive"]:
            aggressive = True
        elif w[:1] == ["keyring"] and len(w) > 1:
            keyring = w[1]
    return IsakmpProfile(name, aggressive, keyring)


def _keyring(lines: list[str]) -> dict[str, str]:
    """``pre-shared-key address 203.0.113.1 [mask] key SECRET`` lines of a ``crypto keyring``."""
    ring: dict[str, str] = {}
    for line in lines:
        w = line.split()
        if w[:2] == ["pre-shared-key", "address"] and "key" in w[3:] and len(w) > 2:
            at = w.index("key", 3)
            if at + 1 < len(w):
                ring[w[2]] = w[-1] if w[at + 1] in ("0", "6", "7") else w[at + 1]
    return ring


def _aggressive_peer(address: str, lines: list[str]) -> AggressivePeer | None:
    password = endpoint = None
    for line in lines:
        w = line.split()
        if w[:3] == ["set", "aggressive-mode", "password"] and len(w) > 3:
            password = w[3]
        elif w[:3] == ["set", "aggressive-mode", "client-endpoint"] and len(w) > 4:
            endpoint = w[4]
    if password is None and endpoint is None:
        return None
    return AggressivePeer(address, password, endpoint)


@dataclass
class _Sections:
    """What ``read_crypto_config`` has collected so far, section by section."""

    policies: list[IsakmpPolicy] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)
    tsets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    entries: list[MapEntry] = field(default_factory=list)
    acls: dict[str, tuple[Ace, ...]] = field(default_factory=dict)
    map_ifs: dict[str, list[str]] = field(default_factory=dict)
    profiles: dict[str, IsakmpProfile] = field(default_factory=dict)
    keyrings: dict[str, dict[str, str]] = field(default_factory=dict)
    am_peers: dict[str, AggressivePeer] = field(default_factory=dict)
    keepalive: tuple[int, int] | None = None


def read_crypto_config(tree: ConfigTree) -> CryptoConfig:
    found = _Sections()
    for node in tree.sections():
        _read_section(found, node.line.split(), [c.line for c in node.children])
    return CryptoConfig(
        tuple(sorted(found.policies, key=lambda p: p.priority)),
        found.keys,
        found.tsets,
        tuple(sorted(found.entries, key=lambda e: (e.map_name, e.seq))),
        {k: tuple(v) for k, v in found.map_ifs.items()},
        found.acls,
        found.keepalive,
        tree.has_line("crypto isakmp invalid-spi-recovery"),
        found.profiles,
        found.keyrings,
        found.am_peers,
        tree.has_line("crypto isakmp aggressive-mode disable"),
    )


def _read_section(found: _Sections, w: list[str], children: list[str]) -> None:
    """One global line ``w`` (split in words) and its sub-mode lines."""
    if w[:3] == ["crypto", "isakmp", "profile"] and len(w) > 3:
        found.profiles[w[3]] = _profile(w[3], children)
    elif w[:2] == ["crypto", "keyring"] and len(w) > 2:
        found.keyrings[w[2]] = _keyring(children)
    elif w[:4] == ["crypto", "isakmp", "peer", "address"] and len(w) > 4:
        am_peer = _aggressive_peer(w[4], children)
        if am_peer is not None:
            found.am_peers[w[4]] = am_peer
    elif w[:3] == ["crypto", "isakmp", "policy"] and len(w) > 3:
        found.policies.append(_policy(int(w[3]), children))
    elif w[:3] == ["crypto", "isakmp", "key"] and "address" in w:
        key = w[4] if w[3] in ("0", "6", "7") else w[3]
        found.keys[w[w.index("address") + 1]] = key
    elif w[:3] == ["crypto", "isakmp", "keepalive"] and len(w) > 3:
        found.keepalive = (int(w[3]), int(w[4]) if len(w) > 4 and w[4].isdigit() else 2)
    elif w[:3] == ["crypto", "ipsec", "transform-set"] and len(w) > 4:
        found.tsets[w[3]] = tuple(w[4:])
    elif w[:2] == ["crypto", "map"] and len(w) >= 4 and w[3].isdigit():
        found.entries.append(_entry(w[2], int(w[3]), children))
    else:
        _read_acl_or_interface(found, w, children)


def _read_acl_or_interface(found: _Sections, w: list[str], children: list[str]) -> None:
    if w[:3] == ["ip", "access-list", "extended"] and len(w) > 3:
        found.acls[w[3]] = tuple(a for a in map(parse_ace, children) if a)
    elif w[:1] == ["access-list"] and len(w) > 2:
        ace = parse_ace(" ".join(w[2:]))
        if ace:
            found.acls[w[1]] = (*found.acls.get(w[1], ()), ace)
    elif w[0] == "interface":
        for child in children:
            cw = child.split()
            if cw[:2] == ["crypto", "map"] and len(cw) > 2:
                found.map_ifs.setdefault(cw[2], []).append(w[1])


def _entry(name: str, seq: int, lines: list[str]) -> MapEntry:
    peers: list[str] = []
    acl = pfs = None
    tsets: tuple[str, ...] = ()
    life_s, life_kb, desc = 3600, 4608000, ""
    profile = ikev2 = None
    for line in lines:
        w = line.split()
        if w[:2] == ["set", "ikev2-profile"] and len(w) > 2:
            ikev2 = w[2]
        elif w[:2] == ["set", "peer"] and len(w) > 2:
            peers.append(w[2])
        elif w[:2] == ["match", "address"] and len(w) > 2:
            acl = w[2]
        elif w[:2] == ["set", "transform-set"]:
            tsets = tuple(w[2:])
        elif w[:2] == ["set", "pfs"]:
            pfs = w[2] if len(w) > 2 else "group1"
        elif w[:3] == ["set", "security-association", "lifetime"] and len(w) > 4:
            if w[3] == "seconds":
                life_s = int(w[4])
            elif w[3] == "kilobytes":
                life_kb = int(w[4])
        elif w[:2] in (["set", "isakmp-profile"], ["set", "isakmp"]) and len(w) > 2:
            profile = w[2]  # ``set isakmp`` is the abbreviation IOS also accepts
        elif w[0] == "description":
            desc = line[len("description ") :]
    return MapEntry(name, seq, tuple(peers), acl, tsets, pfs, life_s, life_kb, desc, profile, ikev2)


ESP_NAMES = {
    "esp-aes": "esp-aes",
    "esp-3des": "esp-3des",
    "esp-sha256-hmac": "esp-sha256-hmac",
    "esp-sha-hmac": "esp-sha-hmac",
    "esp-md5-hmac": "esp-md5-hmac",
}


def show_transform(transforms: tuple[str, ...], aes_form: str = "esp-{bits}-aes") -> str:
    """IOS prints ``esp-aes 256`` as ``esp-256-aes`` in SA and crypto map output (an ASA as
    ``esp-aes-256``: ``aes_form`` says where the key length goes)."""
    out: list[str] = []
    for word in transforms:
        if word.isdigit() and out and out[-1] == "esp-aes":
            out[-1] = aes_form.format(bits=word)
        else:
            out.append(word)
    return " ".join(out)
