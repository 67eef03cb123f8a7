"""The state of one tunnel by the one "tunnel up" rule (``checks.tunnels``), as the report,
the history and the drift name it. Its own module: the checks need only this of the report
models, and importing those cost ``vpndiag diagnose`` about 13 ms of its start."""

from __future__ import annotations

from enum import StrEnum


class TunnelStatus(StrEnum):
    UP = "up"
    NEGOTIATING = "negotiating"
    DOWN = "down"
