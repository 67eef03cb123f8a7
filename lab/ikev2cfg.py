"""IKEv2 and tunnel-interface configuration as IOS-XE reads it from the running config.

``crypto ikev2 proposal / policy / keyring / profile``, ``crypto ipsec profile`` and
``interface TunnelN`` with ``tunnel source / destination / mode / protection``. Without a
``crypto ikev2 policy`` IOS-XE uses its smart default proposal (``show crypto ikev2 proposal
default``: AES-CBC 256/192/128, SHA512/384/256/SHA1/MD5, DH group 5 and 2 on 16.x, the
transforms the capture ``repo_iosxe_debug_ikev2_sa_init_no_response`` lists). Peers are
identified by IPv4 address only (``match identity remote address``), as the rest of the lab.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from lab.configtree import ConfigTree, Node
from lab.cryptocfg import CryptoConfig, MapEntry

IPv4Net = ipaddress.IPv4Network


@dataclass(frozen=True)
class Ikev2Proposal:
    name: str
    encryption: tuple[str, ...]  # "aes-cbc-256"
    integrity: tuple[str, ...]  # "sha256"
    groups: tuple[int, ...]

    def accepts(self, other: Ikev2Proposal) -> bool:
        """One transform of each type in common (RFC 7296 proposal selection)."""
        return (
            bool(set(self.encryption) & set(other.encryption))
            and bool(set(self.integrity) & set(other.integrity))
            and bool(set(self.groups) & set(other.groups))
        )

    def chosen(self, other: Ikev2Proposal) -> tuple[str, str, int]:
        """The first of ``other``'s transforms this proposal also has (the initiator's order)."""
        encr = next(e for e in other.encryption if e in self.encryption)
        integ = next(i for i in other.integrity if i in self.integrity)
        group = next(g for g in other.groups if g in self.groups)
        return encr, integ, group


DEFAULT_PROPOSAL = Ikev2Proposal(
    "default",
    ("aes-cbc-256", "aes-cbc-192", "aes-cbc-128"),
    ("sha512", "sha384", "sha256", "sha1", "md5"),
    (5, 2),
)


@dataclass(frozen=True)
class Ikev2Profile:
    name: str
    remote: tuple[IPv4Net, ...]  # match identity remote address A [M]
    auth_local: str | None  # "pre-share"
    auth_remote: str | None
    keyring: str | None  # keyring local NAME
    dpd: tuple[int, int] | None  # dpd INTERVAL RETRY on-demand|periodic
    lifetime: int = 86400
    trustpoint: str | None = None  # pki trustpoint NAME [sign] (rsa-sig): the one it signs with
    verify_trustpoints: tuple[str, ...] = ()  # pki trustpoint NAME [verify]: the CAs it trusts

    @property
    def verifiers(self) -> tuple[str, ...]:
        """The trustpoints whose CAs may have issued a peer's certificate."""
        return self.verify_trustpoints or ((self.trustpoint,) if self.trustpoint else ())

    def matches(self, address: str) -> bool:
        return any(ipaddress.IPv4Address(address) in net for net in self.remote)


@dataclass(frozen=True)
class IpsecProfile:
    name: str
    transform_sets: tuple[str, ...]
    ikev2_profile: str | None
    pfs: str | None


P2P_MODES = ("ipsec ipv4", "gre ip")


@dataclass(frozen=True)
class TunnelInterface:
    name: str  # "Tunnel0"
    source: str | None  # an interface name or an address
    destination: str | None
    mode: str  # "gre ip" (the IOS default) or "ipsec ipv4"
    protection: str | None  # ipsec profile name
    shutdown: bool

    @property
    def head(self) -> str:
        """The name IOS gives the tunnel's crypto map (``show crypto ipsec sa``)."""
        return f"{self.name}-head-0"

    @property
    def gre(self) -> bool:
        """GRE over IPsec: the SA protects GRE (IP protocol 47) between the two tunnel
        endpoints, not any/any as a VTI's does."""
        return self.mode == "gre ip"


@dataclass(frozen=True)
class Ikev2Config:
    proposals: dict[str, Ikev2Proposal] = field(default_factory=dict)
    policies: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name -> proposals
    keyrings: dict[str, dict[str, tuple[IPv4Net, str]]] = field(default_factory=dict)
    profiles: dict[str, Ikev2Profile] = field(default_factory=dict)
    ipsec_profiles: dict[str, IpsecProfile] = field(default_factory=dict)
    tunnels: tuple[TunnelInterface, ...] = ()
    # What an ASA (``lab.asaikev2``) says differently: the key it authenticates itself with
    # per profile (``ikev2 local-authentication``; IOS uses the keyring's one key both ways),
    # the interfaces ``crypto ikev2 enable`` names (None: IOS, every interface), and no smart
    # default proposal (an ASA without ``crypto ikev2 policy`` offers nothing).
    local_keys: dict[str, str] = field(default_factory=dict)
    enabled_on: tuple[str, ...] | None = None
    smart_defaults: bool = True

    def offered(self) -> tuple[Ikev2Proposal, ...]:
        """The proposals of the configured policies, else the smart default."""
        names = [p for props in self.policies.values() for p in props]
        found = tuple(self.proposals[n] for n in names if n in self.proposals)
        return found or ((DEFAULT_PROPOSAL,) if self.smart_defaults else ())

    def auth_key(self, profile: Ikev2Profile, peer: str) -> str | None:
        """The key this end computes its own AUTH payload with."""
        return self.local_keys.get(profile.name) or self.key_for(profile, peer)

    def profile_for(self, peer: str) -> Ikev2Profile | None:
        """The first profile (by name, as IOS sorts them) whose remote identity matches."""
        return next((p for _, p in sorted(self.profiles.items()) if p.matches(peer)), None)

    def key_for(self, profile: Ikev2Profile, peer: str) -> str | None:
        """The pre-shared key of the profile's keyring for ``peer``, the longest match."""
        ring = self.keyrings.get(profile.keyring or "", {})
        hits = [(net, key) for net, key in ring.values() if ipaddress.IPv4Address(peer) in net]
        return max(hits, key=lambda h: h[0].prefixlen)[1] if hits else None

    def keyring_peer(self, profile: Ikev2Profile, peer: str) -> str | None:
        ring = self.keyrings.get(profile.keyring or "", {})
        return next((n for n, (net, _) in ring.items() if ipaddress.IPv4Address(peer) in net), None)

    def vtis(self) -> tuple[TunnelInterface, ...]:
        """Point-to-point tunnels protected by an IPsec profile: static VTIs (``tunnel mode
        ipsec ipv4``) and GRE over IPsec (``tunnel mode gre ip``, the default mode)."""
        return tuple(t for t in self.tunnels if t.mode in P2P_MODES and t.protection)


def vti_entry(vti: TunnelInterface, ikev2: Ikev2Config, crypto: CryptoConfig) -> MapEntry:
    """The crypto map IOS builds for a protected tunnel (``Tunnel21-head-0``): the peer is the
    tunnel destination, the transform sets those of the IPsec profile (else the smart default
    ``default`` transform set: esp-aes esp-sha-hmac), the traffic selectors any/any."""
    prof = ikev2.ipsec_profiles.get(vti.protection or "")
    tsets = tuple(t for t in (prof.transform_sets if prof else ()) if t in crypto.transform_sets)
    peers = (vti.destination,) if vti.destination else ()
    pfs = prof.pfs if prof else None
    return MapEntry(vti.head, 1, peers, None, tsets or ("default",), pfs, 3600, 4608000, "")


def _net(words: list[str]) -> IPv4Net | None:
    """``A`` or ``A M`` after ``address`` (``match identity remote address`` / keyring)."""
    try:
        mask = words[1] if len(words) > 1 and words[1].count(".") == 3 else "255.255.255.255"
        return IPv4Net(f"{words[0]}/{mask}", strict=False)
    except (ValueError, IndexError):
        return None


def _proposal(name: str, lines: list[str]) -> Ikev2Proposal:
    encr: tuple[str, ...] = ()
    integ: tuple[str, ...] = ()
    groups: tuple[int, ...] = ()
    for line in lines:
        w = line.split()
        if w[0] == "encryption":
            encr = tuple(w[1:])
        elif w[0] == "integrity":
            integ = tuple(w[1:])
        elif w[0] == "group":
            groups = tuple(int(g) for g in w[1:] if g.isdigit())
    return Ikev2Proposal(name, encr, integ, groups)


def _keyring(node: Node) -> dict[str, tuple[IPv4Net, str]]:
    ring: dict[str, tuple[IPv4Net, str]] = {}
    for peer in node.children:
        w = peer.line.split()
        if w[0] != "peer" or len(w) < 2:
            continue
        net, key = None, None
        for child in peer.children:
            cw = child.line.split()
            if cw[0] == "address":
                net = _net(cw[1:])
            elif cw[0] == "pre-shared-key" and len(cw) > 1:
                key = cw[-1]  # "pre-shared-key [local|remote] [0|6] KEY": the key is last
        if net is not None and key is not None:
            ring[w[1]] = (net, key)
    return ring


def _profile(name: str, lines: list[str]) -> Ikev2Profile:
    remote: list[IPv4Net] = []
    values: dict[str, str | None] = {"local": None, "remote": None, "keyring": None, "pki": None}
    dpd = None
    verify: list[str] = []
    for line in lines:
        w = line.split()
        if w[:4] == ["match", "identity", "remote", "address"] and (net := _net(w[4:])):
            remote.append(net)
        elif w[0] == "authentication" and len(w) > 2 and w[1] in ("local", "remote"):
            values[w[1]] = w[2]
        elif w[:2] == ["keyring", "local"] and len(w) > 2:
            values["keyring"] = w[2]
        elif w[:2] == ["pki", "trustpoint"] and len(w) > 2:
            role = w[3] if len(w) > 3 else ""  # "sign", "verify", or both when absent
            values["pki"] = values["pki"] or (w[2] if role != "verify" else None)
            verify += [w[2]] if role != "sign" else []
        elif w[0] == "dpd" and len(w) > 2 and w[1].isdigit() and w[2].isdigit():
            dpd = (int(w[1]), int(w[2]))
    return Ikev2Profile(
        name, tuple(remote), values["local"], values["remote"], values["keyring"], dpd,
        trustpoint=values["pki"], verify_trustpoints=tuple(verify),
    )  # fmt: skip


def _ipsec_profile(name: str, lines: list[str]) -> IpsecProfile:
    tsets: tuple[str, ...] = ()
    ikev2 = pfs = None
    for line in lines:
        w = line.split()
        if w[:2] == ["set", "transform-set"]:
            tsets = tuple(w[2:])
        elif w[:2] == ["set", "ikev2-profile"] and len(w) > 2:
            ikev2 = w[2]
        elif w[:2] == ["set", "pfs"]:
            pfs = w[2] if len(w) > 2 else "group1"
    return IpsecProfile(name, tsets, ikev2, pfs)


def _tunnel(name: str, lines: list[str]) -> TunnelInterface:
    values: dict[str, str | None] = {"source": None, "destination": None, "protection": None}
    mode = "gre ip"
    for line in lines:
        w = line.split()
        if w[:1] == ["tunnel"] and len(w) > 2 and w[1] in ("source", "destination"):
            values[w[1]] = w[2]
        elif w[:2] == ["tunnel", "mode"]:
            mode = " ".join(w[2:])
        elif w[:4] == ["tunnel", "protection", "ipsec", "profile"] and len(w) > 4:
            values["protection"] = w[4]
    return TunnelInterface(
        name,
        values["source"],
        values["destination"],
        mode,
        values["protection"],
        "shutdown" in lines,
    )


def read_ikev2_config(tree: ConfigTree) -> Ikev2Config:
    cfg = Ikev2Config()
    tunnels: list[TunnelInterface] = []
    for node in tree.sections():
        w = node.line.split()
        lines = [c.line for c in node.children]
        if w[:2] == ["crypto", "ikev2"] and len(w) > 3:
            _read_ikev2(cfg, w[2], w[3], node, lines)
        elif w[:3] == ["crypto", "ipsec", "profile"] and len(w) > 3:
            cfg.ipsec_profiles[w[3]] = _ipsec_profile(w[3], lines)
        elif w[:1] == ["interface"] and len(w) > 1 and w[1].startswith("Tunnel"):
            tunnels.append(_tunnel(w[1], lines))
    return Ikev2Config(
        cfg.proposals, cfg.policies, cfg.keyrings, cfg.profiles, cfg.ipsec_profiles, tuple(tunnels)
    )


def _read_ikev2(cfg: Ikev2Config, kind: str, name: str, node: Node, lines: list[str]) -> None:
    if kind == "proposal":
        cfg.proposals[name] = _proposal(name, lines)
    elif kind == "policy":
        cfg.policies[name] = tuple(ln.split()[1] for ln in lines if ln.startswith("proposal "))
    elif kind == "keyring":
        cfg.keyrings[name] = _keyring(node)
    elif kind == "profile":
        cfg.profiles[name] = _profile(name, lines)
