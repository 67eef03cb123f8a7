"""Configuration mode: which commands open which sub-mode, and how a line changes the tree.

IOS reads a line in the current sub-mode first; a line the sub-mode does not know is tried
as a global command, which leaves the sub-mode (``interface Gi1`` then ``ip route ...``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from lab.configtree import ConfigTree, Node


@dataclass(frozen=True)
class SubMode:
    prompt: str  # "config-if" -> "R1(config-if)#"
    accepts: frozenset[str]  # first words of lines that belong to this sub-mode
    # For first words shared with global commands ("ip", "crypto"): the second words it takes.
    second: tuple[tuple[str, frozenset[str]], ...] = ()


def _mode(prompt: str, words: str, **second: str) -> SubMode:
    rules = tuple((k, frozenset(v.split())) for k, v in second.items())
    return SubMode(prompt, frozenset(words.split()), rules)


_IF = _mode(
    "config-if",
    "description ip ipv6 shutdown crypto tunnel duplex speed negotiation mtu bandwidth "
    "load-interval standby vrrp keepalive cdp mac-address encapsulation media-type "
    "service-policy zone-member channel-group switchport",
    ip="address nat mtu tcp ospf helper-address access-group virtual-reassembly proxy-arp "
    "redirects unreachables verify vrf policy flow nhrp",
    crypto="map ipsec",
)
_IP_SLA_OP = "frequency timeout threshold tag request-data-size tos vrf owner history verify-data"
MODES: dict[str, SubMode] = {
    "interface": _IF,
    "isakmp-policy": _mode("config-isakmp", "encr encryption hash authentication group lifetime"),
    "isakmp-profile": _mode(
        "conf-isa-prof", "match keyring self-identity vrf local-address keepalive initiate"
    ),
    # crypto isakmp peer address X: set aggressive-mode password|client-endpoint (IOS 12.2(8)T+)
    "isakmp-peer": _mode("config-isakmp-peer", "set description"),
    "crypto-map": _mode("config-crypto-map", "set match description reverse-route"),
    "transform-set": _mode("cfg-crypto-trans", "mode"),
    "ipsec-profile": _mode("ipsec-profile", "set description"),
    "keyring": _mode("config-keyring", "pre-shared-key local-address description"),
    "ikev2-proposal": _mode("config-ikev2-proposal", "encryption integrity group prf"),
    "ikev2-policy": _mode("config-ikev2-policy", "proposal match"),
    "ikev2-keyring": _mode("config-ikev2-keyring", "peer"),
    # ``peer NAME`` inside an IKEv2 keyring opens a block of its own (a sub-mode's sub-mode).
    "ikev2-keyring-peer": _mode(
        "config-ikev2-keyring-peer", "address pre-shared-key identity hostname description"
    ),
    "ikev2-profile": _mode(
        "config-ikev2-profile",
        "match identity authentication keyring dpd lifetime description pki",
    ),
    "pki-trustpoint": _mode(
        "ca-trustpoint",
        "enrollment fqdn subject-name subject-alt-name revocation-check rsakeypair "
        "serial-number ip-address auto-enroll usage",
    ),
    "pki-chain": _mode("config-cert-chain", "certificate"),
    # ``certificate [ca] SERIAL`` takes the certificate as hex lines up to ``quit``
    "pki-cert": _mode("config-pubkey", "quit"),
    "ip-sla": _mode("config-ip-sla", "icmp-echo tcp-connect udp-jitter udp-echo " + _IP_SLA_OP),
    "ip-sla-echo": _mode("config-ip-sla-echo", _IP_SLA_OP),
    "ip-sla-tcp": _mode("config-ip-sla-tcp", _IP_SLA_OP),
    "track": _mode("config-track", "delay default-state object"),
    # "event manager applet B" typed inside applet A opens applet B, as on IOS.
    "applet": _mode(
        "config-applet",
        "event action description trigger",
        event="track syslog timer none cli interface snmp counter oir ipsla routing tag",
    ),
    "route-map": _mode("config-route-map", "match set description continue"),
    "ext-nacl": _mode("config-ext-nacl", "permit deny remark"),
    "std-nacl": _mode("config-std-nacl", "permit deny remark"),
    "archive": _mode("config-archive", "path write-memory maximum time-period log"),
    "line": _mode(
        "config-line", "login password transport exec-timeout privilege logging length width"
    ),
    "router": _mode(
        "config-router",
        "network neighbor router-id passive-interface redistribute default-information",
    ),
}

GLOBAL_WORDS = frozenset(
    [
        "hostname",
        "enable",
        "username",
        "ip",
        "ipv6",
        "interface",
        "crypto",
        "track",
        "event",
        "route-map",
        "access-list",
        "archive",
        "line",
        "router",
        "logging",
        "service",
        "file",
        "aaa",
        "ntp",
        "snmp-server",
        "banner",
        "boot",
        "license",
        "clock",
        "spanning-tree",
        "vrf",
        "control-plane",
        "redundancy",
        "object-group",
        "class-map",
        "policy-map",
        "cdp",
        "lldp",
        "memory",
        "platform",
        "multilink",
        "diagnostic",
        "login",
        "security",
        "call-home",
        "key",
        "alias",
        "no",
        "default",
    ]
)

# crypto map NAME SEQ [ipsec-isakmp|ipsec-manual|gdoi] [dynamic NAME]
_CRYPTO_MAP_ENTRY = re.compile(r"^crypto map \S+ \d+(\s|$)")


# Global commands that open a sub-mode: by first word, by first three words.
_MODE_BY_WORD = {
    "interface": "interface",
    "track": "track",  # "track N <object>"; a bare "track N" opens nothing
    "route-map": "route-map",
    "archive": "archive",
    "line": "line",
    "router": "router",
}
_MODE_BY_HEAD3 = {
    "crypto isakmp policy": "isakmp-policy",
    "crypto isakmp profile": "isakmp-profile",
    "crypto isakmp peer": "isakmp-peer",
    "crypto ipsec transform-set": "transform-set",
    "crypto ipsec profile": "ipsec-profile",
    "crypto pki trustpoint": "pki-trustpoint",
    "crypto pki certificate": "pki-chain",
    "event manager applet": "applet",
    "ip access-list extended": "ext-nacl",
    "ip access-list standard": "std-nacl",
}
_IKEV2_MODES = {
    "proposal": "ikev2-proposal",
    "policy": "ikev2-policy",
    "keyring": "ikev2-keyring",
    "profile": "ikev2-profile",
}


def section_mode(line: str) -> str | None:
    """The sub-mode a global line opens, or None for a one-line command."""
    w = line.split()
    if w[0] in _MODE_BY_WORD:
        return None if w[0] == "track" and len(w) <= 2 else _MODE_BY_WORD[w[0]]
    head2, head3 = " ".join(w[:2]), " ".join(w[:3])
    if head3 in _MODE_BY_HEAD3:
        return _MODE_BY_HEAD3[head3]
    if _CRYPTO_MAP_ENTRY.match(line):
        return "crypto-map"
    if head2 == "crypto keyring":
        return "keyring"
    if head2 == "crypto ikev2" and len(w) > 3:
        return _IKEV2_MODES.get(w[2])
    if head2 == "ip sla" and len(w) == 3 and w[2].isdigit():
        return "ip-sla"
    return None


def belongs_to(mode: SubMode, line: str) -> bool:
    """Does ``line`` (without a leading ``no``) belong to sub-mode ``mode``?"""
    w = line.split()
    if not w:
        return False
    if w[0] == "no" and len(w) > 1:
        w = w[1:]
    if w[0].isdigit() and mode.prompt.endswith("nacl"):
        return True  # sequenced ACE: "10 permit ip any any"
    if mode.prompt == "config-pubkey" and all(_HEX_WORD.match(x) for x in w):
        return True  # a certificate's hex line
    if w[0] not in mode.accepts:
        return False
    for first, allowed in mode.second:
        if w[0] == first:
            return len(w) > 1 and w[1] in allowed
    return True


# A sub-mode line that opens a nested block: (mode, first word) -> the nested mode.
NESTED = {
    ("ikev2-keyring", "peer"): "ikev2-keyring-peer",
    ("pki-chain", "certificate"): "pki-cert",
}
_HEX_WORD = re.compile(r"^[0-9A-Fa-f]{1,8}$")


@dataclass
class ConfigContext:
    """Where a configuration session stands: the open section and its sub-mode, and the
    section and mode around it while a nested block (an IKEv2 keyring's peer) is open."""

    section: Node | None = None
    mode: str | None = None
    outer: Node | None = None
    outer_mode: str | None = None
    modes: Mapping[str, SubMode] = field(default_factory=lambda: MODES)  # the platform's

    def leave_nested(self, line: str) -> bool:
        """A line the nested block does not take but its parent does: back to the parent."""
        if self.outer is None or self.outer_mode is None:
            return False
        if not belongs_to(self.modes[self.outer_mode], line):
            return False
        self.section, self.mode, self.outer, self.outer_mode = (
            self.outer,
            self.outer_mode,
            None,
            None,
        )
        return True

    def accepts(self, line: str) -> bool:
        """Does the open sub-mode (or the one around a nested block) take ``line``?"""
        if self.mode is None or self.section is None:
            return False
        if belongs_to(self.modes[self.mode], line):
            return True
        return self.outer_mode is not None and belongs_to(self.modes[self.outer_mode], line)

    def prompt_suffix(self) -> str:
        return self.modes[self.mode].prompt if self.mode else "config"


def apply_line(tree: ConfigTree, ctx: ConfigContext, line: str) -> bool:
    """Apply one configuration line; False if IOS would reject it as invalid input."""
    line = " ".join(line.split())
    ctx.leave_nested(line)
    if ctx.mode is not None and ctx.section is not None and belongs_to(MODES[ctx.mode], line):
        _apply_child(tree, ctx, line)
        return True
    words = line.split()
    if words[0] not in GLOBAL_WORDS:
        return False
    ctx.section, ctx.mode, ctx.outer, ctx.outer_mode = None, None, None, None
    if words[0] == "no" and len(words) > 1:
        return tree.remove_global(" ".join(words[1:])) or True
    mode = section_mode(line)
    if mode is None:
        tree.set_global(line)
        return True
    ctx.section, ctx.mode = tree.enter_section(line), mode
    return True


def _apply_child(tree: ConfigTree, ctx: ConfigContext, line: str) -> None:
    assert ctx.section is not None
    words = line.split()
    if words[0] == "no":
        tree.remove_child(ctx.section, " ".join(words[1:]))
        return
    nested = NESTED.get((ctx.mode or "", words[0]))
    if nested is not None:
        ctx.outer, ctx.outer_mode = ctx.section, ctx.mode
        ctx.section, ctx.mode = _nested_block(tree, ctx.section, line), nested
        return
    if ctx.mode == "ip-sla" and words[0] in ("icmp-echo", "udp-echo", "udp-jitter"):
        ctx.mode = "ip-sla-echo"
    elif ctx.mode == "ip-sla" and words[0] == "tcp-connect":
        ctx.mode = "ip-sla-tcp"
    if words[0] in ("icmp-echo", "tcp-connect", "udp-jitter", "udp-echo"):
        ctx.section.children = [
            c
            for c in ctx.section.children
            if c.line.split()[0] not in ("icmp-echo", "tcp-connect", "udp-jitter", "udp-echo")
        ]
        ctx.section.children.insert(0, Node(line))
        tree.version += 1
        return
    tree.set_child(ctx.section, line)


def _nested_block(tree: ConfigTree, section: Node, line: str) -> Node:
    """Find or create the nested block ``line`` (``peer R2``) under ``section``."""
    found = section.find(line)
    if found is None:
        found = Node(line)
        section.children.append(found)
        tree.version += 1
    return found


_SKIP = re.compile(
    r"^(Building configuration|Current configuration|Using \d+ out of|! Last configuration change|"
    r"! NVRAM config last updated|end$|version\s|!)"
)


def config_lines(text: str) -> list[tuple[bool, str]]:
    """The configuration lines of a file: (indented?, line), noise and comments removed."""
    out = []
    for raw in text.replace("\r", "").split("\n"):
        stripped = raw.strip()
        if stripped and not _SKIP.match(stripped):
            out.append((raw.startswith(" "), stripped))
    return out


def load_config(text: str, tree: ConfigTree | None = None) -> tuple[ConfigTree, list[str]]:
    """Apply a configuration file line by line (``copy file running-config``).

    Returns the tree and the lines IOS would reject. Indented lines IOS knows but the
    simulator does not model are kept in their section rather than rejected.
    """
    tree = tree if tree is not None else ConfigTree()
    ctx = ConfigContext()
    rejected: list[str] = []
    for indented, line in config_lines(text):
        if indented and ctx.section is not None and ctx.mode is not None:
            if not ctx.accepts(line):
                tree.set_child(ctx.section, line)
                continue
        elif not indented and ctx.section is not None:
            ctx.section, ctx.mode, ctx.outer, ctx.outer_mode = None, None, None, None
        if not apply_line(tree, ctx, line):
            rejected.append(line)
    return tree, rejected


def incremental_diff(running: ConfigTree, text: str) -> list[str]:
    """``show archive config incremental-diffs``: the file's lines that would change running."""
    scratch = running.copy()
    ctx = ConfigContext()
    out: list[str] = []
    before = scratch.render_body()
    shown_header: str | None = None
    for indented, line in config_lines(text):
        if not indented:
            ctx.section, ctx.mode, ctx.outer, ctx.outer_mode = None, None, None, None
        if not apply_line(scratch, ctx, line):
            out.append(line)
            continue
        after = scratch.render_body()
        if after != before:
            if indented and ctx.section is not None and shown_header != ctx.section.line:
                out.append(ctx.section.line)
                shown_header = ctx.section.line
            out.append((" " if indented else "") + line)
            if not indented:
                shown_header = line if ctx.section is not None else None
        before = after
    return out
