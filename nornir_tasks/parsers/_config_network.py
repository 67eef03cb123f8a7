"""Network sections of a running configuration: ACLs, route-maps, NAT and interfaces.

Sample::

    ip access-list extended NAT
     deny   ip 1.1.1.0 0.0.0.255 2.2.2.0 0.0.0.255
     permit ip 1.1.1.0 0.0.0.255 any
    access-list 101 permit udp host 10.1.1.1 eq 500 any
    route-map NAT_ISP_PRIMARY permit 10
     match ip address NAT
     match interface FastEthernet0/0
    ip nat inside source route-map NAT_ISP_PRIMARY interface FastEthernet0/0 overload
    interface FastEthernet0/0
     ip address 202.100.1.1 255.255.255.0
     ip nat outside
     crypto map VPN1
"""

from __future__ import annotations

import re

from nornir_tasks.models.config import AclEntry, InterfaceConfig, NatRule, RouteMapEntry
from nornir_tasks.parsers._common import to_int
from nornir_tasks.parsers._config_tree import ConfigNode

# 10.1.1.0 (an IPv4 address among the words of a line)
_V4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_PORT_OPS = {"eq": 1, "neq": 1, "lt": 1, "gt": 1, "range": 2}


def _address(words: list[str], i: int) -> tuple[str | None, int]:
    """An ACL address at ``words[i]``: any, host X, object-group X, A W, or a bare A."""
    if i >= len(words):
        return None, i
    if words[i] in ("any", "any4"):
        return words[i], i + 1
    if words[i] in ("host", "object-group", "addrgroup") and i + 1 < len(words):
        return f"{words[i]} {words[i + 1]}", i + 2
    if _V4.match(words[i]):
        if i + 1 < len(words) and _V4.match(words[i + 1]):
            return f"{words[i]} {words[i + 1]}", i + 2
        return words[i], i + 1
    return None, i


def _with_port(words: list[str], address: str | None, i: int) -> tuple[str | None, int]:
    """Append a source port operator (``eq 500``) to the address it follows."""
    count = _PORT_OPS.get(words[i], 0) if i < len(words) else 0
    if address is None or not count or i + count >= len(words):
        return address, i
    return " ".join([address, *words[i : i + 1 + count]]), i + 1 + count


def acl_entry(text: str, extended: bool) -> AclEntry | None:
    """``[seq] permit|deny|remark ...``; None for other lines (``evaluate``, ``dynamic``)."""
    words = text.split()
    seq = to_int(words[0]) if words and words[0].isdigit() else None
    if seq is not None:
        words = words[1:]
    if not words or words[0] not in ("permit", "deny", "remark"):
        return None
    action = words[0]
    if action == "remark":
        return AclEntry(seq, action, None, None, None, " ".join(words[1:]) or None, text)
    protocol = words[1] if extended and len(words) > 1 else None
    source, i = _address(words, 2 if extended else 1)
    destination = None
    if extended:
        source, i = _with_port(words, source, i)
        destination, i = _address(words, i)
    return AclEntry(seq, action, protocol, source, destination, " ".join(words[i:]) or None, text)


def numbered_acl_kind(number: str) -> str:
    """1-99 and 1300-1999 are standard ACLs; the rest are extended."""
    value = to_int(number) or 0
    return "standard" if value < 100 or 1300 <= value <= 1999 else "extended"


def route_map_entry(node: ConfigNode) -> RouteMapEntry:
    """``route-map NAME [permit|deny] [SEQ]`` with its match and set lines."""
    words = node.words()
    action = words[2] if len(words) > 2 and words[2] in ("permit", "deny") else "permit"
    seq = to_int(words[-1]) if len(words) > 2 and words[-1].isdigit() else None
    matches = [c.text.removeprefix("match ") for c in node.children if c.text.startswith("match ")]
    sets = [c.text.removeprefix("set ") for c in node.children if c.text.startswith("set ")]
    return RouteMapEntry(words[1], action, seq, tuple(matches), tuple(sets))


def nat_rule(node: ConfigNode) -> NatRule | None:
    """``ip nat inside|outside source route-map|list|static ...``."""
    words = node.words()
    if len(words) < 6 or words[3] != "source":
        return None
    kind, rest = words[4], words[5:]
    after = {rest[i]: rest[i + 1] for i in range(len(rest) - 1)}
    local = global_address = match = None
    if kind == "static":
        addresses = [w for w in rest if _V4.match(w)]
        local = addresses[0] if addresses else None
        global_address = addresses[1] if len(addresses) > 1 else None
        match = after.get("route-map")
    else:
        match = rest[0]
    return NatRule(
        direction=words[2],
        source_kind=kind,
        match=match,
        interface=after.get("interface"),
        pool=after.get("pool"),
        overload="overload" in rest,
        local=local,
        global_address=global_address,
        line=node.text,
    )


def _interface_values(node: ConfigNode) -> dict[str, list[str]]:
    """Child lines keyed by their leading keywords (the first ``ip address`` wins)."""
    values: dict[str, list[str]] = {}
    for child in node.children:
        words = child.words()
        key = " ".join(words[:2]) if words[0] in ("ip", "tunnel", "vrf") else words[0]
        if key == "ip address" and "secondary" in words:
            continue
        values.setdefault(key, words[2:] if key.count(" ") else words[1:])
    return values


def _word(values: dict[str, list[str]], key: str, index: int = 0) -> str | None:
    found = values.get(key, [])
    return found[index] if len(found) > index else None


def interface(node: ConfigNode) -> InterfaceConfig:
    """``interface NAME`` and the lines crypto and failover depend on."""
    v = _interface_values(node)
    address = v.get("ip address", [])
    nat = v.get("ip nat", [])
    protection = v.get("tunnel protection", [])
    vrf = v.get("vrf forwarding") or v.get("ip vrf", [])[1:]
    description = node_text_after(node, "description ")
    return InterfaceConfig(
        name=node.words()[1] if len(node.words()) > 1 else "",
        description=description,
        ip_address=address[0] if address and address[0] != "dhcp" else None,
        mask=address[1] if len(address) > 1 else None,
        dhcp=address[:1] == ["dhcp"],
        unnumbered=_word(v, "ip unnumbered"),
        shutdown="shutdown" in v,
        nat=nat[0] if nat and nat[0] in ("inside", "outside") else None,
        crypto_map=_word(v, "crypto", 1),
        vrf=vrf[0] if vrf else None,
        tunnel_source=_word(v, "tunnel source"),
        tunnel_destination=_word(v, "tunnel destination"),
        tunnel_mode=" ".join(v.get("tunnel mode", [])) or None,
        tunnel_protection=protection[2] if protection[:2] == ["ipsec", "profile"] else None,
        policy_route_map=_word(v, "ip policy", 1),
    )


def node_text_after(node: ConfigNode, prefix: str) -> str | None:
    """The text after ``prefix`` on the first child line that starts with it."""
    return next((c.text[len(prefix) :] for c in node.children if c.text.startswith(prefix)), None)
