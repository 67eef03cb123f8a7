"""Debug-catalogue entries of IKEv2 (IOS-XE ``debug crypto ikev2``, ASA ``debug crypto ikev2``)
and of the ASA 402116 text."""

from __future__ import annotations

from nornir_tasks.parsers.log_sources import (
    ASA_402116_BLOG,
    ASA_IKEV2_BLOG,
    DOC_117337,
    FIELD_GUIDE,
    SEKOIA_SAMPLES,
    STACKEXCHANGE_67085,
    XE_R4_CAPTURE,
    DebugText,
    K,
    text,
)

IKEV2_TEXTS: tuple[DebugText, ...] = (
    text(
        "sending packet [to",
        K.IKEV2_PACKET,
        "IKEv2 packet sent; the lines under it name the exchange and payloads.",
        (),
        XE_R4_CAPTURE,
    ),
    text(
        "received packet [from",
        K.IKEV2_PACKET,
        "IKEv2 packet received; the lines under it name the exchange and payloads.",
        (),
        XE_R4_CAPTURE,
    ),
    text(
        "failed to find a matching policy",
        K.IKEV2_NO_POLICY,
        "IKE_SA_INIT refused: none of the peer's proposals (encryption, integrity, PRF, DH "
        "group) matches a local IKEv2 proposal.",
        ("IKEV2_PROPOSAL_MISMATCH",),
        ASA_IKEV2_BLOG,
    ),
    text(
        "peer id check failed",
        K.IKEV2_PEER_ID_FAILED,
        "ASA: the peer's IKE identity is not in its certificate (peer-id-validate).",
        ("IKEV2_AUTH_FAILED",),
        DOC_117337,
    ),
    text(
        "profile not found",
        K.IKEV2_NO_PROFILE,
        "IOS: the peer's identity matches no 'match identity remote' of any IKEv2 profile.",
        ("IKEV2_NO_PROFILE",),
        DOC_117337,
    ),
    text(
        "profile could not be found",
        K.IKEV2_NO_PROFILE,
        "IOS: no IKEv2 profile matches the peer's certificate identity.",
        ("IKEV2_NO_PROFILE",),
        DOC_117337,
    ),
    text(
        "failed to locate an item in the database",
        K.IKEV2_NOT_FOUND,
        "A lookup failed (profile, key, tunnel group); the lines before it say which.",
        ("IKEV2_NO_PROFILE", "IKEV2_AUTH_FAILED"),
        DOC_117337,
    ),
    text(
        "no ipsec policy found for received ts",
        K.TS_UNACCEPTABLE,
        "ASA 750003: the peer's traffic selectors match no crypto map entry.",
        ("IKEV2_TS_UNACCEPTABLE",),
        SEKOIA_SAMPLES,
    ),
    text(
        "ts_unacceptable",
        K.TS_UNACCEPTABLE,
        "The responder refused the child SA's traffic selectors.",
        ("IKEV2_TS_UNACCEPTABLE",),
        FIELD_GUIDE,
    ),
    text(
        "failed to authenticate the ike sa",
        K.IKEV2_AUTH_FAILED,
        "ASA 750003: IKE_AUTH failed (pre-shared key, certificate or identity).",
        ("IKEV2_AUTH_FAILED",),
        SEKOIA_SAMPLES,
    ),
    text(
        "authentication_failed",
        K.IKEV2_AUTH_FAILED,
        "AUTHENTICATION_FAILED notify: the peer could not verify our AUTH payload.",
        ("IKEV2_AUTH_FAILED",),
        FIELD_GUIDE,
    ),
    text(
        "verify auth failed",
        K.IKEV2_AUTH_FAILED,
        "ASA: the peer's AUTH payload did not verify.",
        ("IKEV2_AUTH_FAILED",),
        DOC_117337,
    ),
    text(
        "auth exchange failed",
        K.IKEV2_AUTH_FAILED,
        "ASA: the IKE_AUTH exchange failed.",
        ("IKEV2_AUTH_FAILED",),
        DOC_117337,
    ),
    text(
        "authentication data failed",
        K.IKEV2_AUTH_FAILED,
        "IOS: the peer's AUTH payload did not verify with the local key.",
        ("IKEV2_AUTH_FAILED",),
        FIELD_GUIDE,
    ),
    text(
        "failed to receive the auth msg",
        K.IKEV2_AUTH_TIMEOUT,
        "ASA 750003: IKE_SA_INIT worked, IKE_AUTH never arrived (UDP 4500 or fragments lost).",
        ("IKEV2_NO_RESPONSE",),
        STACKEXCHANGE_67085,
    ),
    text(
        "initial exchange failed",
        K.IKEV2_INIT_FAILED,
        "IOS: IKE_SA_INIT gave up (no usable answer from the peer).",
        ("IKEV2_NO_RESPONSE",),
        XE_R4_CAPTURE,
    ),
    text(
        "failed sa init exchange",
        K.IKEV2_INIT_FAILED,
        "IKE_SA_INIT failed.",
        ("IKEV2_NO_RESPONSE",),
        FIELD_GUIDE,
    ),
    text(
        "decapsulated inner packet doesn't match",
        K.INNER_PACKET_MISMATCH,
        "ESP decrypted to a packet outside the SA's proxy identities.",
        ("IPSEC_INNER_PACKET_MISMATCH",),
        ASA_402116_BLOG,
    ),
)
