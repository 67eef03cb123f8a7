"""Tell someone when the drift holds new critical findings: a webhook (JSON POST) and/or mail.

Only new critical findings and tunnels that went down notify: a fault that was already there
last run was already told, and a DMVPN shortcut ageing out is expected.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nornir_tasks.history.diff import Drift, drift_json
from nornir_tasks.models.findings import Severity
from nornir_tasks.smtp.mailer import MailError, MailSettings, mail_report


class NotifyError(Exception):
    """A notification could not be delivered."""


@dataclass(frozen=True)
class NotifySettings:
    webhook_url: str | None = None
    mail: MailSettings | None = None
    mail_to: tuple[str, ...] = ()
    timeout_s: float = 10.0


def subject(drift: Drift) -> str:
    new = drift.new_at_or_above(Severity.CRITICAL)
    hosts = sorted({f.host for f in new} | {c.host for c in drift.went_down})
    down = f", {len(drift.went_down)} tunnel(s) down" if drift.went_down else ""
    return f"vpndiag: {len(new)} new critical finding(s){down} on {', '.join(hosts)}"


def drift_text(drift: Drift) -> str:
    """The mail body: the new critical findings first, then the rest of the drift."""
    lines = [f"# {subject(drift)}", "", f"run {drift.current_run} against run {drift.base_run}", ""]
    for f in drift.new_findings:
        lines.append(f"- {f.severity.value} {f.code} {f.host} {f.peer or ''}: {f.summary}")
    lines += [f"- resolved: {f.code} {f.host} {f.peer or ''}" for f in drift.resolved_findings]
    lines += [f"- tunnel down: {c.description}" for c in drift.went_down]
    lines += [f"- config changed: {c.host} {c.section}" for c in drift.config_changes]
    return "\n".join(lines) + "\n"


def post_webhook(url: str, payload: dict[str, Any], timeout_s: float = 10.0) -> int:
    """POST ``payload`` as JSON; returns the HTTP status (2xx), raises ``NotifyError`` otherwise."""
    if not url.startswith(("http://", "https://")):
        raise NotifyError(f"webhook {url!r}: only http:// and https:// URLs")
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "User-Agent": "vpndiag"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            status: int = response.status
    except (urllib.error.URLError, OSError) as exc:
        raise NotifyError(f"webhook {url}: {exc}") from exc
    return status


def _mail(drift: Drift, settings: NotifySettings) -> None:
    assert settings.mail is not None
    try:
        mail_report(settings.mail, settings.mail_to, subject(drift), drift_text(drift))
    except MailError as exc:
        raise NotifyError(str(exc)) from exc


def notify(drift: Drift, settings: NotifySettings) -> tuple[str, ...]:
    """Send on every configured channel if the drift has new critical findings; returns the
    channels used (none when nothing new is critical). Every channel is tried; failures are
    raised together afterwards."""
    if not drift.has_new_critical:
        return ()
    channels: list[tuple[str, Callable[[], object]]] = []
    if settings.webhook_url:
        url = settings.webhook_url
        channels.append(
            ("webhook", lambda: post_webhook(url, drift_json(drift), settings.timeout_s))
        )
    if settings.mail is not None and settings.mail_to:
        channels.append(("mail", lambda: _mail(drift, settings)))
    sent, errors = [], []
    for name, send in channels:
        try:
            send()
            sent.append(name)
        except NotifyError as exc:
            errors.append(f"{name}: {exc}")
    if errors:
        raise NotifyError("; ".join(errors) + (f" (sent: {', '.join(sent)})" if sent else ""))
    return tuple(sent)
