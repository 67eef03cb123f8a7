"""Entry point of the ``vpndiag`` command."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    print("vpndiag: not yet wired", file=sys.stderr)
    return 3
