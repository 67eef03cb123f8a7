"""Clear text where this end expects ESP: ``%CRYPTO-4-RECVD_PKT_NOT_IPSEC``::

    %CRYPTO-4-RECVD_PKT_NOT_IPSEC: Rec'd packet not an IPSEC packet. (ip) vrf/dest_addr=
    /203.0.113.2, src_addr= 198.51.100.2, prot= 47

The packet matched this router's crypto ACL (or a protected tunnel's endpoints) and came
unencrypted, so it was dropped. The protocol says which mistake: GRE (47) from a tunnel whose
other end has no ``tunnel protection``, a routing protocol's multicast (IPsec carries unicast
only), anything else from a peer that does not encrypt this flow.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from nornir_tasks.checks.evidence import LOGS, FleetEvidence, HostEvidence
from nornir_tasks.checks.logview import PeerEvent, source_of
from nornir_tasks.checks.peers import of_kind
from nornir_tasks.checks.quote import event_lines, unique
from nornir_tasks.checks.registry import check
from nornir_tasks.models.findings import Finding, Severity, Step
from nornir_tasks.models.logs import EventKind

_PROTOCOLS = {"47": "GRE", "88": "EIGRP", "89": "OSPF", "103": "PIM", "112": "VRRP", "1": "ICMP"}


def _multicast(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_multicast
    except ValueError:
        return False


def _cause(host: str, peer: str, prot: str | None, dest: str | None) -> tuple[str, Severity]:
    name = _PROTOCOLS.get(prot or "", f"protocol {prot}" if prot else "traffic")
    if prot == "47":
        return (
            f"{peer} sends GRE to {dest or host} in clear, where {host} expects it inside ESP: "
            f"the tunnel on {peer} has no 'tunnel protection' (while {host}'s has), or a GRE "
            "tunnel without protection shares the endpoints of a protected one. The tunnel "
            "(NHRP registration, routing adjacency) stays down.",
            Severity.CRITICAL,
        )
    if _multicast(dest):
        return (
            f"{name} multicast from {peer} to {dest} matches {host}'s crypto ACL, but IPsec "
            "carries unicast only: the packets arrive in clear and are dropped, so the routing "
            "adjacency over this path fails. Protect the GRE between the tunnel endpoints (a "
            "crypto ACL 'permit gre host A host B' with the map on the physical interface) or "
            "use tunnel protection / a VTI, and keep the routing protocol out of the crypto ACL.",
            Severity.CRITICAL,
        )
    return (
        f"{peer} sends {name} to {dest or host} in clear that {host}'s crypto ACL says must be "
        f"encrypted: {peer}'s crypto ACL is not the mirror of this one, its NAT translates the "
        "traffic before its crypto map sees it, or its SA for this flow is down. A few such "
        "packets while an SA is rebuilt are harmless.",
        Severity.WARNING,
    )


@check("IPSEC_CLEARTEXT_RECEIVED", needs=LOGS)
def cleartext_received(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """Packets that should have come encrypted arrived in clear (RECVD_PKT_NOT_IPSEC)."""
    events = of_kind(list(host.events), EventKind.NOT_IPSEC)
    for peer in dict.fromkeys(e.peer for e in events):
        mine = [e for e in events if e.peer == peer]
        yield _finding(host, peer, mine)


def _quoted(events: list[PeerEvent]) -> tuple[str, ...]:
    """The messages as printed, with the continuation a paste wrapped onto the next line (the
    addresses and protocol are on it)."""
    lines: list[str] = []
    for line in event_lines(events, 3):
        lines.append(line)
        event = next(e.event for e in events if e.event.line.strip() == line)
        if "src_addr" not in line and event.detail:
            lines.append(event.detail[0].strip())
    return unique(lines)


def _finding(host: HostEvidence, peer: str | None, events: list[PeerEvent]) -> Finding:
    last = events[-1].event
    prot, dest = last.field("prot"), last.field("dest")
    who = peer or "a peer the message does not name"
    cause, severity = _cause(host.host, who, prot, dest)
    gre = prot == "47"
    return Finding(
        code="IPSEC_CLEARTEXT_RECEIVED",
        severity=severity,
        host=host.host,
        peer=peer,
        summary=f"{who} sends in clear what {host.host} expects encrypted"
        + (f" ({_PROTOCOLS.get(prot or '', 'protocol ' + str(prot))} to {dest})" if prot else ""),
        cause=cause,
        evidence=_quoted(events),
        next_steps=(
            f"on {who}: show running-config interface Tunnel<n> | include tunnel"
            if gre
            else f"on {who}: show crypto map ; show access-lists <its crypto ACL>",
            f"show crypto ipsec sa peer {peer}" if peer else "show crypto ipsec sa",
            "show crypto map  (the crypto ACL this traffic matches here)",
        ),
        step=Step.DATA_TRANSFER,
        source=source_of(events),
    )
