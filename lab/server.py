"""SSH front end of the lab: one asyncssh listener per router, SCP to its bootflash."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

import asyncssh
from asyncssh.constants import MSG_IGNORE
from asyncssh.packet import String

from lab.cli import CliSession
from lab.clock import SimClock
from lab.device import Device

T = TypeVar("T")
_NO_BYTES = String(b"")

SERVER_VERSION = "Cisco-1.25"  # what IOS-XE announces: "SSH-2.0-Cisco-1.25"
# What IOS 15.x offers; paramiko 5 refuses these, paramiko 4 (netmiko[par4]) accepts them.
LEGACY_OPTIONS: dict[str, Any] = {
    "kex_algs": ["diffie-hellman-group14-sha1"],
    "signature_algs": ["ssh-rsa"],
    "mac_algs": ["hmac-sha1"],
    "encryption_algs": ["aes128-ctr", "aes256-ctr", "aes128-cbc"],
}


class _DeviceAuth(asyncssh.SSHServer):
    def __init__(self, device: Device) -> None:
        self._device = device

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        if self._device.refusing():  # the client sees the connection closed before login
            conn.abort()
        _without_ignore_packets(conn)

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return username == self._device.username and password == self._device.password


def _without_ignore_packets(conn: asyncssh.SSHServerConnection) -> None:
    """Send no empty SSH_MSG_IGNORE before each packet, as IOS does not.

    asyncssh puts one before every packet once the session is encrypted (the CBC-mode
    countermeasure of RFC 4251 9.3.1, whatever the cipher): 25 of the 58 packets a client read
    per scaled router, each costing the client (paramiko's transport thread) and the lab a
    decrypt, a MAC and a wake-up. The original sends the padding through ``self.send_packet``,
    so this instance attribute sees it.
    """
    send = conn.send_packet

    def send_packet(pkttype: int, *args: bytes, handler: Any = None) -> None:
        if pkttype == MSG_IGNORE and args == (_NO_BYTES,):
            return
        send(pkttype, *args, handler=handler)

    conn.send_packet = send_packet  # type: ignore[method-assign]


class _Flash(asyncssh.SFTPServer):
    """``scp -t bootflash:/merge_config.txt`` lands in the router's flash directory."""

    def __init__(self, chan: asyncssh.SSHServerChannel[bytes], root: Path) -> None:
        super().__init__(chan, chroot=str(root).encode())

    def map_path(self, path: bytes) -> bytes:
        for prefix in (b"bootflash:", b"flash:"):
            if path.startswith(prefix):
                path = path[len(prefix) :]
        return super().map_path(path)


async def _shell(process: asyncssh.SSHServerProcess[str], device: Device) -> None:
    peer = process.get_extra_info("peername") or ("127.0.0.1", 0)
    session = CliSession(
        device,
        process.get_extra_info("username") or "",
        str(peer[0]),
        process.stdout.write,
        lambda: process.exit(0),
        lambda delay, fn: asyncio.get_running_loop().call_later(delay, fn),
    )
    if process.command:  # "ssh router show version": one command, then close
        session.privileged = True
        session.term_length = 0
        process.stdout.write(session.run_exec(process.command).replace("\n", "\r\n"))
        process.exit(0)
        return
    session.start()
    # The fleet can drop this session from the server side (a vty cleared, a reload).
    device.drop_hooks.append(process.close)
    try:
        while not session.closed:
            data = await process.stdin.read(4096)
            if not data:
                break
            session.feed(data)
    except (asyncssh.BreakReceived, asyncssh.TerminalSizeChanged, asyncssh.SignalReceived):
        pass
    finally:
        session.hang_up()  # an open telnet from this vty ends with it
        session.set_monitor(False)
        if process.close in device.drop_hooks:
            device.drop_hooks.remove(process.close)
        if not session.closed:
            process.exit(0)


async def listen(
    device: Device, host: str, port: int, host_key: asyncssh.SSHKey
) -> asyncssh.SSHAcceptor:
    options: dict[str, Any] = dict(LEGACY_OPTIONS) if device.legacy_ssh else {}
    keypair = asyncssh.load_keypairs(host_key)[0]
    if device.legacy_ssh:  # IOS 15.x signs with SHA-1 "ssh-rsa" only
        keypair.host_key_algorithms = [b"ssh-rsa"]
    return await asyncssh.create_server(
        lambda: _DeviceAuth(device),
        host,
        port,
        server_host_keys=[keypair],
        process_factory=lambda p: _shell(p, device),
        sftp_factory=lambda chan: _Flash(chan, device.flash_dir),
        allow_scp=True,
        line_editor=False,
        server_version=SERVER_VERSION,
        reuse_address=True,
        **options,
    )


def load_host_key(path: Path) -> asyncssh.SSHKey:
    """One RSA host key for the whole fleet, generated once and kept in the work dir."""
    if path.exists():
        return asyncssh.read_private_key(str(path))
    key = asyncssh.generate_private_key("ssh-rsa", key_size=2048)
    path.parent.mkdir(parents=True, exist_ok=True)
    key.write_private_key(str(path))
    return key


class LoopThread:
    """An asyncio loop on a daemon thread, for running the fleet inside a test process."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True, name="lab")
        self._thread.start()

    def run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=60)

    def call(self, fn: Callable[[], T]) -> T:
        future: Future[T] = Future()

        def invoke() -> None:
            try:
                future.set_result(fn())
            except BaseException as exc:  # handed to the caller's thread
                future.set_exception(exc)

        self.loop.call_soon_threadsafe(invoke)
        return future.result(timeout=60)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()


async def tick(clock: SimClock, period: float = 0.2) -> None:
    """Fire simulated timers as real time passes."""
    while True:
        await asyncio.sleep(period)
        clock.run_due()
