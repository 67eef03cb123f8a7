"""The snapshot, drift and schedule modules stay pure: no database, network, terminal or CLI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import nornir_tasks.history as history

PURE = ("snapshot", "diff", "schedule")
FORBIDDEN = (
    "sqlite3",
    "urllib",
    "smtplib",
    "socket",
    "rich",
    "click",
    "nornir.",
    "netmiko",
    "nornir_tasks.cli",
    "nornir_tasks.history.store",
    "nornir_tasks.history.notify",
    "nornir_tasks.smtp",
)


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_import_no_io(module: str) -> None:
    path = Path(history.__file__).parent / f"{module}.py"
    bad = sorted(
        m
        for m in imports(path)
        if any((m + ".").startswith(f.rstrip(".") + ".") for f in FORBIDDEN)
    )
    assert bad == []
