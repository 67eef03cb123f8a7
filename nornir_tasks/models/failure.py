"""Why a host could not be worked on: a named kind, what to do about it, and how long it took."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from nornir_tasks.models.collection import HostStatus

__all__ = ["FailureKind", "HostFailure"]


class FailureKind(StrEnum):
    AUTHENTICATION = "authentication"  # the SSH login was refused
    ENABLE_SECRET = "enable secret"  # logged in, but ``enable`` refused the secret
    CONNECTION_REFUSED = "connection refused"  # nothing listens on the SSH port
    CONNECTION_CLOSED = "connection closed"  # the device closed the session
    TIMEOUT = "timeout"  # the device stopped answering
    HOST_KEY = "host key mismatch"  # --strict-host-keys: unknown or changed key
    UNREACHABLE = "unreachable"  # no route, no answer to the TCP handshake
    OTHER = "other"


# The report's per-host status (and the history's) for each kind of failure.
_STATUS = {
    FailureKind.AUTHENTICATION: HostStatus.AUTH_FAILED,
    FailureKind.ENABLE_SECRET: HostStatus.AUTH_FAILED,
    FailureKind.CONNECTION_REFUSED: HostStatus.UNREACHABLE,
    FailureKind.UNREACHABLE: HostStatus.UNREACHABLE,
    FailureKind.TIMEOUT: HostStatus.TIMEOUT,
}


@dataclass(frozen=True)
class HostFailure:
    """One host's device work failed; ``message`` starts with what happened, in the words of
    ``kind``, and says what a person can do about it."""

    host: str
    kind: FailureKind
    message: str
    elapsed_s: float

    @property
    def status(self) -> HostStatus:
        return _STATUS.get(self.kind, HostStatus.FAILED)

    @property
    def reason(self) -> str:
        """One line for a report: the message and how long it took."""
        return f"{self.message} (after {self.elapsed_s:.1f} s)"
