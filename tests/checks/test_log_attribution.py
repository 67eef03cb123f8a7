"""Which peer a log line concerns: the lines of one IKEv2 session share the peer one of them
names, however far apart in time (IOS-XE debug format, as in
tests/golden/repo_iosxe_debug_ikev2_sa_init_no_response, with time stamps)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nornir_tasks.checks import diagnose
from nornir_tasks.checks.logview import attribute
from nornir_tasks.diagnose import Capture, fleet_from_captures
from nornir_tasks.models.logs import LogStream
from nornir_tasks.parsers import parse

DEBUG = """\
*Dec  3 10:00:00.100: IKEv2:(SESSION ID = 7,SA ID = 1):Sending Packet [To 198.51.100.66:500/From 203.0.113.82:500/VRF i0:f0]
Initiator SPI : 352F8CB45CC6EE7E - Responder SPI : 0000000000000000 Message id: 0
IKEv2 IKE_SA_INIT Exchange REQUEST
Payload contents:
 SA KE N VID VID VID VID NOTIFY(NAT_DETECTION_SOURCE_IP) NOTIFY(NAT_DETECTION_DESTINATION_IP)

*Dec  3 10:00:31.100: IKEv2:(SESSION ID = 7,SA ID = 1):Retransmitting packet
*Dec  3 10:00:31.200: IKEv2:(SESSION ID = 9,SA ID = 1):Retransmitting packet
"""


def test_an_ikev2_session_keeps_its_peer_across_seconds() -> None:
    stream = parse("debug crypto ikev2", DEBUG)
    assert isinstance(stream, LogStream)
    events = attribute([stream], frozenset({"203.0.113.82"}), {})
    retransmits = [e for e in events if "Retransmitting" in e.event.line]
    assert [(e.event.conn_id, e.peer) for e in retransmits] == [
        (7, "198.51.100.66"),  # the session whose packet line named the peer, 31 s earlier
        (9, None),  # a session no line of this paste ties to a peer
    ]


# Real IOS wording (tests/golden/cisco_ios_ikev2_debug_profile_not_found_dn, Cisco document
# 117337): no line names an address, one has no session id at all.
PROFILE_NOT_FOUND = (
    Path(__file__).parents[1] / "golden" / "cisco_ios_ikev2_debug_profile_not_found_dn" / "raw.txt"
).read_text()
PEER = "192.0.2.10"  # the condition's address is ours: the document does not print its ASA's


def _peers(text: str) -> list[tuple[str, str | None]]:
    stream = parse("debug crypto ikev2", text)
    assert isinstance(stream, LogStream)
    return [(e.kind.value, e.peer) for e in attribute([stream], frozenset(), {})]


def test_lines_that_name_no_peer_are_the_condition_peers() -> None:
    """Under ``debug crypto condition peer ipv4 X`` alone IOS prints only X's lines."""
    assert {p for _, p in _peers(PROFILE_NOT_FOUND)} == {None}
    found = _peers(f"debug crypto condition peer ipv4 {PEER}\n{PROFILE_NOT_FOUND}")
    assert ("ikev2_no_profile", PEER) in found and {p for _, p in found} == {PEER}
    assert "debug_condition" not in {k for k, _ in found}  # the typed line is no event


@pytest.mark.parametrize(
    "typed",
    [
        f"debug crypto condition peer ipv4 {PEER}\ndebug crypto condition peer ipv4 192.0.2.11",
        f"debug crypto condition peer ipv4 {PEER}\ndebug crypto condition unmatched ikev2",
        f"debug crypto condition peer ipv4 {PEER}\nR1#no debug crypto condition all",
    ],
    ids=["two peers", "unmatched lines let through", "cleared"],
)
def test_lines_stay_peerless_when_the_condition_does_not_name_one_peer(typed: str) -> None:
    assert {p for _, p in _peers(f"{typed}\n{PROFILE_NOT_FOUND}")} == {None}


def test_syslog_messages_are_not_the_condition_peers() -> None:
    """The condition filters debug, not syslog (real line: the golden
    repo_iosxe_debug_ikev2_child_no_proposal_chosen's first)."""
    syslog = "*May  2 16:05:40.456: %CRYPTO-6-ISAKMP_ON_OFF: ISAKMP is ON"
    found = _peers(f"debug crypto condition peer ipv4 {PEER}\n{syslog}\n{PROFILE_NOT_FOUND}")
    assert found[0] == ("syslog", None)
    assert {p for _, p in found[1:]} == {PEER}


def test_a_pasted_condition_reaches_the_offline_diagnosis() -> None:
    """``vpndiag diagnose``: the condition typed at its own prompt, the debug at the next."""
    typed = f"R1#debug crypto condition peer ipv4 {PEER}\nR1#debug crypto ikev2\n"
    fleet, _ = fleet_from_captures([Capture("ticket", typed + PROFILE_NOT_FOUND)])
    found = diagnose(fleet)
    assert [(f.host, f.code, f.peer) for f in found] == [("R1", "IKEV2_NO_PROFILE", PEER)]
