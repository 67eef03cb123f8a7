"""Interface models: ``show ip interface brief``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class LinkStatus(StrEnum):
    """The Status column of ``show ip interface brief``."""

    UP = "up"
    DOWN = "down"
    ADMIN_DOWN = "administratively down"
    DELETED = "deleted"


@dataclass(frozen=True)
class InterfaceBrief:
    """One row of ``show ip interface brief``."""

    name: str
    ip_address: str | None  # None for "unassigned"
    ok: bool
    method: str  # NVRAM, manual, DHCP, unset, TFTP, other
    status: LinkStatus
    protocol: str  # up, down


@dataclass(frozen=True)
class InterfaceBriefTable:
    """``show ip interface brief``: rows keyed by interface name, in device order."""

    interfaces: Mapping[str, InterfaceBrief]
    complete: bool
