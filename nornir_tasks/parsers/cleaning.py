"""Terminal artefacts removed from device text before anything reads it.

Text reaches vpndiag from netmiko sessions, terminal logs (SecureCRT, PuTTY, ``script``) and
pastes; all three can carry what a terminal draws but a reader must not see::

    \\x1b[1;31m    #pkts encaps: 10, #pkts encrypt: 10\\x1b[0m      <- ANSI colour
     --More-- \\b\\b\\b\\b\\b\\b\\b\\b\\b         \\b\\b\\b\\b\\b\\b\\b\\b\\b    <- IOS pager, erased
    <--- More --->\\r              \\r                             <- ASA pager, erased
    x\\bx / _\\bx                                                <- overstrike (bold, underline)
    line\\r\\n, line\\r (classic Mac), NUL padding, BEL

People who paste output annotate it, and what they add is not the device's either::

    ★ #pkts decaps: 0 ★, #pkts decrypt: 0                      <- highlight marks (★ ✓ ✗)
    .....                              ← no reply               <- an arrow and a remark
                     ↑ nothing comes back from the peer         <- a pointer line

Those marks are never device output (IOS and ASA print ASCII), so they go too; ASCII remarks
("<-- the SA is up") stay: a parser that meets one reads past it or reports the line.

``clean_device_text`` returns the text as the terminal showed it, with the same lines (so line
numbers stay meaningful). ``%>`` in pasted logs is left alone: ``%`` starts every syslog
message and CLI error, and ``>`` ends exec prompts, so stripping the pair could eat both.
"""

from __future__ import annotations

import re

# Control characters other than TAB/LF (ESC, BS, CR, NUL, ...) and the C1 CSI.
_CONTROL_ANY = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x9b]")
# What clean ASCII text holds: printable characters, TAB and LF.
_PLAIN = bytes(range(0x20, 0x7F)) + b"\n\t"
_CHUNK = 1 << 20
# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), two-character escapes, 8-bit CSI.
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?|\x1b[ -/]*[0-~]|\x9b[0-?]*[ -/]*[@-~]"
)
# A pager prompt with the erase that follows it (backspaces over blanks, or CR blanks CR).
# Removed as a unit: the prompt sits at the start of a line, the output goes on where it was.
_PAGER = re.compile(r" ?(?:--More--|<--- More --->) ?(?:\x08+ *\x08*|\r[ \t]*\r)?")
# Control characters with no meaning once the line is replayed (NUL padding, BEL, DEL, ...).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# "\r" followed by blanks that are then returned over: an erase, as the ASA pager does.
_ERASE = re.compile(r"\r[ \t]+\r")
# A line of a file with CR line endings only never has "\n".
_CR_NEWLINES = re.compile(r"\r+\n?")


# A paste's annotation marks, an arrow with the remark after it, a line that only points up.
_MARKS = re.compile(r"[\u2605\u2606\u2713\u2714\u2705\u274c\u2717]")
_ARROW_REMARK = re.compile(r"[ \t]*[\u2190\u27f5\u21d0][^\n]*")
_POINTER_LINE = re.compile(r"^[ \t]*[\u2191\u21d1][^\n]*", re.M)


def strip_annotations(text: str) -> str:
    """``text`` without the marks, arrows and pointer lines a person added (lines kept)."""
    text = _POINTER_LINE.sub("", text)
    return _ARROW_REMARK.sub("", _MARKS.sub("", text))


def clean_device_text(text: str) -> str:
    """``text`` without ANSI escapes, pager prompts, overstrikes, CRs or control characters,
    and without the annotation marks of a paste."""
    if not text.isascii():
        text = strip_annotations(text)
    if not _noisy(text):
        return text
    text = text.replace("\r\n", "\n")
    text = _PAGER.sub("", _ANSI.sub("", text))
    if "\n" not in text and "\r" in text and not _ERASE.search(text):
        text = text.replace("\r", "\n")
    lines = [_replay(line) if "\b" in line or "\r" in line else line for line in text.split("\n")]
    text = "\n".join(lines)
    return _CONTROL.sub("", text)


def _noisy(text: str) -> bool:
    """True when the text needs cleaning. ASCII text (the usual case) is checked a megabyte
    at a time with ``bytes.translate``, several times faster than a regex search."""
    if "--More--" in text or "<--- More --->" in text:
        return True
    if not text.isascii():
        return bool(_CONTROL_ANY.search(text))
    return any(
        text[i : i + _CHUNK].encode("ascii").translate(None, _PLAIN)
        for i in range(0, len(text), _CHUNK)
    )


def _replay(line: str) -> str:
    """The line as a terminal shows it: backspace moves left, CR returns to column 0.

    A CR that is not part of an erase (``\\r   \\r``) is a line break from a file with mixed
    endings: the text after it is a line of its own.
    """
    if "\r" in line and not _ERASE.search(line):
        return "\n".join(_overstrike(part) for part in _CR_NEWLINES.split(line))
    return _overstrike(line)


def _overstrike(line: str) -> str:
    cells: list[str] = []
    column = 0
    for char in line:
        if char == "\b":
            column = max(column - 1, 0)
        elif char == "\r":
            column = 0
        else:
            if column < len(cells):
                cells[column] = char
            else:
                cells.append(char)
            column += 1
    return "".join(cells).rstrip(" ")
