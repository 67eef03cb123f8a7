"""Values read out of a log or debug message: the peer it concerns, IKEv2 packet headers.

Samples::

    %CRYPTO-4-RECVD_PKT_INV_SPI: ... spi=0x91E74EF5(2447855349), srcaddr=203.0.113.26, ...
    IKEv2:(SESSION ID = 31,SA ID = 1):Sending Packet [To FC00:123:123:123::1:500/From ...]
    Initiator SPI : 1D418169B24BF95A - Responder SPI : A645046F734260C6 Message id: 1
    IKEv2 IKE_AUTH Exchange RESPONSE
     VID IDr AUTH NOTIFY(NO_PROPOSAL_CHOSEN)
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence

# An address, or one a paste hid ("Z.Z.Z.Z", "124.29.X.X"): the same octets as the catalogue's
_OCTET = r"(?:\d{1,3}|[A-Za-z]|[xX*]{2,3})"
_V4 = rf"({_OCTET}(?:\.{_OCTET}){{3}})(?!\w)"
_HAS_V4 = re.compile(_V4)
_HIDDEN = re.compile(rf"{_V4}")
# Addresses that may be IPv6, each followed by its ":port": the first address of an IKEv2
# packet line is the peer's ("[To peer:500/From me:500" when sending, "[From peer:500/To me"
# when receiving); the ASA 750xxx "Remote:peer:500".
_PEER_PORT = tuple(
    re.compile(p)
    for p in (
        r"\[(?:To|From) ([0-9A-Fa-f:.]{2,45}?):\d+/",
        r"\bRemote:([0-9A-Fa-f:.]{2,45}?):\d+\b",
    )
)
# Where the remote address sits, most telling first: "IP = 1.2.3.4", "srcaddr=1.2.3.4",
# "peer 5.6.7.8/1.2.3.4/500/", "local 5.6.7.8 remote 1.2.3.4", "(peer 1.2.3.4)",
# "with peer at 1.2.3.4", "src 5.6.7.8 dst 1.2.3.4", "with|from|to|for|matching 1.2.3.4", "(1.2.3.4)"
_PEER_V4 = tuple(
    re.compile(p, re.I)
    for p in (
        rf"\bIP = {_V4}",
        rf"\bsrcaddr={_V4}",
        rf"{_V4}/{_V4}/\d+/",
        rf"\bremote (?:peer )?{_V4}",
        rf"\(peer {_V4}\)",
        rf"\bpeer(?: at)? {_V4}",
        rf"\bdst {_V4}",
        rf"\b(?:with|from|to|for|matching|host) {_V4}",
        rf"\({_V4}\)",
        # ASA IKEv2 platform debug: an L2L tunnel group is named by the peer's address
        rf"\btunnel group (?:for ID: )?{_V4}",
        rf"\btg_name set to: {_V4}",
    )
)
# Initiator SPI : 1D418169B24BF95A - Responder SPI : 0000000000000000 Message id: 0
_SPIS = re.compile(
    r"Initiator SPI\s*:\s*(?P<initiator_spi>[0-9A-F]+)\s*-\s*Responder SPI\s*:\s*"
    r"(?P<responder_spi>[0-9A-F]+)\s+Message id:\s*(?P<message_id>\d+)",
    re.I,
)
# IKEv2 IKE_SA_INIT Exchange REQUEST / IKEv2 IKE_AUTH Exchange RESPONSE
_EXCHANGE = re.compile(r"IKEv2 (?P<exchange>[A-Z_]+) Exchange (?P<message>REQUEST|RESPONSE)")
# NOTIFY(NO_PROPOSAL_CHOSEN) in the payload list
_NOTIFY = re.compile(r"NOTIFY\(([A-Z_]+)\)")
# Error notifies (RFC 7296 §3.10.1, types below 16384); status notifies such as
# NAT_DETECTION_SOURCE_IP or INITIAL_CONTACT are not failures.
ERROR_NOTIFIES = frozenset(
    {
        "UNSUPPORTED_CRITICAL_PAYLOAD",
        "INVALID_IKE_SPI",
        "INVALID_MAJOR_VERSION",
        "INVALID_SYNTAX",
        "INVALID_MESSAGE_ID",
        "INVALID_SPI",
        "NO_PROPOSAL_CHOSEN",
        "INVALID_KE_PAYLOAD",
        "AUTHENTICATION_FAILED",
        "SINGLE_PAIR_REQUIRED",
        "NO_ADDITIONAL_SAS",
        "INTERNAL_ADDRESS_FAILURE",
        "FAILED_CP_REQUIRED",
        "TS_UNACCEPTABLE",
        "INVALID_SELECTORS",
        "TEMPORARY_FAILURE",
        "CHILD_SA_NOT_FOUND",
    }
)


def is_address(text: str | None) -> bool:
    try:
        ipaddress.ip_address(text or "")
    except ValueError:
        return False
    return True


def is_peer(text: str | None) -> bool:
    """An address, or an address a paste hid (kept as that peer's label)."""
    return is_address(text) or bool(text and _HIDDEN.fullmatch(text))


def peer_of(text: str) -> str | None:
    """The remote address a message names (None when it names none)."""
    for pattern in _PEER_PORT:
        if (m := pattern.search(text)) and is_address(m[1]):
            return m[1]
    if not _HAS_V4.search(text):
        return None
    for pattern in _PEER_V4:
        if m := pattern.search(text):
            return m[m.lastindex or 1]
    return None


def packet_fields(line: str, detail: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """What an IKEv2 ``Sending/Received Packet`` line and the lines under it say."""
    found: list[tuple[str, str]] = [
        ("packet", "sent" if "sending packet" in line.lower() else "received")
    ]
    text = "\n".join(detail)
    for pattern in (_SPIS, _EXCHANGE):
        if m := pattern.search(text):
            found += [(k, v) for k, v in m.groupdict().items() if v is not None]
    errors = [n for n in _NOTIFY.findall(text) if n in ERROR_NOTIFIES]
    found += [("notify", errors[0])] if errors else []
    return tuple(found)
