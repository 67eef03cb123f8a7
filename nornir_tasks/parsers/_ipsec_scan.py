"""State of one pass over ``show crypto ipsec sa``: flows and SAs as dicts until the end.

The line handlers in :mod:`._ipsec_flow` and :mod:`._ipsec_sa` fill it; :mod:`.ipsec` builds the
frozen dataclasses from it.
"""

from __future__ import annotations

from typing import Any

from nornir_tasks.models.ipsec import SaDirection, SaProtocol


class _Scan:
    """Mutable state of one pass; flows and SAs are dicts until the end."""

    def __init__(self) -> None:
        self.flows: list[dict[str, Any]] = []
        self.flow: dict[str, Any] | None = None
        self.sa: dict[str, Any] | None = None
        self.section: tuple[SaDirection, SaProtocol] | None = None
        self.interface = ""
        self.map_tag: str | None = None
        self.map_seq: int | None = None
        self.local_addr: str | None = None
        self.asa = False
        self.peer_header = False  # ASA "peer address:" opened the output instead of "interface:"
        self.context_used = True
        self.orphan = False
        self.counter_cache: dict[str, tuple[tuple[str, int], ...]] = {}

    def open_flow(self) -> dict[str, Any]:
        flow: dict[str, Any] = {
            "interface": self.interface,
            "crypto_map_tag": self.map_tag,
            "crypto_map_seq": self.map_seq,
            "local_addr": self.local_addr,
            "_asa": self.asa,
            "_sas": [],
            "_done": False,
            "_sections": set(),
        }
        if not self.interface and not self.peer_header:
            self.orphan = True
        self.flows.append(flow)
        self.flow, self.sa, self.section = flow, None, None
        self.context_used = True
        return flow

    def flow_opening(self, key: str) -> dict[str, Any]:
        """The current flow, or a new one if ``key`` already belongs to the current one."""
        flow = self.flow
        if flow is None or key in flow:
            return self.open_flow()
        return flow

    def current(self) -> dict[str, Any]:
        return self.flow if self.flow is not None else self.open_flow()
