"""The log reader on real messages as people paste them, and the message catalogues.

Every message below is quoted from a public source (named above it); where a test joins two of
them on one line, or wraps one, it says so: that is the paste being tested, not a new message.
"""

from __future__ import annotations

import pytest

from nornir_tasks.checks import registered_codes
from nornir_tasks.models.logs import EventKind, LogEvent
from nornir_tasks.parsers import parse
from nornir_tasks.parsers.debug_catalogue import TEXTS, text_entry
from nornir_tasks.parsers.log_catalogue import MESSAGES, lookup
from nornir_tasks.parsers.log_lines import has_message, split_messages

K = EventKind

# Cisco doc 115801 "IPsec %RECVD_PKT_INV_SPI Errors and Invalid SPI Recovery Feature
# Information" (the bxin.cisco.com copy), printed on two lines as the document wraps it.
INV_SPI = (
    "Sep 2 13:27:57.707: %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid "
    "spi for",
    "destaddr=10.10.1.2, prot=50, spi=0xB761863E(3076621886), srcaddr=10.1.1.1",
)
# TunnelsUP "recv errors Cisco ASA VPN tunnel" (2015): debug crypto ipsec 1 on an ASA.
ASA_402116 = (
    "Jan 19 2015 20:00:43: %ASA-4-402116: IPSEC: Received an ESP packet (SPI= 0x76F99C4C, "
    "sequence number= 0x2D) from 93.184.216.34 (user= 93.184.216.34) to 11.11.11.11.  The "
    "decapsulated inner packet doesn't match the negotiated policy in the SA.  The packet "
    "specifies its destination as 10.10.10.11, its source as 10.14.155.11, and its protocol as "
    "icmp.  The SA specifies its local proxy as 10.10.10.11/255.255.255.255/ip/0 and its "
    "remote_proxy as 192.168.60.60/255.255.255.255/ip/0."
)
# TunnelsUP "Troubleshooting VPN between Cisco ASA and Amazon AWS" (2014), ASA 9.2.2.
ASA_713119 = (
    "Dec 04 2014 12:37:51: %ASA-5-713119: Group = 77.88.99.100, IP = 77.88.99.100, PHASE 1 "
    "COMPLETED"
)
ASA_713061 = (
    "Dec 04 2014 12:37:51: %ASA-3-713061: Group = 77.88.99.100, IP = 77.88.99.100, Rejecting "
    "IPSec tunnel: no matching crypto map entry for remote proxy 0.0.0.0/0.0.0.0/0/0 local proxy "
    "0.0.0.0/0.0.0.0/0/0 on interface OUTSIDE"
)
# SEKOIA-IO/documentation, Cisco Secure Firewall integration raw event samples (anonymised by
# the source: 1.1.1.1, 2.2.2.2, HOSTNAME).
FTD_750003_AUTH = (
    "%FTD-4-750003 Local:2.2.2.2:500 Remote:1.1.1.1:500 Username:Username IKEv2 Negotiation "
    "aborted due to ERROR: Failed to authenticate the IKE SA"
)
ASA_750003_TS = (
    "%ASA-4-750003: Local:2.2.2.2:500 Remote:HOSTNAME:500 Username:User1 IKEv2 Negotiation "
    "aborted due to ERROR: There was no IPSEC policy found for received TS"
)
# Network Engineering Stack Exchange question 67085 (IKEv2 tunnel between ASA and Mikrotik):
# a syslog server's line, wrapped by the post after "Username:Unknown ".
ASA_750003_AUTH_WAIT = (
    "Apr  7 13:08:35 asa1.pofp.internal %ASA-4-750003: Local:9.8.7.6:500 Remote:2.3.4.5:500 "
    "Username:Unknown ",
    "IKEv2 Negotiation aborted due to ERROR: Failed to receive the AUTH msg before the timer "
    "expired",
)


def _events(text: str) -> list[LogEvent]:
    return list(parse("show logging", text).events)


def test_a_wrapped_message_is_joined_and_its_fields_read() -> None:
    (event,) = _events("\n".join(INV_SPI))
    assert (event.kind, event.peer, event.time) == (K.INVALID_SPI, "10.1.1.1", "Sep 2 13:27:57.707")
    assert (event.field("spi"), event.field("local"), event.field("protocol")) == (
        "0xB761863E",
        "10.10.1.2",
        "50",
    )


def test_asa_402116_names_the_inner_packet_and_the_sa_proxies() -> None:
    (event,) = _events(ASA_402116)
    assert (event.kind, event.peer, event.severity) == (K.INNER_PACKET_MISMATCH, "93.184.216.34", 4)
    assert event.field("inner_src") == "10.14.155.11"
    assert event.field("inner_dst") == "10.10.10.11"
    assert event.field("remote_proxy") == "192.168.60.60/255.255.255.255/ip/0"
    assert event.field("spi") == "0x76F99C4C"


def test_several_messages_on_one_line_are_each_an_event() -> None:
    # the two AWS messages joined by a space, as a ticket or a web page copy runs them together
    one_line = _events(f"{ASA_713119} {ASA_713061}")
    separate = _events(f"{ASA_713119}\n{ASA_713061}")
    assert [e.kind for e in one_line] == [K.SA_AUTHENTICATED, K.PROXY_ID_MISMATCH]
    assert [(e.fields, e.peer, e.time) for e in one_line] == [
        (e.fields, e.peer, e.time) for e in separate
    ]
    assert one_line[0].line == ASA_713119 and one_line[1].line == ASA_713061
    assert one_line[1].field("remote_proxy") == "0.0.0.0/0.0.0.0/0/0"


def test_quote_and_percent_residue_before_a_message() -> None:
    # the same message as a mail reply quotes it ("> ") and an HTML copy mangles it ("%>")
    (quoted,) = _events(f"> {ASA_713061}")
    (mangled,) = _events(ASA_713061.replace("%ASA", "%>ASA"))
    assert quoted.kind is mangled.kind is K.PROXY_ID_MISMATCH
    assert quoted.peer == mangled.peer == "77.88.99.100"


def test_ikev2_750003_errors_name_their_failure() -> None:
    auth, ts = _events(f"{FTD_750003_AUTH}\n{ASA_750003_TS}")
    assert (auth.kind, auth.facility, auth.mnemonic, auth.peer) == (
        K.IKEV2_AUTH_FAILED,
        "FTD",
        "750003",
        "1.1.1.1",
    )
    assert auth.field("error") == "Failed to authenticate the IKE SA"
    assert (ts.kind, ts.peer) == (K.TS_UNACCEPTABLE, None)  # "Remote:HOSTNAME" is no address
    (wait,) = _events("\n".join(ASA_750003_AUTH_WAIT))
    assert (wait.kind, wait.peer, wait.time) == (K.IKEV2_AUTH_TIMEOUT, "2.3.4.5", "Apr  7 13:08:35")
    assert wait.field("local") == "9.8.7.6"


# Headers in the forms IOS, ASA and syslog servers write, each a real line:
HEADERS = {
    # pastebin.com/qrRQCfiG: a syslog server's own stamp, then the ASA's priority and stamp
    "- Fri Sep 06 14:32:18 2013: <167>Sep 06 2013 14:32:17: %ASA-7-713236: IP = 78.25.120.194, "
    "IKE_DECODE RECEIVED Message (msgid=0) with payloads : HDR + SA (1) + VENDOR (13) + NONE (0) "
    "total length : 348": ("Sep 06 2013 14:32:17", None, "78.25.120.194"),
    # splunk-connect-for-syslog tests, quoting Cisco's RFC 5424 example (ISO 8601, device id)
    "<166>2018-06-27T12:17:46Z asa : %ASA-3-710003: TCP access denied by ACL from "
    "179.236.133.160/8949 to outside:72.142.18.38/23": (
        "2018-06-27T12:17:46Z",
        None,
        "179.236.133.160",  # "from X": the generic peer rule, harmless on a firewall message
    ),
    # a script's sample of "logging device-id hostname" output (code index file 21774360229)
    "Mar 02 2015 08:54:14 asa : %ASA-6-302015: Built outbound UDP connection 1956246 for "
    "outside:8.8.8.8/53 (8.8.8.8/53) to wifi:10.20.0.100/43965 (52.1.119.182/43965)": (
        "Mar 02 2015 08:54:14",
        None,
        None,
    ),
    # lab_ios_logging_eem_marker_loopback: sequence number, milliseconds and time zone
    "001852: May 17 18:06:42.922 UTC: %HA_EM-4-LOG: P09_EEM_LOOP99_DOWN: "
    "P09_PHASE5_EEM_LINK_DOWN_DETECTED on HQ-RTR1 Loopback99": (
        "May 17 18:06:42.922 UTC",
        1852,
        None,
    ),
    # a syslog server's export of IOS messages with the zone glued to the time (code index
    # file 8179465897): priority, sequence number, "*"/"." clock marks, "11:39:35KST:"
    "<189>989470: *Feb  2 11:39:35KST: %CRYPTO-5-IKMP_AG_MODE_DISABLED: Unable to initiate or "
    "respond to Aggressive Mode while disabled": ("*Feb  2 11:39:35KST", 989470, None),
    "<189>1578045: .Mar 26 22:17:36KST: %LINEPROTO-5-UPDOWN: Line protocol on Interface "
    "FastEthernet0/4, changed state to down": (".Mar 26 22:17:36KST", 1578045, None),
    # ntc-templates cisco_ios_show_logging_1.raw: the buffer wrapped inside the first stamp
    "7:04: %LINEPROTO-5-UPDOWN: Line protocol on Interface GigabitEthernet2/0/3, changed state "
    "to down": (None, None, None),
}


@pytest.mark.parametrize("line", list(HEADERS))
def test_every_header_form_gives_time_and_sequence(line: str) -> None:
    (event,) = _events(line)
    assert (event.time, event.seq, event.peer) == HEADERS[line]
    assert event.facility in ("ASA", "HA_EM", "LINEPROTO", "CRYPTO") and event.line == line
    assert has_message(line)


def test_a_debug_line_after_a_header_starts_a_message_but_text_inside_does_not() -> None:
    # debug_iosxe_phase2_policy_not_acceptable_responder: two debug lines joined on one line
    first = (
        "*Oct 25 20:37:02.887: ISAKMP-ERROR: (1003):IPSec policy invalidated proposal with error 32"
    )
    second = (
        "*Oct 25 20:37:02.888: ISAKMP-ERROR: (1003):phase 2 SA policy not acceptable! "
        "(local 203.0.113.1 remote 203.0.113.30)"
    )
    assert [p.text for p in split_messages(f"{first} {second}")] == [first, second]
    assert len(split_messages(ASA_713061)) == 1  # "IP = " inside a syslog message is not a start
    assert split_messages("Type escape sequence to abort.") == []


def test_catalogue_entries_are_unique_sourced_and_name_registered_codes() -> None:
    codes = set(registered_codes())
    for entry in MESSAGES:
        assert entry.source.title and entry.source.url, entry
        assert set(entry.findings) <= codes, entry
        assert lookup(entry.facility, entry.mnemonic) is entry
    for text in TEXTS:
        assert text.source.title and set(text.findings) <= codes, text
        assert text_entry(text.needle) is not None
    assert lookup("FTD", "402116") is lookup("PIX", "402116") is lookup("ASA", "402116")
    assert lookup("CRYPTO", "NO_SUCH_MESSAGE") is None


def test_ip_sla_reactions_are_read() -> None:
    # networkdongle.wordpress.com 2010/03 "IP SLA with TRAPS": the router's log, SNMP lines between
    text = (
        "*Mar 1 00:16:56.339: %RTT-4-OPER_TIMEOUT: condition occurred, entry number = 1\n\n"
        "*Mar 1 00:16:56.375: SNMP: Queuing packet to 192.168.19.135\n"
        "*Mar 1 00:16:56.463: %RTT-3-IPSLATHRESHOLD: IP SLAs(1): Threshold Occurred for timeout"
    )
    timeout, _, threshold = _events(text)
    assert (timeout.kind, timeout.field("sla")) == (K.SLA_THRESHOLD, "1")
    assert (threshold.kind, threshold.field("state"), threshold.field("condition")) == (
        K.SLA_THRESHOLD,
        "Occurred",
        "timeout",
    )


def test_asa_ikev2_debug_strings_name_their_event() -> None:
    # strings an ASA IKEv2 debug analyser matches (code index file 31304400721)
    kinds = {
        "Computed authentication value for peer differs from what peer sent": K.IKEV2_AUTH_FAILED,
        "Peer authentication method configured is mismatching with the method proposed by "
        "peer": K.IKEV2_AUTH_FAILED,
        "Sending authentication failure notify": K.IKEV2_AUTH_FAILED,
        "Can't find tunnel group for peer 10.0.0.2": K.IKEV2_NO_PROFILE,
        "Received no proposal chosen notify": K.IKEV2_NO_PROPOSAL,
        "Failed SA init exchange": K.IKEV2_INIT_FAILED,
        "Failed to receive the AUTH msg before the timer expired": K.IKEV2_AUTH_TIMEOUT,
    }
    for text, kind in kinds.items():
        entry = text_entry(text)
        assert entry is not None and entry.kind is kind, text


def test_an_unknown_message_is_kept_as_syslog() -> None:
    (event,) = _events(HEADERS_LINE_UNKNOWN)
    assert (event.kind, event.facility, event.mnemonic) == (K.SYSLOG, "ASA", "302015")


HEADERS_LINE_UNKNOWN = next(line for line in HEADERS if "302015" in line)


@pytest.mark.parametrize(
    "noise",
    [
        "00:00:00 " * 2000,
        "1: " * 3000,
        "Mar 1 00:00:00 h " * 1000,
        "IP = " * 4000,
        "%A-1-B " * 2000,
    ],
)
def test_a_long_line_of_header_like_noise_is_read_in_linear_time(noise: str) -> None:
    import time

    started = time.perf_counter()
    parse("show logging", noise)
    # the header is looked for in a bounded window before each message head: no backtracking
    # over the whole line (this took 12-22 s before)
    assert time.perf_counter() - started < 3.0
