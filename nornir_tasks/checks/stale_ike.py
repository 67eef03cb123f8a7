"""IKE_NO_SA from the log: the peer talks to an IKE SA this host no longer has::

    %CRYPTO-4-IKMP_NO_SA: IKE message from 10.1.1.1 has no SA and is not an initialization offer

Said at warning; at info when the same log then shows the session with that peer up (an Easy
VPN client logs one while it reconnects). ``cryptomap.ike_no_sa`` reports it beside the
state-based form.
"""

from __future__ import annotations

from collections.abc import Iterator

from nornir_tasks.checks.evidence import HostEvidence
from nornir_tasks.checks.logview import PeerEvent, source_of
from nornir_tasks.checks.peers import of_kind
from nornir_tasks.checks.quote import event_lines, unique
from nornir_tasks.models.findings import Finding, Severity, Step
from nornir_tasks.models.logs import EventKind


def stale_sa_findings(host: HostEvidence) -> Iterator[Finding]:
    stale = of_kind(list(host.events), EventKind.NO_SA)
    for peer in dict.fromkeys(e.peer for e in stale if e.peer):
        mine = [e for e in stale if e.peer == peer]
        yield _stale_sa(host, peer, mine, _came_up_after(host, peer, mine))


def _came_up_after(host: HostEvidence, peer: str, mine: list[PeerEvent]) -> bool:
    """The same log shows the session with ``peer`` up after the last stale-SA message (an
    Easy VPN client logs one while it reconnects): nothing is left to fix."""
    events = [e.event for e in host.events]
    if not mine or any(e.event not in events for e in mine):
        return False
    last = max(events.index(e.event) for e in mine)
    later = host.events[last + 1 :]
    return any(e.peer == peer and e.kind is EventKind.SESSION_UP for e in later)


def _stale_sa(host: HostEvidence, peer: str, events: list[PeerEvent], healed: bool) -> Finding:
    """The peer talks to an IKE SA this host deleted."""
    return Finding(
        code="IKE_NO_SA",
        severity=Severity.INFO if healed else Severity.WARNING,
        host=host.host,
        peer=peer,
        summary=f"{peer} sends IKE messages for an SA {host.host} no longer has"
        + (" (the session then came up)" if healed else ""),
        cause=(
            f"{peer} still uses an IKE SA that {host.host} has deleted (one end was cleared or "
            "rebooted): its messages are dropped until it starts a new main mode. Without DPD "
            "the stale end can black-hole traffic for the SA lifetime."
            + (f" Here the log then shows the session with {peer} up: resolved." if healed else "")
        ),
        evidence=unique(event_lines(events, 4)),
        next_steps=(
            f"on {peer}: clear crypto isakmp / clear crypto session remote <{host.host}'s address>",
            "crypto isakmp keepalive 10 3 periodic  (both ends)",
            "crypto isakmp invalid-spi-recovery",
        ),
        step=Step.TERMINATION,
        source=source_of(events),
    )
