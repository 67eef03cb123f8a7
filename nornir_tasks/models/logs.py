"""Log models: syslog messages and IKE/IPsec debug lines as typed events."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["EventKind", "LogEvent", "LogStream"]


class EventKind(StrEnum):
    """What a log line says, as far as VPN and failover diagnosis cares."""

    STATE_CHANGE = "state_change"  # ISAKMP "Old State = X  New State = Y"
    FSM_ERROR_HISTORY = "fsm_error_history"  # ASA "IKE MM Initiator FSM error history"
    RETRANSMIT = "retransmit"
    DUPLICATE_PACKET = "duplicate_packet"
    ATTS_NOT_ACCEPTABLE = "atts_not_acceptable"
    ATTS_ACCEPTABLE = "atts_acceptable"
    ENCRYPTION_MISMATCH = "encryption_mismatch"
    HASH_MISMATCH = "hash_mismatch"
    DH_GROUP_MISMATCH = "dh_group_mismatch"
    AUTH_METHOD_MISMATCH = "auth_method_mismatch"
    NO_PSK = "no_psk"
    SA_AUTHENTICATED = "sa_authenticated"
    AUTH_FAILED = "auth_failed"
    P1_POLICY_REJECTED = "p1_policy_rejected"
    P2_POLICY_REJECTED = "p2_policy_rejected"
    PROXY_ID_MISMATCH = "proxy_id_mismatch"
    PROPOSAL_NOT_CHOSEN = "proposal_not_chosen"
    NO_PARANOID_KEEPALIVES = "no_paranoid_keepalives"  # misleading; often a PFS mismatch
    SA_DELETED = "sa_deleted"
    DEATH_BY_RETRANSMISSION = "death_by_retransmission"
    BAD_MESSAGE = "bad_message"
    INVALID_SPI = "invalid_spi"
    REPLAY_ERROR = "replay_error"
    MAC_VERIFY_FAILED = "mac_verify_failed"
    NOT_IPSEC = "not_ipsec"
    MODE_FAILURE = "mode_failure"
    NO_SA = "no_sa"
    NO_CRYPTO_MAP = "no_crypto_map"  # ASA: IKE arrived on an interface with no crypto map
    INNER_PACKET_MISMATCH = "inner_packet_mismatch"  # ASA 402116: inner packet outside the SA
    IKEV2_PACKET = "ikev2_packet"  # IKEv2 "Sending/Received Packet": exchange, payloads
    IKEV2_NO_PROPOSAL = "ikev2_no_proposal"  # NOTIFY(NO_PROPOSAL_CHOSEN) in an IKEv2 packet
    IKEV2_NO_POLICY = "ikev2_no_policy"  # "Failed to find a matching policy" (IKE_SA_INIT)
    IKEV2_AUTH_FAILED = "ikev2_auth_failed"  # AUTHENTICATION_FAILED, "Auth exchange failed"
    IKEV2_PEER_ID_FAILED = "ikev2_peer_id_failed"  # ASA "Peer ID check failed"
    IKEV2_NO_PROFILE = "ikev2_no_profile"  # IOS "IKEv2 profile not found"
    IKEV2_NOT_FOUND = "ikev2_not_found"  # "Failed to locate an item in the database"
    TS_UNACCEPTABLE = "ts_unacceptable"  # traffic selectors refused
    IKEV2_INIT_FAILED = "ikev2_init_failed"  # "Initial exchange failed": IKE_SA_INIT gave up
    IKEV2_AUTH_TIMEOUT = "ikev2_auth_timeout"  # 750003 "Failed to receive the AUTH msg ..."
    SESSION_UP = "session_up"
    SESSION_DOWN = "session_down"
    TRACK_STATE = "track_state"
    SLA_THRESHOLD = "sla_threshold"  # %RTT-...: an IP SLA reaction (timeout, threshold) fired
    EEM_LOG = "eem_log"
    SYSLOG = "syslog"  # another %FACILITY-SEVERITY-MNEMONIC message
    DEBUG = "debug"  # another ISAKMP/IPSEC/IKEv2 debug line
    # "debug crypto condition peer ipv4 X" typed above the debug lines: whose lines follow
    DEBUG_CONDITION = "debug_condition"
    TEXT = "text"  # anything else in the stream (prompts, ping output)


@dataclass(frozen=True)
class FsmStep:
    """One ``<state>, <event>`` pair of an ASA FSM error history (most recent first)."""

    state: str
    event: str


@dataclass(frozen=True)
class LogEvent:
    """One line of a log stream, classified; ``line`` is the raw line (quoted as evidence)."""

    kind: EventKind
    line: str
    time: str | None
    seq: int | None
    peer: str | None
    conn_id: int | None
    facility: str | None
    severity: int | None
    mnemonic: str | None
    message: str | None  # the syslog text after the mnemonic, or the debug text after its prefix
    old_state: str | None
    new_state: str | None
    reason: str | None  # delete reason, NOTIFY direction ("received"/"sent")
    fsm_history: tuple[FsmStep, ...]
    detail: tuple[str, ...]  # indented continuation lines that belong to this line
    # Named values the message carries (catalogue patterns, IKEv2 packet headers): ("spi",
    # "0x76F99C4C"), ("exchange", "IKE_AUTH"), ("notify", "NO_PROPOSAL_CHOSEN"), ...
    fields: tuple[tuple[str, str], ...] = ()

    def field(self, name: str) -> str | None:
        """The value of field ``name`` (None when the message does not carry it)."""
        return next((value for key, value in self.fields if key == name), None)


@dataclass(frozen=True)
class LogStream:
    """``show logging`` or a captured debug stream."""

    header: tuple[str, ...]  # the ``show logging`` preamble, as printed
    buffer_bytes: int | None  # "Log Buffer (16384 bytes):"
    events: tuple[LogEvent, ...]
    complete: bool
