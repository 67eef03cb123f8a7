"""What one SMTP test is asked to do: addresses, options and where to stop (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from nornir_tasks.models.smtp import STEP_ORDER, StepName

# RFC 2606 domains: never anybody's local domain, so accepting both is relaying.
DEFAULT_FROM = "vpndiag-test@example.com"
DEFAULT_TO = "vpndiag-test@example.net"
PASSWORD_ENV = "VPNDIAG_SMTP_PASSWORD"
QUIT_AFTER_CHOICES = ("banner", "ehlo", "mail", "rcpt", "data")


class PlanError(ValueError):
    """Options that contradict each other (a usage error)."""


@dataclass(frozen=True)
class DialoguePlan:
    """The dialogue to play. DATA is sent only with ``send`` (swaks' ``--quit-after``)."""

    mail_from: str = DEFAULT_FROM
    rcpt_to: str = DEFAULT_TO
    starttls: bool = False
    auth_user: str | None = None
    send: bool = False
    quit_after: StepName = StepName.RCPT
    timeout: float = 10.0
    ehlo_name: str | None = None

    def runs(self, step: StepName) -> bool:
        """Whether ``step`` is part of this dialogue (QUIT always is, when connected)."""
        if step is StepName.QUIT:
            return True
        if step is StepName.STARTTLS:
            return self.starttls and self._before_end(step)
        if step is StepName.AUTH:
            return self.auth_user is not None and self._before_end(step)
        if step is StepName.DATA:
            return self.send
        return self._before_end(step)

    def planned(self) -> tuple[StepName, ...]:
        """The steps before QUIT, in dialogue order."""
        return tuple(s for s in STEP_ORDER if s is not StepName.QUIT and self.runs(s))

    def _before_end(self, step: StepName) -> bool:
        return STEP_ORDER.index(step) <= STEP_ORDER.index(self.quit_after)


def make_plan(
    mail_from: str = DEFAULT_FROM,
    rcpt_to: str = DEFAULT_TO,
    *,
    starttls: bool = False,
    auth_user: str | None = None,
    send: bool = False,
    quit_after: str | None = None,
    timeout: float = 10.0,
    ehlo_name: str | None = None,
) -> DialoguePlan:
    """A checked plan: ``send`` runs through DATA; ``--quit-after data`` needs ``send``."""
    if quit_after is not None and quit_after not in QUIT_AFTER_CHOICES:
        raise PlanError(f"quit after {quit_after!r}: expected one of {QUIT_AFTER_CHOICES}")
    if send and quit_after not in (None, "data"):
        raise PlanError(f"sending a message runs through DATA; it cannot quit after {quit_after}")
    if quit_after == "data" and not send:
        raise PlanError("DATA is sent only with --send")
    if timeout <= 0:
        raise PlanError("the timeout must be positive")
    end = StepName.DATA if send else StepName(quit_after or "rcpt")
    return DialoguePlan(
        mail_from, rcpt_to, starttls, auth_user, send, end, float(timeout), ehlo_name
    )


def probe_message(mail_from: str, rcpt_to: str, relay: str) -> EmailMessage:
    """The message DATA sends with --send: plain text that says what it is."""
    message = EmailMessage()
    message["From"], message["To"] = mail_from, rcpt_to
    message["Subject"] = f"vpndiag SMTP relay test via {relay}"
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="vpndiag.invalid")
    message.set_content(f"A test message sent by vpndiag smtp-test through {relay}.\n")
    return message
