"""The JUnit XML read back with ElementTree, as a CI dashboard reads it."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

from nornir_tasks.models.collection import HostStatus
from nornir_tasks.models.report import HostReport, RunReport
from nornir_tasks.reports.junit import render_junit
from tests.reports.sample import CODES, PSK_MISMATCH, RETURN_PATH, fleet_report


def _root(report: RunReport | None = None) -> ET.Element:
    return ET.fromstring(render_junit(report or fleet_report()))


def _suite(root: ET.Element, host: str) -> ET.Element:
    suite = root.find(f"testsuite[@name='{host}']")
    assert suite is not None
    return suite


def _case(suite: ET.Element, name: str) -> ET.Element:
    case = next((c for c in suite.iter("testcase") if c.get("name") == name), None)
    assert case is not None, name
    return case


def test_a_suite_per_host_and_a_case_per_host_and_check() -> None:
    root = _root()
    assert root.tag == "testsuites"
    assert [s.get("name") for s in root.iter("testsuite")] == [
        "hub1",
        "spoke1",
        "spoke2",
        "spoke3",
        "spoke4",
    ]
    cases = {s.get("name"): len(s.findall("testcase")) for s in root.iter("testsuite")}
    assert cases == {"hub1": 5, "spoke1": 5, "spoke2": 4, "spoke3": 4, "spoke4": 4}
    assert _case(_suite(root, "spoke4"), CODES[0]).get("classname") == "health_check.spoke4"


def test_totals_match_the_cases() -> None:
    root = _root()
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == (
        "22",
        "3",
        "4",
        "1",
    )
    assert root.get("time") == "12.340"
    for suite in root.iter("testsuite"):
        assert suite.get("tests") == str(len(suite.findall("testcase")))
        assert suite.get("failures") == str(len(suite.findall("testcase/failure")))


def test_failure_carries_verdict_cause_and_evidence() -> None:
    failure = _case(_suite(_root(), "spoke1"), "IKE_P1_RETURN_PATH").find("failure")
    assert failure is not None
    assert failure.get("type") == "IKE_P1_RETURN_PATH"
    assert failure.get("message") == f"CRITICAL IKE_P1_RETURN_PATH: {RETURN_PATH.summary}"
    text = failure.text or ""
    assert text.startswith(f"CRITICAL IKE_P1_RETURN_PATH: {RETURN_PATH.summary}")
    assert RETURN_PATH.cause in text
    for line in RETURN_PATH.evidence + RETURN_PATH.next_steps:
        assert line in text


def test_failed_assertion_without_finding_uses_its_message() -> None:
    failure = _case(_suite(_root(), "spoke1"), "tunnel 203.0.113.1 QM_IDLE").find("failure")
    assert failure is not None
    assert failure.get("message") == failure.text == "state is MM_NO_STATE"


def test_passing_cases_are_empty_and_info_goes_to_system_out() -> None:
    spoke1 = _suite(_root(), "spoke1")
    assert len(_case(spoke1, "IKE_P1_PSK_MISMATCH")) == 0
    out = _case(spoke1, "IKE_NO_DPD").find("system-out")
    assert out is not None
    assert "INFO IKE_NO_DPD" in (out.text or "")


def test_unreachable_host_errors_every_case() -> None:
    spoke3 = _suite(_root(), "spoke3")
    errors = spoke3.findall("testcase/error")
    assert len(errors) == 4
    assert errors[0].get("message") == "unreachable: TCP connection to 127.0.0.1:2203 refused"
    assert spoke3.get("errors") == "4"
    props = {p.get("name"): p.get("value") for p in spoke3.iter("property")}
    assert props["status"] == "unreachable"


def test_unreachable_host_without_checks_gets_a_collect_case() -> None:
    host = HostReport("r9", HostStatus.AUTH_FAILED, "Authentication failed.", 0, 0)
    report = dataclasses.replace(fleet_report(), hosts=(host,))
    case = _case(_suite(_root(report), "r9"), "collect")
    error = case.find("error")
    assert error is not None
    assert error.get("type") == "auth_failed"


def test_skipped_check() -> None:
    skipped = _case(_suite(_root(), "hub1"), "TRACK_DOWN").find("skipped")
    assert skipped is not None
    assert skipped.get("message") == "no failover configured"


def test_a_finding_no_check_covers_still_gets_a_case() -> None:
    host = HostReport("spoke2", HostStatus.OK, None, 0, 1, (PSK_MISMATCH,), ())
    report = dataclasses.replace(fleet_report(), hosts=(host,))
    case = _case(_suite(_root(report), "spoke2"), "IKE_P1_PSK_MISMATCH")
    assert case.find("failure") is not None


def test_control_characters_in_device_text_stay_parseable() -> None:
    finding = dataclasses.replace(RETURN_PATH, evidence=("MM_NO_STATE\x00\x1b[0m cut",))
    host = HostReport("spoke1", HostStatus.PARTIAL, "output cut\x07", 0, 1, (finding,), ())
    root = _root(dataclasses.replace(fleet_report(), hosts=(host,)))
    failure = _case(_suite(root, "spoke1"), "IKE_P1_RETURN_PATH").find("failure")
    assert failure is not None
    assert "MM_NO_STATE\ufffd\ufffd[0m cut" in (failure.text or "")
