"""Log streams: the diagnosed evidence in every debug capture, syslog kinds, contract cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from nornir_tasks.models.logs import EventKind, FsmStep, LogEvent, LogStream
from nornir_tasks.parsers import ParseError, parse

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
K = EventKind


def _stream(case: str, command: str = "debug crypto isakmp") -> LogStream:
    result = parse(command, (GOLDEN / case / "raw.txt").read_text())
    assert isinstance(result, LogStream)
    return result


def _of(stream: LogStream, kind: EventKind) -> list[LogEvent]:
    return [e for e in stream.events if e.kind is kind]


def test_asa_initiator_fsm_history_ends_in_mm_wait_msg2() -> None:
    stream = _stream("debug_asa_mm_wait_msg2_initiator_fsm_history")
    (event,) = _of(stream, K.FSM_ERROR_HISTORY)
    assert (event.peer, event.time) == ("123.123.123.123", "Jan 24 09:02:44")
    assert (event.new_state, event.old_state) == ("MM_DONE", "MM_WAIT_MSG2")
    assert event.fsm_history[:3] == (
        FsmStep("MM_DONE", "EV_ERROR"),
        FsmStep("MM_WAIT_MSG2", "EV_RETRY"),
        FsmStep("MM_WAIT_MSG2", "EV_TIMEOUT"),
    )
    assert {s.event for s in event.fsm_history} >= {"EV_TIMEOUT", "EV_RETRY", "EV_RESEND_MSG"}


def test_ios_pfs_mismatch_shows_p1_complete_then_proposal_not_chosen() -> None:
    stream = _stream("debug_ios_pfs_mismatch_paranoid_keepalives")
    assert len(_of(stream, K.ENCRYPTION_MISMATCH)) == 1  # priority 3 policy rejected
    assert len(_of(stream, K.ATTS_NOT_ACCEPTABLE)) == len(_of(stream, K.ATTS_ACCEPTABLE)) == 1
    states = [e.new_state for e in _of(stream, K.STATE_CHANGE)]
    assert "IKE_P1_COMPLETE" in states and states[-1] == "IKE_DEST_SA"
    (auth,) = _of(stream, K.SA_AUTHENTICATED)
    assert (auth.peer, auth.conn_id) == ("77.77.77.77", 9577)
    (notify,) = _of(stream, K.PROPOSAL_NOT_CHOSEN)
    assert notify.line == "ISAKMP:(9577): processing NOTIFY PROPOSAL_NOT_CHOSEN protocol 3"
    assert (notify.reason, notify.conn_id) == ("received", 9577)
    assert len(_of(stream, K.NO_PARANOID_KEEPALIVES)) == 1
    deleted = _of(stream, K.SA_DELETED)
    assert deleted and deleted[0].peer == "77.77.77.77" and deleted[0].reason == "No reason"


def test_iosxe_no_preshared_key_names_the_peer() -> None:
    stream = _stream("debug_iosxe_no_preshared_key_for_peer")
    first = _of(stream, K.NO_PSK)[0]
    assert first.peer == "203.0.113.1"
    assert (
        first.line == "*Oct 25 18:50:01.497: ISAKMP-ERROR: (0):No pre-shared key with 203.0.113.1!"
    )
    assert (first.time, first.conn_id) == ("*Oct 25 18:50:01.497", 0)
    assert any("Can not start Main mode" in e.line for e in stream.events)
    assert not any("sending packet" in e.line for e in stream.events)
    assert _of(stream, K.TEXT)[0].line.startswith("spoke1#ping")


def test_iosxe_responder_rejects_phase2_proxy_ids() -> None:
    stream = _stream("debug_iosxe_phase2_policy_not_acceptable_responder")
    assert len(_of(stream, K.ATTS_ACCEPTABLE)) == 1  # the transform itself matched
    rejected = _of(stream, K.P2_POLICY_REJECTED)
    assert [e.message for e in rejected] == [
        "IPSec policy invalidated proposal with error 32",
        "phase 2 SA policy not acceptable! (local 203.0.113.1 remote 203.0.113.30)",
    ]
    assert rejected[1].peer == "203.0.113.30"
    (notify,) = _of(stream, K.PROPOSAL_NOT_CHOSEN)
    assert notify.reason == "sent"
    assert notify.detail == ("spi 9223503292995197928, message ID = 1148084868",)
    # The leading bare "Hub-RTR#" prompt is dropped; the typed config commands stay as text.
    assert stream.events[0].line.startswith("*Oct 25 20:36:32.888: ISAKMP: (1003):Node")
    assert _of(stream, K.TEXT)[0].line == "Hub-RTR#conf t"


def test_syslog_with_sequence_numbers_and_eem_action() -> None:
    stream = _stream("lab_ios_logging_eem_marker_loopback", "show logging")
    first = stream.events[0]
    assert (first.seq, first.time, first.facility, first.severity, first.mnemonic) == (
        1850,
        "May 17 18:06:42.919 UTC",
        "LINEPROTO",
        5,
        "UPDOWN",
    )
    (eem,) = _of(stream, K.EEM_LOG)
    assert eem.message == (
        "P09_EEM_LOOP99_DOWN: P09_PHASE5_EEM_LINK_DOWN_DETECTED on HQ-RTR1 Loopback99"
    )


def test_show_logging_header_is_captured() -> None:
    stream = _stream("ntc_ios_logging_header_and_buffer", "show logging")
    assert stream.buffer_bytes == 16384
    assert stream.header[0].startswith("Syslog logging: enabled")
    assert len(stream.events) == 4 and stream.complete
    cut_wrap, second = stream.events[0], stream.events[1]
    assert (cut_wrap.seq, cut_wrap.time, cut_wrap.mnemonic) == (None, None, "UPDOWN")
    assert (second.seq, second.time, second.severity) == (22701, "Jun 19 03:02:31", 5)


def test_invalid_spi_after_clear_and_responder_restart() -> None:
    stream = _stream("lab_iosxe_debug_invalid_spi_after_clear")
    (spi,) = _of(stream, K.INVALID_SPI)
    assert (spi.peer, spi.time, spi.facility, spi.severity) == (
        "103.1.1.1",
        "*Oct 24 04:31:10.058",
        "CRYPTO",
        4,
    )
    (state,) = _of(stream, K.STATE_CHANGE)
    assert (state.old_state, state.new_state, state.conn_id) == ("IKE_READY", "IKE_R_MM1", 0)


def test_asa_syslog_debug_retransmission() -> None:
    stream = _stream("tunnelsup_asa_syslog_mm_wait_msg4_invalid_cookie", "show logging")
    assert len(stream.events) == 12
    (resend,) = _of(stream, K.RETRANSMIT)
    assert (resend.facility, resend.severity, resend.mnemonic) == ("ASA", 7, "713236")
    assert (resend.peer, resend.time) == ("233.22.22.233", "Jun 10 2010 17:36:13")
    last = stream.events[-1]
    assert (last.kind, last.time, last.peer) == (K.DEBUG, "Jun 10 17:36:13", "233.22.22.233")


LINES = {
    "ISAKMP:(1001):Old State = IKE_I_MM1  New State = IKE_I_MM2": (K.STATE_CHANGE, None),
    "ISAKMP (0): retransmitting phase 1 MM_NO_STATE...": (K.RETRANSMIT, None),
    "ISAKMP:(0):phase 1 packet is a duplicate of a previous packet.": (K.DUPLICATE_PACKET, None),
    "ISAKMP:(0):atts are not acceptable. Next payload is 3": (K.ATTS_NOT_ACCEPTABLE, None),
    "ISAKMP:(0):Hash algorithm offered does not match policy!": (K.HASH_MISMATCH, None),
    "ISAKMP:(0): No pre-shared key with 10.1.1.1!": (K.NO_PSK, "10.1.1.1"),
    "IPSEC(validate_transform_proposal): proxy identities not supported": (
        K.PROXY_ID_MISMATCH,
        None,
    ),
    "ISAKMP:(0):phase 1 SA policy not acceptable! (local 10.0.0.1 remote 10.1.1.1)": (
        K.P1_POLICY_REJECTED,
        "10.1.1.1",
    ),
    'ISAKMP:(0):deleting SA reason "Death by retransmission P1" state (I) MM_NO_STATE '
    "(peer 10.1.1.1)": (K.DEATH_BY_RETRANSMISSION, "10.1.1.1"),
    "%CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from 10.1.1.1 failed its sanity check or is "
    "malformed": (K.BAD_MESSAGE, "10.1.1.1"),
    "%CRYPTO-4-PKT_REPLAY_ERR: decrypt: replay check failed connection id=12": (
        K.REPLAY_ERROR,
        None,
    ),
    "%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Main mode failed with peer at 10.1.1.1": (
        K.MODE_FAILURE,
        "10.1.1.1",
    ),
    "%CRYPTO-4-IKMP_NO_SA: IKE message from 10.1.1.1 has no SA and is not an initialization "
    "offer": (K.NO_SA, "10.1.1.1"),
    "%CRYPTO-5-SESSION_STATUS: Crypto tunnel v2 is UP.  Peer 10.1.1.1:500       Id: 10.1.1.1": (
        K.SESSION_UP,
        "10.1.1.1",
    ),
    "%CRYPTO-5-SESSION_STATUS: Crypto tunnel is DOWN. Peer 10.1.1.1:500 Id: 10.1.1.1": (
        K.SESSION_DOWN,
        "10.1.1.1",
    ),
    "%CRYPTO-5-IKEV2_SESSION_STATUS: Crypto tunnel v2 is DOWN.  Peer 10.1.1.1:500       Id: "
    "10.1.1.1": (K.SESSION_DOWN, "10.1.1.1"),
    "%CRYPTO-5-IKEV2_SESSION_STATUS: Crypto tunnel v2 is UP.  Peer 10.1.1.1:500       Id: "
    "10.1.1.1": (K.SESSION_UP, "10.1.1.1"),
    "*Mar  1 00:12:33.123: %TRACK-6-STATE: 10 ip sla 10 reachability Up -> Down": (
        K.TRACK_STATE,
        None,
    ),
    # the notify is read from the payload list under the packet line, not from the line itself
    "IKEv2:(SESSION ID = 1,SA ID = 1):Received Packet [From 10.1.1.1:500/To 10.0.0.1:500/VRF "
    "i0:f0] NO_PROPOSAL_CHOSEN": (K.IKEV2_PACKET, "10.1.1.1"),
    "Nov 26 10:00:01 [IKEv1]: IP = 10.1.1.1, Duplicate first packet detected.  Ignoring packet.": (
        K.DUPLICATE_PACKET,
        "10.1.1.1",
    ),
    "%ASA-5-713904: IP = 10.1.1.1, All IPSec SA proposals found unacceptable!": (
        K.P2_POLICY_REJECTED,
        "10.1.1.1",
    ),
    "%LINK-3-UPDOWN: Interface GigabitEthernet0/0, changed state to down": (K.SYSLOG, None),
    "ISAKMP:(1001): processing vendor id payload": (K.DEBUG, None),
    "Type escape sequence to abort.": (K.TEXT, None),
}


@pytest.mark.parametrize("line", list(LINES))
def test_line_kinds_and_peers(line: str) -> None:
    (event,) = parse("show logging", line).events
    assert (event.kind, event.peer) == LINES[line]
    assert event.line == line


def test_track_state_and_ikev2_ids() -> None:
    text = "*Mar  1 00:12:33.123: %TRACK-6-STATE: 10 ip sla 10 reachability Up -> Down"
    (track,) = parse("show logging", text).events
    assert (track.reason, track.old_state, track.new_state) == (
        "10 ip sla 10 reachability",
        "Up",
        "Down",
    )
    assert (track.time, track.severity) == ("*Mar  1 00:12:33.123", 6)
    ikev2 = "IKEv2:(SESSION ID = 3,SA ID = 7):Sending Packet [To 10.1.1.1:500/From 10.0.0.1:500]"
    # the session id ties a negotiation's lines together (the SA id is 1 in every session)
    assert parse("debug crypto ikev2", ikev2).events[0].conn_id == 3


def test_contract_cases() -> None:
    empty = parse("show logging", "")
    assert (empty.events, empty.header, empty.complete) == ((), (), True)
    with pytest.raises(ParseError):
        parse(
            "debug crypto isakmp",
            "R1#debug crypto isakmpp\n% Invalid input detected at '^' marker.",
        )
    # A CLI error inside a stream with real events is kept as text, not raised.
    mixed = parse("show logging", "% Invalid input detected at '^' marker.\n%LINK-3-UPDOWN: x")
    assert [e.kind for e in mixed.events] == [K.TEXT, K.SYSLOG]
    header = (GOLDEN / "ntc_ios_logging_header_and_buffer" / "raw.txt").read_text()
    cut = parse("show logging", header[: header.index("Log Buffer")])
    assert cut.events == () and not cut.complete


def test_crlf_paging_and_echo_are_ignored() -> None:
    raw = (GOLDEN / "debug_iosxe_phase2_policy_not_acceptable_responder" / "raw.txt").read_text()
    lines = raw.splitlines()
    lines[12] = " --More-- \b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b" + lines[12]
    noisy = "Hub-RTR#show logging\r\n" + "\r\n".join(line + " " for line in lines) + "\r\n"
    assert parse("show logging", noisy) == parse("show logging", raw)
