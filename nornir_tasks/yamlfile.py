"""YAML with line numbers, so a bad file is reported as ``file:line: field: problem``."""

from __future__ import annotations

from typing import Any

import yaml


class YamlFileError(ValueError):
    """A YAML file that cannot be used, with where and why."""


def load_with_lines(text: str, filename: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """The data plus the line number of every key and list item, by path."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{filename}:{mark.line + 1}" if mark else filename
        raise YamlFileError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    lines: dict[tuple[Any, ...], int] = {}
    if node is None:
        return {}, lines

    def walk(n: yaml.Node, path: tuple[Any, ...]) -> Any:
        lines[path] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            out = {}
            for key_node, value_node in n.value:
                key = yaml.safe_load(yaml.serialize(key_node))
                lines[(*path, key)] = key_node.start_mark.line + 1
                out[key] = walk(value_node, (*path, key))
            return out
        if isinstance(n, yaml.SequenceNode):
            return [walk(item, (*path, i)) for i, item in enumerate(n.value)]
        return yaml.safe_load(yaml.serialize(n))

    return walk(node, ()), lines


def nearest_line(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int:
    """The line of ``loc``, or of its closest parent that has one."""
    while loc not in lines and loc:
        loc = loc[:-1]
    return lines.get(loc, 1)


def located(
    filename: str, lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...], msg: str
) -> str:
    field = ".".join(str(p) for p in loc) or "(top level)"
    return f"{filename}:{nearest_line(lines, loc)}: {field}: {msg}"
