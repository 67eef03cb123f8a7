"""Every report format carries the debug section: routers, conditions, how long, cleanup;
a cleanup not verified is a critical finding, a partial host and exit 2."""

from __future__ import annotations

import dataclasses
import io
import json
import xml.etree.ElementTree as ET

from rich.console import Console

from nornir_tasks.cli.exit_codes import report_exit_code as exit_code
from nornir_tasks.cli.terminal import print_report
from nornir_tasks.models.collection import HostCollection, HostStatus
from nornir_tasks.models.debug import DebugCapture, DebugOrigin, DebugRecord
from nornir_tasks.models.findings import Severity
from nornir_tasks.models.report import RunReport
from nornir_tasks.playbooks.debug_ledger import (
    LEFT_ON,
    debug_section,
    left_on_findings,
    mark_left_on,
)
from nornir_tasks.reports import render
from nornir_tasks.reports.schema import validate
from tests.reports.sample import healthy_report

VERIFIED = DebugRecord(
    "hub1", ("peer ipv4 203.0.113.1",), ("isakmp", "ipsec"), "2026-07-01T06:00:00+00:00",
    12.5, True, DebugOrigin.THIS_RUN,
)  # fmt: skip
LEFT = DebugRecord(
    "spoke1", ("peer ipv4 198.51.100.2",), ("isakmp",), "2026-07-01T05:00:00+00:00", None,
    False, DebugOrigin.EARLIER_RUN, "cleanup impossible: 4 new sessions failed",
)  # fmt: skip


def with_debug(*records: DebugRecord) -> RunReport:
    report = healthy_report()
    return dataclasses.replace(report, debug=records)


def test_the_capture_becomes_its_report_line() -> None:
    capture = DebugCapture(
        "HQ", "203.0.113.30", (), (), cleanup_verified=True, peers=("203.0.113.30", "203.0.113.14"),
        kinds=("isakmp", "ipsec"), started="2026-12-03T07:00:00+00:00", seconds_on=30.2,
    )  # fmt: skip
    refused = DebugCapture("BR07", "198.51.100.2", (), (), refused="CPU at 91%")
    (record,) = debug_section([LEFT], [capture, refused])[1:]
    assert record.conditions == ("peer ipv4 203.0.113.30", "peer ipv4 203.0.113.14")
    assert (record.seconds, record.cleanup_verified, record.origin) == (30.2, True, "this run")
    assert debug_section([], [refused]) == ()  # a refused debug turned nothing on


def test_json_carries_the_section_and_validates() -> None:
    report = with_debug(VERIFIED, LEFT)
    data = json.loads(render(report, "json"))
    assert validate(data) == []
    assert data["debug"][0] == {
        "host": "hub1",
        "origin": "this run",
        "kinds": ["isakmp", "ipsec"],
        "conditions": ["peer ipv4 203.0.113.1"],
        "started": "2026-07-01T06:00:00+00:00",
        "seconds": 12.5,
        "cleanup_verified": True,
        "note": "",
    }
    assert data["debug"][1]["cleanup_verified"] is False and data["debug"][1]["seconds"] is None
    assert json.loads(render(healthy_report(), "json"))["debug"] == []


def test_text_formats_say_verified_or_not() -> None:
    report = with_debug(VERIFIED, LEFT)
    md = render(report, "markdown")
    assert "## Debug" in md and "| spoke1 | isakmp for peer ipv4 198.51.100.2 |" in md
    assert "**NOT VERIFIED**" in md and "| 12.5 s | verified |" in md
    html = render(report, "html")
    assert "<h2>Debug</h2>" in html and "<b>NOT VERIFIED</b>" in html
    console = Console(file=io.StringIO(), width=200, color_system=None)
    print_report(console, report)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert (
        "hub1: debug crypto isakmp, ipsec for peer ipv4 203.0.113.1; on 12.5 s; cleanup verified"
        in text
    )
    assert "spoke1 (earlier run): debug crypto isakmp" in text and "NOT VERIFIED" in text
    assert "## Debug" not in render(healthy_report(), "markdown")


def test_junit_errors_on_a_debug_left_on() -> None:
    root = ET.fromstring(render(with_debug(VERIFIED, LEFT), "junit"))
    (suite,) = [s for s in root.iter("testsuite") if s.get("name") == "debug"]
    cases = {c.get("classname"): c for c in suite.iter("testcase")}
    assert cases["debug.spoke1"].find("error") is not None
    assert cases["debug.hub1"].find("error") is None
    assert suite.get("errors") == "1"


def test_a_debug_left_on_is_critical_partial_and_exit_2() -> None:
    (finding,) = left_on_findings([VERIFIED, LEFT])
    assert (finding.code, finding.severity, finding.host) == (LEFT_ON, Severity.CRITICAL, "spoke1")
    assert finding.evidence == (
        "debug crypto isakmp",
        "debug crypto condition peer ipv4 198.51.100.2",
    )
    assert "4 new sessions failed" in finding.cause and "undebug all" in finding.next_steps
    collected = {"spoke1": HostCollection("spoke1", HostStatus.OK)}
    marked = mark_left_on(collected, [LEFT])["spoke1"]
    assert marked.status is HostStatus.PARTIAL and "not verified" in (marked.error or "")
    assert exit_code(with_debug(LEFT), Severity.CRITICAL) == 2
    assert exit_code(with_debug(VERIFIED), Severity.CRITICAL) == 0
    other = dataclasses.replace(LEFT, origin=DebugOrigin.OTHER_RUN)
    assert not left_on_findings([other])  # a live run's debug is not ours to judge
