"""``vpndiag smtp-test``: the table, the JSON document and exit codes, against real relays."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nornir_tasks.cli.main import main
from nornir_tasks.smtp.plan import PASSWORD_ENV
from tests.smtp.conftest import StartSmtp
from tests.smtp.servers import (
    HOST,
    PASSWORD,
    USER,
    RelayHandler,
    certificate,
    password_check,
    server_tls,
)

# The AUTH-required test relay allows AUTH without TLS on purpose.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["smtp-test", *args])
    captured = capsys.readouterr()
    return code, captured.out


def test_open_relay_fails_the_run(
    start_smtp: StartSmtp, capsys: pytest.CaptureFixture[str]
) -> None:
    server = start_smtp(RelayHandler(allow_relay=True))
    code, out = run(capsys, HOST, "--port", str(server.port))
    assert code == 1
    assert f"SMTP {HOST}:{server.port} from tool" in out
    assert "RCPT TO:<vpndiag-test@example.net>" in out and "2.1.5 OK" in out
    assert "SMTP_OPEN_RELAY" in out and "SMTP_NO_STARTTLS" in out
    assert "EHLO: SIZE 33554432, 8BITMIME" in out
    assert "overall: critical (SMTP_OPEN_RELAY)" in out


def test_denied_relay_is_healthy_unless_expected(
    start_smtp: StartSmtp, capsys: pytest.CaptureFixture[str]
) -> None:
    port = str(start_smtp(RelayHandler(allow_relay=False)).port)
    code, out = run(capsys, HOST, "--port", port)
    assert code == 0 and "overall: info (SMTP_NO_STARTTLS)" in out
    code, out = run(capsys, HOST, "--port", port, "--expect-relay")
    assert code == 0 and "SMTP_RELAY_DENIED" in out  # a warning, under --fail-on critical
    assert run(capsys, HOST, "--port", port, "--expect-relay", "--fail-on", "warning")[0] == 1


def test_json_document(start_smtp: StartSmtp, capsys: pytest.CaptureFixture[str]) -> None:
    server = start_smtp(RelayHandler(allow_relay=False))
    code, out = run(capsys, HOST, "--port", str(server.port), "--format", "json", "--expect-relay")
    assert code == 0
    document = json.loads(out)
    smtp = document["smtp"]
    assert [(s["name"], s["code"], s["verdict"]) for s in smtp["steps"]] == [
        ("banner", 220, "ok"),
        ("ehlo", 250, "ok"),
        ("mail", 250, "ok"),
        ("rcpt", 550, "fail"),
        ("quit", 221, "ok"),
    ]
    assert smtp["capabilities"]["size"] == 33554432 and smtp["capabilities"]["8bitmime"]
    assert smtp["source"] == "tool" and smtp["failure"] is None
    codes = [(f["code"], f["severity"]) for f in document["findings"]]
    assert ("SMTP_RELAY_DENIED", "warning") in codes
    denied = next(f for f in document["findings"] if f["code"] == "SMTP_RELAY_DENIED")
    assert denied["host"] == "tool" and denied["peer"] == HOST


def test_unreachable_relay(closed_port: int, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, HOST, "--port", str(closed_port), "--timeout", "2")
    assert code == 1 and "SMTP_UNREACHABLE" in out and "refused" in out


def test_starttls_certificate_near_expiry(
    start_smtp: StartSmtp, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tls = server_tls(certificate(tmp_path, 5))
    server = start_smtp(RelayHandler(allow_relay=False), tls_context=tls)
    args = (HOST, "--port", str(server.port), "--starttls")
    code, out = run(capsys, *args, "--fail-on", "warning")
    assert code == 1 and "SMTP_CERT_EXPIRING" in out and "not verified" in out
    assert run(capsys, *args, "--cert-days", "3")[0] == 0


def test_auth_password_comes_from_the_environment(
    start_smtp: StartSmtp, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = start_smtp(
        RelayHandler(), auth_required=True, auth_require_tls=False, authenticator=password_check
    )
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    code, out = run(capsys, HOST, "--port", str(server.port), "--auth", USER, "--format", "json")
    assert code == 0 and PASSWORD not in out
    steps = json.loads(out)["smtp"]["steps"]
    assert [s["sent"] for s in steps if s["name"] == "auth"] == ["AUTH PLAIN ****"]


@pytest.mark.parametrize(
    "args",
    [
        ("--send", "--quit-after", "mail"),
        ("--quit-after", "data"),
        ("--auth", USER),
        ("--port", "0"),
        ("--quit-after", "helo"),
    ],
)
def test_usage_errors(
    args: tuple[str, ...], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    assert run(capsys, HOST, *args)[0] == 3
