"""``vpndiag checks``: every finding code vpndiag can report, and the code that makes it."""

from __future__ import annotations

import json
from dataclasses import dataclass

import click
from rich.console import Console
from rich.table import Table

from nornir_tasks.checks import registered_checks
from nornir_tasks.failover.lint import LINT_RULES
from nornir_tasks.playbooks.debug_ledger import LEFT_ON
from nornir_tasks.smtp.verdicts import SMTP_CODES


@dataclass(frozen=True)
class CodeSource:
    code: str
    register: str  # "check", "failover lint", "smtp", "debug ledger"
    made_by: str  # module:function
    reads: str  # what it needs


def code_sources() -> list[CodeSource]:
    """Every finding code: the diagnosis checks, then the other registers, by code."""
    rows = []
    for chk in registered_checks():
        reads = ", ".join(chk.needs)
        if chk.reads_findings:
            reads += "; the other checks' findings"
        rows.append(CodeSource(chk.code, "check", chk.where, reads))
    for code, rule in sorted(LINT_RULES.items()):
        where = f"{rule.__module__}:{rule.__name__}"
        rows.append(CodeSource(code, "failover lint", where, "running configs, failover spec"))
    for code in SMTP_CODES:
        rows.append(
            CodeSource(code, "smtp", "nornir_tasks.smtp.verdicts:smtp_findings", "SMTP dialogue")
        )
    ledger = "nornir_tasks.playbooks.debug_ledger:left_on_findings"
    rows.append(CodeSource(LEFT_ON, "debug ledger", ledger, "the debug ledger"))
    return rows


@click.command("checks")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def checks_cmd(fmt: str) -> None:
    """List every finding code, the register it belongs to and the function that makes it.

    \b
    Examples:
      vpndiag checks                 a table
      vpndiag checks --format json   for scripts
    """
    rows = code_sources()
    if fmt == "json":
        click.echo(json.dumps([row.__dict__ for row in rows], indent=2))
        return
    table = Table(title=f"{len(rows)} finding codes", title_justify="left")
    table.add_column("code", no_wrap=True)
    for column in ("register", "made by", "reads"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row.code, row.register, row.made_by, row.reads)
    Console().print(table)
