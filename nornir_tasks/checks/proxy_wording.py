"""How IKE_P2_PROXY_MISMATCH is worded: the evidence decides (``phase2`` decides when it fires).

"proxy identities not supported" / error 32 / ASA 713061 name the crypto ACLs; the ASA's
"crypto map policy not found" alone says only that no crypto map entry took the quick mode::

    [IKEv1]Group = 172.16.0.2, IP = 172.16.0.2, Session is being torn down. Reason: crypto map policy not found
"""

from __future__ import annotations

from nornir_tasks.checks.evidence import HostEvidence
from nornir_tasks.checks.logview import PeerEvent, source_of
from nornir_tasks.checks.peers import debug_steps
from nornir_tasks.checks.quote import event_lines, unique
from nornir_tasks.models.findings import Finding, Severity, Source, Step

PROXY_STEPS = (
    "show crypto map  (the ACL of each entry, on both ends)",
    "show access-lists <crypto ACL>  (each must be the other's mirror)",
    "show crypto ipsec sa  (local ident / remote ident)",
)


def proxy_finding(
    host: HostEvidence,
    peer: str,
    name: str,
    cause: str,
    evidence: list[str],
    source: Source,
    summary: str | None = None,
) -> Finding:
    return Finding(
        code="IKE_P2_PROXY_MISMATCH",
        severity=Severity.CRITICAL,
        host=host.host,
        peer=peer,
        summary=summary or f"crypto ACLs of {host.host} and {name} are not mirror images",
        cause=cause,
        evidence=unique(evidence, 14),
        next_steps=(*PROXY_STEPS, *debug_steps(peer)),
        step=Step.IKE_PHASE2,
        source=source,
    )


def policy_not_found(event: PeerEvent) -> bool:
    return "crypto map policy not found" in event.text and "proxy" not in event.text


def no_map_entry(host: HostEvidence, peer: str, name: str, events: list[PeerEvent]) -> Finding:
    """ASA "crypto map policy not found" alone: no entry takes this peer's quick mode, and the
    message does not say whether the peer, the ACL or the whole entry is what is missing."""
    return proxy_finding(
        host,
        peer,
        name,
        f"{host.host} tears down quick mode with {peer}: no crypto map entry matches the peer "
        "and the proxy identities it proposes ('crypto map policy not found'). The entry for "
        "this peer lacks 'set peer' or 'match address', sits in a map that is not the one on "
        "the interface, or its ACL is not the mirror of the peer's.",
        event_lines(events, 6),
        source_of(events),
        summary=f"no crypto map entry of {host.host} accepts {name}'s quick mode",
    )
