"""IPsec flows and their counters, as deltas between two polls or as totals of one.

A counter that stopped moving is not one that never moved: with two polls the traffic rules
decide on deltas; with one poll they can only read lifetime totals, and say so.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, replace

from nornir_tasks.models.ipsec import Ident, IpsecFlow, IpsecSaTable, SaDirection
from nornir_tasks.parsers.addressing import network

FlowKey = tuple[str | None, str | None, str | None, str | None]


def _ident(ident: Ident | None) -> str | None:
    return f"{ident.addr}/{ident.mask}/{ident.prot}/{ident.port}" if ident else None


def flow_key(flow: IpsecFlow) -> FlowKey:
    """A flow across polls: peer, proxy identities, protected VRF."""
    return (
        flow.current_peer,
        _ident(flow.local_ident),
        _ident(flow.remote_ident),
        flow.protected_vrf,
    )


def _richness(flow: IpsecFlow) -> int:
    # ``detail`` prints more counters; prefer it when both outputs are present.
    return sum(
        1 for name in ("pkts_no_sa_send", "pkts_replay_failed") if getattr(flow, name) is not None
    )


def dedupe_flows(tables: Sequence[IpsecSaTable]) -> tuple[IpsecFlow, ...]:
    """One flow per key: a crypto map on two interfaces shows the same SA twice."""
    chosen: dict[FlowKey, IpsecFlow] = {}
    for table in tables:
        for flow in table.flows:
            key = flow_key(flow)
            if key not in chosen or _richness(flow) > _richness(chosen[key]):
                chosen[key] = flow
    return tuple(chosen.values())


def has_sa(flow: IpsecFlow) -> bool:
    """The flow has IPsec SAs (``current outbound spi: 0x0(0)`` means it has none)."""
    if flow.sas:
        return True
    return bool(flow.current_outbound_spi_value)


def name_lone_peer(flows: Sequence[IpsecFlow], peers: set[str]) -> tuple[IpsecFlow, ...]:
    """Counter-only flows (a paste filtered to its counters, ``| include pkts``: no interface,
    ident or peer line) are the one IKE peer's when the evidence knows exactly one."""
    bare = [f for f in flows if not (f.current_peer or f.interface or f.local_ident)]
    if len(peers) != 1 or not bare:
        return tuple(flows)
    (peer,) = peers
    return tuple(replace(f, current_peer=peer) if f in bare else f for f in flows)


def lacks_sa(flow: IpsecFlow) -> bool:
    """The output shows the flow without SAs: none listed and, when its SPI lines were filtered
    out or cut ("| include peer|encaps|decaps"), no packet counted either."""
    if has_sa(flow):
        return False
    cut = flow.current_outbound_spi is None
    return not (cut and (flow.pkts_encaps or flow.pkts_decaps))


def carries(flow: IpsecFlow) -> bool:
    """The flow has (or had, per its counters) IPsec SAs: a cut output may not show the SPIs."""
    return has_sa(flow) or bool(flow.pkts_encaps) or bool(flow.pkts_decaps)


def hit_without_sa(t: Traffic) -> bool:
    """Traffic matches the flow's crypto ACL and is dropped for lack of an SA: ``#pkts no sa
    (send)`` or, without ``detail``, ``#send errors`` moving on a flow that never had an SA."""
    if carries(t.flow):
        return False
    return t.send_errors.moving or (t.no_sa_send is not None and t.no_sa_send.moving)


def inbound_spis(flow: IpsecFlow) -> frozenset[int]:
    return frozenset(sa.spi_value for sa in flow.sas if sa.direction is SaDirection.INBOUND)


# (10.0.0.1/255.255.255.255/47/0): IP protocol 47 is GRE
GRE = 47


def gre_tunnel(flow: IpsecFlow) -> bool:
    """GRE over IPsec (``tunnel mode gre ip`` or DMVPN's ``gre multipoint``): a tunnel
    interface's ``TunnelN-head-0`` SA that protects GRE between the two tunnel endpoints
    (``clarkson_ios_ipsec_sa_gre_esp_null_15_2``). Like a VTI's any/any SA it says nothing
    about the networks behind the tunnel: the tunnel interface's routes carry those."""
    ident = flow.remote_ident
    return (
        ident is not None and ident.prot == GRE and (flow.crypto_map_tag or "").endswith("-head-0")
    )


def remote_network(flow: IpsecFlow) -> ipaddress.IPv4Network | None:
    """The remote network the flow protects (its remote proxy identity); None for GRE over
    IPsec, whose proxy is the far tunnel endpoint, not a network behind it."""
    ident = flow.remote_ident
    if ident is None or gre_tunnel(flow):
        return None
    return network(ident.addr, ident.mask)


def mirrors(a: IpsecFlow, b: IpsecFlow) -> bool:
    """``b`` is ``a`` seen from the other end: local and remote identities swapped."""
    return (
        a.local_ident is not None
        and b.local_ident is not None
        and _ident(a.local_ident) == _ident(b.remote_ident)
        and _ident(a.remote_ident) == _ident(b.local_ident)
    )


@dataclass(frozen=True)
class Count:
    """A packet counter: its total now and, with two polls, how much it moved in between."""

    total: int
    delta: int | None

    @property
    def moving(self) -> bool:
        return (self.delta if self.delta is not None else self.total) > 0

    @property
    def ever(self) -> bool:
        return self.total > 0

    @property
    def recent(self) -> int:
        """The delta with two polls, the lifetime total with one."""
        return self.delta if self.delta is not None else self.total


@dataclass(frozen=True)
class Traffic:
    """A flow with its counters; ``by_delta`` says whether two polls were compared."""

    flow: IpsecFlow
    before: IpsecFlow | None
    encaps: Count
    decaps: Count
    send_errors: Count
    recv_errors: Count
    replay_failed: Count | None
    no_sa_send: Count | None

    @property
    def by_delta(self) -> bool:
        return self.before is not None


def _count(now: int | None, before: IpsecFlow | None, name: str) -> Count:
    total = now or 0
    if before is None:
        return Count(total, None)
    earlier = getattr(before, name) or 0
    # A counter that went down was cleared (``clear crypto sa``): count from zero.
    return Count(total, total - earlier if total >= earlier else total)


def _optional(flow: IpsecFlow, before: IpsecFlow | None, name: str) -> Count | None:
    value = getattr(flow, name)
    return None if value is None else _count(value, before, name)


def traffic(
    flows: Sequence[IpsecFlow], previous: Sequence[IpsecFlow] | None
) -> tuple[Traffic, ...]:
    """Counters of every flow; deltas against ``previous`` when it is given."""
    earlier = {flow_key(f): f for f in previous or ()}
    out = []
    for flow in flows:
        before = earlier.get(flow_key(flow)) if previous is not None else None
        out.append(
            Traffic(
                flow=flow,
                before=before,
                encaps=_count(flow.pkts_encaps, before, "pkts_encaps"),
                decaps=_count(flow.pkts_decaps, before, "pkts_decaps"),
                send_errors=_count(flow.send_errors, before, "send_errors"),
                recv_errors=_count(flow.recv_errors, before, "recv_errors"),
                replay_failed=_optional(flow, before, "pkts_replay_failed"),
                no_sa_send=_optional(flow, before, "pkts_no_sa_send"),
            )
        )
    return tuple(out)
