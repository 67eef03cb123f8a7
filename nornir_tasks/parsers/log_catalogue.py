"""The syslog message catalogue: what each crypto-relevant message means, the fields it carries,
the finding it supports, and where that was read.

Samples (IOS, IOS-XE, ASA, FTD)::

    *Sep  2 13:27:57.707: %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi
        for destaddr=10.10.1.2, prot=50, spi=0xB761863E(3076621886), srcaddr=10.1.1.1
    Jan 19 2015 20:00:43: %ASA-4-402116: IPSEC: Received an ESP packet (SPI= 0x76F99C4C, ...
    %FTD-4-750003 Local:2.2.2.2:500 Remote:1.1.1.1:500 Username:Username IKEv2 Negotiation ...

One table, looked up by (facility, mnemonic); ASA, FTD and PIX share the ASA numbers. A
message not in the table is still an event (kind ``syslog``); debug lines are the other table,
``nornir_tasks.parsers.debug_catalogue``. Meanings are ours, written from the sources named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nornir_tasks.models.logs import EventKind

K = EventKind


@dataclass(frozen=True)
class Source:
    """Where an entry's wording and meaning were read (``confirmed``: the message text itself
    was seen there; False: the message is known from practice and the page only discusses it)."""

    title: str
    url: str
    confirmed: bool = True


@dataclass(frozen=True)
class Message:
    """One syslog message: ``%FACILITY-SEVERITY-MNEMONIC``."""

    facility: str
    mnemonic: str
    kind: EventKind
    meaning: str
    findings: tuple[str, ...]
    source: Source
    pattern: re.Pattern[str] | None = None  # named groups are the fields it carries

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.pattern.groupindex) if self.pattern else ()


_V4 = r"\d{1,3}(?:\.\d{1,3}){3}"
_ADDR = r"[0-9A-Fa-f:.]+?"  # v4 or v6, ended by the ":port" that follows
_ASA_VPN = ("ASA", "FTD", "PIX")  # one numbering for the three

DOC_5409 = Source(
    "IPsec Troubleshooting: Understanding and Using debug Commands (Cisco Doc ID 5409)",
    "https://www.cisco.com/c/en/us/support/docs/security-vpn/ipsec-negotiation-ike-protocols/"
    "5409-ipsec-debug-00.html",
)
DOC_115801 = Source(
    "IPsec %RECVD_PKT_INV_SPI Errors and Invalid SPI Recovery Feature Information (Cisco Doc ID "
    "115801)",
    "https://www.cisco.com/c/en/us/support/docs/security-vpn/ipsec-negotiation-ike-protocols/"
    "115801-ipsec-spi-errors-technologies-tech-note-00.html",
)
DOC_116858 = Source(
    "IPsec anti-replay check failures (Cisco Doc ID 116858)",
    "https://www.cisco.com/c/en/us/support/docs/ip/internet-key-exchange-ike/"
    "116858-problem-replay-00.html",
)
CISCONEWS = Source(
    "Site to site VPN errors on routers (cisconews.co.uk)",
    "http://cisconews.co.uk/2008/01/03/site-to-site-vpn-errors-routers/",
)
CISCOARTICLES = Source(
    "Crypto System Error Messages for ISAKMP (ciscoarticles.com, CCSP study notes)",
    "http://ciscoarticles.com/CCSP-Cisco-Certified-Security-Professional/"
    "Crypto-System-Error-Messages-for-ISAKMP.html",
)
FIELD_GUIDE = Source(
    "vpndiag field guide §4.2-4.3 (practitioner knowledge, wording unconfirmed)",
    "docs/field-guide.md",
    confirmed=False,
)
ASA_400K = Source(
    "Cisco Secure Firewall ASA Series Syslog Messages: Syslog Messages 400000 to 450001",
    "https://cisco.com/content/en/us/td/docs/security/asa/syslog/b_syslog/"
    "syslog-messages-400000-to-450001.html",
)
ASA_700K = Source(
    "Cisco Security Appliance System Log Messages Guide OL-12171-03: Messages 701001 to 737033",
    "https://de.scribd.com/document/333514002/ASA-Logmsgs",
)
ASA_750K = Source(
    "Cisco ASA Syslog Messages 722001 to 776020 (Cisco's Japanese edition)",
    "https://www.cisco.com/c/ja_jp/td/docs/security/asa/syslog/b_syslog/"
    "syslog-messages-722001-to-776020.html",
)
PIX_402101 = Source(
    "Error message in PIX (Cisco Community, quoting the PIX message guide)",
    "https://community.cisco.com/t5/network-security/error-message-in-pix/td-p/392278",
)
LAB_CAPTURES = Source(
    "real captures in tests/golden (see each case's provenance.yaml)",
    "tests/golden",
)


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


def _ios(
    facility: str,
    mnemonic: str,
    kind: EventKind,
    meaning: str,
    findings: tuple[str, ...],
    source: Source,
    pattern: str | None = None,
) -> Message:
    return Message(
        facility, mnemonic, kind, meaning, findings, source, _re(pattern) if pattern else None
    )


def _asa(
    number: str,
    kind: EventKind,
    meaning: str,
    findings: tuple[str, ...],
    source: Source,
    pattern: str | None = None,
) -> Message:
    return Message(
        "ASA", number, kind, meaning, findings, source, _re(pattern) if pattern else None
    )


# -- the table --------------------------------------------------------------------------------

MESSAGES: tuple[Message, ...] = (
    # IOS / IOS-XE crypto
    _ios(
        "CRYPTO",
        "RECVD_PKT_INV_SPI",
        K.INVALID_SPI,
        "ESP arrived on an SPI this router has no SA for: the SAs are out of sync (one end cleared "
        "or rebooted); rate-limited to one a minute, one during a rekey is normal.",
        ("IPSEC_INVALID_SPI",),
        DOC_115801,
        rf"destaddr=(?P<local>{_V4}), prot=(?P<protocol>\d+), spi=(?P<spi>0x[0-9A-F]+)"
        rf"(?:\(\d+\))?, srcaddr=(?P<peer>{_V4})",
    ),
    _ios(
        "CRYPTO",
        "IKMP_BAD_MESSAGE",
        K.BAD_MESSAGE,
        "An IKE message failed its sanity check: in main mode, almost always a pre-shared key "
        "mismatch (MSG5 decrypted with the wrong key).",
        ("IKE_P1_PSK_MISMATCH",),
        DOC_5409,
        rf"IKE message from (?P<peer>{_V4}) failed its sanity check",
    ),
    _ios(
        "CRYPTO",
        "PKT_REPLAY_ERR",
        K.REPLAY_ERROR,
        "ESP dropped by the anti-replay check: packets reordered beyond the window (QoS after "
        "encryption, multipath).",
        ("IPSEC_REPLAY_DROPS",),
        DOC_116858,
        r"connection id=(?P<connection_id>\d+)",
    ),
    _ios(
        "IPSEC",
        "REPLAY_ERROR",
        K.REPLAY_ERROR,
        "IOS-XE data plane form of the anti-replay drop.",
        ("IPSEC_REPLAY_DROPS",),
        DOC_116858,
        rf"src_addr (?P<peer>{_V4}).*?SPI (?P<spi>0x[0-9a-f]+)",
    ),
    _ios(
        "CRYPTO",
        "RECVD_PKT_MAC_ERR",
        K.MAC_VERIFY_FAILED,
        "ESP failed its HMAC check: corruption on the path or a crypto engine fault.",
        (),
        DOC_5409,
    ),
    _ios(
        "CRYPTO",
        "RECVD_PKT_NOT_IPSEC",
        K.NOT_IPSEC,
        "Clear-text traffic arrived that the crypto ACL says should have been encrypted: the "
        "peer does not encrypt it (ACL, NAT or SA down there).",
        ("IKE_P2_PROXY_MISMATCH",),
        FIELD_GUIDE,
    ),
    _ios(
        "CRYPTO",
        "IKMP_MODE_FAILURE",
        K.MODE_FAILURE,
        "Main, aggressive or quick mode failed with the named peer; the debug says why.",
        ("IKE_P1_POLICY_MISMATCH", "IKE_P2_PROPOSAL_MISMATCH", "IKE_P2_PROXY_MISMATCH"),
        CISCONEWS,
        rf"Processing of (?P<mode>\w+) mode failed with peer at (?P<peer>{_V4})",
    ),
    _ios(
        "CRYPTO",
        "IKMP_NO_SA",
        K.NO_SA,
        "The peer talks to an IKE SA this router no longer has (cleared or rebooted).",
        ("IKE_NO_SA",),
        FIELD_GUIDE,
        rf"IKE message from (?P<peer>{_V4}) has no SA",
    ),
    _ios(
        "CRYPTO",
        "IKMP_AUTH_FAIL",
        K.AUTH_FAILED,
        "IKE authentication failed (pre-shared key or certificate).",
        ("IKE_P1_PSK_MISMATCH",),
        CISCOARTICLES,
        rf"Authentication method (?P<method>\d+) failed with host (?P<peer>{_V4})",
    ),
    _ios(
        "CRYPTO",
        "IKMP_NOT_ENCRYPTED",
        K.SYSLOG,
        "An IKE packet arrived in clear that should have been encrypted: the ends disagree on "
        "the SA state.",
        ("IKE_NO_SA",),
        CISCOARTICLES,
        rf"from (?P<peer>{_V4})",
    ),
    _ios(
        "CRYPTO",
        "IKMP_SA_NOT_OFFERED",
        K.SYSLOG,
        "The responder chose an attribute the initiator never offered.",
        ("IKE_P1_POLICY_MISMATCH",),
        CISCONEWS,
    ),
    _ios(
        "CRYPTO",
        "IKMP_AG_MODE_DISABLED",
        K.SYSLOG,
        "Aggressive mode is disabled here (crypto isakmp aggressive-mode disable): every AM1 is "
        "dropped; the message names no peer.",
        ("IKE_P1_AGGRESSIVE_REFUSED",),
        LAB_CAPTURES,
    ),
    _ios(
        "CRYPTO",
        "ISAKMP_ON_OFF",
        K.SYSLOG,
        "ISAKMP was switched on or off (the first / last crypto map or tunnel protection "
        "appeared or went).",
        (),
        LAB_CAPTURES,
        r"ISAKMP is (?P<state>ON|OFF)",
    ),
    _ios(
        "CRYPTO",
        "SESSION_STATUS",
        K.SESSION_DOWN,
        "Crypto session up or down (crypto logging session); two downs for one peer are a flap.",
        ("TUNNEL_FLAPPING",),
        FIELD_GUIDE,
        r"Crypto tunnel (?P<tunnel>\S+) is (?P<state>UP|DOWN)\.\s+Peer (?P<peer>[0-9A-Fa-f:.]+?)"
        r":(?P<port>\d+)",
    ),
    # failover
    _ios(
        "TRACK",
        "STATE",
        K.TRACK_STATE,
        "A track object changed state: routes and EEM applets that follow it switch path.",
        ("TRACK_DOWN",),
        LAB_CAPTURES,
        r"(?P<object>\d+) (?P<tracked>.*?)\s+(?P<old>Up|Down)\s*->\s*(?P<new>Up|Down)",
    ),
    _ios(
        "TRACKING",
        "STATE",
        K.TRACK_STATE,
        "Older IOS name of the track state change.",
        ("TRACK_DOWN",),
        LAB_CAPTURES,
        r"(?P<object>\d+) (?P<tracked>.*?)\s+(?P<old>Up|Down)\s*->\s*(?P<new>Up|Down)",
    ),
    _ios(
        "HA_EM",
        "LOG",
        K.EEM_LOG,
        "An EEM applet's 'action syslog': proof the applet ran.",
        (),
        LAB_CAPTURES,
        r"(?P<applet>[\w.-]+):",
    ),
    # ASA / FTD
    _asa(
        "402101",
        K.INVALID_SPI,
        "ESP on an SPI the firewall does not have (PIX/ASA form of RECVD_PKT_INV_SPI).",
        ("IPSEC_INVALID_SPI",),
        PIX_402101,
        rf"destaddr=\s?(?P<local>{_V4}), prot=\s?(?P<protocol>\w+), spi=\s?(?P<spi>\S+?)(?:,|$)",
    ),
    _asa(
        "402116",
        K.INNER_PACKET_MISMATCH,
        "ESP decrypted, but the inner packet is outside the SA's proxy identities: the peer "
        "sends other traffic into this SA (its crypto ACL is not the mirror, or it NATs the "
        "source). The packet is dropped and counted as a receive error.",
        ("IPSEC_INNER_PACKET_MISMATCH",),
        ASA_400K,
        rf"\(SPI= ?(?P<spi>0x[0-9A-F]+), sequence number= ?(?P<seq>0x[0-9A-F]+)\) from "
        rf"(?P<peer>{_V4}) \(user= ?(?P<user>[^)]*)\) to (?P<local>{_V4})\..*?destination as "
        rf"(?P<inner_dst>{_V4}), its source as (?P<inner_src>{_V4}), and its protocol as "
        rf"(?P<inner_protocol>\w+)\..*?local proxy as (?P<local_proxy>\S+?) and its remote_proxy "
        r"as (?P<remote_proxy>\S+?)\.?$",
    ),
    _asa(
        "402117",
        K.NOT_IPSEC,
        "A non-IPsec packet arrived that matches an SA: the peer sends in clear what should be "
        "encrypted.",
        ("IKE_P2_PROXY_MISMATCH",),
        ASA_400K,
        rf"Received a non-IPsec \((?P<protocol>\w+)\) packet from (?P<peer>{_V4}) to "
        rf"(?P<local>{_V4})",
    ),
    _asa(
        "402119",
        K.REPLAY_ERROR,
        "ESP failed the anti-replay check (sequence number outside the window).",
        ("IPSEC_REPLAY_DROPS",),
        ASA_400K,
        rf"\(SPI=(?P<spi>\S+?), sequence number=(?P<seq>\S+?)\) from (?P<peer>{_V4})",
    ),
    _asa(
        "402120",
        K.MAC_VERIFY_FAILED,
        "ESP failed authentication (corrupted in transit, or a peer sending bad packets).",
        (),
        ASA_400K,
        rf"from (?P<peer>{_V4})",
    ),
    _asa(
        "713061",
        K.PROXY_ID_MISMATCH,
        "Quick mode refused: no crypto map entry matches the peer's proxy identities (the "
        "crypto ACLs are not mirror images).",
        ("IKE_P2_PROXY_MISMATCH",),
        ASA_700K,
        rf"IP = (?P<peer>{_V4}), Rejecting IPSec tunnel: no matching crypto map entry for remote "
        r"proxy (?P<remote_proxy>\S+) local proxy (?P<local_proxy>\S+) on interface "
        r"(?P<interface>\S+)",
    ),
    _asa(
        "713119",
        K.SA_AUTHENTICATED,
        "IKEv1 phase 1 completed with the peer.",
        (),
        ASA_700K,
        rf"IP = (?P<peer>{_V4})",
    ),
    _asa(
        "713120",
        K.SYSLOG,
        "IKEv1 phase 2 completed with the peer.",
        (),
        ASA_700K,
        rf"IP = (?P<peer>{_V4})",
    ),
    _asa(
        "713201",
        K.DUPLICATE_PACKET,
        "A duplicate phase-1 packet: the peer resends because our answer never reached it.",
        ("IKE_P1_RETURN_PATH",),
        ASA_700K,
        rf"IP = (?P<peer>{_V4})",
    ),
    _asa(
        "713236",
        K.DEBUG,
        "IKE_DECODE SENDING / RECEIVED: one IKEv1 packet and its payloads (debug level).",
        (),
        ASA_700K,
        rf"IP = (?P<peer>{_V4}), IKE_DECODE (?P<direction>SENDING|RECEIVED)",
    ),
    _asa(
        "713259",
        K.SA_DELETED,
        "The session is torn down; the reason is in the message.",
        (),
        ASA_700K,
        rf"IP = (?P<peer>{_V4}), Session is being torn down\. Reason: (?P<reason>.+)$",
    ),
    _asa(
        "713902",
        K.DEBUG,
        "A free-text IKE error ('QM FSM error', 'Removing peer from correlator table failed'); "
        "the text says which.",
        (),
        ASA_700K,
        rf"IP = (?P<peer>{_V4})",
    ),
    _asa(
        "713903",
        K.DEBUG,
        "A free-text IKE error or warning.",
        (),
        ASA_700K,
        rf"IP = (?P<peer>{_V4})",
    ),
    _asa(
        "713904",
        K.DEBUG,
        "A free-text IKE notice (for example an un-encrypted INVALID_COOKIE notify).",
        (),
        ASA_700K,
        rf"IP = (?P<peer>{_V4})",
    ),
    _asa(
        "713906",
        K.DEBUG,
        "A free-text IKE debug line.",
        (),
        ASA_700K,
        rf"IP = (?P<peer>{_V4})",
    ),
    _asa(
        "750003",
        K.DEBUG,
        "IKEv2 negotiation aborted; the ERROR text names the cause (no IPsec policy for the "
        "received TS, failed to authenticate the IKE SA, AUTH message never received, ...).",
        ("IKEV2_TS_UNACCEPTABLE", "IKEV2_AUTH_FAILED", "IKEV2_NO_RESPONSE"),
        ASA_750K,
        rf"Local:(?P<local>{_ADDR}):(?P<local_port>\d+) Remote:(?P<peer>\S+?):(?P<port>\d+) "
        r"Username:(?P<user>\S*)\s+IKEv2 Negotiation aborted due to ERROR: (?P<error>.+)$",
    ),
    _asa(
        "750006",
        K.SESSION_UP,
        "IKEv2 SA up.",
        (),
        ASA_750K,
        rf"Local:(?P<local>{_ADDR}):(?P<local_port>\d+) Remote:(?P<peer>\S+?):(?P<port>\d+) "
        r"Username:(?P<user>\S*)\s+IKEv2 SA UP\. Reason: (?P<reason>.+)$",
    ),
    _asa(
        "750007",
        K.SESSION_DOWN,
        "IKEv2 SA down; the reason is in the message.",
        ("TUNNEL_FLAPPING",),
        ASA_750K,
        rf"Local:(?P<local>{_ADDR}):(?P<local_port>\d+) Remote:(?P<peer>\S+?):(?P<port>\d+) "
        r"Username:(?P<user>\S*)\s+IKEv2 SA DOWN\. Reason: (?P<reason>.+)$",
    ),
)

_INDEX: dict[tuple[str, str], Message] = {}
for _m in MESSAGES:
    if (_m.facility, _m.mnemonic) in _INDEX:
        raise ValueError(f"catalogue: {_m.facility}-{_m.mnemonic} is listed twice")
    _INDEX[(_m.facility, _m.mnemonic)] = _m


def lookup(facility: str, mnemonic: str) -> Message | None:
    """The catalogue entry of ``%FACILITY-n-MNEMONIC`` (FTD and PIX read as ASA)."""
    key = "ASA" if facility in _ASA_VPN else facility
    return _INDEX.get((key, mnemonic))


def fields_of(message: Message, text: str) -> tuple[tuple[str, str], ...]:
    """The named values ``message``'s pattern finds in ``text`` (empty when it does not match)."""
    m = message.pattern.search(text) if message.pattern else None
    if m is None:
        return ()
    return tuple((k, v.strip()) for k, v in m.groupdict().items() if v is not None)
