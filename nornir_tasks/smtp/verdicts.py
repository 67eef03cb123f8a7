"""From one SMTP relay test to findings (pure): open relay, relay denied, TLS, reachability.

The same rules read a test from the tool host and one from a router, so both give the same
verdicts. Codes are documented in ``docs/findings.md`` (section "SMTP relay tests").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.models.smtp import (
    TOOL_SOURCE,
    UNREACHED,
    Failure,
    SmtpResult,
    SmtpStep,
    StepName,
    Verdict,
)

SMTP_CODES = (
    "SMTP_UNREACHABLE",
    "SMTP_NO_BANNER",
    "SMTP_SLOW_BANNER",
    "SMTP_DROPPED",
    "SMTP_TLS_FAILED",
    "SMTP_NO_STARTTLS",
    "SMTP_CERT_EXPIRING",
    "SMTP_AUTH_FAILED",
    "SMTP_AUTH_REQUIRED",
    "SMTP_OPEN_RELAY",
    "SMTP_RELAY_DENIED",
    "SMTP_COMMAND_REJECTED",
)
# The IPsec step model has no mail stage; a relay test proves the path (tunnel or backup ISP)
# the traffic takes, so it files under data transfer until the model names SMTP itself.
SMTP_STEP = Step["SMTP"] if "SMTP" in Step.__members__ else Step.DATA_TRANSFER
# RCPT replies that refuse to relay (RFC 5321: 550 mailbox unavailable / policy, 554 failed).
RELAY_REFUSALS = frozenset({550, 551, 553, 554})
AUTH_NEEDED = 530  # RFC 4954: authentication required


@dataclass(frozen=True)
class RelayPolicy:
    """What the test expects of the relay.

    ``expect_relay``: this source is meant to relay through it (an internal relay for EEM
    ``action mail`` and reports), so a refused outside recipient is a finding, and an accepted
    one is not an open relay. ``local_domains``: addresses there are inside, not outside.
    """

    expect_relay: bool = False
    local_domains: frozenset[str] = frozenset()
    cert_warning_days: int = 30
    slow_banner_ms: float = 5000.0

    def outside(self, address: str) -> bool:
        domain = address.rpartition("@")[2].strip("<>").lower()
        return not any(domain == d or domain.endswith(f".{d}") for d in self.local_domains)

    def relay_expected(self, result: SmtpResult) -> bool:
        inside_sender = not self.outside(result.mail_from)
        return (self.expect_relay or inside_sender) and self.outside(result.rcpt_to)


Rule = Callable[[SmtpResult, RelayPolicy], Iterable[Finding]]


def smtp_findings(result: SmtpResult, policy: RelayPolicy | None = None) -> list[Finding]:
    """Every finding of one test, most severe first."""
    policy = policy or RelayPolicy()
    found = [f for rule in RULES for f in rule(result, policy)]
    return sorted(found, key=lambda f: -f.severity.rank)


def _finding(
    result: SmtpResult,
    code: str,
    severity: Severity,
    summary: str,
    cause: str,
    evidence: Iterable[str] = (),
    next_steps: Iterable[str] = (),
) -> Finding:
    return Finding(
        code=code,
        severity=severity,
        host=result.source,
        peer=result.relay,
        summary=summary,
        cause=cause,
        evidence=tuple(evidence),
        next_steps=tuple(next_steps) or retest(result),
        step=SMTP_STEP,
        source=Source.STATE,
    )


def quote(step: SmtpStep) -> str:
    """A step as evidence: ``RCPT TO:<b@example.net> -> 550 5.7.1 Relaying denied``."""
    reply = " ".join(p for p in (str(step.code or ""), step.text.replace("\n", " | ")) if p)
    return f"{step.sent or step.name.value} -> {reply or '(no reply)'}"


def retest(result: SmtpResult) -> tuple[str, ...]:
    """The command that repeats the test where it ran."""
    if result.source == TOOL_SOURCE:
        return (
            f"swaks --server {result.relay} --port {result.port} --from {result.mail_from} "
            f"--to {result.rcpt_to} --quit-after RCPT",
        )
    return (f"telnet {result.relay} {result.port}",)


def _path_checks(result: SmtpResult) -> tuple[str, ...]:
    if result.source == TOOL_SOURCE:
        return (f"ip route get {result.relay}", f"nc -vz {result.relay} {result.port}")
    return (
        f"show ip route {result.relay}",
        f"show ip cef {result.relay}",
        "show crypto session",
        f"telnet {result.relay} {result.port} /source-interface <LAN interface>",
    )


_UNREACHED_CAUSE = {
    Failure.REFUSED: "the relay answered with a reset: nothing listens on the port, or an "
    "ACL/firewall rejects this source",
    Failure.TIMED_OUT: "no answer to the TCP SYN: a firewall drops it, or the path (tunnel, "
    "backup ISP) loses it",
    Failure.UNREACHABLE: "no route to the relay, or an ICMP unreachable came back",
}


def unreachable(result: SmtpResult, policy: RelayPolicy) -> Iterator[Finding]:
    if result.failure not in UNREACHED:
        return
    yield _finding(
        result,
        "SMTP_UNREACHABLE",
        Severity.CRITICAL,
        f"SMTP relay {result.relay}:{result.port} unreachable from {result.source}",
        _UNREACHED_CAUSE[result.failure],
        (result.error or "", *result.route),
        _path_checks(result),
    )


def no_banner(result: SmtpResult, policy: RelayPolicy) -> Iterator[Finding]:
    banner = result.step(StepName.BANNER)
    refused = banner is not None and banner.code is not None and banner.verdict is Verdict.FAIL
    if result.failure is not Failure.NO_BANNER and not refused:
        return
    cause = (
        "the relay refuses service to this source in its greeting"
        if refused
        else "the TCP connection opened but no 220 greeting came: an overloaded or "
        "tarpitting server (greet pause), or a firewall's SMTP inspection holding it"
    )
    yield _finding(
        result,
        "SMTP_NO_BANNER",
        Severity.CRITICAL,
        f"no 220 banner from {result.relay}:{result.port} ({result.source})",
        cause,
        [quote(banner)] if banner else [result.error or ""],
    )


def slow_banner(result: SmtpResult, policy: RelayPolicy) -> Iterator[Finding]:
    banner = result.step(StepName.BANNER)
    if banner is None or banner.verdict is not Verdict.OK:
        return
    if banner.elapsed_ms <= policy.slow_banner_ms:
        return
    yield _finding(
        result,
        "SMTP_SLOW_BANNER",
        Severity.WARNING,
        f"the 220 banner took {banner.elapsed_ms / 1000:.1f} s "
        f"(over {policy.slow_banner_ms / 1000:g} s)",
        "a greet pause, reverse-DNS lookups on the relay, or a loaded server: clients with "
        "short timeouts (EEM action mail) give up first",
        [quote(banner)],
    )


def dropped(result: SmtpResult, policy: RelayPolicy) -> Iterator[Finding]:
    if result.failure not in (Failure.DROPPED, Failure.STALLED):
        return
    yield _finding(
        result,
        "SMTP_DROPPED",
        Severity.CRITICAL,
        f"the SMTP dialogue with {result.relay} broke off: {result.error}",
        "the relay (or a device on the path) closed or stopped answering in the middle of the "
        "dialogue: a policy drop after EHLO, an inspection engine, or an MTU problem",
        [quote(s) for s in result.steps] or [result.error or ""],
    )


def tls_failed(result: SmtpResult, policy: RelayPolicy) -> Iterator[Finding]:
    step = result.step(StepName.STARTTLS)
    refused = step is not None and step.code is not None and step.verdict is Verdict.FAIL
    if result.failure is not Failure.TLS_FAILED and not refused:
        return
    yield _finding(
        result,
        "SMTP_TLS_FAILED",
        Severity.CRITICAL,
        f"STARTTLS with {result.relay} failed",
        "the relay offered STARTTLS but the handshake did not complete (no common protocol or "
        "cipher, or the server has no usable certificate)",
        [quote(step)] if step else [result.error or ""],
        (f"openssl s_client -starttls smtp -connect {result.relay}:{result.port}",),
    )


def no_starttls(result: SmtpResult, policy: RelayPolicy) -> Iterator[Finding]:
    if result.capabilities is None or result.capabilities.starttls:
        return
    asked = result.step(StepName.STARTTLS) is not None
    yield _finding(
        result,
        "SMTP_NO_STARTTLS",
        Severity.WARNING if asked else Severity.INFO,
        f"{result.relay} does not offer STARTTLS",
        "mail and any AUTH credentials cross the path in clear text",
        ["EHLO capabilities: " + (", ".join(result.capabilities.lines) or "(none)")],
    )


def cert_expiring(result: SmtpResult, policy: RelayPolicy) -> Iterator[Finding]:
    tls = result.tls
    if tls is None or tls.days_left >= policy.cert_warning_days:
        return
    expired = tls.days_left < 0
    yield _finding(
        result,
        "SMTP_CERT_EXPIRING",
        Severity.CRITICAL if expired else Severity.WARNING,
        f"the certificate of {result.relay} "
        + ("has expired" if expired else f"expires in {tls.days_left} days")
        + f" ({tls.not_after})",
        "clients that verify certificates will refuse STARTTLS once it has expired",
        (f"subject: {tls.subject}", f"issuer: {tls.issuer}", f"not after: {tls.not_after}"),
        (f"openssl s_client -starttls smtp -connect {result.relay}:{result.port}",),
    )


def auth_failed(result: SmtpResult, policy: RelayPolicy) -> Iterator[Finding]:
    step = result.step(StepName.AUTH)
    if step is None or step.verdict is not Verdict.FAIL:
        return
    yield _finding(
        result,
        "SMTP_AUTH_FAILED",
        Severity.WARNING if result.failure is Failure.NO_PASSWORD else Severity.CRITICAL,
        f"authentication with {result.relay} failed",
        "wrong credentials, a mechanism the relay does not accept, or AUTH offered only "
        "after STARTTLS",
        [quote(step)],
    )


def auth_required(result: SmtpResult, policy: RelayPolicy) -> Iterator[Finding]:
    refused = [s for s in _answered(result, StepName.MAIL, StepName.RCPT) if _wants_auth(s)]
    if not refused or result.authenticated:
        return
    yield _finding(
        result,
        "SMTP_AUTH_REQUIRED",
        Severity.INFO,
        f"{result.relay} requires authentication before accepting mail",
        "the relay accepts mail only from authenticated clients: senders without "
        "credentials (EEM action mail has none) cannot use it",
        [quote(s) for s in refused],
    )


def open_relay(result: SmtpResult, policy: RelayPolicy) -> Iterator[Finding]:
    rcpt = result.step(StepName.RCPT)
    if rcpt is None or rcpt.verdict is not Verdict.OK or result.authenticated:
        return
    if policy.expect_relay or not (
        policy.outside(result.mail_from) and policy.outside(result.rcpt_to)
    ):
        return
    mail = result.step(StepName.MAIL)
    yield _finding(
        result,
        "SMTP_OPEN_RELAY",
        Severity.CRITICAL,
        f"{result.relay} is an open relay: it accepted an outside recipient from an outside "
        "sender without authentication",
        "the relay's relay restrictions (mynetworks / receive connector / relay ACL) let any "
        "client send to any domain; spammers will find it",
        [quote(s) for s in (mail, rcpt) if s is not None],
    )


def relay_denied(result: SmtpResult, policy: RelayPolicy) -> Iterator[Finding]:
    rcpt = result.step(StepName.RCPT)
    if rcpt is None or rcpt.code not in RELAY_REFUSALS or not policy.relay_expected(result):
        return
    yield _finding(
        result,
        "SMTP_RELAY_DENIED",
        Severity.WARNING,
        f"{result.relay} refused to relay for {result.source}",
        "the relay does not allow this source (its address after NAT or the tunnel) or "
        "this sender to relay: alerts sent through it are lost",
        [quote(s) for s in _answered(result, StepName.MAIL, StepName.RCPT)],
    )


def command_rejected(result: SmtpResult, policy: RelayPolicy) -> Iterator[Finding]:
    """Refusals no other rule explains (a 4xx greylist, a rejected sender, a failed DATA)."""
    for step in result.steps:
        if (
            step.verdict is not Verdict.FAIL
            or step.code is None
            or _explained(result, step, policy)
        ):
            continue
        yield _finding(
            result,
            "SMTP_COMMAND_REJECTED",
            Severity.WARNING,
            f"{result.relay} refused {step.name.value.upper()} with {step.code}",
            "temporary refusal (4xx: greylisting, rate limit)"
            if step.code < 500
            else "permanent refusal (5xx) of this command",
            [quote(step)],
        )
        return


def _explained(result: SmtpResult, step: SmtpStep, policy: RelayPolicy) -> bool:
    """Whether another rule already reports this refused step."""
    if step.name in (StepName.BANNER, StepName.STARTTLS, StepName.AUTH, StepName.QUIT):
        return True
    if _wants_auth(step):
        return True
    return (
        step.name is StepName.RCPT
        and step.code in RELAY_REFUSALS
        and (policy.relay_expected(result) or policy.outside(result.rcpt_to))
    )


def _answered(result: SmtpResult, *names: StepName) -> list[SmtpStep]:
    return [s for s in result.steps if s.name in names and s.code is not None]


def _wants_auth(step: SmtpStep) -> bool:
    return step.code == AUTH_NEEDED


RULES: tuple[Rule, ...] = (
    unreachable,
    no_banner,
    slow_banner,
    dropped,
    tls_failed,
    no_starttls,
    cert_expiring,
    auth_failed,
    auth_required,
    open_relay,
    relay_denied,
    command_rejected,
)
