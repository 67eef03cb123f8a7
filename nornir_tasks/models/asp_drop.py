"""ASA ``show asp drop``: what the accelerated security path dropped, and why."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AspDrop:
    """``  IPSEC tunnel is down (ipsec-tun-down)        118`` under ``Frame drop:`` / ``Flow drop:``."""

    kind: str  # "frame", "flow"
    reason: str  # "IPSEC tunnel is down"
    code: str  # "ipsec-tun-down"
    count: int
    line: str


@dataclass(frozen=True)
class AspDropTable:
    drops: tuple[AspDrop, ...]
    last_clearing: tuple[str, ...]  # "Never", "10:15:01 UTC Dec 3 2026 by enable_15"

    def count(self, code: str) -> int:
        return sum(d.count for d in self.drops if d.code == code)
