"""What an ASA logs when the IKE engine reaches a step of an exchange, in the ASA's own words.

The engine names the step (``notify(device, "p1_done", peer, ...)``); this table gives the
ASA's messages for it as (severity, message id, text). A message id of ``""`` is a line seen
only in the ASA's IKEv1 debug output (``[IKEv1]: ...``), not as a numbered syslog. Every
text is copied from a real capture in the shared golden cases:

- ``tunnelsup_asa_debug_successful_l2l_initiator``: 713041 (New Phase 1), 713119 (PHASE 1
  COMPLETED), 713049 (Security negotiation complete), 602303 (SA created), 713120 (PHASE 2
  COMPLETED);
- ``tunnelsup_asa_syslog_aws_no_matching_crypto_map``: 713061 (no matching crypto map entry)
  and 713902 (QM FSM error) on the responder;
- ``debug_asa_mm_wait_msg2_initiator_fsm_history``: the initiator's FSM history after its
  retransmissions ran out;
- a forum paste (code index file 27011369093): ``Can't find a valid tunnel group,
  aborting...!`` when no tunnel group holds a key for the peer;
- ``All IPSec SA proposals found unacceptable!``: named in an ASA troubleshooting table
  (code index file 56855883527); its message id was not found, so it is a debug line here.

The ASA writes 713902 for a quick mode its peer refused too; the capture shows it on a
responder, the initiator's line is the lab's reading. Nothing else is made up: steps without
a captured message log nothing on an ASA.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from lab.configtree import ConfigTree
from lab.sadb import IkeSa, P1State

# The ASA names an IKEv1 SA by the message it waits for (initiator sent MM1: waits for MM2).
_INITIATOR = {
    P1State.MM_NO_STATE: "MM_WAIT_MSG2",
    P1State.MM_SA_SETUP: "MM_WAIT_MSG4",
    P1State.MM_KEY_EXCH: "MM_WAIT_MSG6",
    P1State.QM_IDLE: "MM_ACTIVE",
    P1State.AG_NO_STATE: "AM_WAIT_MSG2",
    P1State.AG_AUTH: "AM_ACTIVE",
}
_RESPONDER = {
    P1State.MM_NO_STATE: "MM_WAIT_MSG3",
    P1State.MM_SA_SETUP: "MM_WAIT_MSG3",
    P1State.MM_KEY_EXCH: "MM_WAIT_MSG5",
    P1State.QM_IDLE: "MM_ACTIVE",
    P1State.AG_INIT_EXCH: "AM_WAIT_MSG3",
}


def asa_state(sa: IkeSa) -> str:
    if sa.aggressive and sa.state == P1State.QM_IDLE:
        return "AM_ACTIVE"
    table = _INITIATOR if sa.role == "I" else _RESPONDER
    return table.get(sa.state, "MM_WAIT_MSG2")


Message = tuple[int, str, str]  # severity, message id ("" = debug only), text

_LEVELS = {
    "emergencies": 0,
    "alerts": 1,
    "critical": 2,
    "errors": 3,
    "warnings": 4,
    "notifications": 5,
    "informational": 6,
    "debugging": 7,
}


def buffered_level(tree: ConfigTree) -> int | None:
    """The highest severity ``logging buffered`` keeps, or None without ``logging enable``."""
    if not tree.has_line("logging enable"):
        return None
    for line in tree.lines_starting("logging buffered "):
        word = line.split()[2]
        return int(word) if word.isdigit() else _LEVELS.get(word)
    return None


def _who(peer: str) -> str:
    return f"Group = {peer}, IP = {peer}"


def _fsm_history(state: str) -> str:
    return (
        f"IP = {{peer}}, IKE MM Initiator FSM error history (struct &0xafd4cc28)  <state>, "
        f"<event>:  MM_DONE, EV_ERROR-->{state}, EV_RETRY-->{state}, EV_TIMEOUT-->{state}, "
        f"NullEvent-->MM_SND_MSG1, EV_SND_MSG-->MM_SND_MSG1, EV_START_TMR-->MM_SND_MSG1, "
        f"EV_RESEND_MSG-->{state}, EV_RETRY"
    )


def _p2_done(peer: str, f: Mapping[str, str]) -> list[Message]:
    who = _who(peer)
    spi_in, spi_out = int(f["spi_in"]), int(f["spi_out"])
    sa = "IPSEC: An {0} LAN-to-LAN SA (SPI= 0x{1:08X}) between {2} and {3} (user= {3}) has been created."
    return [
        (
            5,
            "713049",
            f"{who}, Security negotiation complete for LAN-to-LAN Group ({peer})  {f['role']}, "
            f"Inbound SPI = 0x{spi_in:08x}, Outbound SPI = 0x{spi_out:08x}",
        ),
        (6, "602303", sa.format("outbound", spi_out, f["local"], peer)),
        (6, "602303", sa.format("inbound", spi_in, f["local"], peer)),
        (5, "713120", f"{who}, PHASE 2 COMPLETED (msgid={int(f['mid']):08x})"),
    ]


def _qm_error(peer: str, f: Mapping[str, str]) -> Message:
    text = f"QM FSM error (P2 struct &0x00007fff33763a70, mess id 0x{int(f['mid']):x})!"
    return (3, "713902", f"{_who(peer)}, {text}")


def _p1_start(peer: str, f: Mapping[str, str]) -> list[Message]:
    text = (
        f"IP = {peer}, IKE Initiator: New Phase 1, Intf {f['intf']}, IKE Peer {peer}  "
        f"local Proxy Address {f['local_proxy']}, remote Proxy Address "
        f"{f['remote_proxy']},  Crypto map ({f['map']})"
    )
    return [(5, "713041", text)]


def _qm_no_map(peer: str, f: Mapping[str, str]) -> list[Message]:
    text = (
        f"{_who(peer)}, Rejecting IPSec tunnel: no matching crypto map entry for remote proxy "
        f"{f['remote_proxy']}/0/0 local proxy {f['local_proxy']}/0/0 on interface {f['intf']}"
    )
    return [(3, "713061", text), _qm_error(peer, f)]


_EVENTS: dict[str, Callable[[str, Mapping[str, str]], list[Message]]] = {
    "p1_start": _p1_start,
    "p1_done": lambda peer, f: [(5, "713119", f"{_who(peer)}, PHASE 1 COMPLETED")],
    "no_group": lambda peer, f: [
        (3, "", f"{_who(peer)}, Can't find a valid tunnel group, aborting...!")
    ],
    "p1_dead": lambda peer, f: [(7, "", _fsm_history(f["state"]).replace("{peer}", peer))],
    "qm_no_map": _qm_no_map,
    "qm_proposal": lambda peer, f: [
        (3, "", f"{_who(peer)}, All IPSec SA proposals found unacceptable!"),
        _qm_error(peer, f),
    ],
    "qm_refused": lambda peer, f: [_qm_error(peer, f)],
    "p2_done": _p2_done,
}


def asa_messages(event: str, peer: str, f: Mapping[str, str]) -> list[Message]:
    """The ASA's messages for one step of an exchange with ``peer`` (fields ``f``)."""
    build = _EVENTS.get(event)
    return build(peer, f) if build else []
