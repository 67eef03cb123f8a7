"""Conversion of frozen dataclass models to JSON-ready data."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from typing import Any

# Leaves, by exact type (a StrEnum member is a str but must become its value).
_PLAIN = frozenset({str, int, float, bool, type(None)})
# A dataclass's field names, looked up once per class: ``dataclasses.fields`` per value was
# most of the cost of turning a large table into JSON.
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def to_jsonable(value: Any) -> Any:
    """Turn a model (dataclasses, enums, tuples, mappings) into plain JSON types."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    names = _FIELD_NAMES.get(kind)
    if names is None:
        if not dataclasses.is_dataclass(value) or isinstance(value, type):
            return _container(value)
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(value))
    return {name: to_jsonable(getattr(value, name)) for name in names}


def _container(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value
