"""What the ledger says about the routers of a run, beyond debug: changes left pending."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.markup import escape

from nornir_tasks.failover.pending import left_pending
from nornir_tasks.ledger import REVERT, Ledger, RevertEntry


def warn_pending_reverts(err: Console, hosts: Iterable[str], ledger: Ledger | None = None) -> int:
    """A loud line per selected router with a revert timer no run saw finished; how many."""
    book = ledger or Ledger()
    selected = set(hosts)
    said = 0
    for host in book.hosts(REVERT):
        entry = book.get(REVERT, host)
        if host in selected and isinstance(entry, RevertEntry) and not book.owned_elsewhere(entry):
            err.print(f"[bold red]warning:[/] {escape(left_pending(entry))}", highlight=False)
            said += 1
    return said
