"""IKEv2 behind a NAT whose path drops UDP 4500 (IKEV2_NAT_T_BLOCKED).

IKE_SA_INIT carries NAT_DETECTION_SOURCE_IP / NAT_DETECTION_DESTINATION_IP; when their hashes
show a NAT, both ends move to UDP 4500 for IKE_AUTH and everything after it, ESP included
(RFC 7296 §2.23). A firewall or ACL that permits UDP 500 but not 4500 lets IKE_SA_INIT through
and loses IKE_AUTH: the initiator retransmits it and deletes the SA (``Initial exchange
failed``), the responder holds a half-open SA for a minute.

Without debug (``vpndiag health``) the initiator's ``show crypto ikev2 sa`` row says it: an SA
with the peer on port 4500 (the float happened, so a NAT was detected) still ``IN-NEG`` (its
IKE_AUTH is unanswered), on a tunnel that is down; its exchange counters add the
unanswered IKE_AUTH requests and ``NAT_INSIDE`` when they speak for this tunnel alone (a spoke).
With debug, the IKE_AUTH packets sent to ``:4500`` and never answered say it.

A NAT rewrites the address one end is seen from, so the two ends are not paired by address: a
spoke's finding is paired with the hub's when the hub has exactly one down tunnel toward an
address no host of the fleet owns (the NAT's outside address), and the hub's copy is dropped.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass

from nornir_tasks.checks import ikev2_counters as counters
from nornir_tasks.checks.evidence import LOGS, FleetEvidence, HostEvidence
from nornir_tasks.checks.ikev2 import Conversation, conversations, lines_of
from nornir_tasks.checks.ikev2_path import auth_to_nat_t, unanswered
from nornir_tasks.checks.logview import PeerEvent
from nornir_tasks.checks.model_names import IKEV2_SA_TABLE, IKEV2_STATS
from nornir_tasks.checks.peers import other_end
from nornir_tasks.checks.quote import tag, unique
from nornir_tasks.checks.registry import check
from nornir_tasks.checks.tunnels import tunnel_state, vti_peers
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.models.logs import EventKind
from nornir_tasks.models.tunnel_status import TunnelStatus

CODE = "IKEV2_NAT_T_BLOCKED"
NAT_T_PORT = 4500
SA_TABLE = ("show crypto ikev2 sa*",)
_UNANSWERED = 3  # IKE_AUTH requests more than responses before the counters count
# RFC 1918 only: Python's is_private also counts the documentation ranges real fleets (and
# the lab) use as public addresses.
_RFC1918 = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))


def is_private(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in net for net in _RFC1918)


@dataclass(frozen=True)
class Blocked:
    """One end that floated to UDP 4500 with ``peer`` and got no IKE_AUTH answer."""

    host: HostEvidence
    peer: str
    lines: tuple[str, ...]
    source: Source


def stuck_on_4500(host: HostEvidence, peer: str) -> bool:
    """An IKEv2 SA with ``peer`` on UDP 4500 that never left IN-NEG."""
    rows = [sa for t in host.models(IKEV2_SA_TABLE) for sa in t.sas]
    if not rows:
        return False
    from nornir_tasks.models.ikev2 import Ikev2Status  # imported: rows are its models

    return any(
        sa.remote == peer and sa.remote_port == NAT_T_PORT and sa.status is Ikev2Status.IN_NEG
        for sa in rows
    )


def _rows(host: HostEvidence, peer: str) -> list[str]:
    """The ``show crypto ikev2 sa`` rows with ``peer``, as printed."""
    return [
        line.strip()
        for _, text in host.raw_of("show crypto ikev2 sa*")
        for line in text.splitlines()
        if f" {peer}/" in line
    ][:3]


def _counter_lines(host: HostEvidence, peer: str) -> list[str]:
    """IKE_SA_INIT answered, IKE_AUTH not, a NAT counted: when the counters speak for this
    tunnel alone (the host's only IKEv2 tunnel that is not up)."""
    stats = host.first(IKEV2_STATS)
    if stats is None or counters.down_peers(host) != [peer]:
        return []
    auth = stats.row("IKE_AUTH")
    if auth is None or auth.tx_req - auth.rx_res < _UNANSWERED:
        return []
    rows = [r.line for n in ("IKE_SA_INIT", "IKE_AUTH") if (r := stats.row(n)) is not None]
    nat = [f"{name} {n}" for name, n in stats.other if name.startswith("NAT_") and n]
    return [counters.HEADER, *rows, *nat]


def _from_state(host: HostEvidence) -> Iterator[Blocked]:
    for peer in dict.fromkeys(vti_peers(host)):
        if tunnel_state(host, peer) is TunnelStatus.UP or not stuck_on_4500(host, peer):
            continue
        lines = _rows(host, peer) + _counter_lines(host, peer)
        yield Blocked(host, peer, tuple(lines), Source.STATE)


def _packets(conv: Conversation, packet: str, message: str, exchange: str) -> list[PeerEvent]:
    return [
        e
        for e in conv.events
        if e.event.field("packet") == packet
        and e.event.field("message") == message
        and e.event.field("exchange") == exchange
    ]


def from_debug(host: HostEvidence) -> Iterator[Blocked]:
    """IKE_AUTH sent to UDP 4500 and never answered, in the host's debug: the IKE_SA_INIT
    that detected the NAT, the NAT line, the first IKE_AUTH to :4500, a resend, the end."""
    for conv in conversations(host):
        if conv.peer is None or not auth_to_nat_t(conv):
            continue
        init = _packets(conv, "sent", "REQUEST", "IKE_SA_INIT")[:1]
        init += _packets(conv, "received", "RESPONSE", "IKE_SA_INIT")[:1]
        nat = [e for e in conv.events if e.text.endswith(("nat inside found", "nat outside found"))]
        auth = [e for e in unanswered(conv, "IKE_AUTH") if f":{NAT_T_PORT}/" in e.event.line]
        resent = conv.of(EventKind.RETRANSMIT)[:1]
        given_up = conv.of(EventKind.IKEV2_INIT_FAILED)[:1]
        picked = sorted(init + nat[:1] + auth[:1] + resent + given_up, key=conv.events.index)
        yield Blocked(host, conv.peer, tuple(lines_of(picked, 8)), Source.DEBUG)


def answered_init(host: HostEvidence, addresses: frozenset[str]) -> list[str]:
    """The other end's debug: IKE_SA_INIT from us received and answered, no IKE_AUTH after."""
    for conv in conversations(host):
        if conv.peer not in addresses or _packets(conv, "received", "REQUEST", "IKE_AUTH"):
            continue
        got = _packets(conv, "received", "REQUEST", "IKE_SA_INIT")[:1]
        got += _packets(conv, "sent", "RESPONSE", "IKE_SA_INIT")[:1]
        if len(got) == 2:
            return lines_of(got, 2)
    return []


def _behind_nat(host: HostEvidence, peer: str) -> bool:
    """``host``'s tunnel to ``peer`` (public) leaves from a private address: a NAT sits
    between them, and ``peer`` knows ``host`` by another address."""
    config = host.config
    if config is None or is_private(peer):
        return False
    for itf in config.interfaces.values():
        if itf.tunnel_destination != peer or not itf.tunnel_source:
            continue
        src = config.interfaces.get(itf.tunnel_source)
        address = src.ip_address if src is not None else itf.tunnel_source
        return is_private(address)
    return False


def _spoke_behind(hub: HostEvidence, fleet: FleetEvidence) -> tuple[HostEvidence, str] | None:
    """The one fleet host whose down tunnel to ``hub`` leaves from behind a NAT, and the hub
    address it peers with (several: the hub's view cannot be told apart)."""
    found = [
        (h, p)
        for h in fleet.hosts
        if h is not hub
        for p in dict.fromkeys(vti_peers(h))
        if p in hub.addresses and _behind_nat(h, p) and tunnel_state(h, p) is not TunnelStatus.UP
    ]
    return found[0] if len(found) == 1 else None


def _reporter(b: Blocked, fleet: FleetEvidence) -> tuple[HostEvidence, str, list[str]]:
    """Where the finding goes, with the other end's lines: on the end behind the NAT (its
    site's path), which peers with an address of the fleet; a hub's view of a hidden peer moves
    there when one spoke alone is down behind a NAT toward it."""
    if fleet.owner_of(b.peer) is None and (spoke := _spoke_behind(b.host, fleet)):
        host, peer = spoke
        mine = _rows(host, peer) + answered_init(host, b.host.addresses)
        return host, peer, mine + list(tag(b.lines, b.host, host.host))
    other = other_end(fleet, b.host, b.peer)
    hidden = _down_unowned(other, fleet) if other else []
    if other is None or len(hidden) != 1:
        return b.host, b.peer, []
    theirs = _rows(other, hidden[0]) + answered_init(other, frozenset(hidden))
    return b.host, b.peer, list(tag(theirs, other, b.host.host))


def _down_unowned(host: HostEvidence, fleet: FleetEvidence) -> list[str]:
    return [
        p
        for p in dict.fromkeys(vti_peers(host))
        if fleet.owner_of(p) is None and tunnel_state(host, p) is not TunnelStatus.UP
    ]


def _all_blocked(fleet: FleetEvidence) -> dict[tuple[str, str], Finding]:
    """Every finding of the fleet by (reporting host, peer), the first evidence kept (each
    host's debug before its state)."""

    def build() -> dict[tuple[str, str], Finding]:
        found: dict[tuple[str, str], Finding] = {}
        for host in fleet.hosts:
            for b in [*from_debug(host), *_from_state(host)]:
                reporter, peer, theirs = _reporter(b, fleet)
                key = (reporter.host, peer)
                if key not in found:
                    lines = b.lines if reporter is b.host else ()
                    found[key] = _finding(reporter.host, peer, [*lines, *theirs], b.source)
        return found

    return fleet.memo("ikev2_natt.found", build)


def _finding(host: str, peer: str, lines: list[str], source: Source) -> Finding:
    return Finding(
        code=CODE,
        severity=Severity.CRITICAL,
        host=host,
        peer=peer,
        summary=f"IKEv2 with {peer}: NAT detected, UDP 4500 dropped on the path",
        cause=(
            f"IKE_SA_INIT with {peer} completes on UDP 500 and detects a NAT between the "
            "ends, so IKE_AUTH and everything after it (ESP too) moves to UDP 4500; no "
            "IKE_AUTH answer comes back on 4500 and the SA is deleted after its "
            "retransmissions. A firewall or ACL on the path permits UDP 500 and drops UDP 4500 "
            "(or the NAT device does not forward it)."
        ),
        evidence=unique(lines, 20),
        next_steps=(
            "ACLs / firewalls / NAT device on the path: permit UDP 4500 both ways (and UDP 500)",
            "show ip nat translations  (on the NAT device: the 500 and 4500 mappings)",
            "show crypto ikev2 sa detailed  (NAT-T is detected inside / outside, port 4500)",
            f"debug crypto condition peer ipv4 {peer} ; debug crypto ikev2  (IKE_AUTH to "
            ":4500 retransmitted, never answered) ; undebug all",
        ),
        step=Step.IKE_PHASE1,
        source=source,
    )


def reported_here(host: HostEvidence, peer: str, fleet: FleetEvidence) -> bool:
    """This check names the tunnel from ``host`` to ``peer``, here or, for a hub that knows
    the spoke only by its NAT's outside address, on the spoke behind it."""
    found = _all_blocked(fleet)
    if (host.host, peer) in found:
        return True
    toward_me = any(p in host.addresses for _, p in found)
    return toward_me and _down_unowned(host, fleet) == [peer]


@check(CODE, needs=SA_TABLE + LOGS)
def nat_t_blocked(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """NAT detected, the IKE SA moved to UDP 4500, and IKE_AUTH there is never answered."""
    for (reporter, _), finding in _all_blocked(fleet).items():
        if reporter == host.host:
            yield finding
