"""The failover spec: what a dual-ISP router should run, from a playbook or inventory data.

Sample (a playbook's ``failover:`` section, or a host's ``data.failover``)::

    failover:
      primary: {interface: GigabitEthernet1, next_hop: 203.0.113.49}
      backup: {interface: GigabitEthernet3, next_hop: 192.0.2.1}
      probes:
        - {id: 10, target: 8.8.8.8}
      track: {id: 10, delay_down_s: 15, delay_up_s: 60}
      eem: {clear_nat: true}

Only the shape is validated here; timer sanity and the other field-guide pitfalls are lint
findings (``failover.lint``), so a risky spec is explained rather than refused.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from nornir_tasks.yamlfile import YamlFileError, load_with_lines, located


class SpecError(ValueError):
    """A failover spec that cannot be used, with where and why."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Wan(_Strict):
    """One ISP: the WAN interface and the ISP's next hop."""

    interface: str = Field(min_length=2)
    next_hop: str

    @field_validator("next_hop")
    @classmethod
    def _ipv4(cls, value: str) -> str:
        return str(ipaddress.IPv4Address(value))


class Probe(_Strict):
    """One IP SLA operation; its timers are in IOS units (frequency s, timeout/threshold ms)."""

    id: int = Field(10, ge=1, le=2147483647)
    type: Literal["icmp-echo", "tcp-connect"] = "icmp-echo"
    target: str
    port: int | None = Field(None, ge=1, le=65535)
    source_interface: str | None = None  # default: the primary interface
    frequency_s: int = Field(5, ge=1, le=604800)
    timeout_ms: int = Field(1000, ge=0, le=604800000)
    threshold_ms: int = Field(1000, ge=0, le=2147483647)

    @model_validator(mode="after")
    def _port_for_tcp(self) -> Probe:
        if self.type == "tcp-connect" and self.port is None:
            raise ValueError("a tcp-connect probe needs a port")
        if self.type == "icmp-echo" and self.port is not None:
            raise ValueError("an icmp-echo probe takes no port")
        return self


class TrackSpec(_Strict):
    """The track the primary default route follows (a boolean-or list with several probes)."""

    id: int = Field(10, ge=1, le=1000)
    mode: Literal["reachability", "state"] = "reachability"
    delay_down_s: int = 15
    delay_up_s: int = 60


class NatSpec(_Strict):
    """NAT split per ISP: one route-map per WAN interface, both matching ``acl``."""

    acl: str
    route_map_primary: str = "NAT-ISP1"
    route_map_backup: str = "NAT-ISP2"


class EemSpec(_Strict):
    """The applets run when the track goes down and comes back up."""

    down_applet: str = "ISP1-DOWN"
    up_applet: str = "ISP1-UP"
    syslog: bool = True
    clear_nat: bool = False  # "clear ip nat translation *": resets every NAT session
    extra_cli: tuple[str, ...] = ()  # more exec commands, e.g. "clear crypto session"
    session_user: str | None = None  # needed when AAA command authorisation is on


class FailoverSpec(_Strict):
    """Primary and backup ISP, the probes, the track, NAT, EEM and the crypto map to carry."""

    primary: Wan
    backup: Wan
    probes: tuple[Probe, ...] = Field(min_length=1)
    track: TrackSpec = TrackSpec()
    backup_distance: int = Field(250, ge=2, le=255)
    nat: NatSpec | None = None
    eem: EemSpec = EemSpec()
    crypto_map: str | None = None  # applied to both WAN interfaces when set

    @model_validator(mode="after")
    def _distinct(self) -> FailoverSpec:
        if self.primary.interface == self.backup.interface:
            raise ValueError("primary and backup must be different interfaces")
        ids = [p.id for p in self.probes]
        if len(set(ids)) != len(ids):
            raise ValueError("probe ids must be unique")
        if len(ids) > 1 and self.track.id in ids:
            raise ValueError("with several probes the list track id must differ from probe ids")
        return self

    def source_of(self, probe: Probe) -> str:
        return probe.source_interface or self.primary.interface

    @property
    def member_tracks(self) -> tuple[int, ...]:
        """Tracks that follow one probe each (a single probe: the main track itself)."""
        return (self.track.id,) if len(self.probes) == 1 else tuple(p.id for p in self.probes)


def spec_from_data(data: Mapping[str, Any], where: str) -> FailoverSpec:
    """A spec from already-loaded data (inventory ``data.failover``); errors name ``where``."""
    try:
        return FailoverSpec.model_validate(dict(data))
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "(top level)"
        raise SpecError(f"{where}: {field}: {err['msg']}") from exc


def load_spec_file(path: Path) -> FailoverSpec:
    """The ``failover:`` section of a playbook (or a file holding only that section)."""
    try:
        data, lines = load_with_lines(path.read_text(), str(path))
    except (OSError, YamlFileError) as exc:
        raise SpecError(str(exc)) from exc
    if not isinstance(data, dict) or not isinstance(data.get("failover"), dict):
        raise SpecError(f"{path}: no 'failover:' section")
    try:
        return FailoverSpec.model_validate(data["failover"])
    except ValidationError as exc:
        err = exc.errors()[0]
        raise SpecError(located(str(path), lines, ("failover", *err["loc"]), err["msg"])) from exc
