"""Causes only an ASA end has: IKE not enabled on the crypto interface, a tunnel-group the ASA
never finds for its peer, and VPN traffic translated by NAT before the crypto map sees it.

The ASA configuration is read into the same ``RunningConfig`` as an IOS one (``platform``
``asa``; ``ike_enabled``, ``tunnel_groups`` and ``asa_nat_rules`` hold what IOS has not).
``silent_to`` tells the IOS end's rules that the ASA's own configuration explains why it
never answered, so the cause is reported once, on the ASA. ``packet-tracer`` output in the
evidence is quoted where it proves the cause (its NAT phase translating, its VPN phase).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nornir_tasks.checks.compat import MapPeer, has_key_for, map_peers
from nornir_tasks.checks.evidence import CONFIG, FleetEvidence, HostEvidence
from nornir_tasks.checks.ike import WAITING_MSG2, IkeRow
from nornir_tasks.checks.model_names import PACKET_TRACE
from nornir_tasks.checks.peers import label, other_end
from nornir_tasks.checks.quote import config_lines, counter_lines, ike_lines, tag, unique
from nornir_tasks.checks.registry import check
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.parsers.addressing import first_host, network, wildcard_network

if TYPE_CHECKING:  # annotations only (the configuration models are slow to import)
    from nornir_tasks.models.config import AsaNatRule, RunningConfig
    from nornir_tasks.models.packet_tracer import PacketTrace

TRACER = ("packet-tracer input*",)


def asa_config(host: HostEvidence | None) -> RunningConfig | None:
    config = host.config if host is not None else None
    return config if config is not None and config.platform == "asa" else None


# -- IKE enabled on the crypto interface ---------------------------------------------------------


def _versions(config: RunningConfig) -> tuple[str, ...]:
    """The IKE versions the configuration has policies for (ikev1 when it cannot tell)."""
    found = (("ikev1",) if config.isakmp_policies else ()) + (
        ("ikev2",) if config.ikev2_proposals else ()
    )
    return found or ("ikev1",)


def ike_off_interfaces(config: RunningConfig, t: MapPeer) -> list[str]:
    """The map's interfaces on which none of the configured IKE versions is enabled."""
    wanted = _versions(config)
    return [
        i for i in t.cmap.interfaces if not any(i in config.ike_enabled.get(v, ()) for v in wanted)
    ]


def _interface_of(config: RunningConfig, address: str) -> str | None:
    return next((n for n, i in config.interfaces.items() if i.ip_address == address), None)


def silent_to(other: HostEvidence, initiator: frozenset[str]) -> bool:
    """The ASA ``other`` ignores IKE from ``initiator``'s addresses by its own configuration:
    IKE is enabled on none of its crypto interfaces, or no tunnel-group holds a key for any of
    those addresses (a L2L peer's group is found by its address)."""
    config = asa_config(other)
    if config is None or not config.complete:
        return False
    toward = [t for t in map_peers(config) if t.peer in initiator]
    if any(ike_off_interfaces(config, t) for t in toward):
        return True
    return bool(toward) and not any(has_key_for(config, a) for a in initiator)


def _waiting_rows(other: HostEvidence | None, me: HostEvidence) -> list[IkeRow]:
    """The other end's phase-1 rows toward ``me`` stuck waiting for MSG2."""
    if other is None:
        return []
    return [r for r in other.ike if r.peer in me.addresses and r.state in WAITING_MSG2]


@check("ASA_IKE_NOT_ENABLED", needs=CONFIG)
def ike_not_enabled(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """A crypto map applied to an ASA interface on which IKE is not enabled."""
    config = asa_config(host)
    if config is None or not config.complete:
        return
    for t in map_peers(config):
        off = ike_off_interfaces(config, t)
        if not off:
            continue
        other = other_end(fleet, host, t.peer)
        waiting = _waiting_rows(other, host)
        version = _versions(config)[0]
        lines = [f"crypto map {t.cmap.name} interface {i}" for i in off]
        lines += config_lines(host, rf"^crypto map {t.cmap.name} {t.entry.seq} set peer ")
        lines += config_lines(host, rf"^crypto {version} ")
        if other is not None and waiting:
            lines += tag(ike_lines(other, waiting), other, host.host)
        yield Finding(
            code="ASA_IKE_NOT_ENABLED",
            severity=Severity.CRITICAL,
            host=host.host,
            peer=t.peer,
            summary=f"IKE is not enabled on {', '.join(off)}: {host.host} neither starts nor "
            f"answers IKE with {label(fleet, host, t.peer)}",
            cause=(
                f"Crypto map {t.cmap.name} is applied to {', '.join(off)}, but there is no "
                f"'crypto {version} enable {off[0]}': the ASA runs no IKE on that interface, so "
                "it drops the peer's main-mode MSG1 without a word and never initiates for its "
                "own traffic. The peer retransmits MSG1 (MM_NO_STATE / MM_WAIT_MSG2) until it "
                "gives up."
            ),
            evidence=unique(lines),
            next_steps=(
                f"show running-config crypto {version}",
                f"crypto {version} enable {off[0]}",
                f"show crypto {version} sa",
            ),
            step=Step.IKE_PHASE1,
            source=Source.STATE if waiting else Source.CONFIG,
        )


# -- NAT before the crypto map -------------------------------------------------------------------


def _covers(spec: str | None, net: ipaddress.IPv4Network) -> bool:
    if spec is None or spec == "any":
        return True
    outer = network(spec)
    return outer is not None and net.subnet_of(outer)


def first_nat(
    config: RunningConfig, interface: str, src: ipaddress.IPv4Network, dst: ipaddress.IPv4Network
) -> AsaNatRule | None:
    """The first NAT rule (manual, object, after-auto: the ASA's order) that matches traffic
    from ``src`` to ``dst`` leaving by ``interface``."""
    for rule in config.asa_nat_rules:
        if rule.mapped_interface not in (interface, "any"):
            continue
        if _covers(rule.source_real, src) and _covers(rule.destination_real, dst):
            return rule
    return None


@dataclass(frozen=True)
class Untranslated:
    """A crypto ACL line whose traffic a translating NAT rule catches first."""

    tunnel: MapPeer
    interface: str
    acl_line: str
    rule: AsaNatRule


def _acl_probes(
    config: RunningConfig, t: MapPeer
) -> Iterable[tuple[str, ipaddress.IPv4Network, ipaddress.IPv4Network]]:
    """Each permit line of the crypto ACL with a probe packet of it (first host of the source
    to first host of the destination), as packet-tracer would send: a NAT rule is judged on
    the traffic it catches, not on whether it covers the ACL's whole range."""
    acl = config.acls.get(t.entry.match_address or "")
    for entry in (e for e in acl.entries if e.action == "permit") if acl else ():
        src, dst = _net(entry.source), _net(entry.destination)
        if src is not None and dst is not None:
            yield entry.line, network(first_host(src)) or src, network(first_host(dst)) or dst


def _net(spec: str | None) -> ipaddress.IPv4Network | None:
    words = (spec or "any").split()
    if words[0] == "any":
        return network("0.0.0.0/0")
    if words[0] == "host":
        return network(words[1])
    return wildcard_network(words[0], words[1]) if len(words) == 2 else None


def untranslated(config: RunningConfig) -> list[Untranslated]:
    """Every tunnel whose protected traffic is translated before the crypto map."""
    found: list[Untranslated] = []
    for t in map_peers(config):
        for interface in t.cmap.interfaces:
            for line, src, dst in _acl_probes(config, t):
                rule = first_nat(config, interface, src, dst)
                if rule is not None and not rule.identity:
                    found.append(Untranslated(t, interface, line, rule))
    return found


def _trace_lines(host: HostEvidence) -> tuple[list[str], bool]:
    """The NAT phases of a packet-tracer in the evidence that translated (and its verdict)."""
    traces = host.models(PACKET_TRACE)
    phases = [p for tr in traces for p in tr.translated]
    verdict = [f"Action: {tr.action}" for tr in traces if tr.action and tr.translated]
    return [line for p in phases for line in p.lines] + verdict[:1], bool(phases)


def _nat_lines(host: HostEvidence, rule: AsaNatRule) -> list[str]:
    if rule.section == "auto":  # object NAT: its "object network X" line says what it covers
        quoted = config_lines(host, r"^object network ", children=True)
        at = quoted.index(rule.line.strip()) if rule.line.strip() in quoted else -1
        return quoted[at - 2 : at + 1] if at >= 2 else [rule.line.strip()]
    return [rule.line.strip()]


@check("ASA_NAT_NOT_EXEMPT", needs=CONFIG + TRACER)
def nat_not_exempt(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """The tunnel's traffic matches a translating NAT rule before any NAT exemption."""
    config = asa_config(host)
    if config is None or not config.complete:
        return
    reported: set[str] = set()
    for u in untranslated(config):
        if u.tunnel.peer not in reported:
            reported.add(u.tunnel.peer)
            yield _nat_finding(host, fleet, u)


def _nat_finding(host: HostEvidence, fleet: FleetEvidence, u: Untranslated) -> Finding:
    peer = u.tunnel.peer
    traced, proved = _trace_lines(host)
    counters = [
        line
        for tr in host.traffic
        if tr.flow.current_peer == peer
        for line in counter_lines(host, tr.flow, tr.by_delta)
    ]
    return Finding(
        code="ASA_NAT_NOT_EXEMPT",
        severity=Severity.CRITICAL,
        host=host.host,
        peer=peer,
        summary=f"{host.host} translates the tunnel's traffic to {label(fleet, host, peer)} "
        "before the crypto map: no NAT exemption",
        cause=(
            f"The ASA applies NAT before it looks for a crypto map: traffic of '{u.acl_line}' "
            f"leaving by {u.interface} first matches '{u.rule.line.strip()}', which "
            f"translates it ({u.rule.source_real} -> {u.rule.source_mapped}), so it no "
            "longer matches the crypto ACL and leaves unencrypted. Without an identity NAT "
            "above it, the ASA never starts IKE for its LAN and answers what the peer sends "
            "through the tunnel in the clear."
        ),
        evidence=unique([u.acl_line, *_nat_lines(host, u.rule), *traced, *counters], 16),
        next_steps=(
            "show nat detail",
            "packet-tracer input inside icmp <LAN host> 8 0 <peer LAN host> detailed",
            "nat (inside,outside) source static LAN LAN destination static REMOTE REMOTE "
            "no-proxy-arp route-lookup  (above the PAT rule)",
        ),
        step=Step.INTERESTING_TRAFFIC,
        source=Source.STATE if proved or counters else Source.CONFIG,
    )


def explains_not_encrypting(host: HostEvidence, peer: str) -> bool:
    """``IPSEC_NOT_ENCRYPTING`` toward ``peer`` is this ASA's missing NAT exemption."""
    config = asa_config(host)
    return config is not None and any(u.tunnel.peer == peer for u in untranslated(config))


# -- packet-tracer (triage) ----------------------------------------------------------------------

MAX_TRACES = 2  # per ASA and run: one simulated packet per tunnel, bounded


def _source_interface(config: RunningConfig, src: ipaddress.IPv4Network) -> str:
    for name, itf in config.interfaces.items():
        net = network(itf.ip_address, itf.mask) if itf.ip_address and itf.mask else None
        if net is not None and src.network_address in net:
            return name
    return "inside"


def tracer_commands(config: RunningConfig, peers: Iterable[str]) -> tuple[str, ...]:
    """``packet-tracer input IFC icmp SRC 8 0 DST detailed`` for the tunnels to ``peers``: the
    first permit line of each crypto ACL, first host to first host, from the interface that
    owns the source. Read-only (a simulated packet; no ``transmit``), at most MAX_TRACES."""
    wanted = set(peers)
    own = {i.ip_address for i in config.interfaces.values() if i.ip_address}
    out: list[str] = []
    for t in map_peers(config):
        if t.peer not in wanted:
            continue
        for _, src, dst in _acl_probes(config, t):
            ifc = _source_interface(config, src)
            s, d = src.network_address, dst.network_address
            if str(s) in own:  # the ASA's own inside address: trace a host behind it
                s = s + 1
            out.append(f"packet-tracer input {ifc} icmp {s} 8 0 {d} detailed")
            break
    return tuple(dict.fromkeys(out))[:MAX_TRACES]


@check("ASA_PACKET_TRACER", needs=TRACER)
def packet_tracer_run(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """Says that packet-tracer was run on the ASA, for which packet, and its verdict (info)."""
    for command, _ in host.raw_of("packet-tracer input*"):
        traces = host.models(PACKET_TRACE)
        trace = traces[0] if traces else None
        verdict = _verdict(trace)
        lines = [ln for p in (trace.phases if trace else ()) for ln in p.lines[:4]]
        yield Finding(
            code="ASA_PACKET_TRACER",
            severity=Severity.INFO,
            host=host.host,
            peer=None,
            summary=f"packet-tracer (a simulated packet, nothing sent): {verdict}",
            cause=(
                f"vpndiag ran '{command}' on {host.host}: the ASA traced one simulated ICMP echo "
                "of the tunnel's interesting traffic through its configuration (routing, NAT, "
                "VPN encrypt) without sending it. On a real ASA a trace into a tunnel that is "
                "down may start IKE for it, as the first real packet would."
            ),
            evidence=unique(
                [*lines, f"Action: {trace.action}" if trace and trace.action else ""], 24
            ),
            next_steps=(f"{command.split(' detailed')[0]} detailed",),
            step=Step.INTERESTING_TRAFFIC,
            source=Source.STATE,
        )
        return


def _verdict(trace: PacketTrace | None) -> str:
    if trace is None:
        return "no trace read"
    nat = "source translated by NAT, " if trace.translated else ""
    vpn = {True: "VPN encrypt ALLOW", False: "VPN encrypt DROP", None: "no VPN phase"}[
        trace.encrypted
    ]
    action = f"action {trace.action}" if trace.action else "no verdict"
    return f"{nat}{vpn}, {action}" + (f" ({trace.drop_reason})" if trace.drop_reason else "")
