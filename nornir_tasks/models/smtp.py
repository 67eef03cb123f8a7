"""One SMTP relay test, from the tool host or from a router: the dialogue step by step.

The same model comes back from ``smtplib`` on the tool host and from a router's ``telnet``
transcript, so the verdicts (``nornir_tasks.smtp.verdicts``) cannot tell them apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

TOOL_SOURCE = "tool"  # SmtpResult.source of a test run from the tool host


class StepName(StrEnum):
    BANNER = "banner"
    EHLO = "ehlo"
    STARTTLS = "starttls"
    AUTH = "auth"
    MAIL = "mail"
    RCPT = "rcpt"
    DATA = "data"
    QUIT = "quit"


# The order of a dialogue; ``--quit-after`` names one of these.
STEP_ORDER: tuple[StepName, ...] = tuple(StepName)


class Verdict(StrEnum):
    OK = "ok"
    FAIL = "fail"
    SKIPPED = "skipped"


class Failure(StrEnum):
    """What stopped a dialogue before it was done (``None`` on SmtpResult: nothing did)."""

    REFUSED = "refused"  # TCP RST: nothing listens on the port, or a firewall rejects
    TIMED_OUT = "timed_out"  # no SYN-ACK: filtered, or the route leads nowhere
    UNREACHABLE = "unreachable"  # no route, or ICMP unreachable
    NO_BANNER = "no_banner"  # connected, but no 220 greeting within the timeout
    DROPPED = "dropped"  # the server closed the connection in the middle of the dialogue
    STALLED = "stalled"  # a reply did not come within the timeout after the banner
    TLS_FAILED = "tls_failed"  # the STARTTLS handshake failed
    NO_PASSWORD = "no_password"  # --auth without a password in the environment
    SESSION = "session"  # the router failed, not the relay: SSH lost, telnet command refused


# Failures that mean the relay was never reached: SMTP_UNREACHABLE.
UNREACHED = frozenset({Failure.REFUSED, Failure.TIMED_OUT, Failure.UNREACHABLE})


@dataclass(frozen=True)
class SmtpStep:
    """One command and its reply. ``sent`` is None for the banner; a password is never kept."""

    name: StepName
    sent: str | None
    code: int | None
    text: str
    elapsed_ms: float
    verdict: Verdict


@dataclass(frozen=True)
class Capabilities:
    """The EHLO extensions a server offered (RFC 5321 §4.1.1.1), as keywords and values."""

    lines: tuple[str, ...] = ()  # every extension line as offered, without the code

    @property
    def starttls(self) -> bool:
        return self.offers("STARTTLS")

    @property
    def auth(self) -> tuple[str, ...]:
        """SASL mechanisms (``AUTH PLAIN LOGIN`` and the old ``AUTH=LOGIN`` form)."""
        found: list[str] = []
        for line in self.lines:
            keyword, *value = re.split(r"[ =]", line.upper())
            if keyword == "AUTH":
                found += [m for m in value if m and m not in found]
        return tuple(found)

    @property
    def size(self) -> int | None:
        value = self.value("SIZE")
        return int(value) if value is not None and value.isdigit() else None

    @property
    def eightbitmime(self) -> bool:
        return self.offers("8BITMIME")

    def offers(self, keyword: str) -> bool:
        return self.value(keyword) is not None

    def value(self, keyword: str) -> str | None:
        """The parameters of ``keyword`` ("" when it has none), None when not offered."""
        for line in self.lines:
            word, _, rest = line.partition(" ")
            if word.upper() == keyword.upper():
                return rest.strip()
        return None

    @classmethod
    def from_ehlo(cls, reply_lines: Iterable[str]) -> Capabilities:
        """From the text lines of a 250 EHLO reply; the first line is the greeting."""
        lines = [line.strip() for line in reply_lines]
        return cls(tuple(line for line in lines[1:] if line))


@dataclass(frozen=True)
class TlsInfo:
    """The relay's certificate as seen after STARTTLS.

    Read for inspection only: the handshake does not verify the chain or the name, so a
    self-signed or mismatched certificate is still reported rather than refused.
    """

    subject: str
    issuer: str
    not_after: str  # ISO 8601 date (UTC)
    days_left: int
    version: str = ""  # TLS protocol version ("TLSv1.3")
    cipher: str = ""


@dataclass(frozen=True)
class SmtpResult:
    """One test of one relay from one source (``"tool"`` or a router's name)."""

    relay: str
    port: int
    source: str
    steps: tuple[SmtpStep, ...]
    capabilities: Capabilities | None = None  # from the first EHLO; None if EHLO never answered
    tls: TlsInfo | None = None
    error: str | None = None  # what stopped the dialogue, in words
    failure: Failure | None = None
    route: tuple[str, ...] = ()  # the route to the relay, quoted (evidence when unreachable)
    mail_from: str = ""
    rcpt_to: str = ""

    def step(self, name: StepName) -> SmtpStep | None:
        """The last step of that name (EHLO runs twice around STARTTLS)."""
        return next((s for s in reversed(self.steps) if s.name is name), None)

    @property
    def authenticated(self) -> bool:
        auth = self.step(StepName.AUTH)
        return auth is not None and auth.verdict is Verdict.OK
