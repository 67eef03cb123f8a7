"""Reading an SMTP dialogue typed through a router's ``telnet`` (pure: text in, data out).

What the router prints, as the lab and IOS-XE print it::

    BR01#telnet 192.0.2.25 25 /source-interface GigabitEthernet2
    Trying 192.0.2.25, 25 ... Open
    220 relay.example.com ESMTP Postfix
    250-relay.example.com
    250-SIZE 10240000
    250 8BITMIME
    221 2.0.0 Bye

    [Connection to 192.0.2.25 closed by foreign host]
    BR01#

and when the connection does not open::

    Trying 192.0.2.25, 25 ...
    % Connection refused by remote host
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nornir_tasks.models.smtp import Failure

# "250-SIZE 10240000" (more lines follow) / "250 8BITMIME" (the last line of a reply)
_REPLY_LINE = re.compile(r"^(?P<code>[2-5]\d\d)(?P<sep>[ -]|$)(?P<text>.*)$")
# "Trying 192.0.2.25, 25 ... Open"
_OPEN = re.compile(r"^Trying .* \.\.\. Open\s*$", re.M)
# "[Connection to 192.0.2.25 closed by foreign host]"
_CLOSED = re.compile(r"\[Connection to \S+ closed by foreign host\]")
# "% Connection refused by remote host" and the other ways IOS says it did not connect
_REFUSALS: tuple[tuple[re.Pattern[str], Failure], ...] = (
    (re.compile(r"^% Connection refused by remote host", re.M), Failure.REFUSED),
    (re.compile(r"^% Connection timed out", re.M), Failure.TIMED_OUT),
    (re.compile(r"^% Destination unreachable", re.M), Failure.UNREACHABLE),
    (re.compile(r"^% Host is unreachable", re.M), Failure.UNREACHABLE),
    # the command itself was refused: the router's fault, not the relay's
    (re.compile(r"^% (Invalid|Unknown|Bad|Ambiguous)", re.M), Failure.SESSION),
)
# The ``telnet`` escape (Ctrl-Shift-6 x) suspends a session that does not end by itself.
ESCAPE = "\x1ex"


@dataclass(frozen=True)
class Reply:
    code: int
    lines: tuple[str, ...]  # the text of each line, without the code

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class Opening:
    """How ``telnet`` began: open, or the failure and the router's words for it."""

    failure: Failure | None
    message: str
    end: int = 0  # where the relay's own bytes begin in the text


def telnet_command(relay: str, port: int, source_interface: str | None = None) -> str:
    source = f" /source-interface {source_interface}" if source_interface else ""
    return f"telnet {relay} {port}{source}"


def opening(text: str) -> Opening | None:
    """Whether the connection opened, failed, or (None) the router has not said yet."""
    for pattern, failure in _REFUSALS:
        found = pattern.search(text)
        if found:
            line = text[found.start() :].splitlines()[0].strip()
            return Opening(failure, line)
    found = _OPEN.search(text)
    if found:
        return Opening(None, "Open", found.end())
    return None


def first_reply(text: str) -> Reply | None:
    """The first complete reply in ``text`` (a multi-line reply ends at ``NNN text``).

    Only whole lines count (a chunk may end mid-line). Lines that are not replies (the
    ``Trying`` line, a local echo of what was typed) are skipped; None until the last line of
    a reply has arrived.
    """
    lines: list[str] = []
    code: int | None = None
    for raw in text.replace("\r", "").split("\n")[:-1]:
        found = _REPLY_LINE.match(raw.strip())
        if found is None or (code is not None and int(found["code"]) != code):
            continue
        code = int(found["code"])
        lines.append(found["text"].strip())
        if found["sep"] != "-":
            return Reply(code, tuple(lines))
    return None


def closed(text: str) -> bool:
    """The relay closed the connection (after QUIT, or on its own)."""
    return _CLOSED.search(text) is not None


def prompt_pattern(base_prompt: str) -> re.Pattern[str]:
    """The exec prompt (``BR01>`` or ``BR01#``) at the end of the output."""
    return re.compile(rf"(^|\n){re.escape(base_prompt)}[>#]\s*$")


def data_lines(message: str) -> list[str]:
    """A message as typed after DATA: dot-stuffed (RFC 5321 §4.5.2), ended by ``.``."""
    lines = message.replace("\r\n", "\n").rstrip("\n").split("\n")
    return [("." + line if line.startswith(".") else line) for line in lines] + ["."]
