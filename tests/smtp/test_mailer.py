"""Mailing a report: the test relay receives the Markdown body and the attached reports."""

from __future__ import annotations

import json
from email.message import Message
from pathlib import Path

import pytest

from nornir_tasks.smtp.mailer import MailError, MailSettings, mail_report
from nornir_tasks.smtp.plan import PASSWORD_ENV
from tests.smtp.conftest import StartSmtp
from tests.smtp.servers import (
    HOST,
    LOCAL_DOMAIN,
    PASSWORD,
    USER,
    RelayHandler,
    certificate,
    password_check,
    server_tls,
)

BODY = "# vpndiag report\n\n| host | worst |\n|---|---|\n| BR03 | critical IKE_PSK_MISMATCH |\n"


def reports(directory: Path) -> list[Path]:
    html = directory / "report.html"
    html.write_text("<!doctype html><title>vpndiag</title><p>BR03: critical</p>\n")
    data = directory / "report.json"
    data.write_text(json.dumps({"findings": [{"code": "IKE_PSK_MISMATCH", "host": "BR03"}]}))
    return [html, data]


def parts(message: Message) -> dict[str, Message]:
    return {p.get_filename() or p.get_content_type(): p for p in message.walk()}


def test_report_mailed_over_starttls_with_auth(
    start_smtp: StartSmtp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert = certificate(tmp_path, 300)
    handler = RelayHandler(allow_relay=False)
    server = start_smtp(
        handler, tls_context=server_tls(cert), auth_required=True, authenticator=password_check
    )
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    settings = MailSettings.from_config(
        {
            "host": HOST,
            "port": server.port,
            "starttls": True,
            "user": USER,
            "ca_file": str(cert),  # the relay's self-signed certificate, verified by name
            "sender": f"vpndiag@{LOCAL_DOMAIN}",
        }
    )
    attachments = reports(tmp_path)
    mail_report(settings, f"noc@{LOCAL_DOMAIN}", "vpndiag: 1 critical", BODY, attachments)

    (received,) = handler.received
    assert received.rcpt_tos == [f"noc@{LOCAL_DOMAIN}"]
    message = received.message
    assert message["Subject"] == "vpndiag: 1 critical"
    assert message.get_content_type() == "multipart/mixed"
    found = parts(message)
    body = found["text/plain"].get_payload(decode=True)
    assert isinstance(body, bytes) and body.decode().replace("\r\n", "\n") == BODY  # wire CRLF
    assert found["report.html"].get_content_type() == "text/html"
    assert found["report.json"].get_content_type() == "application/json"
    for path in attachments:
        assert found[path.name].get_payload(decode=True) == path.read_bytes()
        assert found[path.name].get_content_disposition() == "attachment"


def test_plain_relay_and_several_recipients(start_smtp: StartSmtp) -> None:
    handler = RelayHandler(allow_relay=False)
    server = start_smtp(handler)
    to = [f"noc@{LOCAL_DOMAIN}", f"vpn@{LOCAL_DOMAIN}"]
    mail_report(MailSettings(HOST, server.port), to, "vpndiag: healthy", BODY)
    (received,) = handler.received
    assert received.rcpt_tos == to and received.message["To"] == ", ".join(to)


def test_refused_recipient_is_an_error(start_smtp: StartSmtp) -> None:
    server = start_smtp(RelayHandler(allow_relay=False))
    with pytest.raises(MailError, match="Relaying denied"):
        mail_report(MailSettings(HOST, server.port), "someone@example.net", "x", BODY)


def test_unverifiable_certificate_is_refused(start_smtp: StartSmtp, tmp_path: Path) -> None:
    server = start_smtp(RelayHandler(), tls_context=server_tls(certificate(tmp_path, 300)))
    settings = MailSettings(HOST, server.port, starttls=True)  # system CAs only
    with pytest.raises(MailError, match="CERTIFICATE_VERIFY_FAILED"):
        mail_report(settings, f"noc@{LOCAL_DOMAIN}", "x", BODY)


def test_user_without_password_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VPNDIAG_MAIL_PW", raising=False)
    settings = MailSettings(HOST, 1, user=USER, password_env="VPNDIAG_MAIL_PW")
    with pytest.raises(MailError, match=r"\$VPNDIAG_MAIL_PW"):
        mail_report(settings, "noc@corp.example", "x", BODY)


def test_unreachable_relay_is_an_error(closed_port: int) -> None:
    with pytest.raises(MailError, match=f"{HOST}:{closed_port}"):
        mail_report(MailSettings(HOST, closed_port, timeout=2), "noc@corp.example", "x", BODY)


@pytest.mark.parametrize(
    ("section", "error"),
    [
        ({"host": HOST, "pasword": "x"}, "unknown keys"),
        ({"port": 25}, "host is required"),
        ({"host": HOST, "port": "smtp"}, "smtp settings"),
        ({"host": HOST, "starttls": "yes"}, "true or false"),
    ],
)
def test_bad_settings(section: dict[str, object], error: str) -> None:
    with pytest.raises(MailError, match=error):
        MailSettings.from_config(section)
