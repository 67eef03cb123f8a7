"""The SMTP step of a playbook: relay tests from the tool host and from the routers."""

from __future__ import annotations

from nornir_tasks.models.findings import Finding
from nornir_tasks.models.smtp import SmtpResult
from nornir_tasks.playbooks.model import SmtpRelay, SmtpSection
from nornir_tasks.smtp.dialogue import smtp_test
from nornir_tasks.smtp.verdicts import SMTP_CODES, RelayPolicy, smtp_findings
from nornir_tasks.tasks.executor import HostDone
from nornir_tasks.tasks.hosts import Hosts
from nornir_tasks.tasks.smtp_router import RouterSmtpTest, smtp_from_routers


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


def router_tests(section: SmtpSection) -> list[RouterSmtpTest]:
    return [
        RouterSmtpTest(
            relay.host,
            relay.port,
            source_interface=section.source_interface,
            mail_from=section.mail_from,
            rcpt_to=section.to,
            quit_after=section.quit_after,
            timeout=section.timeout,
        )
        for relay in section.relays
    ]


def from_routers(
    hosts: Hosts, section: SmtpSection, done: HostDone
) -> dict[str, list[tuple[SmtpResult, list[Finding]]]]:
    """Each relay tested from each router with ``telnet RELAY PORT /source-interface IF``."""
    out: dict[str, list[tuple[SmtpResult, list[Finding]]]] = {}
    for host, results in smtp_from_routers(hosts, router_tests(section), done).items():
        if isinstance(results, list):  # a router that failed is reported by the collection
            pairs = zip(results, section.relays, strict=True)
            out[host] = [(r, smtp_findings(r, policy(section, relay))) for r, relay in pairs]
    return out


__all__ = ["SMTP_CODES", "from_routers", "from_tool"]
