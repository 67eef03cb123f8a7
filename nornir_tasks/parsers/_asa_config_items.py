"""ASA configuration lines read into the IOS models' vocabulary (see ``asa_config``).

The checks compare an ASA end with an IOS end, so ASA spellings are translated where they
are read: ``encryption aes-256`` is IOS ``aes 256``, ``esp-aes-256`` is ``esp-aes 256``, a
crypto ACL's ``10.1.0.0 255.255.255.0`` (a mask) is IOS ``10.1.0.0 0.0.0.255`` (a wildcard),
``object network X`` names are resolved to the networks they hold. Pure.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from nornir_tasks.models.config import AclEntry, AsaNatRule, Ikev2Proposal, TransformSet
from nornir_tasks.parsers._config_tree import ConfigNode, Words
from nornir_tasks.parsers.addressing import address, network

# crypto ikev1 policy:  encryption aes-256  ->  IOS "encr aes 256"
_IKE_ENCRYPTION = {"aes-192": "aes 192", "aes-256": "aes 256"}
# crypto ipsec ikev1 transform-set T esp-aes-256 esp-sha-hmac  ->  IOS "esp-aes 256"
_ESP_SPLIT = {"esp-aes-192": ("esp-aes", "192"), "esp-aes-256": ("esp-aes", "256")}
# crypto ipsec ikev2 ipsec-proposal P /  protocol esp encryption aes-256 aes
_PROPOSAL_ENCRYPTION = {
    "aes": ("esp-aes",),
    "aes-192": ("esp-aes", "192"),
    "aes-256": ("esp-aes", "256"),
    "aes-gcm": ("esp-gcm",),
    "aes-gcm-192": ("esp-gcm", "192"),
    "aes-gcm-256": ("esp-gcm", "256"),
    "3des": ("esp-3des",),
    "des": ("esp-des",),
    "null": ("esp-null",),
}
#  protocol esp integrity sha-256 sha-1
_PROPOSAL_INTEGRITY = {
    "sha-1": "esp-sha-hmac",
    "sha-256": "esp-sha256-hmac",
    "sha-384": "esp-sha384-hmac",
    "sha-512": "esp-sha512-hmac",
    "md5": "esp-md5-hmac",
}
# crypto ikev2 policy 10 /  encryption aes-256  ->  IOS IKEv2 proposal "aes-cbc-256"
_IKEV2_ENCRYPTION = {"aes": "aes-cbc-128", "aes-192": "aes-cbc-192", "aes-256": "aes-cbc-256"}
_IKEV2_HASH = {"sha": "sha1"}


def ike_encryption(value: str | None) -> str | None:
    return _IKE_ENCRYPTION.get(value, value) if value else None


def transform_set(words: Words) -> TransformSet:
    """``crypto ipsec ikev1 transform-set NAME esp-aes-256 esp-sha-hmac``."""
    tokens: list[str] = []
    for token in words[5:]:
        tokens.extend(_ESP_SPLIT.get(token.lower(), (token.lower(),)))
    return TransformSet(words[4], tuple(tokens), None)


def ipsec_proposal(node: ConfigNode) -> tuple[TransformSet, ...]:
    """``crypto ipsec ikev2 ipsec-proposal NAME``: one transform set per encryption x integrity
    (the proposal offers any of them); the first keeps the proposal's name, the others
    ``NAME#2``... so a crypto map entry naming the proposal names them all."""
    name = node.words()[4]
    encryptions: list[tuple[str, ...]] = []
    integrities: list[str] = []
    for child in node.children:
        w = child.words()
        if w[:3] == ["protocol", "esp", "encryption"]:
            encryptions += [_PROPOSAL_ENCRYPTION.get(x, (f"esp-{x}",)) for x in w[3:]]
        elif w[:3] == ["protocol", "esp", "integrity"]:
            integrities += [i for x in w[3:] if (i := _PROPOSAL_INTEGRITY.get(x, ""))]
    combos = [
        (*enc, *((integ,) if integ and "esp-gcm" not in enc else ()))
        for enc in encryptions or [()]
        for integ in integrities or [""]
    ]
    unique = list(dict.fromkeys(combos))
    return tuple(
        TransformSet(name if i == 0 else f"{name}#{i + 1}", tokens, None)
        for i, tokens in enumerate(unique)
    )


def proposal_names(proposals: Mapping[str, tuple[TransformSet, ...]], name: str) -> list[str]:
    return [ts.name for ts in proposals.get(name, ())] or [name]


def ikev2_policy(node: ConfigNode) -> Ikev2Proposal:
    """``crypto ikev2 policy 10`` with ``encryption``, ``integrity``, ``prf``, ``group`` lines."""
    values: dict[str, list[str]] = {}
    for child in node.children:
        w = child.words()
        if w[0] in ("encryption", "integrity", "prf", "group"):
            values.setdefault(w[0], []).extend(w[1:])
    return Ikev2Proposal(
        name=f"policy {node.words()[3]}",
        encryption=tuple(_IKEV2_ENCRYPTION.get(x, x) for x in values.get("encryption", [])),
        integrity=tuple(_IKEV2_HASH.get(x, x) for x in values.get("integrity", [])),
        prf=tuple(_IKEV2_HASH.get(x, x) for x in values.get("prf", [])),
        group=tuple(values.get("group", [])),
    )


# -- objects, ACLs, NAT --------------------------------------------------------------------------


def object_network(node: ConfigNode) -> str | None:
    """The network an ``object network X`` holds (``subnet A M`` / ``host A``), as ``A/len``."""
    for child in node.children:
        w = child.words()
        if w[0] == "subnet" and (net := network(w[1], w[2])) is not None:
            return str(net)
        if w[0] == "host" and address(w[1]) is not None:
            return f"{w[1]}/32"
    return None


def _wildcard(net: ipaddress.IPv4Network) -> str:
    if net.prefixlen == 32:
        return f"host {net.network_address}"
    return f"{net.network_address} {net.hostmask}"


def _acl_address(words: Words, objects: Mapping[str, str]) -> tuple[str, int]:
    """An ACE address in IOS spelling and the words it took: ``any``/``any4``, ``host A``,
    ``object X``, ``object-group X`` (kept as printed), ``A MASK``."""
    first = words[0].lower()
    if first in ("any", "any4"):
        return "any", 1
    if first == "host":
        return f"host {words[1]}", 2
    if first == "object":
        net = network(objects.get(words[1]))
        return (_wildcard(net) if net else f"object {words[1]}"), 2
    if first == "object-group":
        return f"object-group {words[1]}", 2
    net = network(words[0], words[1])
    return (_wildcard(net) if net else f"{words[0]} {words[1]}"), 2


def acl_entry(words: Words, objects: Mapping[str, str], line: str) -> AclEntry:
    """``access-list NAME [line N] extended permit ip SRC DST [...]`` (or ``remark``)."""
    rest = words[2:]
    seq = None
    if rest[0] == "line" and rest[1].isdigit():
        seq, rest = int(rest[1]), rest[2:]
    if rest[0] in ("extended", "standard"):
        rest = rest[1:]
    action = rest[0]
    if action == "remark" or len(rest) < 3:
        return AclEntry(seq, action, None, None, None, " ".join(rest[1:]) or None, line)
    source, used = _acl_address(rest[2:], objects)
    destination, used2 = _acl_address(rest[2 + used :], objects)
    remainder = " ".join(rest[2 + used + used2 :]) or None
    return AclEntry(seq, action, rest[1], source, destination, remainder, line)


def _nat_address(word: str, objects: Mapping[str, str]) -> str:
    if word in ("any", "interface"):
        return word
    return objects.get(word, word)


def _interfaces(word: str) -> tuple[str, str]:
    """``(inside,outside)`` -> ("inside", "outside")."""
    inner = word.strip("()").split(",")
    return inner[0], inner[1] if len(inner) > 1 else "any"


def twice_nat(words: Words, objects: Mapping[str, str], line: str) -> AsaNatRule | None:
    """``nat (inside,outside) [after-auto] [N] source static A A destination static B B ...``."""
    real, mapped = _interfaces(words[1])
    rest = words[2:]
    section = "manual"
    if rest[0] == "after-auto":
        section, rest = "after-auto", rest[1:]
    if rest[0].isdigit():
        rest = rest[1:]
    if rest[0] != "source" or rest[1] not in ("static", "dynamic"):
        return None
    dest = rest[5:8] if rest[4] == "destination" else None
    return AsaNatRule(
        real,
        mapped,
        section,
        rest[1],
        _nat_address(rest[2], objects),
        _nat_address(rest[3], objects),
        _nat_address(dest[1], objects) if dest else None,
        _nat_address(dest[2], objects) if dest and len(dest) > 2 else None,
        line,
    )


def object_nat(obj: str, node: ConfigNode, objects: Mapping[str, str]) -> AsaNatRule | None:
    """`` nat (inside,outside) dynamic interface`` under ``object network OBJ``."""
    w = node.words()
    if w[2] not in ("static", "dynamic"):
        return None
    real, mapped = _interfaces(w[1])
    source = objects.get(obj, obj)
    return AsaNatRule(
        real, mapped, "auto", w[2], source, _nat_address(w[3], objects), None, None, node.text
    )
