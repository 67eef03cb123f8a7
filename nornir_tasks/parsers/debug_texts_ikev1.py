"""Debug-catalogue entries of IKEv1 and IPsec (IOS ``debug crypto isakmp|ipsec``, ASA ikev1)."""

from __future__ import annotations

from nornir_tasks.parsers.log_sources import (
    ASA_SARANSK_NOTES,
    CISCOARTICLES,
    COURSEIVA,
    DARENMATTHEWS,
    DOC_5409,
    FIELD_GUIDE,
    LINUX_ASA_NOTES,
    TUNNELSUP_PARANOID,
    XE_R4_CAPTURE,
    DebugText,
    K,
    text,
)

# Checked before the IKEv2 texts (their wording is the most specific).
IKEV1_FIRST: tuple[DebugText, ...] = (
    text(
        "death by retransmission",
        K.DEATH_BY_RETRANSMISSION,
        "The negotiating SA was deleted after its retransmissions went unanswered.",
        ("IKE_P1_NO_RESPONSE",),
        FIELD_GUIDE,
    ),
    text(
        "fsm error history",
        K.FSM_ERROR_HISTORY,
        "ASA: the state machine's last states and events, most recent first.",
        ("IKE_P1_NO_RESPONSE", "IKE_P1_PSK_MISMATCH"),
        DARENMATTHEWS,
    ),
    text("old state = ", K.STATE_CHANGE, "IOS ISAKMP state machine transition.", (), DOC_5409),
)

IKEV1_TEXTS: tuple[DebugText, ...] = (
    text(
        "proposal_not_chosen",
        K.PROPOSAL_NOT_CHOSEN,
        "PROPOSAL_NOT_CHOSEN notify (IKEv1).",
        ("IKE_P1_POLICY_MISMATCH", "IKE_P2_PROPOSAL_MISMATCH"),
        TUNNELSUP_PARANOID,
    ),
    text(
        "no_proposal_chosen",
        K.PROPOSAL_NOT_CHOSEN,
        "NO_PROPOSAL_CHOSEN notify.",
        ("IKEV2_PROPOSAL_MISMATCH", "IKEV2_CHILD_PROPOSAL_MISMATCH"),
        XE_R4_CAPTURE,
    ),
    text(
        "phase 2 sa policy not acceptable",
        K.P2_POLICY_REJECTED,
        "Quick mode refused.",
        ("IKE_P2_PROPOSAL_MISMATCH", "IKE_P2_PROXY_MISMATCH"),
        DOC_5409,
    ),
    text(
        "ipsec policy invalidated proposal",
        K.P2_POLICY_REJECTED,
        "Quick mode refused (error 32: proxy identities; 256: transform set).",
        ("IKE_P2_PROPOSAL_MISMATCH", "IKE_P2_PROXY_MISMATCH"),
        DOC_5409,
    ),
    text(
        "all ipsec sa proposals found unacceptable",
        K.P2_POLICY_REJECTED,
        "No transform set of the peer's is acceptable.",
        ("IKE_P2_PROPOSAL_MISMATCH",),
        DOC_5409,
    ),
    text(
        "transform proposal not supported",
        K.P2_POLICY_REJECTED,
        "Transform set mismatch.",
        ("IKE_P2_PROPOSAL_MISMATCH",),
        DOC_5409,
    ),
    text(
        "proxy identities not supported",
        K.PROXY_ID_MISMATCH,
        "Crypto ACLs not mirrored.",
        ("IKE_P2_PROXY_MISMATCH",),
        DOC_5409,
    ),
    text(
        "invalid proxy ids",
        K.PROXY_ID_MISMATCH,
        "Crypto ACLs not mirrored.",
        ("IKE_P2_PROXY_MISMATCH",),
        DOC_5409,
    ),
    text(
        "phase 1 sa policy not acceptable",
        K.P1_POLICY_REJECTED,
        "No ISAKMP policy matches.",
        ("IKE_P1_POLICY_MISMATCH",),
        COURSEIVA,
    ),
    text(
        "no offers accepted",
        K.P1_POLICY_REJECTED,
        "No ISAKMP policy matches.",
        ("IKE_P1_POLICY_MISMATCH",),
        COURSEIVA,
    ),
    text(
        "atts are not acceptable",
        K.ATTS_NOT_ACCEPTABLE,
        "One policy refused; fatal only when no later policy is accepted.",
        ("IKE_POLICY_ITERATION", "IKE_P1_POLICY_MISMATCH"),
        COURSEIVA,
    ),
    text(
        "atts are acceptable",
        K.ATTS_ACCEPTABLE,
        "A policy (or transform) was accepted.",
        ("IKE_POLICY_ITERATION",),
        COURSEIVA,
    ),
    text(
        "encryption algorithm offered does not match policy",
        K.ENCRYPTION_MISMATCH,
        "The offered encryption differs from this policy's.",
        ("IKE_P1_POLICY_MISMATCH",),
        DOC_5409,
    ),
    text(
        "hash algorithm offered does not match policy",
        K.HASH_MISMATCH,
        "The offered hash differs from this policy's.",
        ("IKE_P1_POLICY_MISMATCH",),
        DOC_5409,
    ),
    text(
        "diffie-hellman group offered does not match policy",
        K.DH_GROUP_MISMATCH,
        "The offered DH group differs from this policy's.",
        ("IKE_P1_POLICY_MISMATCH",),
        DOC_5409,
    ),
    text(
        "authentication method offered does not match policy",
        K.AUTH_METHOD_MISMATCH,
        "The offered authentication method differs.",
        ("IKE_P1_POLICY_MISMATCH",),
        DOC_5409,
    ),
    text(
        "no pre-shared key with",
        K.NO_PSK,
        "No key for the peer's address.",
        ("IKE_P1_PSK_MISSING",),
        DOC_5409,
    ),
    text(
        "no cert or pre-shared address key",
        K.NO_PSK,
        "No key for the peer's address.",
        ("IKE_P1_PSK_MISSING",),
        DOC_5409,
    ),
    text(
        "no cert and no keys with remote peer",
        K.NO_PSK,
        "No key for the peer's address.",
        ("IKE_P1_PSK_MISSING",),
        DOC_5409,
    ),
    text(
        # ASA: a L2L peer's tunnel-group is found by its address; none is named so (or the one
        # named so has no key), and the ASA drops the negotiation.
        "can't find a valid tunnel group",
        K.NO_PSK,
        "ASA: no tunnel-group (with a key) for the peer's address.",
        ("IKE_P1_PSK_MISSING",),
        ASA_SARANSK_NOTES,
    ),
    text(
        "is a duplicate of a previous packet",
        K.DUPLICATE_PACKET,
        "The peer resent a packet: our answer did not reach it.",
        ("IKE_P1_RETURN_PATH",),
        DARENMATTHEWS,
    ),
    text(
        "duplicate first packet detected",
        K.DUPLICATE_PACKET,
        "ASA: the initiator resent MSG1: MSG2 did not reach it.",
        ("IKE_P1_RETURN_PATH",),
        DARENMATTHEWS,
    ),
    text(
        "retransmit",
        K.RETRANSMIT,
        "A packet was resent for want of an answer.",
        ("IKE_P1_NO_RESPONSE", "IKEV2_NO_RESPONSE"),
        DARENMATTHEWS,
    ),
    text(
        "ike_decode resending",
        K.RETRANSMIT,
        "ASA: a packet was resent.",
        ("IKE_P1_NO_RESPONSE",),
        DARENMATTHEWS,
    ),
    text(
        "peer does not do paranoid keepalives",
        K.NO_PARANOID_KEEPALIVES,
        "Misleading: follows a refused quick mode, usually a PFS or transform mismatch.",
        ("IKE_P2_PROPOSAL_MISMATCH",),
        TUNNELSUP_PARANOID,
    ),
    text(
        "deleting sa reason", K.SA_DELETED, "An SA was deleted; the reason is quoted.", (), DOC_5409
    ),
    text(
        "sa has been authenticated with",
        K.SA_AUTHENTICATED,
        "Phase 1 authenticated.",
        (),
        TUNNELSUP_PARANOID,
    ),
    text(
        "failed its sanity check",
        K.BAD_MESSAGE,
        "Usually a pre-shared key mismatch.",
        ("IKE_P1_PSK_MISMATCH",),
        DOC_5409,
    ),
    text(
        "has invalid spi", K.INVALID_SPI, "ESP on an unknown SPI.", ("IPSEC_INVALID_SPI",), DOC_5409
    ),
    text(
        "replay check failed",
        K.REPLAY_ERROR,
        "Anti-replay drop.",
        ("IPSEC_REPLAY_DROPS",),
        DOC_5409,
    ),
    text(
        "anti-replay error", K.REPLAY_ERROR, "Anti-replay drop.", ("IPSEC_REPLAY_DROPS",), DOC_5409
    ),
    text(
        "has no sa and is not an initialization offer",
        K.NO_SA,
        "The peer uses an IKE SA this end deleted.",
        ("IKE_NO_SA",),
        FIELD_GUIDE,
    ),
    text(
        "mode failed with peer",
        K.MODE_FAILURE,
        "A mode failed with the peer.",
        ("IKE_P1_POLICY_MISMATCH",),
        CISCOARTICLES,
    ),
    text(
        "no crypto map bound to interface",
        K.NO_CRYPTO_MAP,
        "ASA: IKE from the peer arrived on an interface with no crypto map applied; dropped.",
        ("CRYPTO_MAP_NOT_APPLIED",),
        LINUX_ASA_NOTES,
    ),
    text(
        "qm fsm error",
        K.MODE_FAILURE,
        "ASA: quick mode failed.",
        ("IKE_P2_PROXY_MISMATCH",),
        DOC_5409,
    ),
    text("mac verif", K.MAC_VERIFY_FAILED, "ESP failed its HMAC check.", (), DOC_5409),
    text(
        "failed with host",
        K.AUTH_FAILED,
        "IKE authentication failed.",
        ("IKE_P1_PSK_MISMATCH",),
        CISCOARTICLES,
    ),
)
