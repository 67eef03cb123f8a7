"""Mail a report: the Markdown summary as the body, the HTML/JSON reports attached.

Settings come from the configuration's ``smtp`` section; the password only from the
environment variable the settings name, never from a file.
"""

from __future__ import annotations

import mimetypes
import os
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from nornir_tasks.smtp.plan import PASSWORD_ENV


class MailError(Exception):
    """The report could not be mailed (bad settings, relay refused, connection failed)."""


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int = 25
    starttls: bool = False
    user: str | None = None
    password_env: str = PASSWORD_ENV  # the variable that holds the password
    sender: str = "vpndiag@localhost"
    timeout: float = 30.0
    ca_file: str | None = None  # trust this CA for STARTTLS besides the system's
    verify: bool = True  # verify the relay's certificate (and name) on STARTTLS

    @classmethod
    def from_config(cls, section: Mapping[str, Any]) -> MailSettings:
        """From the ``smtp:`` section of the configuration; unknown keys are errors."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(section) - known)
        if unknown:
            raise MailError(f"smtp settings: unknown keys {unknown} (known: {sorted(known)})")
        if not section.get("host"):
            raise MailError("smtp settings: host is required")
        try:
            return cls(**{k: _typed(k, v) for k, v in section.items()})
        except (TypeError, ValueError) as exc:
            raise MailError(f"smtp settings: {exc}") from exc


def _typed(key: str, value: Any) -> Any:
    if key == "port":
        return int(value)
    if key == "timeout":
        return float(value)
    if key in ("starttls", "verify") and not isinstance(value, bool):
        raise ValueError(f"{key} must be true or false")
    return value


def mail_report(
    settings: MailSettings,
    to: str | Sequence[str],
    subject: str,
    markdown_body: str,
    attachments: Sequence[Path] = (),
) -> None:
    """Send one message to ``to``; raises ``MailError`` if any recipient is not accepted."""
    recipients = [to] if isinstance(to, str) else list(to)
    message = report_message(settings.sender, recipients, subject, markdown_body, attachments)
    password = _password(settings)
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls(context=_tls_context(settings))
            if settings.user is not None and password is not None:
                smtp.login(settings.user, password)
            refused = smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(
            f"mailing the report through {settings.host}:{settings.port}: {exc}"
        ) from exc
    if refused:
        raise MailError(f"the relay refused {sorted(refused)}")


def report_message(
    sender: str,
    recipients: Sequence[str],
    subject: str,
    markdown_body: str,
    attachments: Sequence[Path],
) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, ", ".join(recipients), subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(markdown_body, subtype="plain", charset="utf-8")
    for path in attachments:
        maintype, subtype = _content_type(path).split("/", 1)
        message.add_attachment(
            path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name
        )
    return message


def _content_type(path: Path) -> str:
    known = {".md": "text/markdown", ".json": "application/json", ".xml": "application/xml"}
    return (
        known.get(path.suffix.lower())
        or mimetypes.guess_type(path.name)[0]
        or ("application/octet-stream")
    )


def _password(settings: MailSettings) -> str | None:
    if settings.user is None:
        return None
    password = os.environ.get(settings.password_env)
    if password is None:
        raise MailError(f"smtp user {settings.user!r} set but ${settings.password_env} is not")
    return password


def _tls_context(settings: MailSettings) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=settings.ca_file)
    if not settings.verify:  # an explicit choice in the configuration, for lab relays
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context
