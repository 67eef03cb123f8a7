"""Small misbehaving servers on 127.0.0.1 for the failure tests: an SSH "router" that closes
or stalls on a chosen command, and raw TCP listeners that close at once or never speak."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import asyncssh

USER, PASSWORD, SECRET = "stub", "stub-pass", "stub-secret"


@dataclass
class Behaviour:
    """What the stub does per exec command: answer, close the session after N s, or stall."""

    answers: dict[str, str] = field(default_factory=dict)
    close_on: dict[str, float] = field(default_factory=dict)
    stall_on: frozenset[str] = frozenset()
    heard: list[str] = field(default_factory=list)  # every line the stub read, in order


class _Auth(asyncssh.SSHServer):
    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return (username, password) == (USER, PASSWORD)


async def _enable(process: asyncssh.SSHServerProcess[str]) -> bool:
    for _ in range(3):  # IOS asks three times, then says "% Bad secrets"
        process.stdout.write("Password: ")
        if (await process.stdin.readline()).strip() == SECRET:
            return True
    process.stdout.write("% Bad secrets\r\n\r\n")
    return False


async def _shell(process: asyncssh.SSHServerProcess[str], behaviour: Behaviour) -> None:
    privileged = False
    while True:
        process.stdout.write("STUB#" if privileged else "STUB>")
        line = (await process.stdin.readline()).strip()
        behaviour.heard.append(line)
        if line in ("exit", "") and process.stdin.at_eof():
            break
        if line == "enable":
            privileged = privileged or await _enable(process)
        elif line in behaviour.stall_on:
            await asyncio.sleep(3600)
        elif line in behaviour.close_on:
            process.stdout.write("partial output\r\n")
            await asyncio.sleep(behaviour.close_on[line])
            process.exit(0)
            return
        elif line.startswith("terminal") or not line:
            continue
        else:
            process.stdout.write(behaviour.answers.get(line, "% Invalid input\r\n"))
    process.exit(0)


@contextmanager
def ssh_stub(behaviour: Behaviour) -> Iterator[int]:
    """An SSH server on a free 127.0.0.1 port for the duration; yields the port."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True, name="sshstub")
    thread.start()
    key = asyncssh.generate_private_key("ssh-rsa", key_size=2048)

    async def start() -> asyncssh.SSHAcceptor:
        return await asyncssh.create_server(
            _Auth,
            "127.0.0.1",
            0,
            server_host_keys=[key],
            process_factory=lambda p: _shell(p, behaviour),
        )

    acceptor = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=30)
    try:
        yield int(acceptor.sockets[0].getsockname()[1])
    finally:

        async def stop() -> None:
            acceptor.close()
            await acceptor.wait_closed()
            # Sessions still stalled or waiting for input end with the server.
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)


@contextmanager
def tcp_stub(close_at_once: bool) -> Iterator[int]:
    """A TCP listener that either closes every connection at once or accepts and says
    nothing (no SSH banner); yields its port."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            if close_at_once:
                conn.close()
            else:
                held.append(conn)

    thread = threading.Thread(target=serve, daemon=True, name="tcpstub")
    thread.start()
    try:
        yield int(server.getsockname()[1])
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        server.close()


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
