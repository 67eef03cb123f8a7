"""ASA ``show vpn-sessiondb`` (summary) and ``show vpn-sessiondb [detail] l2l``.

A LAN-to-LAN session is the ASA's view of one peer: the IKE tunnel and the IPsec tunnels under
it, with byte and packet counters. ``as_crypto_sessions`` turns it into the IOS
``CryptoSessionTable`` (peer, IKE SAs, IPsec flows with counters) so code written for one reads
the other.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field

from nornir_tasks.models.crypto_session import (
    CryptoSession,
    CryptoSessionTable,
    IkeSaStatus,
    SessionIkeSa,
    SessionIpsecFlow,
    SessionStatus,
)


@dataclass(frozen=True)
class VpnSummaryRow:
    """``AnyConnect Client : 38 : 330351 : 442 : 0`` (a session or tunnel kind and its counts)."""

    name: str
    active: int | None
    cumulative: int | None
    peak: int | None
    inactive: int | None = None
    parent: str | None = None  # "Site-to-Site VPN" for its indented "IKEv2 IPsec" row


@dataclass(frozen=True)
class VpnSessionSummary:
    sessions: tuple[VpnSummaryRow, ...]
    tunnels: tuple[VpnSummaryRow, ...]
    total_active_inactive: int | None
    total_cumulative: int | None
    capacity: int | None
    load_percent: int | None
    tunnels_total_active: int | None
    tunnels_total_cumulative: int | None
    complete: bool


@dataclass(frozen=True)
class VpnTunnel:
    """An ``IKE:`` / ``IKEv1:`` / ``IKEv2:`` / ``IPsec:`` / ``IPsecOverNatT:`` block of a session."""

    kind: str
    tunnel_id: str | None = None  # "6539.2" (9.x) or the older "Session ID : 2"
    local_addr: str | None = None
    remote_addr: str | None = None
    encryption: str | None = None
    hashing: str | None = None
    bytes_tx: int | None = None
    bytes_rx: int | None = None
    pkts_tx: int | None = None
    pkts_rx: int | None = None
    rekey_int_sec: int | None = None
    rekey_left_sec: int | None = None
    fields: Mapping[str, str] = field(default_factory=dict)  # every other "Key : value" as printed


@dataclass(frozen=True)
class VpnSession:
    """One ``Connection :`` block."""

    connection: str
    index: int | None = None
    peer: str | None = None  # "IP Addr" (an address, or a network-object name)
    protocol: str | None = None
    encryption: str | None = None
    hashing: str | None = None
    bytes_tx: int | None = None
    bytes_rx: int | None = None
    login_time: str | None = None
    duration: str | None = None
    tunnel_counts: Mapping[str, int] = field(default_factory=dict)  # "IKEv2 Tunnels: 1"
    tunnels: tuple[VpnTunnel, ...] = ()
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class VpnSessionTable:
    session_type: str | None  # "LAN-to-LAN", "LAN-to-LAN Detailed"
    sessions: tuple[VpnSession, ...]
    complete: bool


def _ike_sa(session: VpnSession, tunnel: VpnTunnel) -> SessionIkeSa:
    port = tunnel.fields.get("UDP Dst Port")
    return SessionIkeSa(
        version=tunnel.kind,
        local="",
        local_port=int(p) if (p := tunnel.fields.get("UDP Src Port", "")).isdigit() else None,
        remote=session.peer or "",
        remote_port=int(port) if port and port.isdigit() else None,
        status=IkeSaStatus.ACTIVE,
        status_text="Active",
    )


def _flow(tunnel: VpnTunnel) -> SessionIpsecFlow:
    return SessionIpsecFlow(
        flow=f"{tunnel.local_addr or '?'} {tunnel.remote_addr or '?'}",
        inbound_pkts_decrypted=tunnel.pkts_rx,
        outbound_pkts_encrypted=tunnel.pkts_tx,
        inbound_life_sec=tunnel.rekey_left_sec,
        outbound_life_sec=tunnel.rekey_left_sec,
    )


def _address(text: str | None) -> str | None:
    """The peer when it is an address; ASA prints an object name (or a masked one) otherwise."""
    try:
        return str(ipaddress.ip_address(text or ""))
    except ValueError:
        return None


def as_crypto_sessions(table: VpnSessionTable) -> CryptoSessionTable:
    """The ASA sessions in the IOS model: a listed L2L session is up, its tunnels its SAs.

    A peer printed as a name stays out of ``peer`` (None): rules match sessions by address.
    """
    sessions = []
    for s in table.sessions:
        ike = tuple(_ike_sa(s, t) for t in s.tunnels if t.kind.startswith("IKE"))
        flows = tuple(_flow(t) for t in s.tunnels if t.kind.startswith("IPsec"))
        sessions.append(
            CryptoSession(
                interface=s.connection,
                status=SessionStatus.UP_ACTIVE,
                status_text="UP-ACTIVE",
                peer=_address(s.peer),
                uptime=s.duration,
                ike_sas=ike,
                ipsec_flows=flows,
            )
        )
    return CryptoSessionTable(tuple(sessions), table.complete)
