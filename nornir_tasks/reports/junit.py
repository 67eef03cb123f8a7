"""JUnit XML for CI dashboards: a ``testsuite`` per host, a ``testcase`` per host × check.

FAIL -> ``<failure>`` carrying the findings (verdict, cause, evidence, next steps); ERROR, and
every check of a host that could not be reached -> ``<error>``; SKIP -> ``<skipped>``. A host
that was not reached and ran no check still gets one ``collect`` testcase, in error, so a dead
router is never a green build. Info findings of a passing check go to ``<system-out>``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from nornir_tasks.models.findings import Finding, Severity
from nornir_tasks.models.report import (
    CheckOutcome,
    CheckResult,
    HostReport,
    RunReport,
    at_or_above,
    sorted_findings,
)
from nornir_tasks.reports.redact import redact_report
from nornir_tasks.reports.wording import debug_line, finding_verdict, host_error, tunnel_label

# Characters XML 1.0 cannot carry (a truncated output may hold them): replaced, not dropped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
COLLECT_CHECK = "collect"


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _xml_text(v) for k, v in attrs.items()})
    if text:
        element.text = _xml_text(text)
    return element


def finding_text(finding: Finding) -> str:
    """A finding as plain text: verdict, cause, evidence lines, next steps."""
    lines = [
        finding_verdict(finding),
        f"Tunnel: {tunnel_label(finding.host, finding.peer)}",
        f"Cause: {finding.cause}",
    ]
    if finding.evidence:
        lines += ["Evidence:", *(f"  {line}" for line in finding.evidence)]
    if finding.next_steps:
        lines += ["Next steps:", *(f"  - {step}" for step in finding.next_steps)]
    return "\n".join(lines)


def _testcases(host: HostReport) -> tuple[CheckResult, ...]:
    """The host's checks, plus one per finding code no check covers (never lose a finding)."""
    covered = {c.name for c in host.checks}
    extra: dict[str, CheckResult] = {}
    for f in sorted_findings(host.findings):
        if f.code not in covered and f.code not in extra:
            failed = at_or_above(f.severity, Severity.WARNING)
            outcome = CheckOutcome.FAIL if failed else CheckOutcome.PASS
            extra[f.code] = CheckResult(f.code, host.host, outcome, f.summary)
    checks = (*host.checks, *extra.values())
    if not checks and not host.reached:
        return (CheckResult(COLLECT_CHECK, host.host, CheckOutcome.ERROR, host.error or ""),)
    return checks


def _outcome(host: HostReport, check: CheckResult) -> CheckOutcome:
    return CheckOutcome.ERROR if not host.reached else check.outcome


def _add_testcase(suite: ET.Element, classname: str, host: HostReport, check: CheckResult) -> None:
    case = _sub(suite, "testcase", classname=classname, name=check.name)
    findings = sorted_findings(f for f in host.findings if f.code == check.name)
    outcome = _outcome(host, check)
    if outcome is CheckOutcome.FAIL:
        failing = [f for f in findings if at_or_above(f.severity, Severity.WARNING)] or findings
        message = finding_verdict(failing[0]) if failing else check.message
        text = "\n\n".join(finding_text(f) for f in failing) or check.message
        _sub(case, "failure", text, message=message, type=check.name)
    elif outcome is CheckOutcome.ERROR:
        message = check.message if host.reached else host_error(host)
        _sub(case, "error", message, message=message, type=str(host.status))
    elif outcome is CheckOutcome.SKIP:
        _sub(case, "skipped", message=check.message)
    elif findings:
        _sub(case, "system-out", "\n\n".join(finding_text(f) for f in findings))


def _counts(cases: ET.Element) -> dict[str, str]:
    testcases = cases.iter("testcase")
    tally = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for case in testcases:
        tally["tests"] += 1
        for tag, key in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
            tally[key] += case.find(tag) is not None
    return {k: str(v) for k, v in tally.items()}


def _add_suite(root: ET.Element, report: RunReport, host: HostReport) -> None:
    suite = _sub(root, "testsuite", name=host.host, hostname=host.host)
    suite.set("timestamp", report.started)
    props = _sub(suite, "properties")
    _sub(props, "property", name="status", value=str(host.status))
    _sub(props, "property", name="tunnels", value=f"{host.tunnels_up}/{host.tunnels_total}")
    if host.error:
        _sub(props, "property", name="error", value=host.error)
    classname = f"{report.playbook or 'vpndiag'}.{host.host}"
    for check in _testcases(host):
        _add_testcase(suite, classname, host, check)
    for key, value in _counts(suite).items():
        suite.set(key, value)


def _add_debug_suite(root: ET.Element, report: RunReport) -> None:
    """One testcase per debug: in error when its cleanup was not verified."""
    if not report.debug:
        return
    suite = _sub(root, "testsuite", name="debug")
    suite.set("timestamp", report.started)
    for record in report.debug:
        case = _sub(suite, "testcase", classname=f"debug.{record.host}", name="debug cleanup")
        line = debug_line(record)
        if record.left_on:
            _sub(case, "error", line, message=line, type="DEBUG_LEFT_ON")
        else:
            _sub(case, "system-out", line)
    for key, value in _counts(suite).items():
        suite.set(key, value)


def render_junit(report: RunReport) -> str:
    """The JUnit XML text (UTF-8 declaration, indented)."""
    report = redact_report(report)
    root = ET.Element("testsuites", {"name": _xml_text(report.title)})
    for host in report.hosts:
        _add_suite(root, report, host)
    _add_debug_suite(root, report)
    for key, value in _counts(root).items():
        root.set(key, value)
    root.set("time", f"{report.duration_s:.3f}")
    root.set("timestamp", report.started)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
