"""``telnet x.x.x.x 25`` from a lab router to a real SMTP server (aiosmtpd) on 127.0.0.1.

The SMTP relay test of field guide §8, run from the router itself so that it proves the
router's path: the lab follows BR12's routing table and faults before it opens a real TCP
connection from the lab process.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator

import pytest
from aiosmtpd.handlers import Sink
from aiosmtpd.smtp import SMTP
from netmiko import BaseConnection, ConnectHandler

from lab import cmd_telnet
from lab.fleet import Fleet
from lab.network import Fault, FaultKind
from lab.server import LoopThread

pytestmark = pytest.mark.lab

SOURCE = "/source-interface GigabitEthernet2"


@pytest.fixture()
def smtp_port() -> Iterator[int]:
    """A real aiosmtpd server on 127.0.0.1, on a port the OS picks, on its own loop thread."""
    thread = LoopThread()

    async def serve() -> asyncio.Server:
        loop = asyncio.get_running_loop()
        return await loop.create_server(
            lambda: SMTP(Sink(), hostname="relay.lab.test"), "127.0.0.1", 0
        )

    server: asyncio.Server = thread.run(serve())

    async def close() -> None:
        server.close()

    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        thread.run(close())
        thread.stop()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@pytest.fixture()
def br12(lab: Fleet) -> Iterator[BaseConnection]:
    conn = ConnectHandler(**lab.connection("BR12"))
    conn.enable()
    yield conn
    conn.disconnect()


PROMPT = r"BR12#"


def until(conn: BaseConnection, text: str, pattern: str = PROMPT) -> str:
    """Type ``text`` and read until ``pattern``: what the terminal shows, prompt included.

    Reading to a pattern rather than to 2 s of silence (``send_command_timing``) keeps each
    step as fast as the lab answers.
    """
    out = conn.send_command(
        text, expect_string=pattern, cmd_verify=False, strip_prompt=False, read_timeout=20
    )
    assert isinstance(out, str)
    return out


def test_smtp_banner_ehlo_and_quit(br12: BaseConnection, smtp_port: int) -> None:
    out = until(br12, f"telnet 127.0.0.1 {smtp_port} {SOURCE}", r"220 relay\.lab\.test.*\n")
    assert f"Trying 127.0.0.1, {smtp_port} ... Open" in out
    assert "BR12#" not in out.split("Open", 1)[1]

    # The terminal belongs to the SMTP peer now: the router's CLI would refuse EHLO.
    ehlo = until(br12, "EHLO br12.lab.vpndiag.test", r"250 HELP")
    assert "250-relay.lab.test" in ehlo and "250 HELP" in ehlo

    bye = until(br12, "QUIT")
    assert "221 Bye" in bye
    assert "[Connection to 127.0.0.1 closed by foreign host]" in bye
    assert bye.rstrip().endswith("BR12#")
    assert br12.find_prompt() == "BR12#"


def test_a_closed_port_is_refused(br12: BaseConnection) -> None:
    port = closed_port()
    out = until(br12, f"telnet 127.0.0.1 {port}")
    assert f"Trying 127.0.0.1, {port} ... \n% Connection refused by remote host" in out
    assert out.rstrip().endswith("BR12#")


def test_a_lab_router_refuses_telnet(br12: BaseConnection) -> None:
    out = until(br12, "telnet 198.51.100.2")
    assert "Trying 198.51.100.2 ... \n% Connection refused by remote host" in out


def test_a_blackholed_path_times_out_and_no_route_is_unreachable(
    fresh_lab: Fleet, smtp_port: int
) -> None:
    conn = ConnectHandler(**fresh_lab.connection("BR12"))
    try:
        conn.enable()
        fresh_lab.add_fault(Fault(FaultKind.DROP, src="BR12", dst="127.0.0.1", protocol="tcp"))
        conn.write_channel(f"telnet 127.0.0.1 {smtp_port} {SOURCE}\n")
        assert "... " in conn.read_until_pattern(pattern=r"Trying 127\.0\.0\.1.*\.\.\. ")
        fresh_lab.advance(3)  # the lab's SYN timeout runs on the sim clock
        out = conn.read_until_pattern(pattern=r"BR12#")
        assert "% Connection timed out; remote host not responding" in out

        conn.send_config_set(
            [
                "no ip route 0.0.0.0 0.0.0.0 203.0.113.49 track 10",
                "no ip route 0.0.0.0 0.0.0.0 192.0.2.1 250",
            ]
        )
        out = until(conn, f"telnet 127.0.0.1 {smtp_port}")
        assert "% Destination unreachable; gateway or host down" in out
    finally:
        conn.disconnect()


def test_the_connection_ends_with_the_ssh_session(lab: Fleet, smtp_port: int) -> None:
    conn = ConnectHandler(**lab.connection("BR12"))
    conn.enable()
    assert "220 relay.lab.test" in until(conn, f"telnet 127.0.0.1 {smtp_port}", r"220 .*\n")
    assert lab.call(cmd_telnet.open_connections) == 1
    # End the SSH session as a dropped client would. (netmiko's disconnect() first looks for
    # the router prompt, which the SMTP peer never sends, and waits 10 s for it.)
    conn.paramiko_cleanup()
    deadline = time.monotonic() + 5  # the SSH teardown happens on the lab's loop, in real time
    while lab.call(cmd_telnet.open_connections) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert lab.call(cmd_telnet.open_connections) == 0
