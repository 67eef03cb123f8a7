"""The SMTP phase of a playbook: relay tests from the tool host and from the routers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nornir.core import Nornir
from nornir.core.task import Result, Task

from nornir_tasks.models.findings import Finding
from nornir_tasks.models.smtp import SmtpResult
from nornir_tasks.playbooks.model import SmtpRelay, SmtpSection
from nornir_tasks.smtp.dialogue import smtp_test
from nornir_tasks.smtp.verdicts import SMTP_CODES, RelayPolicy, smtp_findings
from nornir_tasks.tasks.smtp_router import smtp_router_test

HostDone = Callable[[str, bool], None]


def policy(section: SmtpSection, relay: SmtpRelay) -> RelayPolicy:
    return RelayPolicy(
        expect_relay=relay.expect_relay, local_domains=frozenset(section.local_domains)
    )


def from_tool(section: SmtpSection) -> list[tuple[SmtpResult, list[Finding]]]:
    """Each relay tested from this machine, as ``vpndiag smtp-test`` does."""
    out = []
    for relay in section.relays:
        result = smtp_test(
            relay.host,
            relay.port,
            section.mail_from,
            section.to,
            quit_after=section.quit_after,
            timeout=section.timeout,
        )
        out.append((result, smtp_findings(result, policy(section, relay))))
    return out


def _router_task(task: Task, section: SmtpSection, done: HostDone) -> Result:
    results = []
    for relay in section.relays:
        sub = smtp_router_test(
            task,
            relay.host,
            relay.port,
            source_interface=section.source_interface,
            mail_from=section.mail_from,
            rcpt_to=section.to,
            quit_after=section.quit_after,
            timeout=section.timeout,
        )
        results.append((sub.result, relay))
    done(task.host.name, True)
    return Result(host=task.host, result=tuple(results))


def from_routers(
    nr: Nornir, section: SmtpSection, done: HostDone
) -> dict[str, list[tuple[SmtpResult, list[Finding]]]]:
    """Each relay tested from each router with ``telnet RELAY PORT /source-interface IF``."""
    results = nr.run(task=_router_task, section=section, done=done, name="smtp")
    out: dict[str, list[tuple[SmtpResult, list[Finding]]]] = {}
    for host, multi in results.items():
        value: Any = multi[0].result if len(multi) else None
        if not isinstance(value, tuple):
            continue
        out[host] = [(r, smtp_findings(r, policy(section, relay))) for r, relay in value]
    return out


__all__ = ["SMTP_CODES", "from_routers", "from_tool"]
