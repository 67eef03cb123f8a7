"""The reports layer is pure: no terminal, no device I/O, no CLI (checked, not hoped)."""

from __future__ import annotations

import ast
from pathlib import Path

import nornir_tasks.reports
from nornir_tasks.models import report

FORBIDDEN = (
    "rich",
    "nornir",
    "netmiko",
    "napalm",
    "paramiko",
    "asyncssh",
    "lab",
    "nornir_tasks.cli",
)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


def test_reports_and_report_model_import_no_terminal_or_device_code() -> None:
    files = [*Path(nornir_tasks.reports.__file__).parent.glob("*.py"), Path(report.__file__)]
    assert len(files) > 5
    bad = {f.name: sorted(n for n in _imports(f) if _forbidden(n)) for f in files}
    assert {k: v for k, v in bad.items() if v} == {}


def test_reports_do_not_print() -> None:
    for path in Path(nornir_tasks.reports.__file__).parent.glob("*.py"):
        calls = [
            node
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print"
        ]
        assert calls == [], path.name
