"""YAML with line numbers, so a bad file is reported as ``file:line: field: problem``."""

from __future__ import annotations

from typing import Any

import yaml


class YamlFileError(ValueError):
    """A YAML file that cannot be used, with where and why."""


# libyaml's parser where PyYAML has it (the lab's scenarios compose ~20x faster, and every test
# worker loads several at import). Text it rejects is composed again by the pure-Python parser,
# so a bad file gets the message it always got.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose(text: str, filename: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        pass
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{filename}:{mark.line + 1}" if mark else filename
        raise YamlFileError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc


def load_with_lines(text: str, filename: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """The data plus the line number of every key and list item, by path."""
    node = _compose(text, filename)
    lines: dict[tuple[Any, ...], int] = {}
    if node is None:
        return {}, lines
    # Scalars are built by the safe constructor from their composed node (as safe_load would
    # build them), not by serialising each node and loading it again.
    constructor = yaml.constructor.SafeConstructor()

    def walk(n: yaml.Node, path: tuple[Any, ...]) -> Any:
        lines[path] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            out = {}
            for key_node, value_node in n.value:
                key = constructor.construct_object(key_node, deep=True)
                lines[(*path, key)] = key_node.start_mark.line + 1
                out[key] = walk(value_node, (*path, key))
            return out
        if isinstance(n, yaml.SequenceNode):
            return [walk(item, (*path, i)) for i, item in enumerate(n.value)]
        return constructor.construct_object(n, deep=True)

    try:
        return walk(node, ()), lines
    except yaml.constructor.ConstructorError as exc:  # a tag safe_load refuses, e.g. "!foo"
        mark = exc.problem_mark
        where = f"{filename}:{mark.line + 1}" if mark else filename
        raise YamlFileError(f"{where}: not valid YAML: {exc.problem}") from exc


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
