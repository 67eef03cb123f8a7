"""Path-MTU black holes behind a protected tunnel interface.

An IPsec tunnel adds 60-80 bytes to every packet. When a path between the two ends carries
less than a full-size packet plus that overhead and the "fragmentation needed" ICMP never comes
back (filtered), packets with DF set vanish: pings of small packets and the IKE SA's liveness
checks pass, TCP sessions hang after their handshake. ``ip mtu 1400`` and ``ip tcp adjust-mss
1360`` on the tunnel keep TCP below it.

The state does not show it, so the run probes it: for every tunnel interface that is up and has
no ``ip tcp adjust-mss``, one follow-up ``ping <far tunnel address> size 1400 df-bit repeat 2
timeout 1`` (the far address is the other host of the tunnel's /30 or /31). Echoes that all
time out (``.``, no ``M`` "could not fragment" answer) through a tunnel that is up are the black
hole.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import TYPE_CHECKING

from nornir_tasks.checks.evidence import FleetEvidence, HostEvidence
from nornir_tasks.checks.quote import config_lines, unique
from nornir_tasks.checks.registry import check
from nornir_tasks.checks.tunnels import tunnel_state, vti_peers
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.models.ping import PingResult
from nornir_tasks.models.tunnel_status import TunnelStatus

if TYPE_CHECKING:  # annotations only (the configuration models are slow to import)
    from nornir_tasks.models.config import InterfaceConfig

PROBE_SIZE = 1400
MAX_PROBES = 32  # a hub with many tunnels stays bounded


def far_address(tunnel: InterfaceConfig) -> str | None:
    """The other address of the tunnel's point-to-point subnet (/30 or /31)."""
    try:
        itf = ipaddress.IPv4Interface(f"{tunnel.ip_address}/{tunnel.mask}")
    except ValueError:
        return None
    net = itf.network
    if net.prefixlen == 31:
        return str(next(a for a in net if a != itf.ip))
    if net.prefixlen == 30:
        return str(next(a for a in net.hosts() if a != itf.ip))
    return None


def _tunnels_up(host: HostEvidence) -> list[InterfaceConfig]:
    config = host.config
    if config is None:
        return []
    up = {p for p in dict.fromkeys(vti_peers(host)) if tunnel_state(host, p) is TunnelStatus.UP}
    return [i for i in config.interfaces.values() if i.tunnel_destination in up and not i.shutdown]


def _interface_lines(host: HostEvidence, name: str) -> list[str]:
    return config_lines(host, rf"^interface {name}$", True)


def _clamped(host: HostEvidence, name: str) -> bool:
    return any(line.startswith("ip tcp adjust-mss") for line in _interface_lines(host, name))


def mtu_probes(host: HostEvidence) -> tuple[str, ...]:
    """The follow-up DF pings through the host's up tunnel interfaces without an MSS clamp."""
    probes = [
        f"ping {far} size {PROBE_SIZE} df-bit repeat 2 timeout 1"
        for t in _tunnels_up(host)
        if not _clamped(host, t.name) and (far := far_address(t)) is not None
    ]
    return tuple(probes[:MAX_PROBES])


@check("VTI_PMTU_BLACKHOLE", needs=("ping *",))
def pmtu_black_hole(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """Full-size DF echoes through an up tunnel interface time out: a path-MTU black hole."""
    for tunnel in _tunnels_up(host):
        far = far_address(tunnel)
        echo = host.outputs.get(f"ping {far}") if far else None
        if not isinstance(echo, PingResult) or (echo.size or 0) < PROBE_SIZE:
            continue
        if echo.success_percent != 0 or "M" in echo.marks or not echo.marks:
            continue
        yield _finding(host, tunnel, echo)


def _finding(host: HostEvidence, tunnel: InterfaceConfig, echo: PingResult) -> Finding:
    clamped = _clamped(host, tunnel.name)
    return Finding(
        code="VTI_PMTU_BLACKHOLE",
        severity=Severity.CRITICAL,
        host=host.host,
        peer=tunnel.tunnel_destination,
        summary=f"{tunnel.name}: {echo.size}-byte packets with DF set are lost (path-MTU black "
        "hole)",
        cause=(
            f"{tunnel.name} and its SAs are up, yet {echo.size}-byte echoes with DF set to "
            f"{echo.target} all time out and no 'could not fragment' answer comes back: once "
            "encrypted they exceed what the path to the peer carries, and the ICMP that would "
            "say so is filtered. Small packets and the IKE liveness checks pass; TCP sessions "
            "stall after their handshake. "
            + (
                "The tunnel clamps TCP's MSS, so TCP may still pass; other DF traffic does not."
                if clamped
                else f"{tunnel.name} has no 'ip tcp adjust-mss': add 'ip mtu 1400' and 'ip tcp "
                "adjust-mss 1360' (or lower, to the path's MTU) on both ends."
            )
        ),
        evidence=unique([*echo.lines[1:], *_interface_lines(host, tunnel.name)], 16),
        next_steps=(
            f"ping {echo.target} size 1300 df-bit ; ... size 1350 df-bit  (find the largest that "
            "passes)",
            f"interface {tunnel.name} ; ip mtu 1400 ; ip tcp adjust-mss 1360  (both ends)",
            "ACLs on the path: let ICMP type 3 code 4 (fragmentation needed) through",
        ),
        step=Step.DATA_TRANSFER,
        source=Source.STATE,
    )
