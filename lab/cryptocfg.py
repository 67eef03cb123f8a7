"""Crypto configuration as IOS reads it from the running config (ISAKMP, maps, ACLs, keys)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

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

    @property
    def key(self) -> str:
        return f"{self.map_name} {self.seq}"


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

    def key_for(self, peer: str) -> str | None:
        return self.keys.get(peer) or self.keys.get("0.0.0.0")

    def permits(self, acl: str | None) -> tuple[Ace, ...]:
        return tuple(a for a in self.acls.get(acl or "", ()) if a.action == "permit")


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


def read_crypto_config(tree: ConfigTree) -> CryptoConfig:
    policies, keys, tsets, entries, acls = [], {}, {}, [], {}
    map_ifs: dict[str, list[str]] = {}
    keepalive = None
    for node in tree.sections():
        w = node.line.split()
        children = [c.line for c in node.children]
        if w[:3] == ["crypto", "isakmp", "policy"] and len(w) > 3:
            policies.append(_policy(int(w[3]), children))
        elif w[:3] == ["crypto", "isakmp", "key"] and "address" in w:
            key = w[4] if w[3] in ("0", "6", "7") else w[3]
            keys[w[w.index("address") + 1]] = key
        elif w[:3] == ["crypto", "isakmp", "keepalive"] and len(w) > 3:
            keepalive = (int(w[3]), int(w[4]) if len(w) > 4 and w[4].isdigit() else 2)
        elif w[:3] == ["crypto", "ipsec", "transform-set"] and len(w) > 4:
            tsets[w[3]] = tuple(w[4:])
        elif w[:2] == ["crypto", "map"] and len(w) >= 4 and w[3].isdigit():
            entries.append(_entry(w[2], int(w[3]), children))
        elif w[:3] == ["ip", "access-list", "extended"] and len(w) > 3:
            acls[w[3]] = tuple(a for a in map(parse_ace, children) if a)
        elif w[:1] == ["access-list"] and len(w) > 2:
            ace = parse_ace(" ".join(w[2:]))
            if ace:
                acls[w[1]] = (*acls.get(w[1], ()), ace)
        elif w[0] == "interface":
            for child in children:
                cw = child.split()
                if cw[:2] == ["crypto", "map"] and len(cw) > 2:
                    map_ifs.setdefault(cw[2], []).append(w[1])
    return CryptoConfig(
        tuple(sorted(policies, key=lambda p: p.priority)),
        keys,
        tsets,
        tuple(sorted(entries, key=lambda e: (e.map_name, e.seq))),
        {k: tuple(v) for k, v in map_ifs.items()},
        acls,
        keepalive,
        tree.has_line("crypto isakmp invalid-spi-recovery"),
    )


def _entry(name: str, seq: int, lines: list[str]) -> MapEntry:
    peers: list[str] = []
    acl = pfs = None
    tsets: tuple[str, ...] = ()
    life_s, life_kb, desc = 3600, 4608000, ""
    for line in lines:
        w = line.split()
        if w[:2] == ["set", "peer"] and len(w) > 2:
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
        elif w[0] == "description":
            desc = line[len("description ") :]
    return MapEntry(name, seq, tuple(peers), acl, tsets, pfs, life_s, life_kb, desc)


ESP_NAMES = {
    "esp-aes": "esp-aes",
    "esp-3des": "esp-3des",
    "esp-sha256-hmac": "esp-sha256-hmac",
    "esp-sha-hmac": "esp-sha-hmac",
    "esp-md5-hmac": "esp-md5-hmac",
}


def show_transform(transforms: tuple[str, ...]) -> str:
    """IOS prints ``esp-aes 256`` as ``esp-256-aes`` in SA and crypto map output."""
    out: list[str] = []
    for word in transforms:
        if word.isdigit() and out and out[-1] == "esp-aes":
            out[-1] = f"esp-{word}-aes"
        else:
            out.append(word)
    return " ".join(out)
