"""The SMTP dialogue from the tool host, on ``smtplib`` and ``ssl``: one step, one reply, timed.

Every way a relay can fail (refused, silent, slow, dropping the line, a TLS handshake that
breaks) ends as steps with verdicts and an error in the result, never as an exception.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import smtplib
import ssl
import subprocess
import time
from collections.abc import Callable
from typing import Any

from nornir_tasks.models.smtp import (
    TOOL_SOURCE,
    UNREACHED,
    Capabilities,
    Failure,
    SmtpResult,
    SmtpStep,
    StepName,
    TlsInfo,
    Verdict,
)
from nornir_tasks.smtp.certificate import certificate_info
from nornir_tasks.smtp.plan import (
    DEFAULT_FROM,
    DEFAULT_TO,
    PASSWORD_ENV,
    DialoguePlan,
    make_plan,
    probe_message,
)

Reply = tuple[int | None, str]
# smtplib tries these in this order too; PLAIN and LOGIN are what relays offer.
_AUTH_PREFERENCE = ("CRAM-MD5", "PLAIN", "LOGIN")
# The reply codes that let the dialogue go on, per step.
_GOOD: dict[StepName, frozenset[int]] = {
    StepName.BANNER: frozenset({220}),
    StepName.EHLO: frozenset({250}),
    StepName.STARTTLS: frozenset({220}),
    StepName.AUTH: frozenset({235, 503}),  # 503: already authenticated
    StepName.MAIL: frozenset({250}),
    StepName.RCPT: frozenset({250, 251}),
    StepName.DATA: frozenset({250}),
    StepName.QUIT: frozenset({221}),
}


class _Smtp(smtplib.SMTP):
    """``smtplib.SMTP`` that keeps the relay's name when connecting after construction."""

    def connect(
        self, host: str = "localhost", port: int = 0, source_address: Any = None
    ) -> tuple[int, bytes]:
        # smtplib sets ``_host`` only in __init__; starttls() sends it as the TLS server name.
        self._host = host
        return super().connect(host, port, source_address)


class DialogueStopped(Exception):  # noqa: N818  (control flow inside a dialogue)
    """What ends a dialogue early; both the host and the router dialogue raise it."""

    def __init__(self, failure: Failure, error: str) -> None:
        super().__init__(error)
        self.failure, self.error = failure, error


def smtp_test(
    relay: str,
    port: int = 25,
    mail_from: str | None = None,
    rcpt_to: str | None = None,
    *,
    starttls: bool = False,
    auth_user: str | None = None,
    auth_password: str | None = None,
    send: bool = False,
    quit_after: str = "rcpt",
    timeout: float = 10.0,
) -> SmtpResult:
    """Play the dialogue against ``relay``; the password defaults to $VPNDIAG_SMTP_PASSWORD.

    ``send`` runs through DATA whatever ``quit_after`` says; a ``quit_after`` that is not a
    stage raises ``PlanError`` (a usage error, not a relay failure).
    """
    plan = make_plan(
        mail_from or DEFAULT_FROM,
        rcpt_to or DEFAULT_TO,
        starttls=starttls,
        auth_user=auth_user,
        send=send,
        quit_after="data" if send else quit_after,
        timeout=timeout,
    )
    password = auth_password if auth_password is not None else os.environ.get(PASSWORD_ENV)
    return HostDialogue(relay, port, plan, password).run()


class HostDialogue:
    """One smtplib session; ``run`` is the loop, each ``_step_*`` one command."""

    def __init__(
        self, relay: str, port: int, plan: DialoguePlan, password: str | None = None
    ) -> None:
        self.relay, self.port, self.plan = relay, port, plan
        self._password = password
        self._smtp = _Smtp(timeout=plan.timeout, local_hostname=plan.ehlo_name)
        self._steps: list[SmtpStep] = []
        self._capabilities: Capabilities | None = None
        self._tls: TlsInfo | None = None

    def run(self) -> SmtpResult:
        failure: DialogueStopped | None = None
        try:
            self._check_credentials()
            self._dialogue()
        except DialogueStopped as stop:
            failure = stop
            self._skip_rest()
        finally:
            self._smtp.close()
        return SmtpResult(
            relay=self.relay,
            port=self.port,
            source=TOOL_SOURCE,
            steps=tuple(self._steps),
            capabilities=self._capabilities,
            tls=self._tls,
            error=failure.error if failure else None,
            failure=failure.failure if failure else None,
            route=route_to(self.relay) if failure and failure.failure in UNREACHED else (),
            mail_from=self.plan.mail_from,
            rcpt_to=self.plan.rcpt_to,
        )

    def _dialogue(self) -> None:
        steps: tuple[tuple[StepName, Callable[[], bool]], ...] = (
            (StepName.BANNER, self._step_banner),
            (StepName.EHLO, self._step_ehlo),
            (StepName.STARTTLS, self._step_starttls),
            (StepName.AUTH, self._step_auth),
            (StepName.MAIL, self._step_mail),
            (StepName.RCPT, self._step_rcpt),
            (StepName.DATA, self._step_data),
        )
        for name, play in steps:
            if self.plan.runs(name) and not play():
                break
        self._skip_rest()
        self._record(StepName.QUIT, "QUIT", lambda: _reply(self._smtp.quit()))

    def _record(self, name: StepName, sent: str | None, call: Callable[[], Reply]) -> bool:
        """Run one command, keep its reply and time; True if the dialogue may go on."""
        started = time.perf_counter()
        try:
            code, text = _call(call)
        except DialogueStopped as stop:
            self._add(SmtpStep(name, sent, None, stop.error, _ms(started), Verdict.FAIL))
            raise
        verdict = Verdict.OK if code in _GOOD[name] else Verdict.FAIL
        self._add(SmtpStep(name, sent, code, text, _ms(started), verdict))
        return verdict is Verdict.OK

    def _add(self, step: SmtpStep) -> None:
        self._steps.append(step)

    def _skip_rest(self) -> None:
        """The planned steps a failure kept the dialogue from reaching."""
        done = {s.name for s in self._steps}
        for name in self.plan.planned():
            if name not in done:
                self._add(SmtpStep(name, None, None, "not reached", 0.0, Verdict.SKIPPED))

    def _refuse(self, name: StepName, sent: str | None, why: str) -> bool:
        """A step the relay does not offer: failed without a reply; the dialogue stops."""
        self._add(SmtpStep(name, sent, None, why, 0.0, Verdict.FAIL))
        return False

    def _step_banner(self) -> bool:
        def connect() -> Reply:
            try:
                return _reply(self._smtp.connect(self.relay, self.port))
            except smtplib.SMTPServerDisconnected as exc:
                raise _banner_stop(exc, self.plan.timeout) from exc
            except OSError as exc:
                raise _connect_stop(exc, self.relay, self.port, self.plan.timeout) from exc

        return self._record(StepName.BANNER, None, connect)

    def _step_ehlo(self) -> bool:
        name = self._smtp.local_hostname
        ok = self._record(StepName.EHLO, f"EHLO {name}", lambda: _reply(self._smtp.ehlo(name)))
        if ok and self._capabilities is None:
            reply = (self._smtp.ehlo_resp or b"").decode("utf-8", "replace")
            self._capabilities = Capabilities.from_ehlo(reply.splitlines())
        return ok

    def _step_starttls(self) -> bool:
        if not self._smtp.has_extn("starttls"):
            return self._refuse(StepName.STARTTLS, None, "STARTTLS not offered in EHLO")
        if not self._record(StepName.STARTTLS, "STARTTLS", self._starttls):
            return False
        self._tls = self._peer_certificate()
        return self._step_ehlo()  # RFC 3207: the session starts over, EHLO again

    def _starttls(self) -> Reply:
        try:
            return _reply(self._smtp.starttls(context=inspection_context()))
        except ssl.SSLError as exc:
            raise DialogueStopped(Failure.TLS_FAILED, f"TLS handshake failed: {exc}") from exc

    def _peer_certificate(self) -> TlsInfo | None:
        sock = self._smtp.sock
        if not isinstance(sock, ssl.SSLSocket):
            return None
        der = sock.getpeercert(binary_form=True)
        if der is None:
            return None
        cipher = sock.cipher()
        now = dt.datetime.now(dt.UTC)
        try:
            return certificate_info(der, now, sock.version() or "", cipher[0] if cipher else "")
        except ValueError:  # a certificate cryptography cannot read: no expiry to report
            return None

    def _check_credentials(self) -> None:
        """No password, no connection: fail before talking to the relay at all."""
        if self.plan.auth_user is not None and self._password is None:
            why = f"no password for {self.plan.auth_user}: set {PASSWORD_ENV}"
            for name in self.plan.planned():
                failed = name is StepName.AUTH
                text, verdict = (why, Verdict.FAIL) if failed else ("not started", Verdict.SKIPPED)
                self._add(SmtpStep(name, None, None, text, 0.0, verdict))
            raise DialogueStopped(Failure.NO_PASSWORD, why)

    def _step_auth(self) -> bool:
        sent = f"AUTH ({self.plan.auth_user})"
        offered = (self._smtp.esmtp_features.get("auth") or "").upper().split()
        mechanism = next((m for m in _AUTH_PREFERENCE if m in offered), None)
        if mechanism is None:
            return self._refuse(StepName.AUTH, sent, "AUTH not offered in EHLO")
        return self._record(StepName.AUTH, f"AUTH {mechanism} ****", lambda: self._auth(mechanism))

    def _auth(self, mechanism: str) -> Reply:
        smtp = self._smtp
        smtp.user, smtp.password = self.plan.auth_user or "", self._password or ""
        try:
            method = getattr(smtp, "auth_" + mechanism.lower().replace("-", "_"))
            return _reply(smtp.auth(mechanism, method))
        finally:
            smtp.password = ""  # smtplib keeps it on the object otherwise

    def _step_mail(self) -> bool:
        sender = self.plan.mail_from
        return self._record(
            StepName.MAIL, f"MAIL FROM:<{sender}>", lambda: _reply(self._smtp.mail(sender))
        )

    def _step_rcpt(self) -> bool:
        rcpt = self.plan.rcpt_to
        return self._record(
            StepName.RCPT, f"RCPT TO:<{rcpt}>", lambda: _reply(self._smtp.rcpt(rcpt))
        )

    def _step_data(self) -> bool:
        message = probe_message(self.plan.mail_from, self.plan.rcpt_to, self.relay)
        return self._record(
            StepName.DATA, "DATA", lambda: _reply(self._smtp.data(message.as_bytes()))
        )


def inspection_context() -> ssl.SSLContext:
    """TLS for inspecting the relay's certificate: chain and name are NOT verified here."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def route_to(relay: str) -> tuple[str, ...]:
    """The tool host's route to the relay (``ip route get``), when the system can tell."""
    ip = shutil.which("ip")
    if ip is None:
        return ()
    try:
        done = subprocess.run(
            [ip, "route", "get", relay], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ()
    lines = (
        [line.rstrip() for line in done.stdout.strip().splitlines()] if done.returncode == 0 else []
    )
    return (f"$ ip route get {relay}", *lines) if lines else ()


def _call(call: Callable[[], Reply]) -> Reply:
    """Run a command; the ways a session breaks become ``DialogueStopped``."""
    try:
        return call()
    except DialogueStopped:
        raise
    except smtplib.SMTPResponseException as exc:  # smtplib raises some refusals (data, auth)
        return exc.smtp_code, _text(exc.smtp_error)
    except smtplib.SMTPServerDisconnected as exc:
        if isinstance(exc.__context__, TimeoutError):
            raise DialogueStopped(Failure.STALLED, "no reply within the timeout") from exc
        raise DialogueStopped(Failure.DROPPED, "the server closed the connection") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DialogueStopped(Failure.DROPPED, f"session failed: {exc}") from exc


def _banner_stop(exc: smtplib.SMTPServerDisconnected, timeout: float) -> DialogueStopped:
    if isinstance(exc.__context__, TimeoutError):
        return DialogueStopped(
            Failure.NO_BANNER, f"connected, but no 220 banner within {timeout:g} s"
        )
    return DialogueStopped(Failure.NO_BANNER, "connected, but closed before any banner")


def _connect_stop(exc: OSError, relay: str, port: int, timeout: float) -> DialogueStopped:
    where = f"{relay}:{port}"
    if isinstance(exc, ConnectionRefusedError):
        return DialogueStopped(Failure.REFUSED, f"connection to {where} refused")
    if isinstance(exc, TimeoutError):
        return DialogueStopped(Failure.TIMED_OUT, f"no answer from {where} in {timeout:g} s")
    return DialogueStopped(Failure.UNREACHABLE, f"{where} unreachable: {exc.strerror or exc}")


def _reply(reply: tuple[int, bytes | str]) -> Reply:
    return reply[0], _text(reply[1])


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
