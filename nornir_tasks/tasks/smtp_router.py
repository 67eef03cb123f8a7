"""``smtp_router_test``: the SMTP relay test typed on the router, through its ``telnet``.

This proves what the tool host cannot: that the relay answers on the path the router's own
mail takes (the tunnel or the backup ISP, from ``/source-interface``), which EEM
``action mail`` depends on. The channel is read by polling netmiko's ``read_channel``: telnet
output has no prompt to wait for until the relay closes the connection.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import NoReturn, Protocol, cast

from nornir.core.task import Result, Task

from nornir_tasks.models.failure import HostFailure
from nornir_tasks.models.smtp import (
    UNREACHED,
    Capabilities,
    Failure,
    SmtpResult,
    SmtpStep,
    StepName,
    Verdict,
)
from nornir_tasks.smtp.dialogue import DialogueStopped
from nornir_tasks.smtp.plan import DEFAULT_FROM, DEFAULT_TO, DialoguePlan, make_plan, probe_message
from nornir_tasks.smtp.transcript import (
    ESCAPE,
    Reply,
    closed,
    data_lines,
    first_reply,
    opening,
    prompt_pattern,
    telnet_command,
)
from nornir_tasks.tasks.executor import HostDone, run_on_hosts
from nornir_tasks.tasks.failures import classify
from nornir_tasks.tasks.hosts import Hosts
from nornir_tasks.tasks.session import open_cli

POLL_S = 0.02
# What a telnet session types for the return key (IOS sends CR LF on to the relay).
ENTER = "\r"
_GOOD = {
    StepName.BANNER: 220,
    StepName.EHLO: 250,
    StepName.MAIL: 250,
    StepName.RCPT: 250,
    StepName.DATA: 250,
    StepName.QUIT: 221,
}


class Channel(Protocol):
    """What the dialogue needs of a netmiko connection."""

    base_prompt: str

    def write_channel(self, out_data: str) -> None: ...

    def read_channel(self) -> str: ...

    def send_command(self, command_string: str, read_timeout: float = ...) -> object: ...


class Telnet(Enum):
    """Where the router's CLI is: at its prompt, waiting for the SYN-ACK, or in a session."""

    IDLE = "idle"
    TRYING = "trying"
    OPEN = "open"


def smtp_router_test(
    task: Task,
    relay: str,
    port: int = 25,
    source_interface: str | None = None,
    mail_from: str = DEFAULT_FROM,
    rcpt_to: str = DEFAULT_TO,
    send_message: bool = False,
    quit_after: str = "rcpt",
    timeout: float = 10.0,
) -> Result:
    """Play the SMTP dialogue from ``task.host``; the result's ``source`` is the host's name."""
    plan = make_plan(
        mail_from,
        rcpt_to,
        send=send_message,
        quit_after="data" if send_message else quit_after,
        timeout=timeout,
        ehlo_name=task.host.name,
    )
    started = time.monotonic()
    try:
        conn = open_cli(task, timeout)
        channel = cast(Channel, conn)  # netmiko's wide send_command signature covers ours
        result = RouterDialogue(channel, task.host.name, relay, port, source_interface, plan).run()
    except Exception as exc:  # one router's failure is data, never a crash of the run
        reason = classify(task.host.name, exc, time.monotonic() - started).reason
        result = SmtpResult(relay, port, task.host.name, (), error=reason, failure=Failure.SESSION)
    return Result(host=task.host, result=result, failed=result.failure is Failure.SESSION)


@dataclass(frozen=True)
class RouterSmtpTest:
    """One relay to test from every router, and how."""

    relay: str
    port: int = 25
    source_interface: str | None = None
    mail_from: str = DEFAULT_FROM
    rcpt_to: str = DEFAULT_TO
    quit_after: str = "rcpt"
    timeout: float = 10.0


def smtp_from_routers(
    hosts: Hosts, tests: Sequence[RouterSmtpTest], done: HostDone | None = None
) -> dict[str, list[SmtpResult] | HostFailure]:
    """Every test from every router of ``hosts``, one after the other on its session."""

    def work(task: Task) -> list[SmtpResult]:
        return [_router_result(task, t) for t in tests]

    return run_on_hosts(hosts, work, "smtp", done)


def _router_result(task: Task, test: RouterSmtpTest) -> SmtpResult:
    result = smtp_router_test(
        task,
        test.relay,
        test.port,
        source_interface=test.source_interface,
        mail_from=test.mail_from,
        rcpt_to=test.rcpt_to,
        quit_after=test.quit_after,
        timeout=test.timeout,
    ).result
    assert isinstance(result, SmtpResult)
    return result


class RouterDialogue:
    """One ``telnet`` to the relay: ``run`` is the loop, each ``_step_*`` one command."""

    def __init__(
        self,
        conn: Channel,
        host: str,
        relay: str,
        port: int,
        source_interface: str | None,
        plan: DialoguePlan,
    ) -> None:
        self.conn, self.host, self.relay, self.port = conn, host, relay, port
        self.source_interface, self.plan = source_interface, plan
        self._prompt = prompt_pattern(conn.base_prompt)
        self._steps: list[SmtpStep] = []
        self._capabilities: Capabilities | None = None
        self._telnet = Telnet.IDLE
        self._transcript = ""  # everything the router printed, for the prompt at its end

    def run(self) -> SmtpResult:
        stop: DialogueStopped | None = None
        self.conn.read_channel()  # whatever an earlier command left behind
        try:
            self._dialogue()
        except DialogueStopped as stopped:
            stop = stopped
            self._skip_rest()
        self._back_to_prompt()
        failure = stop.failure if stop else None
        return SmtpResult(
            relay=self.relay,
            port=self.port,
            source=self.host,
            steps=tuple(self._steps),
            capabilities=self._capabilities,
            error=stop.error if stop else None,
            failure=failure,
            route=self._route() if failure in UNREACHED else (),
            mail_from=self.plan.mail_from,
            rcpt_to=self.plan.rcpt_to,
        )

    def _dialogue(self) -> None:
        steps: tuple[tuple[StepName, Callable[[], bool]], ...] = (
            (StepName.BANNER, self._step_banner),
            (StepName.EHLO, self._step_ehlo),
            (StepName.MAIL, self._step_mail),
            (StepName.RCPT, self._step_rcpt),
            (StepName.DATA, self._step_data),
        )
        for name, play in steps:
            if self.plan.runs(name) and not play():
                break
        self._skip_rest()
        self._step_quit()

    def _skip_rest(self) -> None:
        """The planned steps a failure kept the dialogue from reaching."""
        done = {s.name for s in self._steps}
        for name in self.plan.planned():
            if name not in done:
                self._steps.append(SmtpStep(name, None, None, "not reached", 0.0, Verdict.SKIPPED))

    def _step_banner(self) -> bool:
        started = time.monotonic()
        command = telnet_command(self.relay, self.port, self.source_interface)
        self.conn.write_channel(command + "\n")
        self._telnet = Telnet.TRYING
        text, _ = self._read(lambda t: _opened_or_failed(t, self._prompt.search(t) is not None))
        how = opening(text)
        if how is None:
            why = f"no answer from {self.relay}:{self.port} in {self.plan.timeout:g} s"
            self._fail(StepName.BANNER, None, started, Failure.TIMED_OUT, why)
        if how.failure is not None:
            self._telnet = Telnet.IDLE
            self._fail(StepName.BANNER, None, started, how.failure, how.message)
        self._telnet = Telnet.OPEN
        relayed = text[how.end :]
        if first_reply(relayed) is None and not closed(relayed):
            relayed += self._read(lambda t: first_reply(relayed + t) is not None or closed(t))[0]
        return self._answer(StepName.BANNER, None, started, relayed, Failure.NO_BANNER)

    def _step_ehlo(self) -> bool:
        ok, reply = self._command(StepName.EHLO, f"EHLO {self.plan.ehlo_name or self.host}")
        if ok and reply is not None:
            self._capabilities = Capabilities.from_ehlo(reply.lines)
        return ok

    def _step_mail(self) -> bool:
        return self._command(StepName.MAIL, f"MAIL FROM:<{self.plan.mail_from}>")[0]

    def _step_rcpt(self) -> bool:
        return self._command(StepName.RCPT, f"RCPT TO:<{self.plan.rcpt_to}>")[0]

    def _step_data(self) -> bool:
        started = time.monotonic()
        self._type("DATA")
        text, _ = self._read(lambda t: first_reply(t) is not None or closed(t))
        reply = first_reply(text)
        if reply is None or reply.code != 354:
            return self._answer(StepName.DATA, "DATA", started, text, Failure.STALLED)
        message = probe_message(self.plan.mail_from, self.plan.rcpt_to, self.relay)
        for line in data_lines(message.as_string()):
            self._type(line)
        return self._answer(StepName.DATA, "DATA", started, self._await_reply(), Failure.STALLED)

    def _step_quit(self) -> None:
        started = time.monotonic()
        self._type("QUIT")
        text, _ = self._read(closed)
        if closed(text):
            self._telnet = Telnet.IDLE
        self._answer(StepName.QUIT, "QUIT", started, text, Failure.STALLED)

    def _command(self, name: StepName, line: str) -> tuple[bool, Reply | None]:
        started = time.monotonic()
        self._type(line)
        text = self._await_reply()
        return self._answer(name, line, started, text, Failure.STALLED), first_reply(text)

    def _answer(
        self, name: StepName, sent: str | None, started: float, text: str, silent: Failure
    ) -> bool:
        """Record the reply in ``text``; no reply stops the dialogue (closed, or silent)."""
        reply = first_reply(text)
        if reply is None:
            if closed(text):
                self._telnet = Telnet.IDLE
                self._fail(name, sent, started, _closed_failure(name), "the relay closed it")
            self._fail(name, sent, started, silent, f"no reply in {self.plan.timeout:g} s")
        ok = reply.code == _GOOD[name]
        verdict = Verdict.OK if ok else Verdict.FAIL
        self._steps.append(SmtpStep(name, sent, reply.code, reply.text, _ms(started), verdict))
        return ok

    def _fail(
        self, name: StepName, sent: str | None, started: float, failure: Failure, why: str
    ) -> NoReturn:
        self._steps.append(SmtpStep(name, sent, None, why, _ms(started), Verdict.FAIL))
        raise DialogueStopped(failure, why)

    def _type(self, line: str) -> None:
        self.conn.write_channel(line + ENTER)

    def _await_reply(self) -> str:
        return self._read(lambda t: first_reply(t) is not None or closed(t))[0]

    def _read(self, done: Callable[[str], bool], timeout: float | None = None) -> tuple[str, bool]:
        """Poll the channel until ``done(text)`` or the timeout; (text, done)."""
        deadline = time.monotonic() + (self.plan.timeout if timeout is None else timeout)
        text = ""
        while True:
            chunk = self.conn.read_channel()
            text += chunk
            self._transcript += chunk
            if done(text):
                return text, True
            if time.monotonic() >= deadline:
                return text, False
            time.sleep(POLL_S)

    def _back_to_prompt(self) -> None:
        """Leave a telnet still open or still trying, then wait for the exec prompt."""
        if self._telnet is Telnet.OPEN:
            self._type("QUIT")
            if not self._read(closed, timeout=2.0)[1]:
                self._escape()
        elif self._telnet is Telnet.TRYING:
            self._escape()
        self._telnet = Telnet.IDLE
        if not self._prompt.search(self._transcript):
            self._read(lambda t: self._prompt.search(t) is not None, timeout=5.0)

    def _escape(self) -> None:
        """Ctrl-Shift-6 x suspends the session (or aborts the attempt); then close it."""
        self.conn.write_channel(ESCAPE)
        self._read(lambda t: self._prompt.search(t) is not None, timeout=2.0)
        self.conn.write_channel("disconnect\n\n")

    def _route(self) -> tuple[str, ...]:
        """``show ip route RELAY`` quoted as evidence; nothing if the session is gone."""
        command = f"show ip route {self.relay}"
        try:
            out = str(self.conn.send_command(command, read_timeout=self.plan.timeout))
        except Exception:  # evidence is best effort once the dialogue has failed
            return ()
        return (command, *[line.rstrip() for line in out.splitlines() if line.strip()])


def _opened_or_failed(text: str, at_prompt: bool) -> bool:
    how = opening(text)
    if how is None:
        return False
    if how.failure is not None:
        return at_prompt
    return True


def _closed_failure(name: StepName) -> Failure:
    return Failure.NO_BANNER if name is StepName.BANNER else Failure.DROPPED


def _ms(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)
