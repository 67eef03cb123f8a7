"""Findings: what the diagnosis engine concludes, as data (renderers and the CLI print them).

A finding names one cause on one host (and the peer it concerns), quotes the device lines that
prove it and the commands to run next. Codes are stable and documented in ``docs/findings.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Finding", "Severity", "Source", "Step", "finding_order"]


class Severity(StrEnum):
    """How bad a finding is; ordered ``info < warning < critical``."""

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _RANK[self]

    # str ordering would sort "critical" < "info" < "warning": order by rank instead.
    def __lt__(self, other: str) -> bool:
        return self.rank < Severity(other).rank

    def __le__(self, other: str) -> bool:
        return self.rank <= Severity(other).rank

    def __gt__(self, other: str) -> bool:
        return self.rank > Severity(other).rank

    def __ge__(self, other: str) -> bool:
        return self.rank >= Severity(other).rank


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


class Step(StrEnum):
    """The IPsec step that failed (the five steps of the Cisco model, plus config and failover)."""

    INTERESTING_TRAFFIC = "interesting_traffic"
    IKE_PHASE1 = "ike_phase1"
    IKE_PHASE2 = "ike_phase2"
    DATA_TRANSFER = "data_transfer"
    TERMINATION = "termination"
    CONFIG = "config"
    FAILOVER = "failover"


class Source(StrEnum):
    """Where the evidence comes from."""

    STATE = "state"  # show commands (SA tables, counters, routes)
    DEBUG = "debug"  # debug crypto ... lines
    CONFIG = "config"  # running configurations (offline compatibility)
    LOG = "log"  # syslog messages (%CRYPTO-..., %ASA-...)


@dataclass(frozen=True)
class Finding:
    """One explained problem: the cause, the device lines that prove it, what to run next."""

    code: str
    severity: Severity
    host: str
    peer: str | None
    summary: str  # one line
    cause: str  # why, in an engineer's words
    evidence: tuple[str, ...]  # exact device lines ("HOST: line" when from another host)
    next_steps: tuple[str, ...]  # commands to run, configuration to compare
    step: Step
    source: Source


def finding_order(finding: Finding) -> tuple[int, str, str, str]:
    """The one order of findings everywhere (reports, diagnose, lint): most severe first,
    then by host, peer (host-wide first) and code."""
    return (-finding.severity.rank, finding.host, finding.peer or "", finding.code)
