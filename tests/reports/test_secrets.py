"""No secret quoted in evidence (or in any other text of a report) reaches any format."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from io import StringIO

import pytest
from rich.console import Console

from nornir_tasks.cli.terminal import print_report
from nornir_tasks.models.collection import HostStatus
from nornir_tasks.models.report import CheckOutcome, CheckResult, HostReport, RunReport
from nornir_tasks.reports import (
    findings_document,
    render_html,
    render_json,
    render_junit,
    render_markdown,
)
from nornir_tasks.reports.redact import mask_line
from tests.reports.sample import SECRETS, fleet_report


def _terminal(report: RunReport) -> str:
    console = Console(file=StringIO(), width=80, color_system=None)
    print_report(console, report)
    assert isinstance(console.file, StringIO)
    return console.file.getvalue()


def _report_with_secrets_everywhere() -> RunReport:
    report = fleet_report()
    leaky = HostReport(
        "spoke9",
        HostStatus.FAILED,
        "enable secret 5 ErrorS3cret",
        0,
        0,
        (),
        (CheckResult("config", "spoke9", CheckOutcome.ERROR, "username admin password MsgS3cret"),),
    )
    return dataclasses.replace(report, hosts=(*report.hosts, leaky))


RENDERERS: dict[str, Callable[[RunReport], str]] = {
    "json": render_json,
    "junit": render_junit,
    "markdown": render_markdown,
    "html": render_html,
    "terminal": _terminal,
}


@pytest.mark.parametrize("name", list(RENDERERS))
def test_no_secret_in_any_format(name: str) -> None:
    text = RENDERERS[name](_report_with_secrets_everywhere())
    for secret in (*SECRETS, "ErrorS3cret"):
        assert secret not in text, (name, secret)
    assert "removed" in text  # masked, not dropped: the line still reads as evidence


def test_no_secret_in_the_findings_document() -> None:
    text = str(findings_document(fleet_report().findings))
    assert not any(secret in text for secret in SECRETS)


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        (
            "crypto isakmp key Sup3rS3cret address 203.0.113.1",
            "crypto isakmp key <removed> address 203.0.113.1",
        ),
        (
            "hub1:  pre-shared-key address 198.51.100.3 key KeyringS3cret",
            "hub1:  pre-shared-key address 198.51.100.3 key <removed>",
        ),
        (
            '"crypto isakmp key 6 QuotedS3cret address 10.9.9.9"',
            '"crypto isakmp key 6 <removed> address 10.9.9.9"',
        ),
        (
            "spoke2(config-keyring)#pre-shared-key address 0.0.0.0 0.0.0.0 key PromptS3cret",
            "spoke2(config-keyring)#pre-shared-key address 0.0.0.0 0.0.0.0 key <removed>",
        ),
        # device lines without a secret are left exactly as they are
        (
            "ISAKMP:(1001): phase 1 packet is a duplicate of a previous packet.",
            "ISAKMP:(1001): phase 1 packet is a duplicate of a previous packet.",
        ),
        (
            "hub1: ISAKMP: No cert, and no keys (public or pre-shared) with remote peer 1.1.1.1",
            "hub1: ISAKMP: No cert, and no keys (public or pre-shared) with remote peer 1.1.1.1",
        ),
    ],
)
def test_mask_line(line: str, masked: str) -> None:
    assert mask_line(line) == masked
