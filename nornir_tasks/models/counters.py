"""Two polls of IPsec counters: how much each flow moved in between."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FlowDelta:
    """One flow (peer + proxy identities): its counters now and their growth since the first
    poll. A flow absent from the first poll (new SA) has ``None`` deltas."""

    peer: str | None
    local_ident: str | None
    remote_ident: str | None
    encaps: int
    decaps: int
    encaps_delta: int | None
    decaps_delta: int | None
    send_errors_delta: int | None
    recv_errors_delta: int | None

    @property
    def both_ways(self) -> bool:
        """Traffic moved in both directions between the polls."""
        return bool(self.encaps_delta) and bool(self.decaps_delta)


@dataclass(frozen=True)
class CounterPoll:
    host: str
    interval_s: float
    flows: tuple[FlowDelta, ...]
    error: str | None = None  # the second poll could not be read
