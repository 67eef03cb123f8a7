"""Findings for people and for programs: a rich table with details, or JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from nornir_tasks.models.findings import Finding, Severity

_STYLE = {Severity.CRITICAL: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
FIELDS = ("code", "severity", "host", "peer", "summary", "cause", "evidence", "next_steps", "step")


def findings_json(findings: Sequence[Finding]) -> dict[str, Any]:
    """``{"findings": [{"code", "severity", "host", "peer", "summary", "cause", "evidence",
    "next_steps", "step", "source"}]}``."""
    rows = []
    for f in findings:
        row: dict[str, Any] = {name: getattr(f, name) for name in FIELDS}
        row["severity"], row["step"], row["source"] = f.severity.value, f.step.value, f.source.value
        row["evidence"], row["next_steps"] = list(f.evidence), list(f.next_steps)
        rows.append(row)
    return {"findings": rows}


def findings_table(findings: Sequence[Finding]) -> Table:
    table = Table(title="findings", title_justify="left")
    table.add_column("severity", no_wrap=True)
    table.add_column("code", no_wrap=True)
    for column in ("host", "peer", "summary"):
        table.add_column(column, overflow="fold")
    for f in findings:
        style = _STYLE[f.severity]
        table.add_row(
            f"[{style}]{f.severity.value}[/]",
            f.code,
            escape(f.host),
            escape(f.peer or "-"),
            escape(f.summary),
        )
    return table


def print_findings(console: Console, findings: Sequence[Finding], details: bool = True) -> None:
    """The table first (the verdict), then each finding's cause, evidence and next steps."""
    if not findings:
        console.print("[green]no findings[/]: nothing wrong in the evidence given")
        return
    console.print(findings_table(findings))
    if not details:
        return
    for f in findings:
        style = _STYLE[f.severity]
        peer = f" -> {escape(f.peer)}" if f.peer else ""
        console.print(
            f"\n[{style}]{f.code}[/] {escape(f.host)}{peer}  [dim]({f.step.value}, {f.source.value})[/]"
        )
        console.print(f"  {escape(f.cause)}", highlight=False)
        for line in f.evidence:
            console.print(f"  [dim]|[/] {escape(line)}", highlight=False)
        for step in f.next_steps:
            console.print(f"  [bold]>[/] {escape(step)}", highlight=False)
