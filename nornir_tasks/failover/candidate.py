"""The configuration a merge would leave: running config text plus a change, as IOS merges it.

Good enough for lint, not a simulator: ``no X`` removes top-level lines (and sections) starting
with X (``no ip sla N`` also its schedule); a section entered again gets the new sub-lines,
``delay`` replacing the old one; a new line is appended.
"""

from __future__ import annotations

from nornir_tasks.parsers._config_tree import ConfigNode, read_tree

_REPLACING_CHILDREN = ("delay ",)


def _removes(node: ConfigNode, line: str) -> bool:
    text = node.text
    if text == line or text.startswith(line + " "):
        return True
    words = line.split()
    return (
        words[:2] == ["ip", "sla"]
        and len(words) == 3
        and text.startswith(f"ip sla schedule {words[2]} ")
    )


def _merge_children(have: ConfigNode, new: ConfigNode) -> None:
    for child in new.children:
        if child.text.startswith("no "):
            gone = child.text[3:]
            have.children = [c for c in have.children if not _removes(c, gone)]
            continue
        if any(c.text == child.text for c in have.children):
            continue
        prefix = next((p for p in _REPLACING_CHILDREN if child.text.startswith(p)), None)
        if prefix is not None:
            have.children = [c for c in have.children if not c.text.startswith(prefix)]
        have.children.append(child)


def _render(nodes: list[ConfigNode], depth: int = 0) -> list[str]:
    out: list[str] = []
    for node in nodes:
        out.append(" " * depth + node.text)
        out += _render(node.children, depth + 1)
    return out


def merged_config(running: str, change: str) -> str:
    """``running`` after ``copy <change> running-config`` (the text ends with ``end``)."""
    nodes = read_tree(running)
    for new in read_tree(change):
        if new.text == "end":
            continue
        if new.text.startswith("no "):
            nodes = [n for n in nodes if not _removes(n, new.text[3:])]
            continue
        same = next((n for n in nodes if n.text == new.text), None)
        if same is None:
            nodes.append(new)
        else:
            _merge_children(same, new)
    nodes = [n for n in nodes if n.text != "end"]
    return "\n".join([*_render(nodes), "end"]) + "\n"
