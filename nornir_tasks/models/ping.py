"""``ping``: what an echo test sent and what came back."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PingResult:
    """One ``ping`` run: ``Sending 5, 100-byte ICMP Echos to A`` ... ``Success rate is``."""

    target: str | None
    count: int | None
    size: int | None
    source: str | None  # "Packet sent with a source address of A"
    marks: str  # "!!!!!", ".....", "M.M.M"
    success_percent: int | None
    received: int | None
    sent: int | None
    lines: tuple[str, ...]  # the output as printed (evidence)
    df_bit: bool = False  # "Packet sent with the DF bit set"
    interface: str | None = None  # "Output Interface: TenGigabitEthernet1/0/5" (IPv6 multicast)
    error: str | None = None  # "% No valid route for destination": why nothing was sent
