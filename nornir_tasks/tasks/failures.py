"""What a netmiko, napalm or paramiko exception means, named for a person who must act on it.

netmiko and paramiko wrap each other's errors (a refused TCP connection arrives as
``NoValidConnectionsError`` inside ``NetmikoTimeoutException``), so the whole cause chain is
read and the most specific cause wins.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

from netmiko.exceptions import (
    NetmikoAuthenticationException,
    NetmikoTimeoutException,
    ReadException,
    ReadTimeout,
)
from paramiko.ssh_exception import BadHostKeyException, NoValidConnectionsError, SSHException

from nornir_tasks.models.collection import HostStatus
from nornir_tasks.models.failure import FailureKind, HostFailure
from nornir_tasks.tasks.session import EnableSecretError, SessionClosedError

Rule = Callable[[BaseException], tuple[FailureKind, str] | None]


def _chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 8:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _no_platform(e: BaseException) -> tuple[FailureKind, str] | None:
    if isinstance(e, KeyError) and "device_type" in str(e):
        return FailureKind.OTHER, "no platform for this host in the inventory (set platform: ios)"
    return None


def _login(e: BaseException) -> tuple[FailureKind, str] | None:
    if isinstance(e, NetmikoAuthenticationException):
        return FailureKind.AUTHENTICATION, (
            "authentication failed: the device refused the login; check the username and "
            "password (VPNDIAG_USERNAME / VPNDIAG_PASSWORD or the inventory)"
        )
    if isinstance(e, EnableSecretError) or (
        isinstance(e, ValueError) and "enter enable mode" in str(e)
    ):
        return FailureKind.ENABLE_SECRET, (
            "enable secret refused: logged in, but the device refused the enable secret; "
            "check VPNDIAG_SECRET or the inventory's secret"
        )
    return None


def _host_key(e: BaseException) -> tuple[FailureKind, str] | None:
    if isinstance(e, BadHostKeyException):
        return FailureKind.HOST_KEY, (
            f"host key mismatch: the SSH host key is not the one in known_hosts: {_first_line(e)}"
        )
    if isinstance(e, SSHException) and "not found in known_hosts" in str(e):
        return FailureKind.HOST_KEY, f"host key not in known_hosts: {_first_line(e)}"
    return None


def _refused(e: BaseException) -> tuple[FailureKind, str] | None:
    errors = getattr(e, "errors", None)  # paramiko: the socket error of each address tried
    tried = errors.values() if isinstance(errors, dict) else ()
    if isinstance(e, ConnectionRefusedError) or (
        isinstance(e, NoValidConnectionsError)
        and any(isinstance(err, ConnectionRefusedError) for err in tried)
    ):
        return FailureKind.CONNECTION_REFUSED, (
            "connection refused: nothing accepts SSH on that address and port "
            "(check the inventory's hostname and port, and that SSH is enabled)"
        )
    return None


def _closed(e: BaseException) -> tuple[FailureKind, str] | None:
    text = str(e).lower()
    # A refused connection is a ConnectionError too, but never got as far as a session.
    lost = isinstance(e, ConnectionError) and not isinstance(e, ConnectionRefusedError)
    closed = (
        lost
        or isinstance(e, SessionClosedError | EOFError)
        or (
            isinstance(e, ReadException | SSHException | OSError)
            and ("closed" in text or "not active" in text or "eof" in text)
        )
    )
    if closed and not isinstance(e, ReadTimeout):
        return FailureKind.CONNECTION_CLOSED, f"connection closed by the device: {_first_line(e)}"
    return None


def _banner(e: BaseException) -> tuple[FailureKind, str] | None:
    if isinstance(e, SSHException) and "protocol banner" in str(e):
        return FailureKind.TIMEOUT, (
            "timed out: the port accepted the connection but sent no SSH banner "
            "(not an SSH server, or the device is overloaded)"
        )
    return None


def _timeout(e: BaseException) -> tuple[FailureKind, str] | None:
    if isinstance(e, ReadTimeout):
        return FailureKind.TIMEOUT, (
            "timed out: the device sent no prompt within the read timeout (--timeout)"
        )
    if isinstance(e, NetmikoTimeoutException):
        return FailureKind.UNREACHABLE, (
            "unreachable: no SSH answer from the address (routing, an ACL, or the device is down)"
        )
    if isinstance(e, socket.timeout | TimeoutError):
        return FailureKind.TIMEOUT, f"timed out: {_first_line(e)}"
    return None


def _network(e: BaseException) -> tuple[FailureKind, str] | None:
    if isinstance(e, SSHException | OSError):
        return FailureKind.UNREACHABLE, f"unreachable: the SSH connection failed: {_first_line(e)}"
    return None


# Most specific first: each rule is tried on the whole chain before the next one.
RULES: tuple[Rule, ...] = (
    _no_platform,
    _login,
    _host_key,
    _refused,
    _closed,
    _banner,
    _timeout,
    _network,
)


def classify(host: str, exc: BaseException, elapsed_s: float) -> HostFailure:
    """The failure ``exc`` means for ``host``, ``elapsed_s`` seconds after the work started."""
    chain = _chain(exc)
    for rule in RULES:
        for e in chain:
            found = rule(e)
            if found is not None:
                return HostFailure(host, found[0], found[1], round(elapsed_s, 3))
    what = f"{type(exc).__name__}: {_first_line(exc)}"
    return HostFailure(host, FailureKind.OTHER, what, round(elapsed_s, 3))


def status_and_reason(exc: BaseException) -> tuple[HostStatus, str]:
    """(the report's host status, the failure's message) where no host or time is at hand."""
    failure = classify("", exc, 0.0)
    return failure.status, failure.message
