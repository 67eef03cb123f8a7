"""Sources and entry types of the message catalogues (``log_catalogue``, ``debug_catalogue``).

Each catalogue entry names the document or real capture its wording and meaning were read from.
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


# An IPv4 address as a device prints it, or as a forum or ticket paste hides it: octets
# replaced by a letter or x's ("Z.Z.Z.Z", "124.29.X.X", "x.x.x.x", "1.2.*.*"). A hidden
# address still names one peer consistently through a paste, so it is kept as that peer's label.
_OCTET = r"(?:\d{1,3}|[A-Za-z]|[xX*]{2,3})"
V4 = rf"{_OCTET}(?:\.{_OCTET}){{3}}(?!\w)"
ADDR = r"[0-9A-Fa-f:.]{2,45}?"  # v4 or v6, ended by the ":port" that follows

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
SIEM_CRYPTOTUNNEL = Source(
    "SIEM parser 'cisco-ios-str-network-notification-success-cryptotunnel' (its match rules: "
    "'%CRYPTO-5-IKEV2_SESSION_STATUS:', 'Crypto tunnel v2 is (UP|DOWN)', 'Peer ADDR:PORT'; code "
    "index file 24168862964); no raw device capture found",
    "https://github.com/search?q=cisco-ios-str-network-notification-success-cryptotunnel",
    confirmed=False,
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
NETWORKDONGLE_SLA = Source(
    "IP SLA with TRAPS (networkdongle.wordpress.com, 2010-03): router log of a timed-out probe",
    "https://networkdongle.wordpress.com/2010/03/",
)
IPSLA_THRESHOLDS = Source(
    "IP SLAs Proactive Threshold Monitoring (Cisco IOS IP SLAs Configuration Guide, 15M&T)",
    "https://www.cisco.com/c/en/us/td/docs/ios-xml/ios/ipsla/configuration/15-mt/sla-15-mt-book/"
    "sla_threshold_mon-0.html",
)
DMVPN_WRITEUP = Source(
    "DMVPN fault lab on iol-xe 17.15.1: hub log lines per fault (code index file 71052799882)",
    "lab/nhrpctx.py",
    confirmed=False,
)
LAB_CAPTURES = Source(
    "real captures in tests/golden (see each case's provenance.yaml)",
    "tests/golden",
)


def compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


def ios(
    facility: str,
    mnemonic: str,
    kind: EventKind,
    meaning: str,
    findings: tuple[str, ...],
    source: Source,
    pattern: str | None = None,
) -> Message:
    return Message(
        facility, mnemonic, kind, meaning, findings, source, compiled(pattern) if pattern else None
    )


def asa(
    number: str,
    kind: EventKind,
    meaning: str,
    findings: tuple[str, ...],
    source: Source,
    pattern: str | None = None,
) -> Message:
    return ios("ASA", number, kind, meaning, findings, source, pattern)


# -- the table --------------------------------------------------------------------------------


DARENMATTHEWS = Source(
    "Troubleshooting ISAKMP Phase 1 Messages - Part 2 (darenmatthews.com)",
    "http://darenmatthews.com/blog/?p=1971",
)
TUNNELSUP_PARANOID = Source(
    "Cisco IOS VPN error: peer does not do paranoid keepalives (TunnelsUP)",
    "https://www.tunnelsup.com/cisco-ios-vpn-error-peer-does-not-do-paranoid-keepalives/",
)
COURSEIVA = Source(
    "IPsec phase 1 not completing / pre-shared key mismatch scenarios (courseiva.com)",
    "https://courseiva.com/scenarios/ccna/ipsec-phase1-not-completing",
)
DOC_117337 = Source(
    "Configure an IKEv2 site-to-site tunnel between an ASA and a router (Cisco Doc ID 117337): "
    "router and ASA debugs of identity and certificate failures",
    "https://www.cisco.com/c/en/us/support/docs/security-vpn/ipsec-negotiation-ike-protocols/"
    "117337-config-asa-router-00.html",
)
XE_R4_CAPTURE = Source(
    "IOS-XE 16.7 debug crypto ikev2 capture (tests/golden/repo_iosxe_debug_ikev2_*)",
    "tests/golden/repo_iosxe_debug_ikev2_child_no_proposal_chosen/provenance.yaml",
)
ASA_IKEV2_BLOG = Source(
    "Debug ASA VPN site2site (G. D. Wijatmiko): IKEv2-PROTO-1 received and expected policies",
    "tests/golden/blog_asa_ikev2_debug_no_matching_policy/provenance.yaml",
)
SEKOIA_SAMPLES = Source(
    "Sekoia.io Cisco Secure Firewall integration: raw event samples (750003, 750006)",
    "code index file id 28325799312",
)
STACKEXCHANGE_67085 = Source(
    "IKEv2 tunnel between ASA and Mikrotik (Network Engineering Stack Exchange question 67085)",
    "https://networkengineering.stackexchange.com/questions/67085",
)
ASA_IKEV2_ANALYSER = Source(
    "ASA IKEv2 debug analyser (Python, GitHub; code index file id 31304400721): the ASA debug "
    "strings it matches and the cause it gives for each",
    "code index file id 31304400721",
)
LINUX_ASA_NOTES = Source(
    "Linux to ASA VPN (engineer's notes, Jekyll markdown on GitHub; code index file id "
    "24470540754): ASA console lines each followed by the fix",
    "tests/golden/notes_asa_console_no_crypto_map_bound_to_interface/provenance.yaml",
)
EZVPN_BLOG = Source(
    "Cisco Remote Access IPsec VPN (EzVPN) (blog post, Stanislav, 2012; markdown on GitHub, code "
    "index file id 52087995492): the client routers' logs as they connect",
    "tests/golden/blog_ios_ezvpn_client_ikmp_no_sa_then_connection_up/provenance.yaml",
)
ASA_SARANSK_NOTES = Source(
    "ipsec-saransk (engineer's working notes, Jekyll markdown on GitHub; code index file id "
    "27011369093): ASA 'Can't find a valid tunnel group' for a peer whose tunnel-group is named "
    "by a 'name' alias",
    "tests/golden/notes_asa_ikev1_cant_find_valid_tunnel_group/provenance.yaml",
)
ASA_402116_BLOG = Source(
    "recv errors Cisco ASA VPN tunnel (TunnelsUP, 2015-01-22)",
    "tests/golden/tunnelsup_asa_ipsec_sa_peer_recv_errors_402116/provenance.yaml",
)


@dataclass(frozen=True)
class DebugText:
    """A lower-case text that names an event wherever it appears in a debug (or syslog) line."""

    needle: str
    kind: EventKind
    meaning: str
    findings: tuple[str, ...]
    source: Source


def text(
    needle: str, kind: EventKind, meaning: str, findings: tuple[str, ...], source: Source
) -> DebugText:
    return DebugText(needle, kind, meaning, findings, source)
