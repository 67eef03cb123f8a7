"""A small indentation-tree reader for IOS configuration text (see docs/parsers-more.md).

Sample::

    crypto map VPN1 10 ipsec-isakmp
     set peer 61.128.1.1
    !
    banner motd ^C
    text that is not configuration
    ^C
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import SupportsIndex, overload

from nornir_tasks.parsers._text import clean_lines
from nornir_tasks.parsers.config_session import is_session, session_to_config


class Words(list[str]):
    """A configuration line's words; a word past the end of the line is ``""``.

    A pasted or cut configuration can hold any command without its arguments
    (``crypto isakmp policy``, `` mode``, ``tunnel protection ipsec profile``); readers index
    words by position, and a missing one must read as absent, not raise.
    """

    @overload
    def __getitem__(self, index: SupportsIndex) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Words: ...
    def __getitem__(self, index: SupportsIndex | slice) -> str | Words:
        if isinstance(index, slice):
            return Words(super().__getitem__(index))
        try:
            return super().__getitem__(index)
        except IndexError:
            return ""


@dataclass
class ConfigNode:
    """One configuration line (stripped) and the lines indented under it."""

    text: str
    children: list[ConfigNode] = field(default_factory=list)

    def words(self) -> Words:
        return Words(self.text.split())

    def descendants(self) -> list[ConfigNode]:
        """All lines below this one, depth first (IOS nests some modes inconsistently)."""
        out: list[ConfigNode] = []
        for child in self.children:
            out.append(child)
            out.extend(child.descendants())
        return out


def _banner_end(line: str) -> str | None:
    """The delimiter a multi-line ``banner`` waits for, or None when it closes on its line."""
    words = line.split(maxsplit=2)
    if len(words) < 3:
        return None
    body = words[2]
    delimiter = "^C" if body.startswith("^C") else body[0]
    return None if delimiter in body[len(delimiter) :] else delimiter


def read_tree(text: str) -> list[ConfigNode]:
    """The top-level configuration lines with their children; ``!`` lines and banners skipped."""
    roots: list[ConfigNode] = []
    stack: list[tuple[int, ConfigNode]] = []
    banner: str | None = None
    lines = clean_lines(text)
    for line in session_to_config(lines) if is_session(lines) else lines:
        if banner is not None:
            banner = None if banner in line else banner
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("!"):
            continue
        indent = len(line) - len(line.lstrip())
        node = ConfigNode(stripped)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(node)
        stack.append((indent, node))
        if indent == 0 and stripped.startswith("banner "):
            banner = _banner_end(stripped)
    return roots
