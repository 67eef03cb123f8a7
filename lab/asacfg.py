"""ASA configuration mode and the ASA's interfaces and routes, read from its running config.

The ASA keeps most VPN settings as one-line global commands (``crypto map M 10 set peer X``,
``crypto ipsec ikev1 transform-set``, ``tunnel-group X type ipsec-l2l``); only a few commands
open a sub-mode, and its prompt names it (``ASA1(config-tunnel-ipsec)#``). A line the sub-mode
does not take is tried as a global command, as on IOS. Interfaces are known to the rest of the
ASA by their ``nameif``: routes (``route outside ...``), ``crypto map M interface outside`` and
``crypto ikev1 enable outside`` all name ``outside``, so the lab's routing table uses nameifs.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from lab.configmode import ConfigContext, SubMode, belongs_to, config_lines
from lab.configtree import ConfigTree, Node
from lab.routing import Interface, Route

# Sub-modes, named after the prompt suffix the ASA prints in each.
ASA_MODES: Mapping[str, SubMode] = {
    "interface": SubMode(
        "config-if",
        frozenset(
            [
                "nameif",
                "security-level",
                "ip",
                "shutdown",
                "description",
                "duplex",
                "speed",
                "mtu",
                "management-only",
                "vlan",
            ]
        ),
    ),
    "ikev1-policy": SubMode(
        "config-ikev1-policy",
        frozenset(["authentication", "encryption", "hash", "group", "lifetime"]),
    ),
    "ikev2-policy": SubMode(
        "config-ikev2-policy", frozenset(["encryption", "integrity", "group", "prf", "lifetime"])
    ),
    "ipsec-proposal": SubMode("config-ipsec-proposal", frozenset(["protocol"])),
    "tunnel-general": SubMode(
        "config-tunnel-general", frozenset(["default-group-policy", "address-pool"])
    ),
    "tunnel-ipsec": SubMode(
        "config-tunnel-ipsec",
        frozenset(["ikev1", "ikev2", "isakmp", "peer-id-validate", "chain"]),
    ),
    "network-object": SubMode(
        "config-network-object",
        frozenset(["host", "subnet", "range", "fqdn", "nat", "description"]),
    ),
    "network-object-group": SubMode(
        "config-network-object-group", frozenset(["network-object", "group-object", "description"])
    ),
    "group-policy": SubMode("config-group-policy", frozenset(["vpn-tunnel-protocol"])),
}

ASA_GLOBAL_WORDS = frozenset(
    [
        "hostname",
        "domain-name",
        "enable",
        "passwd",
        "username",
        "names",
        "interface",
        "ftp",
        "dns",
        "same-security-traffic",
        "object",
        "object-group",
        "access-list",
        "access-group",
        "pager",
        "logging",
        "mtu",
        "icmp",
        "asdm",
        "arp",
        "nat",
        "route",
        "timeout",
        "user-identity",
        "aaa",
        "http",
        "snmp-server",
        "sysopt",
        "service",
        "crypto",
        "telnet",
        "ssh",
        "console",
        "threat-detection",
        "ntp",
        "tunnel-group",
        "group-policy",
        "class-map",
        "policy-map",
        "service-policy",
        "prompt",
        "license",
        "dhcpd",
        "webvpn",
        "terminal",
        "no",
    ]
)

# Global lines that hold one value: a new line with the same key replaces the old one.
_SINGLE = (
    "hostname",
    "domain-name",
    "enable password",
    "passwd",
    "pager lines",
    "logging buffered",
    "logging buffer-size",
    "terminal width",
)


def section_mode(words: list[str]) -> str | None:
    """The sub-mode a global line opens, or None for a one-line command."""
    head3 = words[:3]
    if words[0] == "interface" and len(words) > 1:
        return "interface"
    if head3 in (["crypto", "ikev1", "policy"], ["crypto", "ikev2", "policy"]) and len(words) > 3:
        return f"{words[1]}-policy"
    if words[:4] == ["crypto", "ipsec", "ikev2", "ipsec-proposal"] and len(words) > 4:
        return "ipsec-proposal"
    if words[0] == "tunnel-group" and len(words) == 3:
        return {"general-attributes": "tunnel-general", "ipsec-attributes": "tunnel-ipsec"}.get(
            words[2]
        )
    if words[:2] == ["object", "network"] and len(words) == 3:
        return "network-object"
    if words[:2] == ["object-group", "network"] and len(words) == 3:
        return "network-object-group"
    if words[0] == "group-policy" and words[2:] == ["attributes"]:
        return "group-policy"
    return None


def global_key(line: str) -> str | None:
    """What a global line replaces: ``crypto map M 10 set peer X`` replaces the old peer."""
    for prefix in _SINGLE:
        if line == prefix or line.startswith(prefix + " "):
            return prefix
    w = line.split()
    if w[:2] == ["crypto", "map"] and len(w) >= 5:
        if w[3] == "interface":
            return " ".join(w[:4])
        width = 6
        if len(w) > 6 and w[5] in ("ikev1", "ikev2"):
            width = 7
        elif len(w) > 7 and w[5] == "security-association":
            width = 8
        return " ".join(w[:width])
    if w[0] == "tunnel-group" and len(w) > 2 and w[2] == "type":
        return " ".join(w[:3])
    return None


def _child_key(line: str) -> str | None:
    w = line.split()
    if w[0] in ("network-object", "group-object"):
        return None
    if w[0] == "protocol" and len(w) > 2:
        return " ".join(w[:3])  # protocol esp encryption / protocol esp integrity
    if w[0] in ("ikev2", "ip", "isakmp") and len(w) > 1:
        return " ".join(w[:2])
    return w[0]


def _replace(nodes: list[Node], key: str | None, line: str) -> list[Node]:
    if key is None:
        return nodes
    return [n for n in nodes if n.children or not (n.line == key or n.line.startswith(key + " "))]


def apply_asa_line(tree: ConfigTree, ctx: ConfigContext, line: str) -> bool:
    """Apply one ASA configuration line; False if the ASA would reject it as invalid input."""
    line = " ".join(line.split())
    words = line.split()
    if ctx.mode is not None and ctx.section is not None and belongs_to(ctx.modes[ctx.mode], line):
        _apply_child(tree, ctx.section, words)
        return True
    if words[0] not in ASA_GLOBAL_WORDS:
        return False
    ctx.section, ctx.mode = None, None
    if words[0] == "no" and len(words) > 1:
        return tree.remove_global(" ".join(words[1:])) or True
    mode = section_mode(words)
    if mode is not None:
        ctx.section, ctx.mode = tree.enter_section(line), mode
        return True
    tree.version += 1
    tree.root.children = _replace(tree.root.children, global_key(line), line)
    if not tree.has_line(line):
        tree.set_global(line)
    return True


def _apply_child(tree: ConfigTree, section: Node, words: list[str]) -> None:
    tree.version += 1
    if words[0] == "no":
        tree.remove_child(section, " ".join(words[1:]))
        return
    line = " ".join(words)
    if section.find(line) is None:
        section.children = _replace(section.children, _child_key(line), line)
        section.children.append(Node(line))


def asa_context() -> ConfigContext:
    return ConfigContext(modes=ASA_MODES)


def load_asa_config(text: str) -> ConfigTree:
    """An ASA configuration file (``show running-config`` text or a scenario's) as a tree."""
    tree = ConfigTree()
    ctx = asa_context()
    for indented, line in config_lines(_strip_asa_noise(text)):
        if indented and ctx.section is not None:
            if not ctx.accepts(line):
                tree.set_child(ctx.section, line)
                continue
        elif not indented:
            ctx.section, ctx.mode = None, None
        apply_asa_line(tree, ctx, line)
    return tree


def _strip_asa_noise(text: str) -> str:
    """``: Saved``, ``ASA Version ...`` and ``Cryptochecksum:`` frame a saved ASA config."""
    keep = []
    for raw in text.replace("\r", "").split("\n"):
        s = raw.strip()
        if s.startswith(":") or s.startswith("ASA Version") or s.startswith("Cryptochecksum"):
            continue
        keep.append(raw)
    return "\n".join(keep)


# -- interfaces and routes ---------------------------------------------------------------------
def asa_interfaces(tree: ConfigTree) -> list[Interface]:
    """Interfaces with a ``nameif``, named by it (``outside``), as the ASA's routing sees them."""
    out = []
    for node in tree.sections():
        w = node.line.split()
        if w[0] != "interface":
            continue
        nameif = address = network = None
        description = ""
        for child in node.children:
            cw = child.line.split()
            if cw[0] == "nameif" and len(cw) > 1:
                nameif = cw[1]
            elif cw[:2] == ["ip", "address"] and len(cw) >= 4:
                iface = ipaddress.IPv4Interface(f"{cw[2]}/{cw[3]}")
                address, network = iface.ip, iface.network
            elif cw[0] == "description":
                description = child.line[len("description ") :]
        if nameif is not None:
            shutdown = any(c.line == "shutdown" for c in node.children)
            out.append(Interface(nameif, address, network, shutdown, description, None, None))
    return out


def hardware_names(tree: ConfigTree) -> dict[str, str]:
    """nameif -> the physical interface (``outside`` -> ``GigabitEthernet0/0``)."""
    names = {}
    for node in tree.sections():
        w = node.line.split()
        if w[0] == "interface" and len(w) > 1:
            for child in node.children:
                cw = child.line.split()
                if cw[0] == "nameif" and len(cw) > 1:
                    names[cw[1]] = w[1]
    return names


def asa_routes(tree: ConfigTree) -> list[Route]:
    """``route IFNAME NET MASK GATEWAY [DISTANCE]``: always through the named interface."""
    routes = []
    for line in tree.lines_starting("route "):
        w = line.split()
        if len(w) < 5:
            continue
        try:
            prefix = ipaddress.IPv4Network(f"{w[2]}/{w[3]}", strict=False)
            gateway = ipaddress.IPv4Address(w[4])
        except ValueError:
            continue
        distance = int(w[5]) if len(w) > 5 and w[5].isdigit() else 1
        routes.append(Route(prefix, "S", distance, gateway, w[1]))
    return routes


def mask_secrets(line: str) -> str:
    """The ASA prints every pre-shared key as ``*****`` in its configuration."""
    w = line.split()
    if "pre-shared-key" in w and w.index("pre-shared-key") + 1 < len(w):
        at = w.index("pre-shared-key")
        return " ".join([*w[: at + 1], "*****"])
    return line
