"""A model written as JSON piece by piece: the text ``json.dumps(to_jsonable(m), indent=2)``
would give, without holding that text, or the model's whole JSON copy, in memory.

The top-level object and its collections (a table's flows, a config's interfaces) are walked
here; each element is converted and dumped on its own, then dropped.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TextIO

from nornir_tasks.models import to_jsonable

_WALKED = 2  # levels walked here; deeper values are dumped whole (one element at a time)


def _members(value: Any) -> list[tuple[str, Any]] | None:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [(f.name, getattr(value, f.name)) for f in dataclasses.fields(value)]
    if isinstance(value, Mapping):
        return [(str(k), v) for k, v in value.items()]
    return None


def _joined(parts: Iterable[Iterator[str]], open_: str, close: str, indent: str) -> Iterator[str]:
    first = True
    for part in parts:
        yield (open_ + "\n" if first else ",\n") + indent + "  "
        first = False
        yield from part
    yield (open_ + close) if first else "\n" + indent + close


def _key(name: str, value: Any, indent: str, depth: int) -> Iterator[str]:
    yield json.dumps(name) + ": "
    yield from chunks(value, indent + "  ", depth + 1)


def chunks(value: Any, indent: str = "", depth: int = 0) -> Iterator[str]:
    """The JSON text of ``value`` in pieces (``json.dumps(to_jsonable(value), indent=2)``)."""
    if depth >= _WALKED:
        yield json.dumps(to_jsonable(value), indent=2).replace("\n", "\n" + indent)
        return
    members = _members(value)
    if members is not None:
        yield from _joined((_key(k, v, indent, depth) for k, v in members), "{", "}", indent)
    elif isinstance(value, list | tuple):
        items = (chunks(v, indent + "  ", depth + 1) for v in value)
        yield from _joined(items, "[", "]", indent)
    else:
        yield json.dumps(to_jsonable(value))


def write_json(value: Any, out: TextIO, batch: int = 1 << 16) -> None:
    """``value`` as indented JSON on ``out``, one write per ``batch`` characters."""
    pending: list[str] = []
    size = 0
    for piece in chunks(value):
        pending.append(piece)
        size += len(piece)
        if size > batch:
            out.write("".join(pending))
            pending, size = [], 0
    out.write("".join(pending) + "\n")
