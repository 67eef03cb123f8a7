"""The verdict rules on results built by hand: the cases a loopback server cannot stage."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from nornir_tasks.models.findings import Severity, Source
from nornir_tasks.models.smtp import (
    Capabilities,
    Failure,
    SmtpResult,
    SmtpStep,
    StepName,
    TlsInfo,
    Verdict,
)
from nornir_tasks.smtp.verdicts import SMTP_CODES, SMTP_STEP, RelayPolicy, smtp_findings

OK, FAIL = Verdict.OK, Verdict.FAIL
CAPS = Capabilities(("SIZE 10240000", "STARTTLS", "8BITMIME"))


def step(name: StepName, code: int | None, text: str = "", verdict: Verdict = OK) -> SmtpStep:
    sent = {StepName.MAIL: "MAIL FROM:<a@example.com>", StepName.RCPT: "RCPT TO:<b@example.net>"}
    return SmtpStep(name, sent.get(name), code, text, 12.5, verdict)


def result(*steps: SmtpStep, source: str = "tool", **fields: Any) -> SmtpResult:
    base = SmtpResult(
        "192.0.2.25", 25, source, steps, CAPS, mail_from="a@example.com", rcpt_to="b@example.net"
    )
    return dataclasses.replace(base, **fields)


BANNER = step(StepName.BANNER, 220, "relay.example.com ESMTP")
EHLO = step(StepName.EHLO, 250)
MAIL = step(StepName.MAIL, 250, "2.1.0 Ok")


def found(r: SmtpResult, policy: RelayPolicy | None = None) -> dict[str, Severity]:
    return {f.code: f.severity for f in smtp_findings(r, policy)}


def test_a_healthy_denial_has_no_finding() -> None:
    r = result(BANNER, EHLO, MAIL, step(StepName.RCPT, 554, "5.7.1 Relay access denied", FAIL))
    assert found(r) == {}


def test_expired_certificate_is_critical() -> None:
    tls = TlsInfo("CN=relay", "CN=relay", "2020-01-01", -2000)
    r = result(BANNER, EHLO, step(StepName.STARTTLS, 220), tls=tls)
    (finding,) = smtp_findings(r)
    assert (finding.code, finding.severity) == ("SMTP_CERT_EXPIRING", Severity.CRITICAL)
    assert "has expired" in finding.summary and "not after: 2020-01-01" in finding.evidence


def test_threshold_is_the_policys() -> None:
    tls = TlsInfo("CN=relay", "CN=relay", "2027-01-01", 40)
    r = result(BANNER, EHLO, tls=tls)
    assert found(r) == {}
    assert found(r, RelayPolicy(cert_warning_days=60)) == {"SMTP_CERT_EXPIRING": Severity.WARNING}


def test_greylisting_is_a_rejected_command() -> None:
    r = result(BANNER, EHLO, MAIL, step(StepName.RCPT, 451, "4.7.1 Try again later", FAIL))
    assert found(r) == {"SMTP_COMMAND_REJECTED": Severity.WARNING}
    assert "temporary" in smtp_findings(r)[0].cause


def test_unknown_local_recipient_is_a_rejected_command() -> None:
    r = result(
        BANNER,
        EHLO,
        MAIL,
        step(StepName.RCPT, 550, "5.1.1 User unknown", FAIL),
        rcpt_to="nobody@corp.example",
    )
    policy = RelayPolicy(local_domains=frozenset({"corp.example"}))
    assert found(r, policy) == {"SMTP_COMMAND_REJECTED": Severity.WARNING}


def test_banner_refusing_service() -> None:
    r = result(step(StepName.BANNER, 554, "5.3.2 No SMTP service here", FAIL), capabilities=None)
    (finding,) = smtp_findings(r)
    assert finding.code == "SMTP_NO_BANNER" and finding.severity is Severity.CRITICAL
    assert finding.evidence == ("banner -> 554 5.3.2 No SMTP service here",)


def test_starttls_refused_or_broken() -> None:
    refused = result(BANNER, EHLO, step(StepName.STARTTLS, 454, "4.7.0 TLS not available", FAIL))
    assert found(refused) == {"SMTP_TLS_FAILED": Severity.CRITICAL}
    broken = result(
        BANNER,
        EHLO,
        step(StepName.STARTTLS, None, "TLS handshake failed", FAIL),
        failure=Failure.TLS_FAILED,
        error="TLS handshake failed: wrong version",
    )
    assert found(broken) == {"SMTP_TLS_FAILED": Severity.CRITICAL}


def test_inside_addresses_include_subdomains() -> None:
    policy = RelayPolicy(local_domains=frozenset({"corp.example"}))
    assert not policy.outside("noc@corp.example") and not policy.outside("<x@mail.corp.example>")
    assert policy.outside("x@notcorp.example") and policy.outside("x@example.net")


def test_findings_are_findings_of_the_router() -> None:
    r = result(
        BANNER,
        EHLO,
        MAIL,
        step(StepName.RCPT, 250, "2.1.5 Ok"),
        source="BR01",
        capabilities=Capabilities(("8BITMIME",)),
    )
    findings = smtp_findings(r)
    assert [f.code for f in findings] == ["SMTP_OPEN_RELAY", "SMTP_NO_STARTTLS"]  # worst first
    relay = findings[0]
    assert (relay.host, relay.peer, relay.step, relay.source) == (
        "BR01",
        "192.0.2.25",
        SMTP_STEP,
        Source.STATE,
    )
    assert relay.next_steps == ("telnet 192.0.2.25 25",)
    assert all(f.code in SMTP_CODES for f in findings)


def test_unreachable_from_a_router_suggests_the_path_checks() -> None:
    r = result(
        step(StepName.BANNER, None, "% Connection timed out; remote host not responding", FAIL),
        source="BR01",
        capabilities=None,
        failure=Failure.TIMED_OUT,
        error="% Connection timed out; remote host not responding",
        route=("show ip route 192.0.2.25", "% Network not in table"),
    )
    (finding,) = smtp_findings(r)
    assert finding.evidence[1:] == ("show ip route 192.0.2.25", "% Network not in table")
    assert "show ip route 192.0.2.25" in finding.next_steps
    assert "firewall" in finding.cause


def test_every_code_is_documented() -> None:
    text = (Path(__file__).parents[2] / "docs" / "findings.md").read_text()
    section = text[text.index("## SMTP relay tests") :]
    assert [c for c in SMTP_CODES if f"### `{c}`" not in section] == []
