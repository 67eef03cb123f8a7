"""Terminal rendering of collection results (rich)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from nornir_tasks.models.collection import HostCollection, HostStatus

_STATUS_STYLE = {
    HostStatus.OK: "green",
    HostStatus.PARTIAL: "yellow",
    HostStatus.UNREACHABLE: "red",
    HostStatus.AUTH_FAILED: "red",
    HostStatus.TIMEOUT: "red",
    HostStatus.FAILED: "red",
}


def _phase1(c: HostCollection) -> str:
    table: Any = c.parsed("show crypto isakmp sa")
    if table is None:
        return "-"
    up = sum(1 for sa in table.sas if str(sa.state) in ("QM_IDLE", "MM_ACTIVE"))
    return f"{up}/{len(table.sas)}"


def _phase2(c: HostCollection) -> str:
    parsed: Any = c.parsed("show crypto ipsec sa")
    if parsed is None:
        return "-"
    flows = [f for f in getattr(parsed, "flows", ()) if f.current_peer]
    moving = sum(1 for f in flows if (f.pkts_encaps or 0) and (f.pkts_decaps or 0))
    return f"{moving}/{len(flows)}"


def collection_table(collections: Sequence[HostCollection]) -> Table:
    table = Table(title="fleet collection", title_justify="left")
    for column in ("host", "status", "IKE SAs up", "IPsec flows 2-way", "note"):
        table.add_column(column, overflow="fold")
    for c in collections:
        style = _STATUS_STYLE[c.status]
        note = c.error or "; ".join(
            f"{o.command}: {o.status}" for o in c.outputs if o.status != "ok"
        )
        table.add_row(c.host, f"[{style}]{c.status}[/]", _phase1(c), _phase2(c), note)
    return table


def print_collection(console: Console, collections: Sequence[HostCollection]) -> None:
    console.print(collection_table(collections))
    failed = [c for c in collections if c.status not in (HostStatus.OK, HostStatus.PARTIAL)]
    console.print(f"{len(collections)} hosts, {len(failed)} unreachable or failed")
