"""``telnet HOST [PORT] [/source-interface IF]``: a real TCP connection from the lab process.

The underlay decides first (``Network.send``): no route gives "Destination unreachable", a
lost SYN a timeout. Lab routers accept SSH only (``transport input ssh``), so they refuse.
An internet host on 127.0.0.0/8 is the tool host itself (an SMTP relay under test): the lab
opens a real connection to it on the fleet's event loop and hands the SSH session's
keystrokes to the socket until the far end closes. Other internet hosts never answer.

IOS waits ``ip tcp synwait-time`` (30 s) for a SYN-ACK; the lab gives up after
``CONNECT_TIMEOUT_S`` (sim-clock seconds for a lost SYN, real seconds for a real connect) so
that tests stay quick.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from lab.commands import Session, command
from lab.device import Device
from lab.faults import Proto
from lab.forwarding import device_rib
from lab.routing import interface_matches, interfaces, resolve

CONNECT_TIMEOUT_S = 2.0
_PORTS = {"telnet": 23, "smtp": 25, "www": 80, "pop3": 110}
_TASKS: set[asyncio.Task[None]] = set()  # keep running connections referenced

REFUSED = "% Connection refused by remote host"
TIMED_OUT = "% Connection timed out; remote host not responding"
UNREACHABLE = "% Destination unreachable; gateway or host down"


@runtime_checkable
class Terminal(Protocol):
    """What telnet needs of the CLI session beyond ``Session``: the passthrough hook."""

    device: Device
    closed: bool

    def prompt(self) -> str: ...

    def pass_through(self, receive: Callable[[str], None] | None) -> None: ...

    def write(self, text: str) -> None: ...


class TelnetConnection:
    """One open telnet: typed text to the socket, the socket's bytes to the terminal."""

    def __init__(self, term: Terminal, host: str, port: int) -> None:
        self.term, self.host, self.port = term, host, port
        self.done = False
        self._queued: list[str] = []  # typed before the connection opened
        self._writer: asyncio.StreamWriter | None = None
        self._last_cr = False

    def typed(self, data: str) -> None:
        """What the user typed; "" when the vty session itself ended."""
        if self.done:
            return
        if not data:
            self._close()
            return
        text = self._nvt(data)
        if self._writer is None:
            self._queued.append(text)
        else:
            self._writer.write(text.encode("utf-8", "replace"))

    def _nvt(self, data: str) -> str:
        """A telnet client sends CR LF for the return key, whatever the terminal sent."""
        out = []
        for ch in data:
            if ch == "\n" and self._last_cr:
                self._last_cr = False
                continue
            self._last_cr = ch == "\r"
            out.append("\r\n" if ch in "\r\n" else ch)
        return "".join(out)

    def fail(self, message: str) -> None:
        self._end(f"\n{message}\n\n")

    def _end(self, text: str) -> None:
        if self.done:
            return
        self.done = True
        self.term.pass_through(None)
        self._show(text + self.term.prompt())

    def _show(self, text: str) -> None:
        if self.term.closed:
            self._close()
            return
        try:
            self.term.write(text)
        except OSError:  # the SSH client went away while the remote was talking
            self._close()

    def _close(self) -> None:
        self.done = True
        if self._writer is not None:
            self._writer.close()

    async def run(self) -> None:
        try:
            opening = asyncio.open_connection(self.host, self.port)
            reader, writer = await asyncio.wait_for(opening, CONNECT_TIMEOUT_S)
        except TimeoutError:
            return self.fail(TIMED_OUT)
        except ConnectionRefusedError:
            return self.fail(REFUSED)
        except OSError:
            return self.fail(UNREACHABLE)
        self._writer = writer
        self._show("Open\n")
        for text in self._queued:
            writer.write(text.encode("utf-8", "replace"))
        self._queued.clear()
        try:
            while not self.done and (data := await reader.read(4096)):
                self._show(data.decode("utf-8", "replace"))
        except ConnectionError:
            pass
        finally:
            writer.close()
        self._end(f"\n[Connection to {self.host} closed by foreign host]\n")


@command("telnet <host> [...]", user=True)
def telnet(s: Session, args: tuple[str, ...]) -> str:
    host = args[0]
    try:
        address = ipaddress.IPv4Address(host)
    except ValueError:  # the lab has no name service
        return "% Unknown command or computer name, or unable to find computer address\n"
    port, source, error = _options(s.device, args[1:])
    if error:
        return error
    trying = f"Trying {host}{'' if port == 23 else f', {port}'} ... "
    if resolve(device_rib(s.device), address) is None:
        return f"{trying}\n{UNREACHABLE}\n\n"
    delivery = s.device.network().send(s.device, host, Proto.TCP, src_ip=source)
    if delivery is not None and delivery.router is not None:
        return f"{trying}\n{REFUSED}\n\n"
    if not isinstance(s, Terminal):
        return f"{trying}\n{TIMED_OUT}\n\n"
    connection = TelnetConnection(s, host, port)
    s.pass_through(connection.typed)
    if delivery is None or not address.is_loopback or not _open(connection):
        s.device.clock.call_later(CONNECT_TIMEOUT_S, lambda: connection.fail(TIMED_OUT))
    return trying


def open_connections() -> int:
    """How many telnet connections are open right now (for tests)."""
    return len(_TASKS)


def _open(connection: TelnetConnection) -> bool:
    """Start the real connection on the fleet's loop; False if there is no running loop."""
    try:
        task = asyncio.get_running_loop().create_task(connection.run())
    except RuntimeError:
        return False
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)
    return True


def _options(device: Device, words: tuple[str, ...]) -> tuple[int, str | None, str]:
    """(port, source address, error message) from ``[PORT] [/source-interface IF]``."""
    port, source = 23, None
    rest = list(words)
    while rest:
        word = rest.pop(0)
        if word.isdigit() and 0 < int(word) < 65536:
            port = int(word)
        elif word.lower() in _PORTS:
            port = _PORTS[word.lower()]
        elif "/source-interface".startswith(word.lower()) and len(word) > 2 and rest:
            name = rest.pop(0)
            itf = next(
                (i for i in interfaces(device.running) if interface_matches(i.name, name)), None
            )
            if itf is None or itf.address is None:
                return port, None, f"% Invalid source interface - {name}\n"
            source = str(itf.address)
        else:
            return port, None, "% Invalid input detected at '^' marker.\n"
    return port, source, ""
