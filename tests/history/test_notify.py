"""Notifications reach a real SMTP relay and a real webhook receiver, on new critical only."""

from __future__ import annotations

import socket

import pytest

from nornir_tasks.history.diff import Drift, drift
from nornir_tasks.history.notify import NotifyError, NotifySettings, notify, post_webhook
from nornir_tasks.history.snapshot import run_snapshots
from nornir_tasks.smtp.mailer import MailSettings
from tests.history.conftest import Webhook
from tests.history.support import captured, lab_run, snapshot_run
from tests.smtp.conftest import StartSmtp
from tests.smtp.servers import HOST


def drift_of(*scenarios: str) -> Drift:
    runs = []
    for run_id, scenario in enumerate(scenarios, start=1):
        report, fleet = lab_run(captured(scenario, "BR01"), started=f"2026-11-18T0{run_id}:00:00Z")
        runs.append(snapshot_run(run_id, report, run_snapshots(report, fleet)))
    return drift(runs)


def test_a_new_critical_finding_is_posted_and_mailed(
    start_smtp: StartSmtp, webhook: Webhook
) -> None:
    relay = start_smtp()
    settings = NotifySettings(
        webhook_url=webhook.url,
        mail=MailSettings(host=HOST, port=relay.port, sender="vpndiag@corp.example"),
        mail_to=("noc@corp.example",),
    )
    assert notify(drift_of("default", "fault1"), settings) == ("webhook", "mail")
    ((path, headers, body),) = webhook.received
    assert path == "/hooks/vpndiag" and headers["Content-Type"] == "application/json"
    assert body["has_new_critical"] is True
    assert [(f["host"], f["code"]) for f in body["new_findings"]] == [
        ("BR01", "IKE_P1_NO_RESPONSE")
    ]
    (mail,) = relay.handler.received
    assert mail.rcpt_tos == ["noc@corp.example"]
    assert mail.message["Subject"] == "vpndiag: 1 new critical finding(s), 1 tunnel(s) down on BR01"
    assert "IKE_P1_NO_RESPONSE BR01 198.51.100.2" in mail.message.get_payload(decode=True).decode()


@pytest.mark.parametrize(
    "scenarios",
    [("default", "default"), ("fault1", "fault1"), ("fault1", "default")],
    ids=["healthy", "known fault", "fault cleared"],
)
def test_nothing_is_sent_without_a_new_critical_finding(
    start_smtp: StartSmtp, webhook: Webhook, scenarios: tuple[str, str]
) -> None:
    relay = start_smtp()
    settings = NotifySettings(
        webhook_url=webhook.url,
        mail=MailSettings(host=HOST, port=relay.port),
        mail_to=("noc@corp.example",),
    )
    assert notify(drift_of(*scenarios), settings) == ()
    assert webhook.received == [] and relay.handler.received == []


def test_a_dead_webhook_does_not_stop_the_mail(start_smtp: StartSmtp) -> None:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        closed = sock.getsockname()[1]
    relay = start_smtp()
    settings = NotifySettings(
        webhook_url=f"http://{HOST}:{closed}/hook",
        mail=MailSettings(host=HOST, port=relay.port),
        mail_to=("noc@corp.example",),
        timeout_s=2,
    )
    with pytest.raises(NotifyError, match=r"webhook: .*refused.*\(sent: mail\)"):
        notify(drift_of("default", "fault1"), settings)
    assert len(relay.handler.received) == 1


def test_only_http_webhooks_are_posted() -> None:
    with pytest.raises(NotifyError, match="only http"):
        post_webhook("file:///etc/passwd", {})
