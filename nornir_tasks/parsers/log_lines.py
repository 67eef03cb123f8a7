"""Find the log messages in a line of text, whatever the time stamp and however they were pasted.

Headers before a message, in every form IOS, IOS-XE, ASA and syslog servers write them::

    *Mar  1 00:01:02.123: %CRYPTO-...           (IOS, clock not set: "*"; NTP lost: ".")
    000123: Mar  1 2024 10:00:00.123 UTC: %...  (sequence numbers, year, time zone)
    <189>5120: *Mar  1 11:39:59KST: %...        (a zone glued to the time, as some servers keep it)
    Dec 03 2026 06:52:29 asa : %ASA-6-...       (ASA "logging device-id hostname")
    Apr  7 13:08:35 asa1.pofp.internal %ASA-... (a syslog server's prefix)
    Fri Sep 06 14:32:18 2013: <167>Sep 06 2013 14:32:17: %ASA-7-... (server prefix + priority)
    2024-03-01T10:00:00.123Z %ASA-...           (ISO 8601)
    1d02h: %... / 00:12:33: %...                (uptime stamps)
    %CRYPTO-4-RECVD_PKT_INV_SPI: ...            (none)

A line pasted from a web page or a ticket may hold several messages; each starts at a
``%FACILITY-n-MNEMONIC`` (``%>`` and ``> `` quote residue tolerated) or at a time stamp followed
by a debug prefix (``ISAKMP``, ``IPSEC(``, ``IKEv2``). Pure text functions, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
# Mar  1 00:01:02.123 / Mar 1 2024 10:00:00 UTC / Fri Sep 06 14:32:18 2013 / 2024-03-01T10:00Z
# / 1d02h / 2w3d / 00:12:33.123
_TS = (
    rf"(?:[*.]?(?:{_DAY}\s+)?{_MONTH}\s+\d{{1,2}}(?:\s+(?:19|20)\d{{2}})?\s+\d{{1,2}}:\d{{2}}:\d{{2}}"
    r"(?:\.\d{1,6})?(?:\s+(?:19|20)\d{2}\b)?(?:\s*[A-Z]{2,5}\b)?"
    r"|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?"
    r"|\d{1,3}[ywdh]\d{1,2}[wdhm]"
    r"|\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)"
)
# A host name a syslog server or the ASA puts after the time ("asa :", "10.1.1.1",
# "asa1.pofp.internal"): only ever directly after a time stamp.
_HOST = r"(?:[A-Za-z][\w.\-]*|\d{1,3}(?:\.\d{1,3}){3})"
_HEAD_TOKEN = rf"(?:<\d{{1,3}}>|\d{{1,12}}:(?=\s)|{_TS}:?(?:\s+{_HOST}\s*:?(?=\s))?)"
_HEADER = rf"(?<![\w:.*%\-])(?:{_HEAD_TOKEN}\s*)+"
# %CRYPTO-4-RECVD_PKT_INV_SPI: / %ASA-4-402116: / %FTD-4-750003 Local... / %>CRYPTO-...
SYSLOG_HEAD = r"%>?\s?[A-Z][A-Z0-9_]*(?:-[A-Z0-9_]+)*?-[0-7]-[A-Z0-9_]+(?::|\s)"
_DEBUG_HEAD = r"(?:ISAKMP|IPSEC\(|IPsec\(|IKEv2[:(-]|\[IKEv[12]|CRYPTO_|Group = |IP = )"
# A message starts at a syslog head (its header optional) or at a header before a debug prefix.
# The heads are found first and the header is looked for only in a bounded window before each
# (a header is never longer): one pass, no backtracking over a long line of digits and colons.
_SYSLOG_AT = re.compile(SYSLOG_HEAD)
_DEBUG_AT = re.compile(_DEBUG_HEAD)
_HEADER_END = re.compile(rf"{_HEADER}$")
_WINDOW = 120
_TS_IN = re.compile(_TS)
_SEQ_IN = re.compile(r"(?<![\w:.])(\d{1,12}):(?=\s)")
# Residue of quoting and HTML copies before a message: "> ", "%>"
_QUOTE = re.compile(r"^(?:>\s*)+")
_PCT_GT = re.compile(r"%>(?=[A-Z])")


@dataclass(frozen=True)
class Piece:
    """One message found in a line: its text from the header on, and what the header said."""

    text: str
    body: str  # the message without its header
    time: str | None
    seq: int | None


def _header_of(text: str, start: int, end: int) -> tuple[str | None, int | None]:
    """(time, sequence number) of the header ``text[start:end]`` (the last stamp is the
    device's own: a syslog server's prefix comes first)."""
    head = text[start:end]
    stamps = list(_TS_IN.finditer(head))
    inside = {i for m in stamps for i in range(m.start(), m.end())}
    seqs = [int(m.group(1)) for m in _SEQ_IN.finditer(head) if m.start() not in inside]
    return (stamps[-1].group(0).strip() if stamps else None), (seqs[-1] if seqs else None)


def normalise(line: str) -> str:
    """The line without quote markers and ``%>`` residue (a pasted ``%>CRYPTO-...``)."""
    return _PCT_GT.sub("%", _QUOTE.sub("", line.strip()))


def _starts(text: str) -> list[tuple[int, int]]:
    """(message start, header end) of every message in ``text``, in order."""
    heads = sorted(
        [(m.start(), True) for m in _SYSLOG_AT.finditer(text)]
        + [(m.start(), False) for m in _DEBUG_AT.finditer(text) if m.start() > 0]
    )
    found: list[tuple[int, int]] = []
    floor = 0
    for at, syslog in heads:
        if at < floor:
            continue
        header = _HEADER_END.search(text, max(floor, at - _WINDOW), at)
        if header is None and not syslog:
            continue  # a debug prefix inside a message, not after a time stamp
        found.append((header.start() if header else at, at))
        floor = at + 1
    return found


def split_messages(line: str) -> list[Piece]:
    """Every message in ``line``, in order; empty when the line holds none."""
    text = normalise(line)
    starts = _starts(text)
    pieces = []
    for index, (start, body) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(text)
        time, seq = _header_of(text, start, body)
        pieces.append(Piece(text[start:end].strip(), text[body:end].strip(), time, seq))
    return pieces


# Literal text every message start contains (a syslog head has "%", a debug head one of the
# others): a line with none of them is answered without the regex search (a 50 MB paste).
_NEEDLES = ("%", "ISAKMP", "IPSEC(", "IPsec(", "IKEv", "CRYPTO_", "Group = ", "IP = ")


def has_message(line: str) -> bool:
    """The line holds at least one syslog message or time-stamped debug line."""
    if not any(needle in line for needle in _NEEDLES):
        return False
    return bool(_starts(normalise(line)))
