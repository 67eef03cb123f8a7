"""Catalogue entries of ASA (and FTD, PIX) syslog messages: IPsec 402xxx, IKEv1 713xxx, IKEv2 750xxx."""

from __future__ import annotations

from nornir_tasks.parsers.log_sources import (
    ADDR,
    ASA_400K,
    ASA_700K,
    ASA_750K,
    PIX_402101,
    V4,
    K,
    Message,
    asa,
)

ASA_MESSAGES: tuple[Message, ...] = (
    # ASA / FTD
    asa(
        "402101",
        K.INVALID_SPI,
        "ESP on an SPI the firewall does not have (PIX/ASA form of RECVD_PKT_INV_SPI).",
        ("IPSEC_INVALID_SPI",),
        PIX_402101,
        rf"destaddr=\s?(?P<local>{V4}), prot=\s?(?P<protocol>\w+), spi=\s?(?P<spi>\S+?)(?:,|$)",
    ),
    asa(
        "402116",
        K.INNER_PACKET_MISMATCH,
        "ESP decrypted, but the inner packet is outside the SA's proxy identities: the peer "
        "sends other traffic into this SA (its crypto ACL is not the mirror, or it NATs the "
        "source). The packet is dropped and counted as a receive error.",
        ("IPSEC_INNER_PACKET_MISMATCH",),
        ASA_400K,
        rf"\(SPI= ?(?P<spi>0x[0-9A-F]+), sequence number= ?(?P<seq>0x[0-9A-F]+)\) from "
        rf"(?P<peer>{V4}) \(user= ?(?P<user>[^)]*)\) to (?P<local>{V4})\..*?destination as "
        rf"(?P<inner_dst>{V4}), its source as (?P<inner_src>{V4}), and its protocol as "
        rf"(?P<inner_protocol>\w+)\..*?local proxy as (?P<local_proxy>\S+?) and its remote_proxy "
        r"as (?P<remote_proxy>\S+?)\.?$",
    ),
    asa(
        "402117",
        K.NOT_IPSEC,
        "A non-IPsec packet arrived that matches an SA: the peer sends in clear what should be "
        "encrypted.",
        ("IKE_P2_PROXY_MISMATCH",),
        ASA_400K,
        rf"Received a non-IPsec \((?P<protocol>\w+)\) packet from (?P<peer>{V4}) to "
        rf"(?P<local>{V4})",
    ),
    asa(
        "402119",
        K.REPLAY_ERROR,
        "ESP failed the anti-replay check (sequence number outside the window).",
        ("IPSEC_REPLAY_DROPS",),
        ASA_400K,
        rf"\(SPI=(?P<spi>\S+?), sequence number=(?P<seq>\S+?)\) from (?P<peer>{V4})",
    ),
    asa(
        "402120",
        K.MAC_VERIFY_FAILED,
        "ESP failed authentication (corrupted in transit, or a peer sending bad packets).",
        (),
        ASA_400K,
        rf"from (?P<peer>{V4})",
    ),
    asa(
        "713061",
        K.PROXY_ID_MISMATCH,
        "Quick mode refused: no crypto map entry matches the peer's proxy identities (the "
        "crypto ACLs are not mirror images).",
        ("IKE_P2_PROXY_MISMATCH",),
        ASA_700K,
        rf"IP = (?P<peer>{V4}), Rejecting IPSec tunnel: no matching crypto map entry for remote "
        r"proxy (?P<remote_proxy>\S+) local proxy (?P<local_proxy>\S+) on interface "
        r"(?P<interface>\S+)",
    ),
    asa(
        "713119",
        K.SA_AUTHENTICATED,
        "IKEv1 phase 1 completed with the peer.",
        (),
        ASA_700K,
        rf"IP = (?P<peer>{V4})",
    ),
    asa(
        "713120",
        K.SYSLOG,
        "IKEv1 phase 2 completed with the peer.",
        (),
        ASA_700K,
        rf"IP = (?P<peer>{V4})",
    ),
    asa(
        "713201",
        K.DUPLICATE_PACKET,
        "A duplicate phase-1 packet: the peer resends because our answer never reached it.",
        ("IKE_P1_RETURN_PATH",),
        ASA_700K,
        rf"IP = (?P<peer>{V4})",
    ),
    asa(
        "713236",
        K.DEBUG,
        "IKE_DECODE SENDING / RECEIVED: one IKEv1 packet and its payloads (debug level).",
        (),
        ASA_700K,
        rf"IP = (?P<peer>{V4}), IKE_DECODE (?P<direction>SENDING|RECEIVED)",
    ),
    asa(
        "713259",
        K.SA_DELETED,
        "The session is torn down; the reason is in the message.",
        (),
        ASA_700K,
        rf"IP = (?P<peer>{V4}), Session is being torn down\. Reason: (?P<reason>.+)$",
    ),
    asa(
        "713902",
        K.DEBUG,
        "A free-text IKE error ('QM FSM error', 'Removing peer from correlator table failed'); "
        "the text says which.",
        (),
        ASA_700K,
        rf"IP = (?P<peer>{V4})",
    ),
    asa(
        "713903",
        K.DEBUG,
        "A free-text IKE error or warning.",
        (),
        ASA_700K,
        rf"IP = (?P<peer>{V4})",
    ),
    asa(
        "713904",
        K.DEBUG,
        "A free-text IKE notice (for example an un-encrypted INVALID_COOKIE notify).",
        (),
        ASA_700K,
        rf"IP = (?P<peer>{V4})",
    ),
    asa(
        "713906",
        K.DEBUG,
        "A free-text IKE debug line.",
        (),
        ASA_700K,
        rf"IP = (?P<peer>{V4})",
    ),
    asa(
        "750003",
        K.DEBUG,
        "IKEv2 negotiation aborted; the ERROR text names the cause (no IPsec policy for the "
        "received TS, failed to authenticate the IKE SA, AUTH message never received, ...).",
        ("IKEV2_TS_UNACCEPTABLE", "IKEV2_AUTH_FAILED", "IKEV2_NO_RESPONSE"),
        ASA_750K,
        rf"Local:(?P<local>{ADDR}):(?P<local_port>\d+) Remote:(?P<peer>\S{{1,64}}?):(?P<port>\d+) "
        r"Username:(?P<user>\S*)\s+IKEv2 Negotiation aborted due to ERROR: (?P<error>.+)$",
    ),
    asa(
        "750006",
        K.SESSION_UP,
        "IKEv2 SA up.",
        (),
        ASA_750K,
        rf"Local:(?P<local>{ADDR}):(?P<local_port>\d+) Remote:(?P<peer>\S{{1,64}}?):(?P<port>\d+) "
        r"Username:(?P<user>\S*)\s+IKEv2 SA UP\. Reason: (?P<reason>.+)$",
    ),
    asa(
        "750007",
        K.SESSION_DOWN,
        "IKEv2 SA down; the reason is in the message.",
        ("TUNNEL_FLAPPING",),
        ASA_750K,
        rf"Local:(?P<local>{ADDR}):(?P<local_port>\d+) Remote:(?P<peer>\S{{1,64}}?):(?P<port>\d+) "
        r"Username:(?P<user>\S*)\s+IKEv2 SA DOWN\. Reason: (?P<reason>.+)$",
    ),
)
