"""``vpndiag smtp-test RELAY``: test an SMTP relay from the tool host, step by step.

The scripted ``telnet RELAY 25``: banner, EHLO, optional STARTTLS and AUTH, MAIL FROM,
RCPT TO and (with ``--send``) DATA, each reply with its code and time; then the findings,
and an exit code that follows the worst of them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from nornir_tasks.cli import exit_codes
from nornir_tasks.cli.findings_view import findings_json, print_findings
from nornir_tasks.models.findings import Finding, Severity
from nornir_tasks.models.smtp import SmtpResult, Verdict
from nornir_tasks.smtp.dialogue import smtp_test
from nornir_tasks.smtp.document import result_to_dict
from nornir_tasks.smtp.plan import (
    DEFAULT_FROM,
    DEFAULT_TO,
    PASSWORD_ENV,
    QUIT_AFTER_CHOICES,
    PlanError,
    make_plan,
)
from nornir_tasks.smtp.verdicts import RelayPolicy, smtp_findings

EPILOG = f"""\b
Examples:
  vpndiag smtp-test 192.0.2.25                       open-relay probe, quits after RCPT
  vpndiag smtp-test relay.corp.example --expect-relay --from br01@corp.example
  vpndiag smtp-test relay.corp.example --port 587 --starttls --auth alerts

\b
The password for --auth is read from ${PASSWORD_ENV}, never from the command line.
STARTTLS reads the certificate for inspection only: it is not verified.
"""
_SEVERITY_STYLE = {Severity.CRITICAL: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_VERDICT_STYLE = {Verdict.OK: "green", Verdict.FAIL: "red", Verdict.SKIPPED: "dim"}


@click.command("smtp-test", epilog=EPILOG)
@click.argument("relay")
@click.option("--port", type=click.IntRange(1, 65535), default=25, show_default=True)
@click.option("--from", "mail_from", default=DEFAULT_FROM, show_default=True)
@click.option("--to", "rcpt_to", default=DEFAULT_TO, show_default=True)
@click.option("--starttls", is_flag=True, help="Upgrade to TLS and read the certificate.")
@click.option("--auth", "auth_user", metavar="USER", help=f"AUTH as USER (${PASSWORD_ENV}).")
@click.option("--send", is_flag=True, help="Send a test message (DATA).")
@click.option(
    "--quit-after",
    type=click.Choice(QUIT_AFTER_CHOICES),
    help="Stop after this stage [default: rcpt; data with --send].",
)
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@exit_codes.fail_on_option(Severity.CRITICAL)
@click.option("--expect-relay", is_flag=True, help="This host is meant to relay through RELAY.")
@click.option("--local-domain", multiple=True, help="A domain that is inside (repeatable).")
@click.option(
    "--cert-days", type=int, default=30, show_default=True, help="Warn under this many days left."
)
@click.option(
    "--slow-banner",
    type=float,
    default=5.0,
    show_default=True,
    help="Warn when the banner takes longer, s.",
)
def smtp_test_cmd(
    relay: str,
    port: int,
    mail_from: str,
    rcpt_to: str,
    starttls: bool,
    auth_user: str | None,
    send: bool,
    quit_after: str | None,
    timeout: float,
    fmt: str,
    fail_on: Severity,
    expect_relay: bool,
    local_domain: tuple[str, ...],
    cert_days: int,
    slow_banner: float,
) -> None:
    """Test the SMTP relay RELAY from this host: reply codes, relay verdict, TLS."""
    _check_usage(send, quit_after, timeout, auth_user)
    result = smtp_test(
        relay,
        port,
        mail_from,
        rcpt_to,
        starttls=starttls,
        auth_user=auth_user,
        send=send,
        quit_after=quit_after or "rcpt",
        timeout=timeout,
    )
    policy = RelayPolicy(
        expect_relay, frozenset(d.lower() for d in local_domain), cert_days, slow_banner * 1000
    )
    findings = smtp_findings(result, policy)
    if fmt == "json":
        document = {"smtp": result_to_dict(result), **findings_json(findings)}
        click.echo(json.dumps(document, indent=2))
    else:
        print_smtp(Console(), result, findings)
    raise exit_codes.Exit(exit_codes.exit_code(findings, fail_on))


def _check_usage(send: bool, quit_after: str | None, timeout: float, user: str | None) -> None:
    try:
        make_plan(send=send, quit_after=quit_after, timeout=timeout)
    except PlanError as exc:
        raise click.UsageError(str(exc)) from exc
    if user is not None and PASSWORD_ENV not in os.environ:
        raise click.UsageError(f"--auth {user}: set the password in ${PASSWORD_ENV}")


def steps_table(result: SmtpResult) -> Table:
    title = f"SMTP {result.relay}:{result.port} from {result.source}"
    table = Table(title=title, title_justify="left")
    for column in ("step", "sent", "reply", "text", "time", "verdict"):
        table.add_column(column, overflow="fold", justify="right" if column == "time" else "left")
    for step in result.steps:
        table.add_row(
            step.name.value,
            Text(step.sent or ""),
            "" if step.code is None else str(step.code),
            Text(step.text),
            f"{step.elapsed_ms:.0f} ms",
            Text(step.verdict.value, _VERDICT_STYLE[step.verdict]),
        )
    return table


def print_smtp(console: Console, result: SmtpResult, findings: Sequence[Finding]) -> None:
    console.print(steps_table(result))
    if result.capabilities is not None:
        caps = ", ".join(result.capabilities.lines) or "(none)"
        console.print(Text.assemble(("EHLO: ", "bold"), caps))
    if result.tls is not None:
        tls = result.tls
        console.print(
            Text.assemble(
                ("TLS: ", "bold"),
                f"{tls.version} {tls.cipher}; {tls.subject}, expires {tls.not_after} "
                f"({tls.days_left} days; read for inspection, not verified)",
            )
        )
    if result.error:
        console.print(Text.assemble(("stopped: ", "bold red"), result.error))
    console.print(Text.assemble(("overall: ", "bold"), overall(findings)))
    console.print()
    print_findings(console, findings)


def overall(findings: Sequence[Finding]) -> Text:
    """The test's verdict: its worst finding, or healthy."""
    worst = max(findings, key=lambda f: f.severity.rank, default=None)
    if worst is None:
        return Text("healthy", "green")
    return Text(f"{worst.severity.value} ({worst.code})", _SEVERITY_STYLE[worst.severity])
