"""A compact, secret-free record of one run: per host its outcome, config fingerprints and tunnels.

What the history store keeps and the drift rules compare: the tunnels the report counts, per
(host, peer) with the report's state, the phase-1 state (IKEv1 or IKEv2), what the tunnel is
(crypto map, VTI, DMVPN hub/spoke/shortcut) and its tunnel interface, the IPsec SA count, the
encaps/decaps counters, the SPIs and lifetimes; per host the sha256 of its crypto and failover
configuration. Fingerprints hash the parsed (secret-free)
configuration, so no pre-shared key enters the store in any form, not even hashed.
Pure: data in, data out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from functools import cached_property

from nornir_tasks.checks.evidence import FleetEvidence, HostEvidence
from nornir_tasks.checks.tunnel_kinds import tunnel_identity
from nornir_tasks.checks.tunnels import Tunnel, tunnels
from nornir_tasks.models.base import to_jsonable
from nornir_tasks.models.collection import HostStatus
from nornir_tasks.models.config import RunningConfig
from nornir_tasks.models.crypto_map import CryptoMapTable
from nornir_tasks.models.findings import Finding
from nornir_tasks.models.ipsec import IpsecFlow, SaDirection
from nornir_tasks.models.report import REACHED, HostReport, RunReport, TunnelStatus
from nornir_tasks.models.tunnel_status import TunnelKind

# The parts of RunningConfig each fingerprint covers.
CRYPTO_FIELDS = (
    "isakmp_policies",
    "isakmp_keys",
    "keyrings",
    "isakmp_keepalive",
    "isakmp_profiles",
    "ikev2_proposals",
    "ikev2_policies",
    "ikev2_keyrings",
    "ikev2_profiles",
    "transform_sets",
    "crypto_maps",
    "ipsec_profiles",
)
FAILOVER_FIELDS = (
    "static_routes",
    "ip_slas",
    "tracks",
    "eem_applets",
    "eem_session_user",
    "route_maps",
    "nat_rules",
)


@dataclass(frozen=True)
class TunnelSnapshot:
    """One tunnel (host, peer) at one run."""

    host: str
    peer: str
    state: TunnelStatus
    phase1: str | None  # the IKE state word (QM_IDLE, MM_NO_STATE); None: no phase-1 SA seen
    phase2_sas: int  # IPsec SAs, inbound and outbound
    encaps: int
    decaps: int
    inbound_spis: tuple[str, ...]  # "0x992F902B", sorted
    outbound_spis: tuple[str, ...]
    remaining_s: int | None  # the shortest remaining SA lifetime, seconds
    lifetime_s: int | None  # the configured SA lifetime, seconds (None: not known)
    kind: TunnelKind | None = None  # None: recorded before the kind was (schema < 3)
    interface: str | None = None  # the tunnel interface of a VTI or DMVPN tunnel


@dataclass(frozen=True)
class HostSnapshot:
    """One host at one run: how collection went, its config fingerprints, its tunnels."""

    host: str
    status: HostStatus
    error: str | None
    crypto_sha256: str | None
    failover_sha256: str | None
    tunnels: tuple[TunnelSnapshot, ...] = ()
    tunnels_read: bool = True  # False: the run read no IPsec SAs (no tunnel state is known)

    @property
    def reached(self) -> bool:
        return self.status in REACHED


@dataclass(frozen=True)
class RunSnapshot:
    """A recorded run as the drift rules read it."""

    run_id: int
    started: str  # ISO 8601, UTC
    hosts: tuple[HostSnapshot, ...]
    findings: tuple[Finding, ...]
    complete: bool = True

    @cached_property
    def _by_name(self) -> dict[str, HostSnapshot]:
        # First of a name wins; a dict, because drift looks up every host of the other run.
        return {h.host: h for h in reversed(self.hosts)}

    def host(self, name: str) -> HostSnapshot | None:
        return self._by_name.get(name)


def parse_time(text: str) -> dt.datetime:
    """An ISO 8601 time (``Z`` or an offset; naive means UTC) as an aware datetime."""
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _sha256_of(data: object) -> str:
    text = json.dumps(to_jsonable(data), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def crypto_fingerprint(config: RunningConfig) -> str:
    """The crypto sections, the ACLs the crypto maps match and the interfaces they are on."""
    matched = {e.match_address for m in config.crypto_maps for e in m.entries}
    data = {name: getattr(config, name) for name in CRYPTO_FIELDS}
    data["crypto_acls"] = {n: a for n, a in config.acls.items() if n in matched}
    data["bindings"] = {
        i.name: (i.crypto_map, i.tunnel_protection)
        for i in config.interfaces.values()
        if i.crypto_map or i.tunnel_protection
    }
    # Aggressive-mode settings only when present: configurations without them keep the
    # fingerprint they had before these fields were read.
    if config.isakmp_peers:
        data["isakmp_peers"] = config.isakmp_peers
    if config.aggressive_mode_disabled:
        data["aggressive_mode_disabled"] = True
    return _sha256_of(data)


def failover_fingerprint(config: RunningConfig) -> str:
    """Static routes, IP SLA, tracks, EEM applets, route maps and NAT rules."""
    return _sha256_of({name: getattr(config, name) for name in FAILOVER_FIELDS})


def _spis(flows: list[IpsecFlow], direction: SaDirection) -> tuple[str, ...]:
    spis = {sa.spi_value for f in flows for sa in f.sas if sa.direction is direction}
    return tuple(f"0x{spi:08X}" for spi in sorted(spis))


def _remaining(flows: list[IpsecFlow]) -> int | None:
    values = [sa.remaining_lifetime_sec for f in flows for sa in f.sas]
    known = [v for v in values if v is not None]
    return min(known) if known else None


def _lifetime(evidence: HostEvidence, peer: str) -> int | None:
    """``Security association lifetime`` of the map entry for ``peer`` (show crypto map, then
    the running configuration)."""
    for table in evidence.models(CryptoMapTable):
        for entry in table.entries:
            if peer in entry.peers and entry.sa_lifetime_sec is not None:
                return entry.sa_lifetime_sec
    config = evidence.config
    entries = [e for m in config.crypto_maps for e in m.entries] if config else []
    return next((e.lifetime_s for e in entries if peer in e.peers and e.lifetime_s), None)


def tunnel_snapshot(evidence: HostEvidence, tunnel: Tunnel) -> TunnelSnapshot:
    """``tunnel`` as the report read it (``checks.tunnels``: its state and phase-1 word, IKEv1
    or IKEv2), with what drift compares and what the tunnel is."""
    peer = tunnel.peer
    flows = [f for f in evidence.flows if f.current_peer == peer]
    identity = tunnel_identity(evidence, peer)
    return TunnelSnapshot(
        host=evidence.host,
        peer=peer,
        state=tunnel.state,  # the report's rule, so history agrees with it
        phase1=tunnel.phase1,
        phase2_sas=sum(len(f.sas) for f in flows),
        encaps=sum(f.pkts_encaps or 0 for f in flows),
        decaps=sum(f.pkts_decaps or 0 for f in flows),
        inbound_spis=_spis(flows, SaDirection.INBOUND),
        outbound_spis=_spis(flows, SaDirection.OUTBOUND),
        remaining_s=_remaining(flows),
        lifetime_s=_lifetime(evidence, peer),
        kind=identity.kind,
        interface=identity.interface,
    )


def tunnel_snapshots(evidence: HostEvidence) -> tuple[TunnelSnapshot, ...]:
    """The tunnels the report counts (``checks.tunnels.tunnels``), one per peer."""
    return tuple(tunnel_snapshot(evidence, t) for t in tunnels(evidence))


def reads_tunnels(evidence: HostEvidence) -> bool:
    """The run read the IPsec table, so it knows which tunnels are up (``tunnel_counts``'s
    condition: the config audit reads crypto maps, not SAs, and records no tunnel)."""
    return evidence.has("show crypto ipsec sa*")


def host_snapshot(report: HostReport, evidence: HostEvidence | None) -> HostSnapshot:
    """The host's record; without evidence (not reached) only the outcome."""
    config = evidence.config if evidence is not None else None
    read = evidence is not None and reads_tunnels(evidence)
    return HostSnapshot(
        host=report.host,
        status=report.status,
        error=report.error,
        crypto_sha256=crypto_fingerprint(config) if config is not None else None,
        failover_sha256=failover_fingerprint(config) if config is not None else None,
        tunnels=tunnel_snapshots(evidence) if evidence is not None and read else (),
        tunnels_read=read,
    )


def run_snapshots(report: RunReport, fleet: FleetEvidence) -> tuple[HostSnapshot, ...]:
    """One snapshot per host of the report, from its evidence in ``fleet``."""
    return tuple(host_snapshot(h, fleet.host(h.host)) for h in report.hosts)
