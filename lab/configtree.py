"""Running configuration held as a tree of IOS lines, rendered back as IOS text.

Top-level lines are nodes; indented lines are their children (one space per level, as
IOS prints them). Changes follow IOS's rules closely enough for napalm's diffs: a setting
replaces the previous value of the same keyword, list-like lines accumulate, ``no X``
removes the lines that ``X`` introduces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

# Lines IOS prints around the configuration that are not configuration.
_NOISE = re.compile(
    r"^(Building configuration|Current configuration|! Last configuration change|"
    r"! NVRAM config last updated|!Time:|!Command:|end$|version\s|!)"
)

# Top-level commands that hold one value: a new line replaces the old one with this prefix.
_GLOBAL_SINGLE = (
    "hostname",
    "enable secret",
    "enable password",
    "ip domain name",
    "ip domain-name",
    "logging buffered",
    "crypto isakmp keepalive",
    "event manager session cli username",
    "file prompt",
    "service timestamps debug",
    "service timestamps log",
    "ip scp server enable",
    "boot-start-marker",
    "boot-end-marker",
)
# Child lines that may repeat (ACEs, actions are keyed by label, peers, keyring entries ...).
_CHILD_MULTI_FIRST = {
    "permit",
    "deny",
    "remark",
    "pre-shared-key",
    "set peer",
    "match identity",
    "proposal",  # an IKEv2 policy lists its proposals in order
    "peer",  # IKEv2 keyring peer blocks
    "pki trustpoint",  # an IKEv2 profile signs with one trustpoint and verifies with others
}
# Child keywords whose key is the first two words ("ip address", "set pfs", "tunnel source").
_CHILD_TWO_WORD = {
    "ip",
    "set",
    "match",
    "tunnel",
    "crypto",
    "standby",
    "event",
    "action",
    "delay",
    "keepalive",
    "authentication",
    "no",
    "ipv6",
    "object",  # track list members: "object 1", "object 2 not"
}


@dataclass
class Node:
    """One configuration line and the lines indented under it."""

    line: str
    children: list[Node] = field(default_factory=list)

    def find(self, line: str) -> Node | None:
        return next((c for c in self.children if c.line == line), None)


_HEX_WORD = re.compile(r"^[0-9A-Fa-f]{8}$")


def _child_key(line: str) -> str | None:
    words = line.split()
    if not words:
        return None
    if words[0] in {"permit", "deny", "remark"} or words[0].isdigit():
        return None  # ACE lines accumulate
    if all(_HEX_WORD.match(w) for w in words):
        return None  # a certificate's hex lines accumulate
    if " ".join(words[:2]) in _CHILD_MULTI_FIRST or words[0] in _CHILD_MULTI_FIRST:
        return None
    if words[0] == "action" and len(words) > 1:
        return " ".join(words[:2])  # EEM action label
    if words[:2] == ["set", "aggressive-mode"] and len(words) > 2:
        return " ".join(words[:3])  # password and client-endpoint are two settings
    if words[:2] == ["ip", "nhrp"]:
        # several servers and mappings accumulate; network-id, holdtime ... are settings
        return None if len(words) > 2 and words[2] in ("nhs", "map") else " ".join(words[:3])
    if words[0] in _CHILD_TWO_WORD and len(words) > 1:
        if words[:2] == ["ip", "address"] and words[-1] == "secondary":
            return None
        if words[:2] == ["ip", "nat"] or words[:2] == ["crypto", "map"]:
            return " ".join(words[:2])
        return " ".join(words[:2])
    return words[0]


def _global_key(line: str) -> str | None:
    for prefix in _GLOBAL_SINGLE:
        if line == prefix or line.startswith(prefix + " "):
            return prefix
    words = line.split()
    if words[:2] == ["ip", "sla"] and len(words) >= 4 and words[2] == "schedule":
        return " ".join(words[:4])
    return None


# crypto isakmp key [0|6|7] KEY address A [M]: one key per peer address
_ISAKMP_KEY = re.compile(r"^crypto isakmp key (?:[067] )?\S+ address (\S+)")


def _section_key(line: str) -> str:
    """Identity of a section header: ``crypto map M 10 ipsec-isakmp`` is ``crypto map M 10``."""
    words = line.split()
    if words[:2] == ["crypto", "map"] and len(words) >= 4:
        return " ".join(words[:4])
    if words[:1] == ["track"] and len(words) >= 2:
        return " ".join(words[:2])
    if words[:1] == ["route-map"] and len(words) >= 2:
        seq = words[3] if len(words) > 3 else "10"
        return f"route-map {words[1]} {seq}"
    if words[:3] == ["crypto", "ipsec", "transform-set"] and len(words) >= 4:
        return " ".join(words[:4])
    return line


class ConfigTree:
    """The configuration of one router."""

    def __init__(self, nodes: Iterable[Node] = ()) -> None:
        self.root = Node("", list(nodes))
        # Bumped by every change; derived state (routes, crypto config) is cached on it.
        self.version = 0

    @classmethod
    def from_text(cls, text: str) -> ConfigTree:
        tree = cls()
        stack: list[tuple[int, Node]] = [(-1, tree.root)]
        for raw in text.replace("\r", "").split("\n"):
            line = raw.rstrip()
            if not line.strip() or (_NOISE.match(line.strip()) and not line.startswith(" ")):
                if line.strip() == "!":
                    stack = [(-1, tree.root)]
                continue
            indent = len(line) - len(line.lstrip(" "))
            while stack[-1][0] >= indent:
                stack.pop()
            node = Node(line.strip())
            stack[-1][1].children.append(node)
            stack.append((indent, node))
        return tree

    def fingerprint(self) -> tuple[int, int]:
        """Changes whenever the configuration changes (caches of derived state key on it)."""
        return id(self), self.version

    def copy(self) -> ConfigTree:
        return ConfigTree.from_text(self.render_body())

    # -- queries -------------------------------------------------------------------------
    def sections(self) -> list[Node]:
        return self.root.children

    def find_section(self, header: str) -> Node | None:
        key = _section_key(header)
        return next((n for n in self.root.children if _section_key(n.line) == key), None)

    def has_line(self, line: str) -> bool:
        return any(n.line == line for n in self.root.children)

    def lines_starting(self, prefix: str) -> list[str]:
        return [n.line for n in self.root.children if n.line.startswith(prefix)]

    def hostname(self) -> str:
        found = self.lines_starting("hostname ")
        return found[0].split()[1] if found else "Router"

    # -- changes -------------------------------------------------------------------------
    def enter_section(self, header: str) -> Node:
        """Find or create the section ``header`` (an ``interface``, ``crypto map`` ...)."""
        self.version += 1
        existing = self.find_section(header)
        if existing is not None:
            existing.line = header if len(header) >= len(existing.line) else existing.line
            return existing
        node = Node(header)
        self._insert_top(node)
        return node

    def set_global(self, line: str) -> None:
        self.version += 1
        key = _global_key(line)
        if key is not None:
            self.root.children = [
                n
                for n in self.root.children
                if not (n.line == key or n.line.startswith(key + " ")) or n.children
            ]
        peer = _ISAKMP_KEY.match(line)
        if peer is not None:
            self.root.children = [
                n
                for n in self.root.children
                if not ((m := _ISAKMP_KEY.match(n.line)) and m.group(1) == peer.group(1))
            ]
        if not self.has_line(line):
            self._insert_top(Node(line))

    def remove_global(self, line: str) -> bool:
        """Apply ``no <line>`` at the top level; True if something matched."""
        self.version += 1
        before = len(self.root.children)
        key = _section_key(line)
        self.root.children = [
            n
            for n in self.root.children
            if not (
                n.line == line
                or n.line.startswith(line + " ")
                or (n.children and _section_key(n.line) == key)
            )
        ]
        return len(self.root.children) != before

    def set_child(self, section: Node, line: str) -> None:
        """Set a sub-command; a new value takes the old one's place, as IOS prints it."""
        if section.find(line) is not None:
            return
        self.version += 1
        key = _child_key(line)
        same = [
            i
            for i, c in enumerate(section.children)
            if key is not None and (c.line == key or c.line.startswith(key + " "))
        ]
        if same:
            section.children[same[0]] = Node(line)
            for i in reversed(same[1:]):
                del section.children[i]
        else:
            section.children.append(Node(line))

    def remove_child(self, section: Node, line: str) -> None:
        self.version += 1
        section.children = [
            c for c in section.children if c.line != line and not c.line.startswith(line + " ")
        ]

    def _insert_top(self, node: Node) -> None:
        first = node.line.split()[0]
        siblings = [i for i, n in enumerate(self.root.children) if n.line.split()[0] == first]
        if siblings:
            self.root.children.insert(siblings[-1] + 1, node)
        else:
            tail = [i for i, n in enumerate(self.root.children) if n.line.startswith("line ")]
            self.root.children.insert(tail[0] if tail else len(self.root.children), node)

    # -- rendering -----------------------------------------------------------------------
    def render_body(self) -> str:
        return "\n".join(_render(self.root.children)) + "\n"

    def render_running(self, stamp: str) -> str:
        body = self.render_body()
        text = f"!\n! Last configuration change at {stamp}\n!\nversion 17.9\n{body}!\nend\n"
        return f"Building configuration...\n\nCurrent configuration : {len(text)} bytes\n{text}"


def _render(nodes: list[Node]) -> Iterator[str]:
    previous_first = ""
    for node in nodes:
        first = node.line.split()[0]
        if node.children or first != previous_first:
            yield "!"
        yield node.line
        yield from _render_children(node.children, 1)
        previous_first = first if not node.children else ""


def _render_children(nodes: list[Node], depth: int) -> Iterator[str]:
    for node in nodes:
        yield " " * depth + node.line
        yield from _render_children(node.children, depth + 1)


# -- diffs (what napalm reads) ---------------------------------------------------------------
def contextual_diff(old: ConfigTree, new: ConfigTree) -> list[str]:
    """``show archive config differences``: +/- lines with their section header as context."""
    out: list[str] = []
    old_by_key = {_section_key(n.line): n for n in old.root.children}
    new_by_key = {_section_key(n.line): n for n in new.root.children}
    for key, node in new_by_key.items():
        before = old_by_key.get(key)
        if before is None:
            out.append("+" + node.line)
            out.extend(" +" + c for c in _flatten(node.children))
        elif before.line != node.line and not node.children:
            out.append("-" + before.line)
            out.append("+" + node.line)
        else:
            added = [c for c in _flatten(node.children) if c not in _flatten(before.children)]
            gone = [c for c in _flatten(before.children) if c not in _flatten(node.children)]
            if added or gone:
                out.append(node.line)
                out.extend(" -" + c for c in gone)
                out.extend(" +" + c for c in added)
    for key, node in old_by_key.items():
        if key not in new_by_key:
            out.append("-" + node.line)
            out.extend(" -" + c for c in _flatten(node.children))
    return out


def _flatten(nodes: list[Node], depth: int = 0) -> list[str]:
    out: list[str] = []
    for n in nodes:
        out.append(" " * depth + n.line)
        out.extend(_flatten(n.children, depth + 1))
    return out
