"""A pointer on the end whose tunnel is explained by a finding on the other end.

Cross-peer rules report a cause once, on the end that proves it (the return-path case on the
responder, not on the initiator that only waits). The other end would then look clean in a
fleet table although its tunnel is down or one-way; this note says where the cause is.
"""

from __future__ import annotations

from collections.abc import Sequence

from nornir_tasks.checks.evidence import FleetEvidence
from nornir_tasks.checks.tunnels import tunnels
from nornir_tasks.models.findings import Finding, Severity, Source

CODE = "EXPLAINED_AT_PEER"


def explained_at_peer(fleet: FleetEvidence, findings: Sequence[Finding]) -> list[Finding]:
    """One info finding per (host, tunnel) whose cause another host's finding names."""
    # Only what the devices' state shows: a configuration finding (a missing key for a backup
    # address) names what to change, not a tunnel that is broken now.
    serious = [
        f
        for f in findings
        if f.severity >= Severity.WARNING and f.peer and f.source is Source.STATE
    ]
    have = {(f.host, f.peer) for f in serious}
    notes: list[Finding] = []
    for host in fleet.hosts:
        for cause in serious:
            if cause.host == host.host or cause.peer not in host.addresses:
                continue
            other = fleet.host(cause.host)
            mine = [t.peer for t in tunnels(host) if other and t.peer in other.addresses]
            if not mine or any((host.host, p) in have for p in mine):
                continue
            have.add((host.host, mine[0]))
            notes.append(
                Finding(
                    code=CODE,
                    severity=Severity.INFO,
                    host=host.host,
                    peer=mine[0],
                    summary=f"the cause is on {cause.host}: {cause.code}",
                    cause=(
                        f"{host.host}'s tunnel to {mine[0]} is affected by what {cause.host} "
                        f"shows: {cause.summary}. Read from both ends, the cause is reported "
                        f"once, on {cause.host}."
                    ),
                    evidence=(f"{cause.host}: {cause.code}: {cause.summary}",),
                    next_steps=(f"vpndiag triage {host.host} --peer {mine[0]}",),
                    step=cause.step,
                    source=Source.STATE,
                )
            )
    return notes
