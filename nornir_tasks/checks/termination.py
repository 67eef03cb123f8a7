"""Termination: tunnels that keep going down and up (``%CRYPTO-5-SESSION_STATUS``)."""

from __future__ import annotations

from collections.abc import Iterator

from nornir_tasks.checks.evidence import LOGS, FleetEvidence, HostEvidence
from nornir_tasks.checks.logview import source_of
from nornir_tasks.checks.peers import of_kind
from nornir_tasks.checks.registry import check
from nornir_tasks.models.findings import Finding, Severity, Step
from nornir_tasks.models.logs import EventKind

# Two downs in one capture is more than a rekey or a one-off outage.
FLAPS = 2


@check("TUNNEL_FLAPPING", needs=LOGS)
def tunnel_flapping(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """The same tunnel went down repeatedly in the captured log."""
    changes = of_kind(list(host.events), EventKind.SESSION_UP, EventKind.SESSION_DOWN)
    for peer in dict.fromkeys(e.peer for e in changes if e.peer):
        if peer is None:
            continue
        mine = [e for e in changes if e.peer == peer]
        downs = [e for e in mine if e.kind is EventKind.SESSION_DOWN]
        if len(downs) < FLAPS:
            continue
        yield Finding(
            code="TUNNEL_FLAPPING",
            severity=Severity.WARNING,
            host=host.host,
            peer=peer,
            summary=f"tunnel to {peer} went down {len(downs)} times in the log",
            cause=(
                f"The tunnel to {peer} keeps going down and coming back ({len(downs)} downs, "
                f"{len(mine) - len(downs)} ups): DPD declaring the peer dead on loss, an underlay "
                "path or failover flapping (track / IP SLA), or lifetimes/rekeys failing."
            ),
            evidence=tuple(e.event.line.strip() for e in mine[-8:]),
            next_steps=(
                "show logging | include SESSION_STATUS|TRACK|LINEPROTO",
                "show track ; show ip sla statistics",
                f"show crypto isakmp sa detail  (lifetimes with {peer})",
            ),
            step=Step.TERMINATION,
            source=source_of(mine),
        )
