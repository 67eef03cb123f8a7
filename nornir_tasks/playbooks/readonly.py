"""Which playbook commands only read the router: the read-only allow-list. Pure.

Allowed: ``show …`` (output modifiers that only filter: ``| include``, ``| section`` …),
``ping TARGET …``, ``traceroute TARGET …``, ``telnet HOST 25`` (the SMTP check) and the ASA's
``packet-tracer input IFC icmp|tcp|udp|rawip …`` (a simulated packet; ``transmit``, ``persist``,
``pcap`` and ``force`` refused). Everything
else changes the router or its files and is refused unless the playbook declares
``changes: true`` and the command line says ``--allow-changes``. Debug is only ever started by
the guarded debug steps (``debug.escalate``), never by a playbook command.

IOS accepts any unambiguous prefix of a keyword (``sh run``, ``conf t``, ``cle cry sa``), so a
word is resolved against the exec keywords the way the router does: a prefix of one keyword is
that keyword; a prefix of several is ambiguous (the router says "% Ambiguous command") and is
refused here. A prefix of an allowed verb can never run something else on the router: either
the router resolves it to that verb, or it finds it ambiguous and runs nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nornir_tasks.playbooks.model import Playbook, playbook_commands, smtp_router_commands

# Exec-mode keywords of IOS / IOS-XE / ASA (the first word of a command); why each one that
# is not on the allow-list is refused, when there is more to say than "not read-only".
_WHY = {
    "archive": "manages configuration archives",
    "clear": "clears state on the router (SAs, counters, sessions)",
    "clock": "sets the clock",
    "configure": "enters configuration mode",
    "connect": "opens a session to another device",
    "copy": "copies files or configuration",
    "crypto": "runs a crypto operation (keys, certificates)",
    "debug": "starts a debug outside the guarded debug steps (use debug.escalate)",
    "delete": "deletes files",
    "dir": "is not on the read-only list",
    "disable": "changes the privilege level",
    "disconnect": "closes sessions",
    "enable": "changes the privilege level",
    "erase": "erases a file system or the configuration",
    "event": "triggers an EEM event",
    "exit": "ends the session",
    "format": "formats a file system",
    "fsck": "checks and repairs a file system",
    "license": "changes licensing",
    "logout": "ends the session",
    "mkdir": "creates a directory",
    "monitor": "starts a capture or monitoring session",
    "more": "is not on the read-only list",
    "no": "undoes a setting",
    "packet-tracer": "",
    "ping": "",
    "release": "releases an address",
    "reload": "reboots the router",
    "rename": "renames a file",
    "renew": "renews an address",
    "request": "requests a platform operation",
    "rmdir": "removes a directory",
    "send": "sends messages to other lines",
    "setup": "starts the configuration dialogue",
    "show": "",
    "squeeze": "compacts a file system",
    "ssh": "opens a session to another device",
    "tclsh": "starts a Tcl shell",
    "telnet": "",
    "terminal": "changes the session's terminal settings",
    "test": "runs a test that can change state",
    "traceroute": "",
    "undebug": "changes debugging outside the guarded debug steps (use debug.escalate)",
    "verify": "is not on the read-only list",
    "write": "writes the configuration (memory, erase, network)",
}
_ALLOWED = ("show", "ping", "traceroute", "telnet", "packet-tracer")
# Output modifiers after ``|``: those that only filter the output, and those that write files.
_FILTERS = ("begin", "count", "exclude", "include", "section", "grep")
_WRITERS = {"redirect": "writes the output to a file", "append": "appends the output to a file"}
_WRITERS["tee"] = "copies the output to a file"
_MODIFIERS = (*_FILTERS, *_WRITERS, "format")
_SMTP_PORTS = ("25", "smtp")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Refusal:
    """A command that is not a read-only form, and why."""

    command: str
    why: str


def _resolve(word: str, keywords: tuple[str, ...] | list[str]) -> list[str]:
    """The keywords ``word`` abbreviates (exact match wins, as on IOS)."""
    low = word.lower()
    if low in keywords:
        return [low]
    return [k for k in keywords if k.startswith(low)]


def refusal(command: str) -> Refusal | None:
    """Why ``command`` is not a read-only form, or None when it is one."""
    if _CONTROL.search(command):
        return Refusal(command, "holds a control character or a line break (a second command)")
    words = command.split()
    if not words:
        return Refusal(command, "is empty")
    verbs = _resolve(words[0], sorted(_WHY))
    if len(verbs) != 1:
        what = f"is ambiguous ({', '.join(verbs)})" if verbs else "is not a known exec command"
        return Refusal(command, f"{words[0]!r} {what}; read-only forms: {_FORMS}")
    verb = verbs[0]
    if verb not in _ALLOWED:
        return Refusal(command, f"{verb!r} {_WHY[verb]}")
    why = _ARGUMENTS[verb](words[1:]) or _pipe_problem(command)
    return Refusal(command, why) if why else None


def _show(args: list[str]) -> str:
    return "" if args else "needs what to show"


def _target_needed(args: list[str]) -> str:
    # Without a target IOS starts the interactive dialogue (extended ping / traceroute).
    return "" if args else "needs a target (alone it starts an interactive dialogue)"


def _telnet(args: list[str]) -> str:
    words = [a for a in args if not a.startswith("/")]  # /source-interface, /vrf ... options
    if len(words) >= 2 and words[1].lower() in _SMTP_PORTS and len(words) <= 3:
        return ""
    return "telnet is allowed only as 'telnet HOST 25' (the SMTP check)"


_ARGUMENTS = {"show": _show, "ping": _target_needed, "traceroute": _target_needed}
_ARGUMENTS["telnet"] = _telnet
_FORMS = "show …, ping TARGET, traceroute TARGET, telnet HOST 25, packet-tracer input …"
# ASA packet-tracer options that do more than simulate: ``transmit`` sends the packet out,
# ``persist`` and ``pcap`` keep or replay traces, ``force`` discards the existing ones.
_TRACER_ACTIONS = ("transmit", "persist", "pcap", "force", "bypass-checks", "decrypted")
_TRACER_PROTOCOLS = ("icmp", "tcp", "udp", "rawip", "sctp")


def _packet_tracer(args: list[str]) -> str:
    """ASA ``packet-tracer input IFC icmp|tcp|udp|rawip ... [detailed]``: a simulated packet
    through the configuration; the forms that send or store packets are refused."""
    low = [a.lower() for a in args]
    if len(low) < 4 or low[0] != "input" or low[2] not in _TRACER_PROTOCOLS:
        return "packet-tracer is allowed only as 'packet-tracer input IFC icmp|tcp|udp|rawip …'"
    acting = [a for a in low if a in _TRACER_ACTIONS]
    if acting:
        return f"packet-tracer {acting[0]!r} does more than simulate one packet"
    return ""


_ARGUMENTS["packet-tracer"] = _packet_tracer


def _pipe_problem(command: str) -> str:
    """An output modifier that writes a file, or a first modifier that is not a plain filter.

    A later ``|`` may be regex alternation (``| include crypto|isakmp``) or a second modifier;
    either way a word that could name a writer is refused.
    """
    for index, segment in enumerate(command.split("|")[1:]):
        words = segment.split()
        found = _resolve(words[0], _MODIFIERS) if words else []
        writer = next((_WRITERS[w] for w in found if w in _WRITERS), None)
        if writer is not None:  # also when ambiguous: the router might pick the writer
            return f"'| {words[0]}' {writer}"
        if index == 0 and (len(found) != 1 or found[0] not in _FILTERS):
            shown = f"'| {words[0]}'" if words else "an empty '|'"
            return f"{shown} is not one of the filters {', '.join(_FILTERS)}"
    return ""


def describe(r: Refusal) -> str:
    return f"{r.command!r} is refused: {r.why}"


class NotReadOnlyError(ValueError):
    """A playbook that sends changing commands without declaring ``changes: true``."""


def refusals(playbook: Playbook) -> list[tuple[tuple[str | int, ...], Refusal]]:
    """Every command ``playbook`` sends that is not a read-only form, with where it is.

    Besides the playbook's own commands, the ``telnet RELAY PORT /source-interface IF`` its
    SMTP step types on each router: relay and interface are free text from the playbook, and
    a space, a ``|`` or a line break in them would make another command of it. The relay's
    port (an integer the schema bounds) is checked as the SMTP port 25: vpndiag, not the
    operator, types into that session, and only SMTP verbs.
    """
    commands = [*playbook_commands(playbook), *smtp_router_commands(playbook, port=25)]
    return [(where, r) for where, command in commands if (r := refusal(command)) is not None]


def require_read_only(playbook: Playbook) -> None:
    """The last guard before device I/O, for playbooks built in code rather than loaded (the
    loader already refused these with file and line, and asks for --allow-changes)."""
    if playbook.changes:
        return
    refused = [describe(r) for _, r in refusals(playbook)]
    if refused:
        raise NotReadOnlyError(f"playbook {playbook.name!r}: " + "; ".join(refused))
