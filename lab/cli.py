"""The command line of one SSH session (IOS, or an ASA by its platform): echo, prompts, enable,
paging, modes, pipes."""

from __future__ import annotations

from collections.abc import Callable

from lab import (  # noqa: F401  (imported to register their commands)
    cmd_asa,
    cmd_asa_crypto,
    cmd_asa_dataplane,
    cmd_asa_debug,
    cmd_asa_ikev2,
    cmd_asa_tracer,
    cmd_asa_vpn,
    cmd_config,
    cmd_crypto,
    cmd_debug,
    cmd_dmvpn,
    cmd_failover,
    cmd_files,
    cmd_ikev2,
    cmd_ip,
    cmd_ping,
    cmd_pki,
    cmd_system,
    cmd_telnet,
    quirks,
)
from lab.asacfg import mask_secrets
from lab.configmode import ConfigContext
from lab.device import Device
from lab.forwarding import device_interfaces
from lab.grammar import Ambiguous, Incomplete, Invalid, Match
from lab.pipes import apply_pipe, split_pipe
from lab.platform import PLATFORMS


class CliSession:
    """Feed it what the client typed; it writes back what an IOS vty would."""

    def __init__(
        self,
        device: Device,
        username: str,
        source: str,
        write: Callable[[str], None],
        close: Callable[[], None],
        later: Callable[[float, Callable[[], None]], object] = lambda _d, fn: fn(),
    ) -> None:
        self.device = device
        self.platform = PLATFORMS[device.platform]
        self.username = username
        self.source = source
        self._write = write
        self._close = close
        self.privileged = False
        self.term_length = 24
        self.term_width = 80
        self.monitor = False
        self.config: ConfigContext | None = None
        device.vty_counter += 1
        self.line_name = f"vty {device.vty_counter - 1}"
        self._buffer = ""
        self._out: list[str] = []
        self._last_cr = False
        self._pages: list[str] = []
        self._question: tuple[Callable[[str], str], bool] | None = None
        self._passthrough: Callable[[str], None] | None = None
        self.closed = False
        self._busy = False
        self._typeahead = ""
        self._later = later

    # -- session plumbing ----------------------------------------------------------------
    def start(self) -> None:
        self._log_login()
        self._emit(self.platform.banner + "\n" + self.prompt())

    def _log_login(self) -> None:
        if not self.platform.login_log:
            return
        itf = next((i for i in device_interfaces(self.device) if i.address is not None), None)
        self.device.log(
            self.platform.login_log.format(
                source=self.source, port=50000 + self.device.vty_counter, user=self.username,
                intf=itf.name if itf else "outside", address=itf.address if itf else "0.0.0.0",
            )
        )  # fmt: skip

    def _log_command(self, line: str) -> None:
        if self.platform.command_log and not line.split()[0].lower().startswith("sh"):
            text = mask_secrets(" ".join(line.split()))  # as the ASA logs a key: *****
            self.device.log(self.platform.command_log.format(user=self.username, command=text))
        self._flush()

    def prompt(self) -> str:
        mode = self.config.prompt_suffix() if self.config is not None else None
        return self.platform.prompt(self.device.hostname, self.privileged, mode)

    def ask(self, question: str, answer: Callable[[str], str], echo: bool = True) -> None:
        self._emit(question)
        self._question = (answer, echo)

    def pass_through(self, receive: Callable[[str], None] | None) -> None:
        """Hand what the client types to ``receive`` (an open telnet) instead of the CLI;
        ``None`` gives the terminal back. No prompt is printed while it is taken."""
        self._passthrough = receive

    def write(self, text: str) -> None:
        """Output that arrives between commands (the bytes of a telnet peer)."""
        self._emit(text)
        self._flush()

    def hang_up(self) -> None:
        """The client went away: a command holding the terminal gets "" (end of input)."""
        receive, self._passthrough = self._passthrough, None
        if receive is not None:
            receive("")

    def close(self) -> None:
        self.closed = True
        self._flush()
        self.device.monitors[:] = [m for m in self.device.monitors if m != self._monitor_line]
        self._close()

    def set_monitor(self, on: bool) -> None:
        self.monitor = on
        self.device.monitors[:] = [m for m in self.device.monitors if m != self._monitor_line]
        if on:
            self.device.monitors.append(self._monitor_line)

    def _monitor_line(self, line: str) -> None:
        self._emit(line + "\n")
        self._flush()

    def _emit(self, text: str) -> None:
        self._out.append(text)

    def _flush(self) -> None:
        if self._out:
            data = "".join(self._out).replace("\r\n", "\n").replace("\n", "\r\n")
            self._out.clear()
            self._write(data)

    # -- input ---------------------------------------------------------------------------
    def feed(self, data: str) -> None:
        if self._busy:  # a slow command is still running: IOS keeps what is typed ahead
            self._typeahead += data
            return
        for i, ch in enumerate(data):
            if self.closed:
                return
            if self._busy:
                self._typeahead += data[i:]
                break
            if self._passthrough is not None:
                # The LF of the CR LF that ended the command line is not for the peer.
                rest = data[i + 1 :] if ch == "\n" and self._last_cr else data[i:]
                self._last_cr = False
                if rest:
                    self._passthrough(rest)
                break
            if self._pages:
                self._more_key(ch)
            elif ch in "\r\n":
                if ch == "\n" and self._last_cr:
                    self._last_cr = False
                    continue
                self._last_cr = ch == "\r"
                self._enter()
            else:
                self._last_cr = False
                self._key(ch)
        self._flush()

    def _key(self, ch: str) -> None:
        echo = self._question is None or self._question[1]
        if ch in "\x7f\x08":
            if self._buffer:
                self._buffer = self._buffer[:-1]
                if echo:
                    self._emit("\x08 \x08")
        elif ch == "\x1a":  # Ctrl-Z
            self._buffer = ""
            if self.config is not None:
                self._emit("^Z\n")
                self._leave_config()
            self._emit(self.prompt())
        elif ch == "\x03":  # Ctrl-C
            self._buffer = ""
            self._question = None
            self._emit("\n" + self.prompt())
        elif ch >= " " or ch == "\t":
            self._buffer += ch
            if echo:
                self._emit(ch)

    def _enter(self) -> None:
        line, self._buffer = self._buffer, ""
        self._emit("\n")
        if self._question is not None:
            answer, _ = self._question
            self._question = None
            self._emit(answer(line))
        else:
            output = self._execute(line)
            delay = quirks.delay_for(self.device, line)
            if delay:
                self._busy = True
                self._later(delay, lambda: self._finish_slow(output))
                return
            self._paginate(output)
        idle = self._question is None and self._passthrough is None
        if idle and not self.closed and not self._pages:
            self._emit(self.prompt())

    def _finish_slow(self, output: str) -> None:
        self._busy = False
        if self.closed:
            return
        self._paginate(output)
        if not self._pages:
            self._emit(self.prompt())
        pending, self._typeahead = self._typeahead, ""
        self.feed(pending)
        self._flush()

    def _more_key(self, ch: str) -> None:
        more = self.platform.more
        erase = "\x08" * len(more) + " " * len(more) + "\x08" * len(more)
        self._emit(self.platform.more_erase or erase)
        if ch == " ":
            self._show_page()
        elif ch in "\r\n":
            if ch == "\n" and self._last_cr:
                self._last_cr = False
                self._emit(more)
                return
            self._last_cr = ch == "\r"
            self._emit(self._pages.pop(0) + "\n")
            self._more_or_prompt()
        else:
            self._pages.clear()
            self._emit(self.prompt())

    def _paginate(self, output: str) -> None:
        lines = output.split("\n")
        if output.endswith("\n"):
            lines.pop()
        if self.term_length == 0 or len(lines) < self.term_length:
            self._emit(output)
            return
        self._pages = lines
        self._show_page()

    def _show_page(self) -> None:
        page, self._pages = (
            self._pages[: self.term_length - 1],
            self._pages[self.term_length - 1 :],
        )
        self._emit("\n".join(page) + "\n")
        self._more_or_prompt()

    def _more_or_prompt(self) -> None:
        if self._pages:
            self._emit(self.platform.more)
        else:
            self._emit(self.prompt())

    # -- commands ------------------------------------------------------------------------
    def _execute(self, line: str) -> str:
        if not line.strip():
            return ""
        self._log_command(line)
        if self.config is not None:
            return self._config_line(line)
        return self.run_exec(line)

    def run_exec(self, line: str) -> str:
        command, pipe = split_pipe(line)
        result = self.platform.commands(self.privileged).match(command)
        missing = quirks.missing_feature(self.device, command)
        if missing is not None:
            result = Invalid(missing)
        if isinstance(result, Match):
            output = quirks.truncate(self.device, line, result.handler(self, result.args))
            return apply_pipe(output, pipe) if pipe else output
        return self._error(line, result)

    def _error(self, line: str, result: Invalid | Incomplete | Ambiguous) -> str:
        if isinstance(result, Invalid):
            pad = " " * (len(self.prompt()) + result.column)
            return f"{pad}^\n{self.platform.invalid}"
        if isinstance(result, Incomplete):
            return self.platform.incomplete
        return self.platform.ambiguous.format(line=line)

    def enter_config(self) -> None:
        self.config = self.platform.new_config()

    def _leave_config(self) -> None:
        self.config = None
        self.device.config_changed(
            self.username, f"console by {self.username} on {self.line_name} ({self.source})"
        )

    def _config_line(self, line: str) -> str:
        assert self.config is not None
        words = line.split()
        head = words[0].lower()
        if head == "do" and len(words) > 1:
            privileged, self.privileged = self.privileged, True
            try:
                return self.run_exec(" ".join(words[1:]))
            finally:
                self.privileged = privileged
        if head == "end":
            self._leave_config()
            return ""
        if head == "exit":
            if self.config.mode is None:
                self._leave_config()
            elif self.config.mode in ("ip-sla-echo", "ip-sla-tcp"):
                self.config.mode = "ip-sla"
            elif self.config.outer is not None:  # a keyring's peer block: back to the keyring
                self.config.section, self.config.mode = self.config.outer, self.config.outer_mode
                self.config.outer = self.config.outer_mode = None
            else:
                self.config.section, self.config.mode = None, None
            return ""
        if self.platform.apply_config(self.device.running, self.config, line):
            return ""
        if self.platform.exec_in_config:  # the ASA: "show run" typed at "asa(config)# "
            found = self.platform.commands(True).match(line)
            if not isinstance(found, Invalid):
                return self.run_exec(line)
        return self._error(line, Invalid(len(line) - len(line.lstrip())))


class EemCli(CliSession):
    """EEM's own vty: authorised already, so ``enable`` never asks for the secret."""

    def ask(self, question: str, answer: Callable[[str], str], echo: bool = True) -> None:
        if echo:  # "[confirm]" and the like: the next cli action answers, as with IOS
            super().ask(question, answer, echo)
        else:
            answer(self.device.secret)


def eem_session(device: Device, username: str, source: str) -> EemCli:
    """The session an EEM applet's ``cli command`` actions run in (``lab.eem.OpenSession``)."""
    session = EemCli(device, username, source, lambda _: None, lambda: None)
    session.term_length = 0  # no --More-- with nobody to press space
    return session
