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
from paramiko.ssh_exception import BadHostKeyException, NoValidConnectionsError, SSHException

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
    # The most specific cause anywhere in the chain wins (netmiko wraps socket errors).
    rules: list[tuple[type[BaseException] | tuple[type[BaseException], ...], HostStatus, str]] = [
        (NetmikoAuthenticationException, HostStatus.AUTH_FAILED, "authentication failed"),
        (ConnectionRefusedError, HostStatus.UNREACHABLE, "connection refused"),
        (ReadTimeout, HostStatus.TIMEOUT, "timed out waiting for the device"),
        (
            (NetmikoTimeoutException, socket.timeout, TimeoutError),
            HostStatus.UNREACHABLE,
            "connection timed out",
        ),
        ((SSHException, OSError), HostStatus.UNREACHABLE, "SSH session failed"),
    ]
    for e in chain:  # paramiko keeps the socket errors of each address tried in .errors
        errors = getattr(e, "errors", None)
        refused = isinstance(errors, dict) and any(
            isinstance(err, ConnectionRefusedError) for err in errors.values()
        )
        if isinstance(e, NoValidConnectionsError) and refused:
            return HostStatus.UNREACHABLE, f"connection refused: {_first_line(e)}"
    for e in chain:  # an inventory host without a platform: netmiko has no device_type
        if isinstance(e, KeyError) and "device_type" in str(e):
            return HostStatus.FAILED, (
                "no platform for this host in the inventory (set platform: ios, or cisco_asa)"
            )
    for e in chain:  # --strict-host-keys: the key is unknown or changed
        if isinstance(e, BadHostKeyException):
            return HostStatus.FAILED, f"host key mismatch (known_hosts): {_first_line(e)}"
        if isinstance(e, SSHException) and "not found in known_hosts" in str(e):
            return HostStatus.FAILED, f"host key not in known_hosts: {_first_line(e)}"
    for kinds, status, label in rules:
        found = next((e for e in chain if isinstance(e, kinds)), None)
        if found is not None:
            return status, f"{label}: {_first_line(found)}"
    return HostStatus.FAILED, f"{type(exc).__name__}: {_first_line(exc)}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
