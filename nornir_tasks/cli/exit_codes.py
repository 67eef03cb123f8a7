"""The exit codes of every vpndiag command (documented in the README)."""

from __future__ import annotations

OK = 0  # healthy
FINDINGS = 1  # findings at or above --fail-on
HOSTS_FAILED = 2  # some hosts unreachable or failed
USAGE = 3  # usage or input error
INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), as shells report it


class Exit(Exception):  # noqa: N818  (a control-flow signal, not an error)
    """Raised by a command to end with ``code``."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code
