"""The findings of the IKEv2 causes the exchange counters name (``ikev2_counters``): their
summary, cause and next steps, one entry per code; the checks of ``ikev2`` yield them after
those their log and debug lines give."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from nornir_tasks.checks import ikev2_counters as counters
from nornir_tasks.checks.evidence import FleetEvidence, HostEvidence
from nornir_tasks.models.findings import Finding, Step


@dataclass(frozen=True)
class Wording:
    summary: Callable[[str, str], str]  # (host, peer) -> one line
    cause: Callable[[str, str], str]
    check_first: str  # the show commands to compare first
    step: Step = Step.IKE_PHASE1


def debug_steps(peer: str) -> tuple[str, ...]:
    family = "ipv6" if ":" in peer else "ipv4"
    return (
        f"debug crypto condition peer {family} {peer} ; debug crypto ikev2  (ASA: debug crypto "
        "ikev2 protocol 127)",
        "undebug all ; no debug crypto condition all  (always stop it)",
    )


WORDING = {
    "IKEV2_PROPOSAL_MISMATCH": Wording(
        lambda host, peer: f"IKEv2 IKE_SA_INIT with {peer}: no common proposal",
        lambda host, peer: (
            "Neither end's IKEv2 proposals (encryption, integrity/PRF, DH group) "
            "share a transform of each type with the other's, so every IKE_SA_INIT is answered "
            "NO_PROPOSAL_CHOSEN and the IKE SA never forms. The proposals quoted show the difference."
        ),
        "show crypto ikev2 proposal ; show crypto ikev2 policy  (both ends)",
    ),
    "IKEV2_CHILD_PROPOSAL_MISMATCH": Wording(
        lambda host, peer: f"IKEv2 child SA with {peer} refused: no common ESP proposal",
        lambda host, peer: (
            "IKE_AUTH is exchanged as often as NO_PROPOSAL_CHOSEN comes back: the "
            "IKE SA is agreed, the IPsec SA is not (transform set, mode or PFS group differ)."
        ),
        "show crypto ipsec transform-set ; show crypto ipsec profile  (both ends)",
        Step.IKE_PHASE2,
    ),
    "IKEV2_AUTH_FAILED": Wording(
        lambda host, peer: f"IKEv2 authentication with {peer} failed (pre-shared keys differ)",
        lambda host, peer: (
            "Each end has a profile matching the other and a key for it, and "
            "IKE_AUTH is answered AUTHENTICATION_FAILED: the keys are not the same (re-enter them "
            "on both ends; a trailing space or a type-7 copy is a classic)."
        ),
        "show run | section crypto ikev2 keyring  (both ends)",
    ),
    "IKEV2_NO_PROFILE": Wording(
        lambda host, peer: f"no IKEv2 profile matches {peer}",
        lambda host, peer: (
            f"{host} refuses IKE_AUTH from {peer} with AUTHENTICATION_FAILED: no "
            "'match identity remote' of its IKEv2 profiles covers the peer's identity, so no "
            "keyring or authentication method applies. Add the peer to the profile (or fix the "
            "identity the peer sends)."
        ),
        "show crypto ikev2 profile  (match identity remote)",
    ),
    "IKEV2_TS_UNACCEPTABLE": Wording(
        lambda host, peer: f"traffic selectors refused between {host} and {peer}",
        lambda host, peer: (
            "The child SA is refused on its traffic selectors (TS_UNACCEPTABLE): a "
            "tunnel interface proposes any/any where the other end's crypto map ACL protects "
            "specific subnets, or the ACLs are not mirror images."
        ),
        "show crypto map ; show access-lists  (both ends)",
        Step.IKE_PHASE2,
    ),
}


def counter_findings(host: HostEvidence, fleet: FleetEvidence, code: str) -> Iterator[Finding]:
    """The findings of ``code`` the counters report on ``host``."""
    words = WORDING[code]
    for v in counters.of_host(host, fleet, code):
        peer = v.reporter.peer
        yield counters.state_finding(
            v,
            words.summary(host.host, peer),
            words.cause(host.host, peer),
            (words.check_first, *debug_steps(peer)),
            words.step,
        )
