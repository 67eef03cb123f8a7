"""Interface models: ``show ip interface brief`` and ``show interfaces [X]``."""

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


@dataclass(frozen=True)
class InterfaceDetail:
    """One interface of ``show interfaces [X]``: state, addressing, tunnel and counters."""

    name: str
    status: LinkStatus | None  # None: a word the enum does not know (kept in status_text)
    status_text: str
    protocol: str  # up, down, "up (looped)", ...
    hardware: str | None = None
    description: str | None = None
    address: str | None = None  # "10.111.2.194/27"
    mtu: int | None = None
    bandwidth_kbit: int | None = None
    delay_usec: int | None = None
    encapsulation: str | None = None
    tunnel_source: str | None = None
    tunnel_source_interface: str | None = None
    tunnel_destination: str | None = None
    tunnel_transport: str | None = None  # "GRE/IP", "multi-GRE/IP", "IPSEC/IP"
    tunnel_protection_profile: str | None = None
    input_packets: int | None = None
    input_bytes: int | None = None
    output_packets: int | None = None
    output_bytes: int | None = None
    counters: Mapping[str, int] | None = None  # "input errors": 0, "CRC": 0, "runts": 0, ...
    other_lines: tuple[str, ...] = ()  # recognised as this interface's, not modelled: verbatim


@dataclass(frozen=True)
class InterfaceDetailTable:
    """``show interfaces [X]``: interfaces keyed by name, in device order."""

    interfaces: Mapping[str, InterfaceDetail]
    complete: bool
