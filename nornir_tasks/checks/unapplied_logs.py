"""CRYPTO_MAP_NOT_APPLIED read from the ASA's own words when IKE meets no crypto map::

Feb 16 13:36:40 [IKEv1]: IP = 206.54.167.110, No crypto map bound to interface... dropping pkt
"""

from __future__ import annotations

from collections.abc import Iterator

from nornir_tasks.checks.evidence import HostEvidence
from nornir_tasks.checks.logview import source_of
from nornir_tasks.checks.peers import of_kind
from nornir_tasks.checks.quote import event_lines, unique
from nornir_tasks.models.findings import Finding, Severity, Step
from nornir_tasks.models.logs import EventKind


def unapplied_logs(host: HostEvidence, known: set[str | None]) -> Iterator[Finding]:
    """ASA ``No crypto map bound to interface... dropping pkt``: the peer's IKE arrives on an
    interface without a crypto map (said once per peer, unless the state already named it)."""
    events = of_kind(list(host.events), EventKind.NO_CRYPTO_MAP)
    for peer in dict.fromkeys(e.peer for e in events):
        if peer in known:
            continue
        mine = [e for e in events if e.peer == peer]
        yield Finding(
            code="CRYPTO_MAP_NOT_APPLIED",
            severity=Severity.CRITICAL,
            host=host.host,
            peer=peer,
            summary=f"IKE from {peer or 'the peer'} arrives where no crypto map is applied",
            cause=(
                f"{host.host} drops IKE from {peer or 'the peer'}: the interface it arrives on has "
                "no crypto map ('No crypto map bound to interface'). The map is applied to no "
                "interface or to another one than the one facing the peer."
            ),
            evidence=unique(event_lines(mine, 3)),
            next_steps=(
                "show crypto map  ('Interfaces using crypto map' / 'crypto map X interface')",
                "crypto map <name> interface <interface facing the peer>",
            ),
            step=Step.INTERESTING_TRAFFIC,
            source=source_of(mine),
        )
