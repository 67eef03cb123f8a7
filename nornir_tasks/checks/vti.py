"""Protected tunnel interfaces (static VTIs) read from state alone: the IKEv2 form of a down
tunnel when no debug or log line says why.

A VTI negotiates by itself, without traffic (``tunnel protection`` brings IKE up as soon as
the interface is), so "no traffic has tried it" never explains a down VTI: its IKEv2 SA is
missing or stuck in ``IN-NEG``. The state does not say whether proposals, keys or the path are
at fault; the conditional ``debug crypto ikev2`` of ``vpndiag triage`` does (the IKEV2_* codes),
so this stays informational and leaves the tunnel to the triage debug, unless both ends'
exchange counters and configurations name the cause without it (``ikev2_counters``): then the
cause is reported on its end, and this end's note points there.

IKEV2_PSK_MISSING is the one IKEv2 cause only the state and configuration name (a debug shows
it as an authentication failure): the end's keyring holds no key for its peer.
"""

from __future__ import annotations

from collections.abc import Iterator

from nornir_tasks.checks import ikev2_counters as counters
from nornir_tasks.checks import ikev2_natt as natt
from nornir_tasks.checks import pki
from nornir_tasks.checks.admin_down import shut_by_peer
from nornir_tasks.checks.evidence import (
    CONFIG,
    IPSEC,
    ISAKMP,
    SESSION,
    FleetEvidence,
    HostEvidence,
)
from nornir_tasks.checks.flows import carries
from nornir_tasks.checks.peers import sessions
from nornir_tasks.checks.registry import check
from nornir_tasks.checks.tunnels import ikev2_state, tunnel_state, vti_peers
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.models.tunnel_status import TunnelStatus


def _lines(host: HostEvidence, peer: str) -> list[str]:
    """The ``show crypto session`` lines of the tunnel, as the device printed them."""
    out: list[str] = []
    for s in sessions(host, peer):
        out += [f"Interface: {s.interface}", f"Session status: {s.status_text or s.status}"]
    return out


_PHASE1 = (*ISAKMP, "show crypto ikev2 sa*", *SESSION)


def _phase1_unread(host: HostEvidence, peer: str) -> bool:
    """IPsec SAs to ``peer`` and no phase-1 output at all (a pasted ``show crypto ipsec sa``):
    an IPsec SA exists only once IKE came up, so nothing says this tunnel is down. A paste cut
    before the SPI lines still shows the SA by its counters (``#pkts encaps: 9010618``)."""
    return not any(host.has(name) for name in _PHASE1) and any(
        f.current_peer == peer and carries(f) for f in host.flows
    )


@check("IKEV2_VTI_DOWN", needs=IPSEC + SESSION)
def vti_down(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """A protected tunnel interface is down: its IKEv2 negotiation fails (triage says why)."""
    for peer in dict.fromkeys(vti_peers(host)):
        if tunnel_state(host, peer) is TunnelStatus.UP or host.events_for(peer):
            continue  # up, or log/debug lines are there for the IKEV2_* checks to read
        if _phase1_unread(host, peer):
            continue
        if counters.reported_here(host, peer, fleet) or counters.explained_elsewhere(
            host, peer, fleet
        ):
            continue  # the counters name the cause (EXPLAINED_AT_PEER points to the far end)
        if shut_by_peer(host, peer, fleet):
            continue  # TUNNEL_ADMIN_DOWN on the far end (EXPLAINED_AT_PEER points there)
        if natt.reported_here(host, peer, fleet) or pki.explains(host, peer, fleet):
            continue  # IKEV2_NAT_T_BLOCKED or IKEV2_CERT_EXPIRED names it
        state = ikev2_state(host, peer)
        yield Finding(
            code="IKEV2_VTI_DOWN",
            severity=Severity.INFO,
            host=host.host,
            peer=peer,
            summary=f"tunnel interface to {peer} is down: IKEv2 "
            + ("stuck negotiating (IN-NEG)" if state == "IN-NEG" else "has no SA"),
            cause=(
                f"{host.host} protects a tunnel interface toward {peer}; a VTI negotiates "
                "without traffic, so it is down because IKEv2 fails (proposal, key or identity, "
                "or the path). The state alone does not say which: a conditional debug does."
            ),
            evidence=tuple(_lines(host, peer)),
            next_steps=(
                f"vpndiag triage {host.host} --peer {peer}  (debug crypto ikev2 on both ends)",
                "show crypto ikev2 sa ; show crypto session detail  (both ends)",
            ),
            step=Step.IKE_PHASE1,
            source=Source.STATE,
        )


@check("IKEV2_PSK_MISSING", needs=counters.STATS + CONFIG)
def psk_missing(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """This end's IKEv2 keyring has no pre-shared key for a peer its profile authenticates."""
    for v in counters.of_host(host, fleet, "IKEV2_PSK_MISSING"):
        yield counters.state_finding(
            v,
            f"no IKEv2 pre-shared key for {v.reporter.peer} on {host.host}",
            f"IKE_AUTH with {v.reporter.peer} is answered AUTHENTICATION_FAILED: the IKEv2 "
            f"profile of {host.host} authenticates the peer with a pre-shared key and its "
            "keyring has no 'peer' block whose address covers it, so there is no key to "
            "verify (or compute) AUTH with. Add the peer and its key to the keyring.",
            (
                "show run | section crypto ikev2 keyring  (a peer block for the address?)",
                "show crypto ikev2 profile  (keyring local ...)",
            ),
        )
