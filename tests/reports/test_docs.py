"""docs/reports.md documents every key of the JSON schema (a new key needs its line)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from nornir_tasks.reports.schema import REPORT_SCHEMA

DOC = Path(__file__).resolve().parents[2] / "docs" / "reports.md"


def _keys(schema: Mapping[str, Any]) -> Iterator[str]:
    for key, sub in schema.get("properties", {}).items():
        yield key
        yield from _keys(sub)
    for sub in schema.get("$defs", {}).values():
        yield from _keys(sub)


def test_every_schema_key_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    keys = set(_keys(REPORT_SCHEMA))
    assert {"schema", "evidence", "tunnels_negotiating", "outcome", "at"} <= keys
    assert sorted(k for k in keys if f"`{k}`" not in text) == []
