"""Which peer a log line concerns: the lines of one IKEv2 session share the peer one of them
names, however far apart in time (IOS-XE debug format, as in
tests/golden/repo_iosxe_debug_ikev2_sa_init_no_response, with time stamps)."""

from __future__ import annotations

from nornir_tasks.checks.logview import attribute
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
