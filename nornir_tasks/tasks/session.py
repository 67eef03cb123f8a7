"""A thin typed layer over netmiko's session: one return type, errors classified."""

from __future__ import annotations

import socket
from typing import Any

from netmiko import BaseConnection
from netmiko.exceptions import (
    NetmikoAuthenticationException,
    NetmikoTimeoutException,
    ReadTimeout,
)
from paramiko.ssh_exception import SSHException

from nornir_tasks.models.collection import HostStatus


def send(conn: BaseConnection, command: str, read_timeout: float = 30.0) -> str:
    """Run one exec command and return its text (never a list or dict)."""
    out: Any = conn.send_command(command, read_timeout=read_timeout, strip_prompt=True)
    return str(out)


def classify(exc: BaseException) -> tuple[HostStatus, str]:
    """What a connection or session failure means, in an engineer's words."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 6:
        chain.append(current)
        current = current.__cause__ or current.__context__
    for e in chain:
        if isinstance(e, NetmikoAuthenticationException):
            return HostStatus.AUTH_FAILED, "authentication failed (username or password refused)"
        if isinstance(e, ReadTimeout):
            return HostStatus.TIMEOUT, f"timed out waiting for the device: {_first_line(e)}"
        if isinstance(e, NetmikoTimeoutException | socket.timeout | TimeoutError):
            return HostStatus.UNREACHABLE, f"connection timed out: {_first_line(e)}"
        if isinstance(e, ConnectionRefusedError):
            return HostStatus.UNREACHABLE, "connection refused (nothing listening on the SSH port)"
        if isinstance(e, OSError | SSHException) and not isinstance(e, ReadTimeout):
            return HostStatus.UNREACHABLE, f"SSH session failed: {_first_line(e)}"
    return HostStatus.FAILED, f"{type(exc).__name__}: {_first_line(exc)}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
