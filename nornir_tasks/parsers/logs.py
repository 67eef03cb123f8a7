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

Every message becomes an event (unknown ones as SYSLOG, DEBUG or TEXT): a line pasted from a
web page may hold several (``log_lines`` finds them, whatever their time stamps). Indented
continuation lines are attached to the event above them, and so are the lines an IKEv2 packet
or policy dump prints under its debug line, and the second half of a syslog message a paste
wrapped. What a message means and carries is read from the catalogues (``log_catalogue`` for
syslog, ``debug_catalogue`` for debug texts). Only a stream that holds nothing but a CLI error
is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nornir_tasks.models.logs import EventKind, FsmStep, LogEvent, LogStream
from nornir_tasks.parsers._common import cli_error
from nornir_tasks.parsers._text import clean_lines
from nornir_tasks.parsers._unparsed import skip
from nornir_tasks.parsers.debug_catalogue import text_entry
from nornir_tasks.parsers.log_conditions import condition_of
from nornir_tasks.parsers.log_fields import is_peer, packet_fields, peer_of
from nornir_tasks.parsers.log_lines import Piece, split_messages
from nornir_tasks.parsers.registry import ParseError, parser

if TYPE_CHECKING:  # the syslog catalogue is imported by the first syslog message (``_syslog``)
    from nornir_tasks.parsers.log_catalogue import Message

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
# / %FTD-4-750003 Local:... (FTD leaves the colon out)
_SYSLOG = re.compile(r"%([A-Z][A-Z0-9_]*(?:-[A-Z0-9_]+)*?)-([0-7])-([A-Z0-9_]+)(?::\s?|\s|$)(.*)$")
# ISAKMP:(1001): / ISAKMP-PAK: (1003): / IPSEC(validate_proposal): / IKEv2:(SESSION ID = 1,...) /
# [IKEv1 DEBUG]: / Group = G, IP = 1.2.3.4, / IP = 1.2.3.4, (not "IKEv2 IKE_AUTH Exchange
# RESPONSE": that line belongs to the IKEv2 packet line above it)
_DEBUG = re.compile(
    r"^(?:ISAKMP|IPSEC|IPsec|IKEv[12](?! [A-Z_]+ Exchange )|IKE\b|\[IKEv|CRYPTO|[Cc]rypto"
    r"|Group = |IP = )"
)
# ISAKMP:(1001): / ISAKMP: (1003): / ISAKMP (0:9577): / ISAKMP-ERROR: (0): / ISAKMP (0): /
# IKEv2-PROTO-1: (16): / IKEv2-PLAT-3: (172) (ASA)
_CONN_ID = re.compile(r"^(?:ISAKMP|IKEv2)(?:-[A-Z]+(?:-\d)?)?\s?:?\s?\((?:\d+:)?(\d{1,12})\):?\s*")
# IKEv2:(SESSION ID = 1,SA ID = 1): / IKEv2-ERROR:(SESSION ID = 31,SA ID = 1): (the session id
# ties the lines of one negotiation together; the SA id is 1 in every session)
_IKEV2_ID = re.compile(r"^IKEv2(?:-[A-Z]+)?:\s?\(SESSION ID = (\d{1,12}),\s*SA ID = \d+\):\s*")
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
    fields: tuple[tuple[str, str], ...] = ()
    entry: Message | None = None  # the catalogue entry of a syslog message

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
            self.fields,
        )


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


def _text_kind(text: str) -> EventKind | None:
    entry = text_entry(text)
    return entry.kind if entry else None


# Catalogue kinds that say no more than "a syslog message": the text may say more.
_GENERIC = (_K.SYSLOG, _K.DEBUG)


def _syslog_kind(entry: Message | None, fields: dict[str, str], message: str) -> EventKind:
    if entry is None or entry.kind in _GENERIC:
        return _text_kind(message) or _K.SYSLOG
    if entry.kind in (_K.SESSION_UP, _K.SESSION_DOWN) and "state" in fields:
        return _K.SESSION_UP if fields["state"].upper() == "UP" else _K.SESSION_DOWN
    return entry.kind


def _syslog(draft: _Draft, m: re.Match[str]) -> None:
    # Here, not on import: 38 of its 41 entries compile a pattern, and a debug has no syslog.
    from nornir_tasks.parsers.log_catalogue import fields_of, lookup

    draft.facility, draft.severity, draft.mnemonic, draft.message = m[1], int(m[2]), m[3], m[4]
    draft.entry = lookup(m[1], m[3])
    draft.fields = fields_of(draft.entry, m[4]) if draft.entry else ()
    draft.kind = _syslog_kind(draft.entry, dict(draft.fields), m[4])


def _debug(draft: _Draft, body: str) -> None:
    if m := _CONN_ID.match(body) or _IKEV2_ID.match(body):
        draft.conn_id, draft.message = int(m[1]), body[m.end() :]
    else:
        tag = _DEBUG_TAG.match(body)
        draft.message = body[tag.end() :] if tag else body
    kind = _text_kind(body) or _K.DEBUG
    if kind is _K.PROPOSAL_NOT_CHOSEN and body.startswith("IKEv2"):
        kind = _K.IKEV2_NO_PROPOSAL  # IKEv1 rules read PROPOSAL_NOT_CHOSEN as quick mode
    draft.kind = kind


def _fill(draft: _Draft, body: str) -> _Draft:
    """Read ``body`` (the message without its header) into ``draft``."""
    if "%" in body and (m := _SYSLOG.search(body)):
        _syslog(draft, m)
    elif _DEBUG.match(body):
        _debug(draft, body)
    else:
        return draft
    _details(draft, draft.message or body)
    draft.peer = _peer_of(draft, body)
    return draft


def _peer_of(draft: _Draft, text: str) -> str | None:
    """The catalogue's ``peer`` field when it is an address, else the address the text names."""
    named = dict(draft.fields).get("peer")
    return named if is_peer(named) else peer_of(text)


def _from_piece(line: str, piece: Piece) -> _Draft:
    return _fill(_Draft(_K.TEXT, line, piece.time, piece.seq), piece.body)


def _classify(line: str) -> list[_Draft]:
    """Turn one line into draft events: one per message it holds, or one TEXT event."""
    pieces = split_messages(line)
    if len(pieces) > 1:
        return [_from_piece(p.text, p) for p in pieces]
    if pieces:  # the one message keeps the whole line as its evidence
        return [_from_piece(line, pieces[0])]
    prefix = _PREFIX.match(line.strip())
    body = line.strip()[prefix.end() :] if prefix else line.strip()
    draft = _Draft(_K.TEXT, line)
    if prefix:
        draft.seq = int(prefix[1]) if prefix[1] else None
        draft.time = prefix[2]
    return [_fill(draft, body)]


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
    if any(d.kind is not _K.TEXT for d in _classify(line)):
        stream.in_header = False
        return False
    stream.header.append(line)
    return True


def _wrapped(last: _Draft, line: str) -> bool:
    """``line`` is the rest of ``last``, a syslog message a paste wrapped: the catalogue pattern
    matches only with it."""
    entry = last.entry
    if entry is None or entry.pattern is None or last.fields or last.message is None:
        return False
    joined = f"{last.message.rstrip()} {line.strip()}"
    if not entry.pattern.search(joined):
        return False
    from nornir_tasks.parsers.log_catalogue import fields_of  # imported: ``entry`` is of it

    last.message, last.fields = joined, fields_of(entry, joined)
    last.kind = _syslog_kind(entry, dict(last.fields), joined)
    _details(last, joined)
    last.peer = _peer_of(last, joined)
    return True


def _under_ikev2(last: _Draft) -> bool:
    """IKEv2 debug prints packet headers, payload lists and policy dumps on unindented lines
    under the line that announces them."""
    return last.facility is None and last.line.lstrip("*. ").find("IKEv2") != -1


def _continues(last: _Draft, line: str) -> bool:
    return line[:1] in (" ", "\t") or _under_ikev2(last) or _restart_banner(last)


def _restart_banner(last: _Draft) -> bool:
    """``%SYS-5-RESTART: System restarted --`` is followed in the buffer by the image's banner
    (``Cisco IOS Software, C2900 Software ..., Version 15.2(1)T1``, ``Technical Support: ...``,
    ``Copyright ...``, ``Compiled ...``; ntc-templates cisco_ios_show_logging_3): its lines."""
    return last.facility == "SYS" and last.mnemonic == "RESTART"


def _attach(last: _Draft, line: str) -> None:
    last.detail.append(line.strip())
    if last.kind is _K.IKEV2_PACKET or "packet" in dict(last.fields):
        _packet(last)
    elif last.kind is _K.DEBUG and _under_ikev2(last):
        # a debug line wrapped by the page it was copied from: "Failed to" / "locate an item..."
        # (each continuation is tried on its own, so a stray line in between costs nothing)
        head = last.message or ""
        kinds = (_text_kind(f"{head} {d}") for d in last.detail)
        last.kind = next((k for k in kinds if k is not None), _K.DEBUG)


_NOTIFY_KINDS = {
    "NO_PROPOSAL_CHOSEN": _K.IKEV2_NO_PROPOSAL,
    "AUTHENTICATION_FAILED": _K.IKEV2_AUTH_FAILED,
    "TS_UNACCEPTABLE": _K.TS_UNACCEPTABLE,
}


def _packet(draft: _Draft) -> None:
    """An IKEv2 packet's exchange, message type and error notify, from the lines under it."""
    draft.fields = packet_fields(draft.line, draft.detail)
    notify = dict(draft.fields).get("notify")
    draft.kind = _NOTIFY_KINDS.get(notify or "", _K.IKEV2_PACKET)
    draft.reason = dict(draft.fields)["packet"] if notify else draft.reason


def _stream_line(stream: _Stream, line: str) -> None:
    if stream.in_header and _header_line(stream, line):
        return
    if (cond := condition_of(line)) is not None:  # whose debug lines follow
        draft = _Draft(_K.DEBUG_CONDITION, line, peer=cond.peer, reason=cond.reason)
        draft.message = cond.text
        stream.drafts.append(draft)
        return
    drafts = _classify(line)
    last = stream.drafts[-1] if stream.drafts else None
    if last is not None and not any(d.facility for d in drafts) and _wrapped(last, line):
        last.detail.append(line.strip())  # the second half of a wrapped syslog message
        return
    lone_text = len(drafts) == 1 and drafts[0].kind is _K.TEXT
    if last is not None and lone_text and _continues(last, line):
        _attach(last, line)
        return
    for draft in drafts:
        if draft.kind is _K.IKEV2_PACKET:
            _packet(draft)
    stream.drafts.extend(drafts)


def _complete(stream: _Stream) -> bool:
    """False when ``show logging`` said its buffer is on but the text stops in the preamble."""
    buffer_on = any(_BUFFER_ON.match(h) for h in stream.header)
    # ASA: "Buffer logging: level informational, 0 messages logged": empty, not cut off
    empty = any(h.strip().endswith(", 0 messages logged") for h in stream.header)
    return empty or not (buffer_on and stream.buffer_bytes is None and not stream.drafts)


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
        # kept as TEXT events, but not understood (a line once, however many pieces it held);
        # a time-stamped line is another subsystem's debug ("Rollback:Acquired Configuration
        # lock.", "CEF-HWIDB: ..."), read as such: crypto debug prefixes are never TEXT
        for line in dict.fromkeys(
            d.line for d in stream.drafts if d.kind is _K.TEXT and d.time is None
        ):
            skip(line)
    return LogStream(
        header=tuple(stream.header),
        buffer_bytes=stream.buffer_bytes,
        events=tuple(d.freeze() for d in stream.drafts),
        complete=_complete(stream),
    )
