"""An ASA's crypto configuration read into the lab's one ``CryptoConfig``, so the same IKE
engine negotiates for an ASA as for an IOS router.

What the ASA says differently, and how it lands in ``CryptoConfig``:

- ``crypto ikev1 policy N`` (``encryption aes-256``, ``hash sha``, ``group 14``): policies
  in IOS terms (``aes 256``), with the ASA's defaults (3DES, SHA, group 2, pre-share);
- pre-shared keys live in ``tunnel-group <name> ipsec-attributes`` / ``ikev1 pre-shared-key``.
  For a LAN-to-LAN peer authenticated by key the ASA finds the tunnel group by the peer's
  address: a group named anything else is never used for it, so only groups named by an
  address give keys (a misnamed group is the classic "no PSK for the peer" fault). Such a
  peer lands on DefaultL2LGroup, which answers main mode and fails at MSG3 for want of a key
  (``key_checked_late``: the initiator is left in MM_WAIT_MSG4, IOS's MM_SA_SETUP);
- ``crypto map M N match address | set peer | set ikev1 transform-set | set pfs`` lines build
  the entries; a bare ``set pfs`` is group 2 on the ASA (group 1 on IOS);
- ``crypto ipsec ikev1 transform-set T esp-aes-256 esp-sha-hmac``: transforms in IOS words
  (``esp-aes 256``) so a transform set compares equal to the IOS peer's;
- ``crypto ipsec ikev2 ipsec-proposal P`` (``protocol esp encryption aes-256 aes``,
  ``protocol esp integrity sha-1``): one transform set per encryption x integrity, the first
  named ``P``, the others ``P#2``...; an entry with ``set ikev2 ipsec-proposal P`` is an IKEv2
  entry (``MapEntry.ikev2_profile``: the tunnel group of its peer, ``lab.asaikev2``) that
  offers them all. An entry with both versions' lines is read as IKEv2 (the lab's ASAs run
  one version per entry);
- ``crypto map M interface outside`` binds the map, but IKEv1 runs on ``outside`` only with
  ``crypto ikev1 enable outside`` (IKEv2 with ``crypto ikev2 enable outside``): without either
  the ASA neither starts nor answers IKE there, so the map counts as bound only where one is
  enabled. An interface with IKEv1 enabled and
  no map still answers phase 1 (``IKEV1_ONLY`` stands for it), but the entries of an unbound
  map are not there for quick mode: "no matching crypto map entry";
- access lists use masks, not wildcards (``permit ip 10.31.0.0 255.255.255.0 object HQ``);
- NAT: traffic that a dynamic NAT rule translates before the crypto map sees it (no identity
  ``nat ... source static A A destination static B B`` rule first) no longer matches the
  crypto ACL: such (source, destination) pairs are listed in ``CryptoConfig.translated``.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from lab.configtree import ConfigTree
from lab.cryptocfg import Ace, CryptoConfig, IsakmpPolicy, MapEntry, show_transform

IPv4Net = ipaddress.IPv4Network
ANY = IPv4Net("0.0.0.0/0")
# Not a map name (those have no blanks): the interfaces where IKEv1 is enabled, map or not.
IKEV1_ONLY = " ikev1 enabled"
_ENCRYPTION = {"aes": "aes", "aes-192": "aes 192", "aes-256": "aes 256", "3des": "3des"}
#  protocol esp encryption aes-256  ->  IOS "esp-aes 256";  integrity sha-1  ->  esp-sha-hmac
_ESP_ENCRYPTION = {
    "aes": ("esp-aes",),
    "aes-192": ("esp-aes", "192"),
    "aes-256": ("esp-aes", "256"),
    "aes-gcm": ("esp-gcm",),
    "aes-gcm-256": ("esp-gcm", "256"),
    "3des": ("esp-3des",),
    "des": ("esp-des",),
}
_ESP_INTEGRITY = {
    "sha-1": "esp-sha-hmac",
    "sha-256": "esp-sha256-hmac",
    "sha-384": "esp-sha384-hmac",
    "sha-512": "esp-sha512-hmac",
    "md5": "esp-md5-hmac",
}


def asa_transform(words: list[str]) -> tuple[str, ...]:
    """``esp-aes-256 esp-sha-hmac`` as IOS writes it: ``esp-aes 256 esp-sha-hmac``."""
    out: list[str] = []
    for word in words:
        if word.startswith("esp-aes-") and word[8:].isdigit():
            out += ["esp-aes", word[8:]]
        else:
            out.append(word)
    return tuple(out)


def ios_to_asa_transform(transform: tuple[str, ...]) -> str:
    """The reverse, for the ASA's own show commands: ``esp-aes-256 esp-sha-hmac``."""
    return show_transform(transform, aes_form="esp-aes-{bits}")


def _policy(priority: int, lines: list[str]) -> IsakmpPolicy:
    values: dict[str, object] = {"encr": "3des", "hash": "sha", "auth": "pre-share", "group": 2}
    for line in lines:
        w = line.split()
        if w[0] == "encryption" and len(w) > 1:
            values["encr"] = _ENCRYPTION.get(w[1], w[1])
        elif w[0] == "hash" and len(w) > 1:
            values["hash"] = w[1]
        elif w[0] == "authentication" and len(w) > 1:
            values["auth"] = w[1]
        elif w[0] == "group" and len(w) > 1 and w[1].isdigit():
            values["group"] = int(w[1])
        elif w[0] == "lifetime" and len(w) > 1 and w[1].isdigit():
            values["lifetime"] = int(w[1])
    return IsakmpPolicy(priority, **values)  # type: ignore[arg-type]


def _is_address(word: str) -> bool:
    try:
        ipaddress.IPv4Address(word)
    except ValueError:
        return False
    return True


@dataclass
class _Read:
    """What ``read_asa_crypto`` has collected, line by line."""

    objects: dict[str, IPv4Net] = field(default_factory=dict)
    policies: list[IsakmpPolicy] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)
    tsets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    maps: dict[tuple[str, int], list[list[str]]] = field(default_factory=dict)
    bound: dict[str, list[str]] = field(default_factory=dict)
    ikev1_on: set[str] = field(default_factory=set)
    ikev2_on: set[str] = field(default_factory=set)
    acls: dict[str, list[Ace]] = field(default_factory=dict)
    nat: list[tuple[str, list[str]]] = field(default_factory=list)  # (section, words)


def read_objects(tree: ConfigTree) -> dict[str, IPv4Net]:
    """``object network N`` with ``subnet A M`` / ``host A``; ``object-group network`` by its
    first ``network-object`` (the lab's groups hold one network)."""
    found: dict[str, IPv4Net] = {}
    for node in tree.sections():
        w = node.line.split()
        if len(w) == 3 and w[1] == "network" and w[0] in ("object", "object-group"):
            for child in node.children:
                net = _net(child.line.split()[1:] if w[0] == "object-group" else child.line.split())
                if net is not None:
                    found[w[2]] = net[0]
                    break
    return found


def _net(w: list[str], objects: dict[str, IPv4Net] | None = None) -> tuple[IPv4Net, int] | None:
    """An address at the start of ``w`` and how many words it took."""
    if not w:
        return None
    if w[0] in ("any", "any4"):
        return ANY, 1
    if w[0] == "host" and len(w) > 1 and _is_address(w[1]):
        return IPv4Net(f"{w[1]}/32"), 2
    if w[0] == "subnet" and len(w) > 2:
        return _net(w[1:])
    if w[0] in ("object", "object-group") and len(w) > 1 and objects is not None:
        return (objects[w[1]], 2) if w[1] in objects else None
    if len(w) > 1 and _is_address(w[0]):
        try:
            return IPv4Net(f"{w[0]}/{w[1]}", strict=False), 2
        except ValueError:
            return None
    return None


def parse_asa_ace(words: list[str], objects: dict[str, IPv4Net]) -> Ace | None:
    """``permit ip SRC DST`` of ``access-list NAME extended permit ip ...``."""
    if len(words) < 3 or words[0] not in ("permit", "deny"):
        return None
    src = _net(words[2:], objects)
    if src is None:
        return None
    dst = _net(words[2 + src[1] :], objects)
    return Ace(words[0], src[0], dst[0]) if dst else None


def read_asa_crypto(tree: ConfigTree) -> CryptoConfig:
    found = _Read(objects=read_objects(tree))
    for node in tree.sections():
        _read_line(found, node.line.split(), [c.line for c in node.children])
    entries = tuple(
        _entry(name, seq, lines, found.tsets)
        for (name, seq), lines in sorted(found.maps.items())
        if name in found.bound
    )
    acls = {k: tuple(v) for k, v in found.acls.items()}
    ike_on = found.ikev1_on | found.ikev2_on
    bound = {m: tuple(i for i in ifs if i in ike_on) for m, ifs in found.bound.items()}
    bound[IKEV1_ONLY] = tuple(sorted(found.ikev1_on))
    return CryptoConfig(
        policies=tuple(sorted(found.policies, key=lambda p: p.priority)),
        keys=found.keys,
        transform_sets=found.tsets,
        entries=entries,
        map_interfaces={m: ifs for m, ifs in bound.items() if ifs},
        acls=acls,
        keepalive=None,
        invalid_spi_recovery=False,
        translated=_translated(found, entries, acls),
        key_checked_late=True,
    )


def _read_line(found: _Read, w: list[str], children: list[str]) -> None:
    if w[:3] == ["crypto", "ikev1", "policy"] and len(w) > 3 and w[3].isdigit():
        found.policies.append(_policy(int(w[3]), children))
    elif w[:3] == ["crypto", "ikev1", "enable"] and len(w) > 3:
        found.ikev1_on.add(w[3])
    elif w[:3] == ["crypto", "ikev2", "enable"] and len(w) > 3:
        found.ikev2_on.add(w[3])
    elif w[:4] == ["crypto", "ipsec", "ikev1", "transform-set"] and len(w) > 5:
        found.tsets[w[4]] = asa_transform(w[5:])
    elif w[:4] == ["crypto", "ipsec", "ikev2", "ipsec-proposal"] and len(w) > 4:
        found.tsets.update(ipsec_proposal(w[4], children))
    elif w[:2] == ["crypto", "map"] and len(w) > 4 and w[3] == "interface":
        found.bound.setdefault(w[2], []).append(w[4])
    elif w[:2] == ["crypto", "map"] and len(w) > 4 and w[3].isdigit():
        found.maps.setdefault((w[2], int(w[3])), []).append(w[4:])
    elif w[0] == "tunnel-group" and w[2:] == ["ipsec-attributes"] and _is_address(w[1]):
        for line in children:
            cw = line.split()
            if cw[:2] == ["ikev1", "pre-shared-key"] and len(cw) > 2:
                found.keys[w[1]] = cw[-1]
    elif w[0] == "access-list" and len(w) > 3 and w[2] == "extended":
        ace = parse_asa_ace(w[3:], found.objects)
        if ace is not None:
            found.acls.setdefault(w[1], []).append(ace)
    elif w[0] == "nat":
        found.nat.append(("after-auto" if "after-auto" in w else "manual", w))
    elif w[:2] == ["object", "network"] and len(w) == 3:
        found.nat += [("object", [w[2], *c.split()]) for c in children if c.startswith("nat ")]


def ipsec_proposal(name: str, lines: list[str]) -> dict[str, tuple[str, ...]]:
    """``crypto ipsec ikev2 ipsec-proposal NAME`` as transform sets: ``NAME``, ``NAME#2``..."""
    encryptions: list[tuple[str, ...]] = []
    integrities: list[str] = []
    for line in lines:
        w = line.split()
        if w[:3] == ["protocol", "esp", "encryption"]:
            encryptions += [_ESP_ENCRYPTION.get(x, (f"esp-{x}",)) for x in w[3:]]
        elif w[:3] == ["protocol", "esp", "integrity"]:
            integrities += [_ESP_INTEGRITY[x] for x in w[3:] if x in _ESP_INTEGRITY]
    combos = [
        (*enc, *((integ,) if integ and "esp-gcm" not in enc else ()))
        for enc in encryptions or [()]
        for integ in integrities or [""]
    ]
    unique = list(dict.fromkeys(combos))
    return {(name if i == 0 else f"{name}#{i + 1}"): t for i, t in enumerate(unique)}


def _entry(
    name: str, seq: int, lines: list[list[str]], tsets_known: dict[str, tuple[str, ...]]
) -> MapEntry:
    peers: tuple[str, ...] = ()
    acl = pfs = None
    tsets: tuple[str, ...] = ()
    ikev2: tuple[str, ...] | None = None
    life_s, life_kb = 28800, 4608000  # the ASA's IPsec SA lifetime defaults
    for w in lines:
        if w[:2] == ["match", "address"] and len(w) > 2:
            acl = w[2]
        elif w[:2] == ["set", "peer"]:
            peers = tuple(w[2:])
        elif w[:3] == ["set", "ikev1", "transform-set"]:
            tsets = tuple(w[3:])
        elif w[:3] == ["set", "ikev2", "ipsec-proposal"]:
            ikev2 = tuple(t for p in w[3:] for t in tsets_known if t.split("#")[0] == p)
        elif w[:2] == ["set", "pfs"]:
            pfs = w[2] if len(w) > 2 else "group2"
        elif w[:4] == ["set", "security-association", "lifetime", "seconds"] and len(w) > 4:
            life_s = int(w[4])
        elif w[:4] == ["set", "security-association", "lifetime", "kilobytes"] and len(w) > 4:
            life_kb = int(w[4]) if w[4].isdigit() else life_kb
    if ikev2 is not None:  # the peer's tunnel group is the entry's IKEv2 profile (lab.asaikev2)
        return MapEntry(
            name, seq, peers, acl, ikev2, pfs, life_s, life_kb, "", None, peers[0] if peers else ""
        )
    return MapEntry(name, seq, peers, acl, tsets, pfs, life_s, life_kb, "")


# -- NAT ---------------------------------------------------------------------------------------
def _translated(
    found: _Read, entries: tuple[MapEntry, ...], acls: dict[str, tuple[Ace, ...]]
) -> tuple[Ace, ...]:
    """Each crypto ACL's first permit whose traffic the ASA translates before encryption,
    judged on the hosts that stand for that traffic in the engine (``host_in``)."""
    out: list[Ace] = []
    for entry in entries:
        permits = [a for a in acls.get(entry.acl or "", ()) if a.action == "permit"]
        if not permits:
            continue
        first = permits[0]
        flow = Ace("permit", _stand_in(first.src), _stand_in(first.dst))
        if nat_verdict(found.nat, found.objects, flow) == "translated":
            out.append(Ace("translated", first.src, first.dst))
    return tuple(out)


def _stand_in(net: IPv4Net) -> IPv4Net:
    """The /32 of the host that stands for a network's traffic (``lab.crypto.context.host_in``)."""
    host = net.network_address + 1 if net.num_addresses > 2 else net.network_address
    return IPv4Net(f"{host}/32")


def nat_verdict(rules: list[tuple[str, list[str]]], objects: dict[str, IPv4Net], ace: Ace) -> str:
    """ "exempt" (an identity rule matches first), "translated" or "untouched"."""
    hit = nat_rule(rules, objects, ace)
    return hit[0] if hit else "untouched"


def nat_rule(
    rules: list[tuple[str, list[str]]], objects: dict[str, IPv4Net], ace: Ace
) -> tuple[str, tuple[str, list[str]]] | None:
    """The first rule that matches traffic ``ace`` and what it does to it, in the ASA's rule
    order: manual ``nat`` lines, then object NAT, then ``after-auto`` lines."""
    order = {"manual": 0, "object": 1, "after-auto": 2}
    for section, w in sorted(rules, key=lambda r: order[r[0]]):
        verdict = _rule_verdict(section, w, objects, ace)
        if verdict is not None:
            return verdict, (section, w)
    return None


def nat_for(tree: ConfigTree, src: IPv4Net, dst: IPv4Net) -> tuple[str, str] | None:
    """("exempt" | "translated", the rule as ``show running-config`` prints it) for traffic
    from ``src`` to ``dst``, or None when no NAT rule touches it (``packet-tracer``)."""
    found = _Read(objects=read_objects(tree))
    for node in tree.sections():
        w = node.line.split()
        if w[0] == "nat" or w[:2] == ["object", "network"]:
            _read_line(found, w, [c.line for c in node.children])
    hit = nat_rule(found.nat, found.objects, Ace("permit", src, dst))
    if hit is None:
        return None
    verdict, (section, w) = hit
    text = f"object network {w[0]}\n " + " ".join(w[1:]) if section == "object" else " ".join(w)
    return verdict, text


def _rule_verdict(section: str, w: list[str], objects: dict[str, IPv4Net], ace: Ace) -> str | None:
    if section == "object":  # [OBJ, "nat", "(inside,outside)", "dynamic", ...]
        net = objects.get(w[0])
        if net is not None and "dynamic" in w and ace.src.subnet_of(net):
            return "translated"
        return None
    if "source" not in w:
        return None
    at = w.index("source")
    kind, real = w[at + 1 : at + 3] if len(w) > at + 2 else ("", "")
    src = ANY if real in ("any", "any4") else objects.get(real)
    if src is None or not ace.src.subnet_of(src):
        return None
    if "destination" in w:
        d = w.index("destination")
        dst = objects.get(w[d + 2]) if len(w) > d + 2 else None
        if dst is None or not ace.dst.subnet_of(dst):
            return None
    if kind == "static" and w[at + 2 : at + 4] == [real, real]:
        return "exempt"
    return "translated" if kind == "dynamic" else None
