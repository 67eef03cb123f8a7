"""Secret masking of a whole report: every renderer calls ``redact_report`` first.

Evidence lines are quoted from devices and may hold a configuration line with a pre-shared
key, sometimes behind a prompt or inside quotes (``R1(config)#crypto isakmp key cisco ...``,
``"pre-shared-key address 10.0.0.1 key VPN"``). ``mask_secrets`` reads whole lines, so the
text after each prompt, colon or quote is masked as a line of its own too.
"""

from __future__ import annotations

import dataclasses
import re

from nornir_tasks.models.findings import Finding
from nornir_tasks.models.report import CheckResult, HostReport, RunReport
from nornir_tasks.parsers._secrets import mask_secrets

# Where a quoted configuration line may start inside a longer line: after a prompt
# ("R1#", "R1(config-keyring)#", "asa>"), a "label:" or an opening quote.
_LINE_START = re.compile(r"[#>]\s*|:\s+|[\"'`]")


def mask_line(line: str) -> str:
    """``line`` with any secret masked, also when the secret follows a prompt or a quote."""
    masked = line
    # Right to left: masking a tail never moves the positions to its left.
    for start in reversed([m.end() for m in _LINE_START.finditer(line)]):
        masked = masked[:start] + mask_secrets(masked[start:])
    return mask_secrets(masked)


def mask_text(text: str) -> str:
    """Every line of ``text`` through ``mask_line``; line endings kept."""
    return "".join(mask_line(line) for line in text.splitlines(keepends=True))


def redact_finding(finding: Finding) -> Finding:
    return dataclasses.replace(
        finding,
        summary=mask_text(finding.summary),
        cause=mask_text(finding.cause),
        evidence=tuple(mask_text(line) for line in finding.evidence),
        next_steps=tuple(mask_text(step) for step in finding.next_steps),
    )


def _redact_check(check: CheckResult) -> CheckResult:
    return dataclasses.replace(check, message=mask_text(check.message))


def _redact_host(host: HostReport) -> HostReport:
    return dataclasses.replace(
        host,
        error=mask_text(host.error) if host.error is not None else None,
        findings=tuple(redact_finding(f) for f in host.findings),
        checks=tuple(_redact_check(c) for c in host.checks),
    )


def redact_report(report: RunReport) -> RunReport:
    """``report`` with every free-text field (evidence first) run through the secret masker."""
    return dataclasses.replace(report, hosts=tuple(_redact_host(h) for h in report.hosts))
