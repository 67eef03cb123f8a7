"""The dialogue from the tool host against real relays on loopback, and its verdicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nornir_tasks.models.base import to_jsonable
from nornir_tasks.models.findings import Finding, Severity
from nornir_tasks.models.smtp import Failure, SmtpResult, StepName, Verdict
from nornir_tasks.smtp.dialogue import smtp_test
from nornir_tasks.smtp.plan import PASSWORD_ENV, PlanError, make_plan
from nornir_tasks.smtp.verdicts import RelayPolicy, smtp_findings
from tests.smtp.conftest import StartSmtp
from tests.smtp.servers import (
    HOST,
    LOCAL_DOMAIN,
    PASSWORD,
    USER,
    DropAfterEhlo,
    RelayHandler,
    SlowGreeting,
    StallingHandler,
    certificate,
    password_check,
    server_tls,
)

# The AUTH-required test relay allows AUTH without TLS on purpose.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def codes(findings: list[Finding]) -> dict[str, Severity]:
    return {f.code: f.severity for f in findings}


def replies(result: SmtpResult) -> list[tuple[str, int | None, Verdict]]:
    return [(s.name.value, s.code, s.verdict) for s in result.steps]


def test_open_relay_accepts_outside_to_outside(start_smtp: StartSmtp) -> None:
    server = start_smtp(RelayHandler(allow_relay=True))
    result = smtp_test(HOST, server.port)
    assert replies(result) == [
        ("banner", 220, Verdict.OK),
        ("ehlo", 250, Verdict.OK),
        ("mail", 250, Verdict.OK),
        ("rcpt", 250, Verdict.OK),
        ("quit", 221, Verdict.OK),
    ]
    assert result.source == "tool" and result.error is None and result.failure is None
    assert result.step(StepName.RCPT) is not None
    assert result.steps[3].sent == "RCPT TO:<vpndiag-test@example.net>"
    assert result.capabilities is not None
    assert result.capabilities.size == 33554432 and result.capabilities.eightbitmime
    assert not result.capabilities.starttls
    assert all(s.elapsed_ms >= 0 for s in result.steps)
    found = codes(smtp_findings(result))
    assert found == {"SMTP_OPEN_RELAY": Severity.CRITICAL, "SMTP_NO_STARTTLS": Severity.INFO}
    relay = next(f for f in smtp_findings(result) if f.code == "SMTP_OPEN_RELAY")
    assert relay.host == "tool" and relay.peer == HOST
    assert "RCPT TO:<vpndiag-test@example.net> -> 250 2.1.5 OK" in relay.evidence


def test_expected_relaying_is_not_an_open_relay(start_smtp: StartSmtp) -> None:
    server = start_smtp(RelayHandler(allow_relay=True))
    result = smtp_test(HOST, server.port)
    assert "SMTP_OPEN_RELAY" not in codes(smtp_findings(result, RelayPolicy(expect_relay=True)))
    inside = RelayPolicy(local_domains=frozenset({"example.com"}))
    assert "SMTP_OPEN_RELAY" not in codes(smtp_findings(result, inside))


def test_relay_denied_is_healthy_unless_relaying_was_expected(start_smtp: StartSmtp) -> None:
    server = start_smtp(RelayHandler(allow_relay=False))
    result = smtp_test(HOST, server.port)
    rcpt = result.step(StepName.RCPT)
    assert rcpt is not None and rcpt.code == 550 and rcpt.verdict is Verdict.FAIL
    assert "Relaying denied" in rcpt.text
    assert result.steps[-1].name is StepName.QUIT and result.steps[-1].code == 221
    assert codes(smtp_findings(result)) == {"SMTP_NO_STARTTLS": Severity.INFO}
    expected = codes(smtp_findings(result, RelayPolicy(expect_relay=True)))
    assert expected["SMTP_RELAY_DENIED"] is Severity.WARNING


def test_relay_denied_for_an_inside_sender(start_smtp: StartSmtp) -> None:
    server = start_smtp(RelayHandler(allow_relay=False))
    result = smtp_test(HOST, server.port, mail_from=f"br01@{LOCAL_DOMAIN}")
    policy = RelayPolicy(local_domains=frozenset({LOCAL_DOMAIN}))
    assert codes(smtp_findings(result, policy))["SMTP_RELAY_DENIED"] is Severity.WARNING
    inside_rcpt = smtp_test(HOST, server.port, rcpt_to=f"noc@{LOCAL_DOMAIN}")
    assert inside_rcpt.step(StepName.RCPT) is not None
    assert "SMTP_RELAY_DENIED" not in codes(smtp_findings(inside_rcpt, policy))


def auth_server(start_smtp: StartSmtp) -> int:
    server = start_smtp(
        RelayHandler(), auth_required=True, auth_require_tls=False, authenticator=password_check
    )
    return server.port


def test_auth_required_refuses_mail_until_authenticated(start_smtp: StartSmtp) -> None:
    result = smtp_test(HOST, auth_server(start_smtp))
    mail = result.step(StepName.MAIL)
    assert mail is not None and mail.code == 530 and mail.verdict is Verdict.FAIL
    rcpt = result.step(StepName.RCPT)  # the dialogue stops at the refusal
    assert rcpt is not None and (rcpt.verdict, rcpt.sent, rcpt.text) == (
        Verdict.SKIPPED,
        None,
        "not reached",
    )
    assert result.steps[-1].name is StepName.QUIT
    assert result.capabilities is not None
    assert set(result.capabilities.auth) >= {"PLAIN", "LOGIN"}
    assert codes(smtp_findings(result)) == {
        "SMTP_AUTH_REQUIRED": Severity.INFO,
        "SMTP_NO_STARTTLS": Severity.INFO,
    }


def test_auth_with_the_password_from_the_environment(
    start_smtp: StartSmtp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    result = smtp_test(HOST, auth_server(start_smtp), auth_user=USER)
    auth = result.step(StepName.AUTH)
    assert auth is not None and auth.code == 235 and auth.sent == "AUTH PLAIN ****"
    assert result.authenticated
    rcpt = result.step(StepName.RCPT)
    assert rcpt is not None and rcpt.verdict is Verdict.OK
    # authenticated relaying is what AUTH is for: not an open relay
    assert codes(smtp_findings(result)) == {"SMTP_NO_STARTTLS": Severity.INFO}
    assert PASSWORD not in json.dumps(to_jsonable(result)) and PASSWORD not in repr(result)


def test_wrong_password_fails_auth(start_smtp: StartSmtp) -> None:
    result = smtp_test(HOST, auth_server(start_smtp), auth_user=USER, auth_password="nope")
    auth = result.step(StepName.AUTH)
    assert auth is not None and auth.code == 535 and auth.verdict is Verdict.FAIL
    assert codes(smtp_findings(result))["SMTP_AUTH_FAILED"] is Severity.CRITICAL


def test_no_password_stops_before_connecting(
    start_smtp: StartSmtp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    result = smtp_test(HOST, auth_server(start_smtp), auth_user=USER)
    assert result.failure is Failure.NO_PASSWORD
    assert [(s.name.value, s.verdict) for s in result.steps] == [
        ("banner", Verdict.SKIPPED),
        ("ehlo", Verdict.SKIPPED),
        ("auth", Verdict.FAIL),
        ("mail", Verdict.SKIPPED),
        ("rcpt", Verdict.SKIPPED),
    ]
    assert PASSWORD_ENV in (result.error or "")


@pytest.mark.parametrize(("days", "warned"), [(5, True), (300, False)])
def test_starttls_certificate_expiry(
    start_smtp: StartSmtp, tmp_path: Path, days: int, warned: bool
) -> None:
    cert = certificate(tmp_path, days)
    server = start_smtp(RelayHandler(allow_relay=False), tls_context=server_tls(cert))
    result = smtp_test(HOST, server.port, starttls=True)
    names = [s.name.value for s in result.steps]
    assert names == ["banner", "ehlo", "starttls", "ehlo", "mail", "rcpt", "quit"]
    assert result.capabilities is not None and result.capabilities.starttls
    assert result.tls is not None
    assert result.tls.subject == "CN=relay.corp.example"
    assert days - 1 <= result.tls.days_left <= days
    assert result.tls.version.startswith("TLS")
    found = codes(smtp_findings(result))
    if warned:
        assert found == {"SMTP_CERT_EXPIRING": Severity.WARNING}
        cert_finding = smtp_findings(result)[0]
        assert f"expires in {result.tls.days_left} days" in cert_finding.summary
    else:
        assert found == {}


def test_auth_offered_only_after_starttls(start_smtp: StartSmtp, tmp_path: Path) -> None:
    server = start_smtp(
        RelayHandler(),
        tls_context=server_tls(certificate(tmp_path, 300)),
        auth_required=True,
        authenticator=password_check,
    )
    result = smtp_test(HOST, server.port, starttls=True, auth_user=USER, auth_password=PASSWORD)
    assert result.capabilities is not None and result.capabilities.auth == ()
    assert result.authenticated and result.failure is None


def test_starttls_asked_of_a_relay_without_it(start_smtp: StartSmtp) -> None:
    server = start_smtp(RelayHandler(allow_relay=False))
    result = smtp_test(HOST, server.port, starttls=True)
    step = result.step(StepName.STARTTLS)
    assert step is not None and step.verdict is Verdict.FAIL and step.code is None
    assert [s.verdict for s in result.steps[-3:]] == [Verdict.SKIPPED] * 2 + [Verdict.OK]
    assert codes(smtp_findings(result)) == {"SMTP_NO_STARTTLS": Severity.WARNING}


def slow(delay: float) -> type[SlowGreeting]:
    return type("Slow", (SlowGreeting,), {"greet_delay": delay})


def test_banner_later_than_the_timeout(start_smtp: StartSmtp) -> None:
    server = start_smtp(RelayHandler(), smtp_class=slow(2.0))
    result = smtp_test(HOST, server.port, timeout=0.5)
    assert result.failure is Failure.NO_BANNER
    assert result.error == "connected, but no 220 banner within 0.5 s"
    assert replies(result) == [
        ("banner", None, Verdict.FAIL),
        ("ehlo", None, Verdict.SKIPPED),
        ("mail", None, Verdict.SKIPPED),
        ("rcpt", None, Verdict.SKIPPED),
    ]
    assert 400 <= result.steps[0].elapsed_ms < 2000
    assert codes(smtp_findings(result)) == {"SMTP_NO_BANNER": Severity.CRITICAL}


def test_slow_banner_within_the_timeout(start_smtp: StartSmtp) -> None:
    server = start_smtp(RelayHandler(allow_relay=False), smtp_class=slow(0.6))
    result = smtp_test(HOST, server.port, timeout=5)
    assert result.failure is None and result.steps[0].elapsed_ms >= 500
    found = codes(smtp_findings(result, RelayPolicy(slow_banner_ms=300)))
    assert found["SMTP_SLOW_BANNER"] is Severity.WARNING
    assert "SMTP_SLOW_BANNER" not in codes(smtp_findings(result))  # 5 s by default


def test_server_dropping_the_connection_after_ehlo(start_smtp: StartSmtp) -> None:
    server = start_smtp(RelayHandler(), smtp_class=DropAfterEhlo)
    result = smtp_test(HOST, server.port)
    assert result.failure is Failure.DROPPED
    assert replies(result) == [
        ("banner", 220, Verdict.OK),
        ("ehlo", 250, Verdict.OK),
        ("mail", None, Verdict.FAIL),
        ("rcpt", None, Verdict.SKIPPED),
    ]
    assert result.error == "the server closed the connection"
    assert codes(smtp_findings(result))["SMTP_DROPPED"] is Severity.CRITICAL


def test_relay_stalling_mid_dialogue(start_smtp: StartSmtp) -> None:
    server = start_smtp(StallingHandler(delay=3.0))
    result = smtp_test(HOST, server.port, timeout=0.5)
    assert result.failure is Failure.STALLED and result.error == "no reply within the timeout"
    assert replies(result)[2:] == [("mail", None, Verdict.FAIL), ("rcpt", None, Verdict.SKIPPED)]
    assert codes(smtp_findings(result)) == {
        "SMTP_DROPPED": Severity.CRITICAL,
        "SMTP_NO_STARTTLS": Severity.INFO,
    }


def test_connection_refused(closed_port: int) -> None:
    result = smtp_test(HOST, closed_port, timeout=2)
    assert result.failure is Failure.REFUSED
    assert replies(result)[0] == ("banner", None, Verdict.FAIL)
    findings = smtp_findings(result)
    assert codes(findings) == {"SMTP_UNREACHABLE": Severity.CRITICAL}
    assert findings[0].evidence[0] == f"connection to {HOST}:{closed_port} refused"
    assert findings[0].evidence[1:] == result.route


def test_connection_timed_out_quotes_the_route(silent_port: int) -> None:
    result = smtp_test(HOST, silent_port, timeout=1)
    assert result.failure is Failure.TIMED_OUT
    assert result.error == f"no answer from {HOST}:{silent_port} in 1 s"
    (finding,) = smtp_findings(result)
    assert finding.code == "SMTP_UNREACHABLE" and "firewall" in finding.cause
    if result.route:  # when the host has iproute2
        assert result.route[0] == f"$ ip route get {HOST}" and "dev lo" in result.route[1]


def test_send_delivers_the_message(start_smtp: StartSmtp) -> None:
    handler = RelayHandler(allow_relay=True)
    server = start_smtp(handler)
    result = smtp_test(HOST, server.port, rcpt_to=f"noc@{LOCAL_DOMAIN}", send=True)
    data = result.step(StepName.DATA)
    assert data is not None and data.code == 250 and data.sent == "DATA"
    (received,) = handler.received
    assert received.rcpt_tos == [f"noc@{LOCAL_DOMAIN}"]
    assert received.message["Subject"] == f"vpndiag SMTP relay test via {HOST}"


@pytest.mark.parametrize(
    ("quit_after", "names"),
    [
        ("banner", ["banner", "quit"]),
        ("ehlo", ["banner", "ehlo", "quit"]),
        ("mail", ["banner", "ehlo", "mail", "quit"]),
    ],
)
def test_quit_after(start_smtp: StartSmtp, quit_after: str, names: list[str]) -> None:
    server = start_smtp(RelayHandler())
    result = smtp_test(HOST, server.port, quit_after=quit_after)
    assert [s.name.value for s in result.steps] == names
    assert result.steps[-1].code == 221
    assert "SMTP_OPEN_RELAY" not in codes(smtp_findings(result))  # no RCPT, no verdict


def test_contradictory_plans_are_usage_errors() -> None:
    with pytest.raises(PlanError):
        make_plan(send=True, quit_after="mail")
    with pytest.raises(PlanError):
        make_plan(quit_after="data")
    with pytest.raises(PlanError):
        make_plan(quit_after="helo")
    assert make_plan(send=True).quit_after is StepName.DATA
