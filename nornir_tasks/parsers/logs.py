"""``show logging`` and captured log streams: syslog messages and IKE/IPsec debug lines.

Sample (IOS syslog, IOS debug, ASA debug and syslog)::

    Log Buffer (16384 bytes):
    022701: Jun 19 03:02:31: %LINEPROTO-5-UPDOWN: Line protocol on Interface Gi2/0/3, changed ...
    *Oct 24 04:31:10.058: %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid ...
    *Oct 25 18:50:01.497: ISAKMP-ERROR: (0):No pre-shared key with 203.0.113.1!
    ISAKMP:(9577):Old State = IKE_I_MM5  New State = IKE_I_MM6
    ISAKMP (0): retransmitting phase 1 MM_NO_STATE...
    IPSEC(validate_transform_proposal): proxy identities not supported
    Jan 24 09:02:44 [IKEv1 DEBUG]: IP = 123.123.123.123, IKE MM Initiator FSM error history ...
    Jun 10 2010 17:36:13: %ASA-5-713904: IP = 233.22.22.233, Received an un-encrypted ...

Every line becomes an event (unknown lines as SYSLOG, DEBUG or TEXT); indented continuation
lines are attached to the event above them. Only a stream that holds nothing but a CLI error is
refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nornir_tasks.models.logs import EventKind, FsmStep, LogEvent, LogStream
from nornir_tasks.parsers._common import cli_error
from nornir_tasks.parsers._text import clean_lines
from nornir_tasks.parsers._unparsed import skip
from nornir_tasks.parsers.registry import ParseError, parser

COMMAND = "show logging"
_K = EventKind

# 000123: *Mar  1 00:12:33.123: / Nov 26 10:00:01.123 UTC: / Jun 10 2010 17:36:05: /
# Jan 24 09:02:44 [IKEv1 DEBUG]: / 1d02h: / 00:12:33:
_PREFIX = re.compile(
    r"^(?:(\d{1,12}):\s+)?"
    r"(?:([*.]?(?:[A-Z][a-z]{2}\s+\d{1,2}(?:\s+\d{4})?\s+\d{1,2}:\d{2}:\d{2}(?:\.\d+)?"
    r"|\d+[wdh]\d+[dhm]|\d{2}:\d{2}:\d{2}(?:\.\d+)?)(?:\s+[A-Z]{2,5}(?=:))?):?\s+)?"
)
# %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: ... / %ASA-5-713904: IP = 1.2.3.4, ... / %HA_EM-6-LOG: ...
_SYSLOG = re.compile(r"%([A-Z][A-Z0-9_]*(?:-[A-Z0-9_]+)*?)-([0-7])-([A-Z0-9_]+):\s?(.*)$")
# ISAKMP:(1001): / ISAKMP-PAK: (1003): / IPSEC(validate_proposal): / IKEv2:(SESSION ID = 1,...) /
# [IKEv1 DEBUG]: / Group = G, IP = 1.2.3.4, / IP = 1.2.3.4,
_DEBUG = re.compile(
    r"^(?:ISAKMP|IPSEC|IPsec|IKEv[12]|IKE\b|\[IKEv|CRYPTO|[Cc]rypto|Group = |IP = )"
)
# ISAKMP:(1001): / ISAKMP: (1003): / ISAKMP (0:9577): / ISAKMP-ERROR: (0): / ISAKMP (0):
_CONN_ID = re.compile(r"^(?:ISAKMP|IKEv2)(?:-[A-Z]+)?\s?:?\s?\((?:\d+:)?(\d{1,12})\):?\s*")
# IKEv2:(SESSION ID = 1,SA ID = 1):
_IKEV2_ID = re.compile(r"^IKEv2(?:-[A-Z]+)?:\s?\(SESSION ID = \d+,\s*SA ID = (\d{1,12})\):\s*")
# ISAKMP: / ISAKMP : / [IKEv1 DEBUG]: (a debug prefix without a connection id)
_DEBUG_TAG = re.compile(r"^(?:ISAKMP(?:-[A-Z]+)?\s?:|\[IKEv[12][^\]]*\]:)\s*")
# ISAKMP:(9577):Old State = IKE_I_MM5  New State = IKE_I_MM6 (IOS prints a stray "." sometimes)
_STATE = re.compile(r"Old State = \.?(\S+)\s+New State = \.?(\S+)")
# IKE MM Initiator FSM error history (struct &0xafd4cc28)  <state>, <event>:  MM_DONE, EV_ERROR-->
_FSM = re.compile(r"FSM error history(?: \([^)]*\))?\s*(?:<state>,\s*<event>:)?\s*(.*)$")
# MM_DONE, EV_ERROR-->MM_WAIT_MSG2 (the blog copy has "–>": an en dash and ">")
_FSM_ARROW = re.compile(r"\s*(?:-+|–|—)>\s*")
# deleting SA reason "Death by retransmission P1" state (I) MM_NO_STATE (peer 10.1.1.1)
_REASON = re.compile(r'reason "([^"]*)"')
# %TRACK-6-STATE: 1 ip sla 1 reachability Up -> Down
_TRACK = re.compile(r"^(\d+ .*?)\s+(Up|Down)\s*->\s*(Up|Down)")
# Log Buffer (16384 bytes):
_LOG_BUFFER = re.compile(r"^Log Buffer \((\d{1,12}) bytes\):")
# Buffer logging:  level debugging, 22860 messages logged (buffered logging is on)
_BUFFER_ON = re.compile(r"^\s*Buffer logging:\s+level")

_V4 = r"(\d{1,3}(?:\.\d{1,3}){3})"
_HAS_V4 = re.compile(_V4)
# Where the remote address sits, most telling first: "IP = 1.2.3.4", "srcaddr=1.2.3.4",
# "peer 5.6.7.8/1.2.3.4/500/", "local 5.6.7.8 remote 1.2.3.4", "(peer 1.2.3.4)",
# "with peer at 1.2.3.4", "src 5.6.7.8 dst 1.2.3.4", "with|from|to|for|matching 1.2.3.4", "(1.2.3.4)"
_PEER = tuple(
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
    )
)

# Syslog mnemonics that name an event outright.
_MNEMONICS = {
    ("CRYPTO", "IKMP_BAD_MESSAGE"): _K.BAD_MESSAGE,
    ("CRYPTO", "RECVD_PKT_INV_SPI"): _K.INVALID_SPI,
    ("CRYPTO", "PKT_REPLAY_ERR"): _K.REPLAY_ERROR,
    ("IPSEC", "REPLAY_ERROR"): _K.REPLAY_ERROR,
    ("CRYPTO", "RECVD_PKT_MAC_ERR"): _K.MAC_VERIFY_FAILED,
    ("CRYPTO", "RECVD_PKT_NOT_IPSEC"): _K.NOT_IPSEC,
    ("CRYPTO", "IKMP_MODE_FAILURE"): _K.MODE_FAILURE,
    ("CRYPTO", "IKMP_NO_SA"): _K.NO_SA,
    ("CRYPTO", "IKMP_AUTH_FAIL"): _K.AUTH_FAILED,
    ("TRACK", "STATE"): _K.TRACK_STATE,
    ("TRACKING", "STATE"): _K.TRACK_STATE,
    ("HA_EM", "LOG"): _K.EEM_LOG,
}

# Debug (and ASA syslog) texts, lower case, first match wins: order matters.
_TEXTS = (
    ("death by retransmission", _K.DEATH_BY_RETRANSMISSION),
    ("fsm error history", _K.FSM_ERROR_HISTORY),
    ("old state = ", _K.STATE_CHANGE),
    ("proposal_not_chosen", _K.PROPOSAL_NOT_CHOSEN),
    ("no_proposal_chosen", _K.PROPOSAL_NOT_CHOSEN),  # IKEv2
    ("phase 2 sa policy not acceptable", _K.P2_POLICY_REJECTED),
    ("ipsec policy invalidated proposal", _K.P2_POLICY_REJECTED),
    ("all ipsec sa proposals found unacceptable", _K.P2_POLICY_REJECTED),
    ("transform proposal not supported", _K.P2_POLICY_REJECTED),
    ("proxy identities not supported", _K.PROXY_ID_MISMATCH),
    ("invalid proxy ids", _K.PROXY_ID_MISMATCH),
    ("phase 1 sa policy not acceptable", _K.P1_POLICY_REJECTED),
    ("no offers accepted", _K.P1_POLICY_REJECTED),
    ("atts are not acceptable", _K.ATTS_NOT_ACCEPTABLE),
    ("atts are acceptable", _K.ATTS_ACCEPTABLE),
    ("encryption algorithm offered does not match policy", _K.ENCRYPTION_MISMATCH),
    ("hash algorithm offered does not match policy", _K.HASH_MISMATCH),
    ("diffie-hellman group offered does not match policy", _K.DH_GROUP_MISMATCH),
    ("authentication method offered does not match policy", _K.AUTH_METHOD_MISMATCH),
    ("no pre-shared key with", _K.NO_PSK),
    ("no cert or pre-shared address key", _K.NO_PSK),
    ("no cert and no keys with remote peer", _K.NO_PSK),
    ("is a duplicate of a previous packet", _K.DUPLICATE_PACKET),
    ("duplicate first packet detected", _K.DUPLICATE_PACKET),
    ("retransmit", _K.RETRANSMIT),
    ("ike_decode resending", _K.RETRANSMIT),
    ("peer does not do paranoid keepalives", _K.NO_PARANOID_KEEPALIVES),
    ("deleting sa reason", _K.SA_DELETED),
    ("sa has been authenticated with", _K.SA_AUTHENTICATED),
    ("failed its sanity check", _K.BAD_MESSAGE),
    ("has invalid spi", _K.INVALID_SPI),
    ("replay check failed", _K.REPLAY_ERROR),
    ("anti-replay error", _K.REPLAY_ERROR),
    ("has no sa and is not an initialization offer", _K.NO_SA),
    ("mode failed with peer", _K.MODE_FAILURE),
    ("qm fsm error", _K.MODE_FAILURE),
    ("mac verif", _K.MAC_VERIFY_FAILED),
    ("failed with host", _K.AUTH_FAILED),
)


@dataclass
class _Draft:
    kind: EventKind
    line: str
    time: str | None = None
    seq: int | None = None
    peer: str | None = None
    conn_id: int | None = None
    facility: str | None = None
    severity: int | None = None
    mnemonic: str | None = None
    message: str | None = None
    old_state: str | None = None
    new_state: str | None = None
    reason: str | None = None
    fsm_history: tuple[FsmStep, ...] = ()
    detail: list[str] = field(default_factory=list)

    def freeze(self) -> LogEvent:
        return LogEvent(
            self.kind,
            self.line,
            self.time,
            self.seq,
            self.peer,
            self.conn_id,
            self.facility,
            self.severity,
            self.mnemonic,
            self.message,
            self.old_state,
            self.new_state,
            self.reason,
            self.fsm_history,
            tuple(self.detail),
        )


# All needles in one alternation (one C-level scan per line); the earliest in _TEXTS wins.
_NEEDLES = re.compile("|".join(re.escape(needle) for needle, _ in _TEXTS))
_RANK = {needle: index for index, (needle, _) in enumerate(_TEXTS)}
_KINDS = dict(_TEXTS)


def _text_kind(text: str) -> EventKind | None:
    found = _NEEDLES.findall(text.lower())
    return _KINDS[min(found, key=_RANK.__getitem__)] if found else None


def _peer(text: str) -> str | None:
    if not _HAS_V4.search(text):
        return None
    for pattern in _PEER:
        if m := pattern.search(text):
            return m[m.lastindex or 1]
    return None


def _fsm_history(text: str) -> tuple[FsmStep, ...]:
    m = _FSM.search(text)
    steps = []
    for part in _FSM_ARROW.split(m[1] if m else ""):
        state, _, event = part.partition(",")
        if state.strip():
            steps.append(FsmStep(state.strip(), event.strip()))
    return tuple(steps)


def _details(draft: _Draft, text: str) -> None:
    """Fill the fields that depend on the kind of event."""
    kind = draft.kind
    if kind is _K.STATE_CHANGE and (m := _STATE.search(text)):
        draft.old_state, draft.new_state = m[1], m[2]
    elif kind is _K.FSM_ERROR_HISTORY:
        draft.fsm_history = steps = _fsm_history(text)
        if steps:
            draft.new_state = steps[0].state
            draft.old_state = next((s.state for s in steps if s.state != steps[0].state), None)
    elif kind is _K.TRACK_STATE and (m := _TRACK.match(text)):
        draft.reason, draft.old_state, draft.new_state = m[1], m[2], m[3]
    elif kind is _K.PROPOSAL_NOT_CHOSEN:
        lower = text.lower()
        draft.reason = "sent" if "sending" in lower else "received"
    elif m := _REASON.search(text):
        draft.reason = m[1]


def _syslog(draft: _Draft, m: re.Match[str]) -> None:
    draft.facility, draft.severity, draft.mnemonic, draft.message = m[1], int(m[2]), m[3], m[4]
    kind = _MNEMONICS.get((m[1], m[3]))
    if m[1] == "CRYPTO" and m[3] == "SESSION_STATUS":
        kind = _K.SESSION_UP if " IS UP" in m[4].upper() else _K.SESSION_DOWN
    draft.kind = kind or _text_kind(m[4]) or _K.SYSLOG


def _debug(draft: _Draft, body: str) -> None:
    if m := _CONN_ID.match(body) or _IKEV2_ID.match(body):
        draft.conn_id, draft.message = int(m[1]), body[m.end() :]
    else:
        tag = _DEBUG_TAG.match(body)
        draft.message = body[tag.end() :] if tag else body
    draft.kind = _text_kind(body) or _K.DEBUG


def _classify(line: str) -> _Draft:
    """Turn one line into a draft event."""
    prefix = _PREFIX.match(line.strip())
    body = line.strip()[prefix.end() :] if prefix else line.strip()
    draft = _Draft(_K.TEXT, line)
    if prefix:
        draft.seq = int(prefix[1]) if prefix[1] else None
        draft.time = prefix[2]
    if "%" in body and (m := _SYSLOG.search(body)):
        _syslog(draft, m)
    elif _DEBUG.match(body):
        _debug(draft, body)
    else:
        return draft
    _details(draft, draft.message or body)
    draft.peer = _peer(body)
    return draft


@dataclass
class _Stream:
    header: list[str] = field(default_factory=list)
    in_header: bool = False
    buffer_bytes: int | None = None
    drafts: list[_Draft] = field(default_factory=list)


def _header_line(stream: _Stream, line: str) -> bool:
    """Read a ``show logging`` preamble line; False once the messages start."""
    if m := _LOG_BUFFER.match(line):
        stream.header.append(line)
        stream.buffer_bytes, stream.in_header = int(m[1]), False
        return True
    if _classify(line).kind is not _K.TEXT:
        stream.in_header = False
        return False
    stream.header.append(line)
    return True


def _stream_line(stream: _Stream, line: str) -> None:
    if stream.in_header and _header_line(stream, line):
        return
    draft = _classify(line)
    indented = line[:1] in (" ", "\t")
    if draft.kind is _K.TEXT and indented and stream.drafts:
        stream.drafts[-1].detail.append(line.strip())
    else:
        stream.drafts.append(draft)


def _complete(stream: _Stream) -> bool:
    """False when ``show logging`` said its buffer is on but the text stops in the preamble."""
    buffer_on = any(_BUFFER_ON.match(h) for h in stream.header)
    return not (buffer_on and stream.buffer_bytes is None and not stream.drafts)


@parser("show logging")
@parser("show logging ...")
@parser("debug crypto isakmp ...")
@parser("debug crypto ipsec ...")
@parser("debug crypto ikev2 ...")
@parser("debug crypto ikev1 ...")
def parse_log_stream(text: str) -> LogStream:
    """Parse ``show logging`` or a captured syslog/debug stream into typed events."""
    stream = _Stream()
    for line in clean_lines(text):
        if not line.strip():
            continue
        if not stream.header and line.startswith("Syslog logging:"):
            stream.in_header = True
        _stream_line(stream, line)
    error = cli_error(d.line for d in stream.drafts)
    if error is not None and all(d.kind is _K.TEXT for d in stream.drafts):
        raise ParseError(COMMAND, error, "the device rejected the command")
    if any(d.kind is not _K.TEXT for d in stream.drafts):
        for draft in stream.drafts:  # kept as TEXT events, but not understood
            if draft.kind is _K.TEXT:
                skip(draft.line)
    return LogStream(
        header=tuple(stream.header),
        buffer_bytes=stream.buffer_bytes,
        events=tuple(d.freeze() for d in stream.drafts),
        complete=_complete(stream),
    )
