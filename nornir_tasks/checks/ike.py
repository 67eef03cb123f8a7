"""Phase-1 SA rows seen from the host: which peer, which role, which state.

IOS prints ``dst src`` (responder, initiator of the exchange); the ``detail`` layout and the
ASA print the local and remote ends (the ASA also its role). The state vocabulary is the field
guide's §4.1: IOS ``MM_NO_STATE`` / ``MM_SA_SETUP`` / ``MM_KEY_EXCH``, IOS aggressive mode
``AG_NO_STATE`` / ``AG_INIT_EXCH`` / ``AG_AUTH``, and ASA ``MM_WAIT_MSGn``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from nornir_tasks.models.isakmp import IsakmpSa, IsakmpSaTable


class Role(StrEnum):
    INITIATOR = "initiator"
    RESPONDER = "responder"
    UNKNOWN = "unknown"


# Phase 1 is up in these states (IOS, ASA main mode, ASA aggressive mode).
UP = frozenset({"QM_IDLE", "MM_ACTIVE", "AM_ACTIVE"})
# The initiator sent MSG1 (aggressive mode: AM1) and has heard nothing (IOS, ASA).
WAITING_MSG2 = frozenset({"MM_NO_STATE", "AG_NO_STATE", "MM_WAIT_MSG2", "AM_WAIT_MSG2"})
# Aggressive mode, AM1 and AM2 exchanged but not authenticated. The initiator here got AM2 and
# could not verify the responder's hash with its key: a key mismatch. The responder here sent AM2
# and waits for AM3: the initiator rejected AM2 or never got it (only the initiator tells which).
AM_EXCHANGED = frozenset({"AG_INIT_EXCH"})
# The responder sent MSG2 and MSG3 never came back (IOS responder, ASA).
WAITING_MSG3 = frozenset({"MM_SA_SETUP", "MM_WAIT_MSG3"})
# DH done, authentication fails: a pre-shared key mismatch (IOS, ASA responder/initiator).
KEY_EXCHANGE = frozenset({"MM_KEY_EXCH", "MM_WAIT_MSG5", "MM_WAIT_MSG6"})
# The ASA initiator sent MSG3 and the responder stopped answering: no key/tunnel-group for us.
WAITING_MSG4 = frozenset({"MM_WAIT_MSG4"})


@dataclass(frozen=True)
class IkeRow:
    """One phase-1 SA as this host sees it."""

    peer: str | None
    local: str | None
    state: str
    role: Role
    deleted: bool
    sa: IsakmpSa

    @property
    def up(self) -> bool:
        return self.state in UP and not self.deleted


def _state(sa: IsakmpSa) -> str:
    if sa.state is not None and sa.state != "UNKNOWN":
        return str(sa.state)
    return sa.state_text or "UNKNOWN"


def _common_end(sas: Sequence[IsakmpSa]) -> str | None:
    """With two or more rows, the address on every row is this host's."""
    counts = Counter(a for sa in sas for a in {sa.dst, sa.src} if a)
    common = [a for a, n in counts.items() if n == len(sas)]
    return common[0] if len(sas) > 1 and len(common) == 1 else None


def _ios_row(sa: IsakmpSa, mine: frozenset[str]) -> IkeRow:
    state = _state(sa)
    if sa.src in mine:
        return IkeRow(sa.dst, sa.src, state, Role.INITIATOR, sa.deleted, sa)
    if sa.dst in mine:
        return IkeRow(sa.src, sa.dst, state, Role.RESPONDER, sa.deleted, sa)
    # Own addresses unknown: MM_NO_STATE / AG_NO_STATE is the initiator's view (the responder
    # answers at once).
    role = Role.INITIATOR if state in WAITING_MSG2 else Role.UNKNOWN
    return IkeRow(sa.dst, sa.src, state, role, sa.deleted, sa)


def _row(sa: IsakmpSa, mine: frozenset[str]) -> IkeRow:
    if sa.remote is not None:
        role = {"initiator": Role.INITIATOR, "responder": Role.RESPONDER}.get(
            (sa.role or "").lower(), Role.UNKNOWN
        )
        return IkeRow(sa.remote, sa.local, _state(sa), role, sa.deleted, sa)
    return _ios_row(sa, mine)


def ike_rows(tables: Sequence[IsakmpSaTable], addresses: frozenset[str]) -> tuple[IkeRow, ...]:
    """Every phase-1 SA of the tables, with peer and role resolved against ``addresses``."""
    sas = [sa for table in tables for sa in table.sas if not sa.ipv6]
    common = _common_end([sa for sa in sas if sa.remote is None])
    mine = addresses | {common} if common else addresses
    return tuple(_row(sa, mine) for sa in sas)
