"""The last step of a run: per host its checks, assertions and tunnel counts, then the
``RunReport``. Pure."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from functools import lru_cache

from nornir_tasks.checks import HostEvidence, registered_checks
from nornir_tasks.checks.registry import Check, registered_count
from nornir_tasks.checks.tunnel_details import tunnel_details
from nornir_tasks.checks.tunnels import tunnel_counts
from nornir_tasks.models.collection import CommandOutput, HostCollection, HostStatus, OutputStatus
from nornir_tasks.models.findings import Finding, Severity
from nornir_tasks.models.report import REACHED, CheckOutcome, CheckResult, HostReport
from nornir_tasks.models.report import check_results as code_results
from nornir_tasks.playbooks.assertions import evaluate
from nornir_tasks.playbooks.model import Assertion, Playbook


def applies(item: Assertion, host: str, groups: Sequence[str]) -> bool:
    """An assertion (or wait) limited to some hosts or groups applies to this one."""
    if item.hosts and host not in item.hosts:
        return False
    return not item.groups or bool(set(item.groups) & set(groups))


def _codes(
    select: Sequence[str], evidence: HostEvidence | None
) -> tuple[list[str], dict[str, str]]:
    """Codes run on the host, and those skipped with the reason (outputs they need missing)."""
    skipped: dict[str, str] = {}
    selected = _selected(tuple(select), registered_count())
    for chk in selected:
        if evidence is not None and not chk.applies_to(evidence):
            skipped[chk.code] = "the outputs it reads were not collected"
    return list(dict.fromkeys(chk.code for chk in selected)), skipped


@lru_cache(maxsize=64)
def _selected(select: tuple[str, ...], registered: int) -> tuple[Check, ...]:
    """The registered checks ``select`` names (once per run, not once per host)."""
    return tuple(
        chk for chk in registered_checks() if any(fnmatch.fnmatchcase(chk.code, p) for p in select)
    )


def assertion_results(
    playbook: Playbook, collection: HostCollection, groups: Sequence[str]
) -> list[CheckResult]:
    results = []
    for item in playbook.assertions:
        if not applies(item, collection.host, groups):
            continue
        output: CommandOutput | None = collection.output(item.command)
        if collection.status not in REACHED:
            outcome, message = "ERROR", f"host not reached: {collection.error}"
        else:
            raw = output.raw if output is not None and output.status is OutputStatus.OK else None
            parsed = output.parsed if output is not None else None
            outcome, message = evaluate(item, raw, parsed, collection.data)
        results.append(CheckResult(item.name, collection.host, CheckOutcome(outcome), message))
    return results


def _error(collection: HostCollection) -> str | None:
    if collection.status is not HostStatus.PARTIAL or collection.error:
        return collection.error
    ok = (OutputStatus.OK, OutputStatus.SKIPPED)
    bad = [o for o in collection.outputs if o.status not in ok]
    return "; ".join(f"{o.command}: {o.status}" for o in bad)


def host_report(
    collection: HostCollection,
    evidence: HostEvidence | None,
    findings: Sequence[Finding],
    checks: Sequence[CheckResult],
    select: Sequence[str],
    fail_on: Severity,
    focus: frozenset[str] | None = None,
) -> HostReport:
    mine = tuple(f for f in findings if f.host == collection.host)
    up, negotiating, total = tunnel_counts(evidence, focus)
    ran, skipped = _codes(select, evidence)
    if collection.status in REACHED:
        results = code_results(collection.host, ran, mine, fail_on, skipped)
    else:
        reason = f"not run: {collection.status}: {collection.error or ''}".rstrip(": ")
        results = tuple(CheckResult(c, collection.host, CheckOutcome.ERROR, reason) for c in ran)
    return HostReport(
        host=collection.host,
        status=collection.status,
        error=_error(collection),
        tunnels_up=up,
        tunnels_total=total,
        findings=mine,
        checks=results + tuple(checks),
        tunnels_negotiating=negotiating,
        tunnels=tunnel_details(evidence, focus),
    )


def tool_report(
    findings: Sequence[Finding], checks: Sequence[CheckResult], host: str
) -> HostReport:
    """The row of the tool host itself (its SMTP tests)."""
    return HostReport(
        host=host,
        status=HostStatus.OK,
        error=None,
        tunnels_up=0,
        tunnels_total=0,
        findings=tuple(f for f in findings if f.host == host),
        checks=tuple(checks),
    )


def extra_checks(
    *per_host: Mapping[str, Sequence[CheckResult]],
) -> dict[str, list[CheckResult]]:
    """Check results of several steps (waits, SMTP), merged per host in step order."""
    merged: dict[str, list[CheckResult]] = {}
    for step in per_host:
        for host, results in step.items():
            merged.setdefault(host, []).extend(results)
    return merged
