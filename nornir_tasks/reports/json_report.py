"""The JSON report: every field of the run, schema ``vpndiag.report/1`` (see ``schema.py``).

``findings`` appears twice: under each host, and as one flat list across the fleet in the same
shape as ``vpndiag diagnose --format json`` (``findings_document``), so one consumer reads both.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from nornir_tasks.models.debug import DebugRecord
from nornir_tasks.models.findings import Finding, Severity
from nornir_tasks.models.report import (
    CheckResult,
    HostReport,
    RunReport,
    TunnelPoint,
    sorted_findings,
)
from nornir_tasks.reports.redact import redact_finding, redact_report
from nornir_tasks.reports.schema import SCHEMA_ID


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """One finding, keys in the documented order."""
    return {
        "code": finding.code,
        "severity": str(finding.severity),
        "host": finding.host,
        "peer": finding.peer,
        "summary": finding.summary,
        "cause": finding.cause,
        "evidence": list(finding.evidence),
        "next_steps": list(finding.next_steps),
        "step": str(finding.step),
        "source": str(finding.source),
    }


def findings_document(findings: Iterable[Finding]) -> dict[str, Any]:
    """``{"findings": [...]}``: the ``vpndiag diagnose --format json`` document, secrets masked."""
    return {"findings": [finding_to_dict(redact_finding(f)) for f in sorted_findings(findings)]}


def _severity(severity: Severity | None) -> str | None:
    return None if severity is None else str(severity)


def _check(check: CheckResult) -> dict[str, Any]:
    return {
        "name": check.name,
        "host": check.host,
        "outcome": str(check.outcome),
        "message": check.message,
    }


def _host(host: HostReport) -> dict[str, Any]:
    return {
        "host": host.host,
        "status": str(host.status),
        "error": host.error,
        "tunnels_up": host.tunnels_up,
        "tunnels_negotiating": host.tunnels_negotiating,
        "tunnels_down": host.tunnels_down,
        "tunnels_total": host.tunnels_total,
        "worst_severity": _severity(host.worst_severity()),
        "findings": [finding_to_dict(f) for f in sorted_findings(host.findings)],
        "checks": [_check(c) for c in host.checks],
    }


def _tunnel_state(state: TunnelPoint) -> dict[str, Any]:
    return {"host": state.host, "peer": state.peer, "state": str(state.state), "at": state.at}


def _debug(record: DebugRecord) -> dict[str, Any]:
    return {
        "host": record.host,
        "origin": str(record.origin),
        "kinds": list(record.kinds),
        "conditions": list(record.conditions),
        "started": record.started or None,
        "seconds": record.seconds,
        "cleanup_verified": record.cleanup_verified,
        "note": record.note,
    }


def _summary(report: RunReport) -> dict[str, Any]:
    return {
        "hosts": len(report.hosts),
        "hosts_reached": len(report.hosts) - len(report.failed_hosts()),
        "hosts_failed": len(report.failed_hosts()),
        "tunnels_up": report.tunnels_up,
        "tunnels_negotiating": sum(h.tunnels_negotiating for h in report.hosts),
        "tunnels_down": sum(h.tunnels_down for h in report.hosts),
        "tunnels_total": report.tunnels_total,
        "worst_severity": _severity(report.worst_severity()),
        "findings": {str(s): n for s, n in report.severity_counts().items()},
        "checks": {str(o): n for o, n in report.outcome_counts().items()},
    }


def report_to_dict(report: RunReport) -> dict[str, Any]:
    """The whole report as JSON-ready data, secrets masked."""
    report = redact_report(report)
    return {
        "schema": SCHEMA_ID,
        "title": report.title,
        "playbook": report.playbook,
        "started": report.started,
        "duration_s": report.duration_s,
        "tool_version": report.tool_version,
        "summary": _summary(report),
        "hosts": [_host(h) for h in report.hosts],
        "findings": [finding_to_dict(f) for f in report.findings],
        "history": [_tunnel_state(s) for s in report.history],
        "debug": [_debug(d) for d in report.debug],
    }


def render_json(report: RunReport) -> str:
    """The JSON report text (UTF-8, indented, ends with a newline)."""
    return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False) + "\n"
