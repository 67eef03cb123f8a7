"""The state of one tunnel by the one "tunnel up" rule (``checks.tunnels``), as the report,
the history and the drift name it. Its own module: the checks need only this of the report
models, and importing those cost ``vpndiag diagnose`` about 13 ms of its start."""

from __future__ import annotations

from enum import StrEnum


class TunnelStatus(StrEnum):
    UP = "up"
    NEGOTIATING = "negotiating"
    DOWN = "down"


class TunnelKind(StrEnum):
    """What a tunnel is, by what names it on the host: the history keeps it beside the state,
    and drift reads it to tell an expected change (a shortcut ageing out) from an outage."""

    CRYPTO_MAP = "crypto-map"  # a crypto map entry names the peer
    VTI = "vti"  # a point-to-point tunnel interface (sVTI or GRE over IPsec)
    DMVPN_HUB = "dmvpn-hub"  # a spoke's tunnel to its next-hop server (a static NHRP row)
    DMVPN_SPOKE = "dmvpn-spoke"  # a hub's tunnel to a spoke (dynamic registration, or a socket)
    DMVPN_SHORTCUT = "dmvpn-shortcut"  # spoke to spoke: built on traffic, ages out when idle
    DYNAMIC = "dynamic"  # an SA nothing configured names (a dynamic crypto map's peer)

    @property
    def on_demand(self) -> bool:
        """Built by traffic and torn down when idle: its going away is expected."""
        return self is TunnelKind.DMVPN_SHORTCUT
