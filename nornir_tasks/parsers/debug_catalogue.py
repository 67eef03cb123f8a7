"""The debug-line catalogue: the IKEv1/IKEv2/IPsec debug texts that name an event, with the
finding each supports and where the wording was read.

Samples (IOS ``debug crypto isakmp``, IOS-XE ``debug crypto ikev2``, ASA ``debug crypto ikev2
protocol``)::

    ISAKMP-ERROR: (0):No pre-shared key with 203.0.113.1!
    IKEv2:(SESSION ID = 31,SA ID = 1):Received Packet [From FC00:123:123:123::1:500/To ...]
    IKEv2-PROTO-1: (16): Failed to find a matching policy
    IKEv2:% IKEv2 profile not found

A line is matched by the lower-cased texts below; when several match, the earliest entry wins
(so the order is part of the table). Syslog messages are the other table,
``nornir_tasks.parsers.log_catalogue``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nornir_tasks.models.logs import EventKind
from nornir_tasks.parsers.log_catalogue import CISCOARTICLES, DOC_5409, FIELD_GUIDE, Source

K = EventKind

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


def _t(
    needle: str, kind: EventKind, meaning: str, findings: tuple[str, ...], source: Source
) -> DebugText:
    return DebugText(needle, kind, meaning, findings, source)


TEXTS: tuple[DebugText, ...] = (
    _t(
        "death by retransmission",
        K.DEATH_BY_RETRANSMISSION,
        "The negotiating SA was deleted after its retransmissions went unanswered.",
        ("IKE_P1_NO_RESPONSE",),
        FIELD_GUIDE,
    ),
    _t(
        "fsm error history",
        K.FSM_ERROR_HISTORY,
        "ASA: the state machine's last states and events, most recent first.",
        ("IKE_P1_NO_RESPONSE", "IKE_P1_PSK_MISMATCH"),
        DARENMATTHEWS,
    ),
    _t("old state = ", K.STATE_CHANGE, "IOS ISAKMP state machine transition.", (), DOC_5409),
    # IKEv2 (before the IKEv1 texts that could also match these lines)
    _t(
        "sending packet [to",
        K.IKEV2_PACKET,
        "IKEv2 packet sent; the lines under it name the exchange and payloads.",
        (),
        XE_R4_CAPTURE,
    ),
    _t(
        "received packet [from",
        K.IKEV2_PACKET,
        "IKEv2 packet received; the lines under it name the exchange and payloads.",
        (),
        XE_R4_CAPTURE,
    ),
    _t(
        "failed to find a matching policy",
        K.IKEV2_NO_POLICY,
        "IKE_SA_INIT refused: none of the peer's proposals (encryption, integrity, PRF, DH "
        "group) matches a local IKEv2 proposal.",
        ("IKEV2_PROPOSAL_MISMATCH",),
        ASA_IKEV2_BLOG,
    ),
    _t(
        "peer id check failed",
        K.IKEV2_PEER_ID_FAILED,
        "ASA: the peer's IKE identity is not in its certificate (peer-id-validate).",
        ("IKEV2_AUTH_FAILED",),
        DOC_117337,
    ),
    _t(
        "profile not found",
        K.IKEV2_NO_PROFILE,
        "IOS: the peer's identity matches no 'match identity remote' of any IKEv2 profile.",
        ("IKEV2_NO_PROFILE",),
        DOC_117337,
    ),
    _t(
        "profile could not be found",
        K.IKEV2_NO_PROFILE,
        "IOS: no IKEv2 profile matches the peer's certificate identity.",
        ("IKEV2_NO_PROFILE",),
        DOC_117337,
    ),
    _t(
        "failed to locate an item in the database",
        K.IKEV2_NOT_FOUND,
        "A lookup failed (profile, key, tunnel group); the lines before it say which.",
        ("IKEV2_NO_PROFILE", "IKEV2_AUTH_FAILED"),
        DOC_117337,
    ),
    _t(
        "no ipsec policy found for received ts",
        K.TS_UNACCEPTABLE,
        "ASA 750003: the peer's traffic selectors match no crypto map entry.",
        ("IKEV2_TS_UNACCEPTABLE",),
        SEKOIA_SAMPLES,
    ),
    _t(
        "ts_unacceptable",
        K.TS_UNACCEPTABLE,
        "The responder refused the child SA's traffic selectors.",
        ("IKEV2_TS_UNACCEPTABLE",),
        FIELD_GUIDE,
    ),
    _t(
        "failed to authenticate the ike sa",
        K.IKEV2_AUTH_FAILED,
        "ASA 750003: IKE_AUTH failed (pre-shared key, certificate or identity).",
        ("IKEV2_AUTH_FAILED",),
        SEKOIA_SAMPLES,
    ),
    _t(
        "authentication_failed",
        K.IKEV2_AUTH_FAILED,
        "AUTHENTICATION_FAILED notify: the peer could not verify our AUTH payload.",
        ("IKEV2_AUTH_FAILED",),
        FIELD_GUIDE,
    ),
    _t(
        "verify auth failed",
        K.IKEV2_AUTH_FAILED,
        "ASA: the peer's AUTH payload did not verify.",
        ("IKEV2_AUTH_FAILED",),
        DOC_117337,
    ),
    _t(
        "auth exchange failed",
        K.IKEV2_AUTH_FAILED,
        "ASA: the IKE_AUTH exchange failed.",
        ("IKEV2_AUTH_FAILED",),
        DOC_117337,
    ),
    _t(
        "authentication data failed",
        K.IKEV2_AUTH_FAILED,
        "IOS: the peer's AUTH payload did not verify with the local key.",
        ("IKEV2_AUTH_FAILED",),
        FIELD_GUIDE,
    ),
    _t(
        "failed to receive the auth msg",
        K.IKEV2_AUTH_TIMEOUT,
        "ASA 750003: IKE_SA_INIT worked, IKE_AUTH never arrived (UDP 4500 or fragments lost).",
        ("IKEV2_NO_RESPONSE",),
        STACKEXCHANGE_67085,
    ),
    _t(
        "initial exchange failed",
        K.IKEV2_INIT_FAILED,
        "IOS: IKE_SA_INIT gave up (no usable answer from the peer).",
        ("IKEV2_NO_RESPONSE",),
        XE_R4_CAPTURE,
    ),
    _t(
        "failed sa init exchange",
        K.IKEV2_INIT_FAILED,
        "IKE_SA_INIT failed.",
        ("IKEV2_NO_RESPONSE",),
        FIELD_GUIDE,
    ),
    _t(
        "decapsulated inner packet doesn't match",
        K.INNER_PACKET_MISMATCH,
        "ESP decrypted to a packet outside the SA's proxy identities.",
        ("IPSEC_INNER_PACKET_MISMATCH",),
        ASA_402116_BLOG,
    ),
    # IKEv1 / IPsec
    _t(
        "proposal_not_chosen",
        K.PROPOSAL_NOT_CHOSEN,
        "PROPOSAL_NOT_CHOSEN notify (IKEv1).",
        ("IKE_P1_POLICY_MISMATCH", "IKE_P2_PROPOSAL_MISMATCH"),
        TUNNELSUP_PARANOID,
    ),
    _t(
        "no_proposal_chosen",
        K.PROPOSAL_NOT_CHOSEN,
        "NO_PROPOSAL_CHOSEN notify.",
        ("IKEV2_PROPOSAL_MISMATCH", "IKEV2_CHILD_PROPOSAL_MISMATCH"),
        XE_R4_CAPTURE,
    ),
    _t(
        "phase 2 sa policy not acceptable",
        K.P2_POLICY_REJECTED,
        "Quick mode refused.",
        ("IKE_P2_PROPOSAL_MISMATCH", "IKE_P2_PROXY_MISMATCH"),
        DOC_5409,
    ),
    _t(
        "ipsec policy invalidated proposal",
        K.P2_POLICY_REJECTED,
        "Quick mode refused (error 32: proxy identities; 256: transform set).",
        ("IKE_P2_PROPOSAL_MISMATCH", "IKE_P2_PROXY_MISMATCH"),
        DOC_5409,
    ),
    _t(
        "all ipsec sa proposals found unacceptable",
        K.P2_POLICY_REJECTED,
        "No transform set of the peer's is acceptable.",
        ("IKE_P2_PROPOSAL_MISMATCH",),
        DOC_5409,
    ),
    _t(
        "transform proposal not supported",
        K.P2_POLICY_REJECTED,
        "Transform set mismatch.",
        ("IKE_P2_PROPOSAL_MISMATCH",),
        DOC_5409,
    ),
    _t(
        "proxy identities not supported",
        K.PROXY_ID_MISMATCH,
        "Crypto ACLs not mirrored.",
        ("IKE_P2_PROXY_MISMATCH",),
        DOC_5409,
    ),
    _t(
        "invalid proxy ids",
        K.PROXY_ID_MISMATCH,
        "Crypto ACLs not mirrored.",
        ("IKE_P2_PROXY_MISMATCH",),
        DOC_5409,
    ),
    _t(
        "phase 1 sa policy not acceptable",
        K.P1_POLICY_REJECTED,
        "No ISAKMP policy matches.",
        ("IKE_P1_POLICY_MISMATCH",),
        COURSEIVA,
    ),
    _t(
        "no offers accepted",
        K.P1_POLICY_REJECTED,
        "No ISAKMP policy matches.",
        ("IKE_P1_POLICY_MISMATCH",),
        COURSEIVA,
    ),
    _t(
        "atts are not acceptable",
        K.ATTS_NOT_ACCEPTABLE,
        "One policy refused; fatal only when no later policy is accepted.",
        ("IKE_POLICY_ITERATION", "IKE_P1_POLICY_MISMATCH"),
        COURSEIVA,
    ),
    _t(
        "atts are acceptable",
        K.ATTS_ACCEPTABLE,
        "A policy (or transform) was accepted.",
        ("IKE_POLICY_ITERATION",),
        COURSEIVA,
    ),
    _t(
        "encryption algorithm offered does not match policy",
        K.ENCRYPTION_MISMATCH,
        "The offered encryption differs from this policy's.",
        ("IKE_P1_POLICY_MISMATCH",),
        DOC_5409,
    ),
    _t(
        "hash algorithm offered does not match policy",
        K.HASH_MISMATCH,
        "The offered hash differs from this policy's.",
        ("IKE_P1_POLICY_MISMATCH",),
        DOC_5409,
    ),
    _t(
        "diffie-hellman group offered does not match policy",
        K.DH_GROUP_MISMATCH,
        "The offered DH group differs from this policy's.",
        ("IKE_P1_POLICY_MISMATCH",),
        DOC_5409,
    ),
    _t(
        "authentication method offered does not match policy",
        K.AUTH_METHOD_MISMATCH,
        "The offered authentication method differs.",
        ("IKE_P1_POLICY_MISMATCH",),
        DOC_5409,
    ),
    _t(
        "no pre-shared key with",
        K.NO_PSK,
        "No key for the peer's address.",
        ("IKE_P1_PSK_MISSING",),
        DOC_5409,
    ),
    _t(
        "no cert or pre-shared address key",
        K.NO_PSK,
        "No key for the peer's address.",
        ("IKE_P1_PSK_MISSING",),
        DOC_5409,
    ),
    _t(
        "no cert and no keys with remote peer",
        K.NO_PSK,
        "No key for the peer's address.",
        ("IKE_P1_PSK_MISSING",),
        DOC_5409,
    ),
    _t(
        "is a duplicate of a previous packet",
        K.DUPLICATE_PACKET,
        "The peer resent a packet: our answer did not reach it.",
        ("IKE_P1_RETURN_PATH",),
        DARENMATTHEWS,
    ),
    _t(
        "duplicate first packet detected",
        K.DUPLICATE_PACKET,
        "ASA: the initiator resent MSG1: MSG2 did not reach it.",
        ("IKE_P1_RETURN_PATH",),
        DARENMATTHEWS,
    ),
    _t(
        "retransmit",
        K.RETRANSMIT,
        "A packet was resent for want of an answer.",
        ("IKE_P1_NO_RESPONSE", "IKEV2_NO_RESPONSE"),
        DARENMATTHEWS,
    ),
    _t(
        "ike_decode resending",
        K.RETRANSMIT,
        "ASA: a packet was resent.",
        ("IKE_P1_NO_RESPONSE",),
        DARENMATTHEWS,
    ),
    _t(
        "peer does not do paranoid keepalives",
        K.NO_PARANOID_KEEPALIVES,
        "Misleading: follows a refused quick mode, usually a PFS or transform mismatch.",
        ("IKE_P2_PROPOSAL_MISMATCH",),
        TUNNELSUP_PARANOID,
    ),
    _t(
        "deleting sa reason", K.SA_DELETED, "An SA was deleted; the reason is quoted.", (), DOC_5409
    ),
    _t(
        "sa has been authenticated with",
        K.SA_AUTHENTICATED,
        "Phase 1 authenticated.",
        (),
        TUNNELSUP_PARANOID,
    ),
    _t(
        "failed its sanity check",
        K.BAD_MESSAGE,
        "Usually a pre-shared key mismatch.",
        ("IKE_P1_PSK_MISMATCH",),
        DOC_5409,
    ),
    _t(
        "has invalid spi", K.INVALID_SPI, "ESP on an unknown SPI.", ("IPSEC_INVALID_SPI",), DOC_5409
    ),
    _t(
        "replay check failed",
        K.REPLAY_ERROR,
        "Anti-replay drop.",
        ("IPSEC_REPLAY_DROPS",),
        DOC_5409,
    ),
    _t("anti-replay error", K.REPLAY_ERROR, "Anti-replay drop.", ("IPSEC_REPLAY_DROPS",), DOC_5409),
    _t(
        "has no sa and is not an initialization offer",
        K.NO_SA,
        "The peer uses an IKE SA this end deleted.",
        ("IKE_NO_SA",),
        FIELD_GUIDE,
    ),
    _t(
        "mode failed with peer",
        K.MODE_FAILURE,
        "A mode failed with the peer.",
        ("IKE_P1_POLICY_MISMATCH",),
        CISCOARTICLES,
    ),
    _t(
        "qm fsm error",
        K.MODE_FAILURE,
        "ASA: quick mode failed.",
        ("IKE_P2_PROXY_MISMATCH",),
        DOC_5409,
    ),
    _t("mac verif", K.MAC_VERIFY_FAILED, "ESP failed its HMAC check.", (), DOC_5409),
    _t(
        "failed with host",
        K.AUTH_FAILED,
        "IKE authentication failed.",
        ("IKE_P1_PSK_MISMATCH",),
        CISCOARTICLES,
    ),
)

# All needles in one alternation (one C-level scan per line); the earliest entry wins.
_NEEDLES = re.compile("|".join(re.escape(t.needle) for t in TEXTS))
_RANK = {t.needle: index for index, t in enumerate(TEXTS)}
_BY_NEEDLE = {t.needle: t for t in TEXTS}
if len(_BY_NEEDLE) != len(TEXTS):
    raise ValueError("debug catalogue: a text is listed twice")


def text_entry(text: str) -> DebugText | None:
    """The catalogue entry that names ``text`` (None when none does)."""
    found = _NEEDLES.findall(text.lower())
    return _BY_NEEDLE[min(found, key=_RANK.__getitem__)] if found else None
