"""Playbook thresholds: limits an operator sets per playbook, checked on every host (pure).

``cpu_percent`` (read from ``FleetEvidence.cpu_percent``): a router whose one-minute CPU load (or five-second, when that is all the
output gives) is above the limit is flagged: IKE and IPsec control traffic is process-switched,
so a busy CPU drops or delays negotiations, and vpndiag will not start a debug on it.
"""

from __future__ import annotations

from collections.abc import Iterator

from nornir_tasks.checks.evidence import FleetEvidence, HostEvidence
from nornir_tasks.checks.registry import check
from nornir_tasks.models.cpu import CpuUsage
from nornir_tasks.models.findings import Finding, Severity, Source, Step

CPU_CODE = "CPU_HIGH"


# IOS ``show processes cpu | include CPU``; the ASA's ``show cpu usage`` (the same model)
CPU_OUTPUTS = ("show processes cpu*", "show cpu usage*")


@check(CPU_CODE, needs=CPU_OUTPUTS, implied=True)
def cpu_high(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """The playbook's ``thresholds.cpu_percent`` (``fleet.cpu_percent``); none: no limit."""
    limit = fleet.cpu_percent
    cpu = host.first(CpuUsage)
    if limit is None or cpu is None:
        return
    load = cpu.one_minute if cpu.one_minute is not None else cpu.five_seconds
    if load is None or load <= limit:
        return
    texts = [text for need in CPU_OUTPUTS for _, text in host.raw_of(need)]
    line = next((ln for text in texts for ln in text.splitlines() if "CPU" in ln), "")
    asa = any(host.has(need) for need in CPU_OUTPUTS[1:])
    yield Finding(
        code=CPU_CODE,
        severity=Severity.WARNING,
        host=host.host,
        peer=None,
        summary=f"CPU at {load}% over the last minute (limit {limit:g}%)",
        cause=(
            f"{host.host}'s CPU is above the playbook's limit: IKE is process-switched, so "
            "negotiations and DPD replies queue behind whatever is busy; retransmissions and "
            "flaps follow. vpndiag does not start a debug on a router this busy."
        ),
        evidence=(line.strip(),) if line.strip() else (),
        next_steps=(
            ("show processes cpu-usage sorted non-zero", "show cpu usage")
            if asa
            else ("show processes cpu sorted | exclude 0.00", "show processes cpu history")
        ),
        step=Step.TERMINATION,
        source=Source.STATE,
    )
