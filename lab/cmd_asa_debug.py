"""An ASA's logging and debugging: ``show logging``, ``clear logging buffer``, ``show clock``,
``debug crypto ikev1|ikev2|ipsec [level]``, ``debug crypto condition peer X``,
``undebug all`` / ``no debug all``, ``show debug``.

What the engine logs on an ASA is ``lab.asalog``'s table: numbered ``%ASA-n-NNNNNN`` syslogs
kept as ``logging buffered <level>`` says (``logging enable`` first), and with
``debug crypto ikev1`` on, ``[IKEv1]:`` debug lines (only for peers a condition names, if
there is one). ``show logging``'s header and ``show debug``'s lines follow the ASA 9.x
layout as Cisco's command reference prints it; no capture of them is in the corpus.
"""

from __future__ import annotations

import ipaddress
import time

from lab.asalog import buffered_level
from lab.clock import DAYS, MONTHS
from lab.commands import Session, asa_command

_INVALID = "ERROR: % Invalid input detected at '^' marker.\n"


def _is_address(word: str) -> bool:
    try:
        ipaddress.IPv4Address(word)
    except ValueError:
        return False
    return True


# debug crypto <what> -> the debug kind the engine checks (``lab.crypto.context.notify``)
_KINDS = {"ikev1": "asa-ikev1", "ikev2": "asa-ikev2", "ipsec": "asa-ipsec"}
_LEVEL_NAMES = [
    "emergencies",
    "alerts",
    "critical",
    "errors",
    "warnings",
    "notifications",
    "informational",
    "debugging",
]


@asa_command("show logging [...]")
def show_logging(s: Session, args: tuple[str, ...]) -> str:
    d = s.device
    level = buffered_level(d.running)
    buffered = f"level {_LEVEL_NAMES[level]}" if level is not None else "disabled"
    enabled = "enabled" if d.running.has_line("logging enable") else "disabled"
    stamped = "enabled" if d.running.has_line("logging timestamp") else "disabled"
    head = [
        f"Syslog logging: {enabled}",
        "    Facility: 20",
        f"    Timestamp logging: {stamped}",
        "    Hide Username logging: enabled",
        "    Standby logging: disabled",
        "    Debug-trace logging: disabled",
        "    Console logging: disabled",
        "    Monitor logging: disabled",
        f"    Buffer logging: {buffered}, {len(d.log_buffer)} messages logged",
        "    Trap logging: disabled",
        "    Permit-hostdown logging: disabled",
        "    History logging: disabled",
        "    Device ID: disabled",
        "    Mail logging: disabled",
        "    ASDM logging: disabled",
    ]
    return "".join(line + "\n" for line in [*head, *d.log_buffer])


@asa_command("clear logging buffer")
def clear_logging_buffer(s: Session, args: tuple[str, ...]) -> str:
    s.device.log_buffer.clear()
    return ""


@asa_command("show clock", user=True)
def show_clock(s: Session, args: tuple[str, ...]) -> str:
    """``10:00:01.123 UTC Thu Dec 3 2026``."""
    wall = s.device.clock.wall()
    t = time.gmtime(wall)
    ms = int((wall % 1) * 1000)
    hms = f"{t.tm_hour:02}:{t.tm_min:02}:{t.tm_sec:02}.{ms:03}"
    return f"{hms} UTC {DAYS[t.tm_wday]} {MONTHS[t.tm_mon - 1]} {t.tm_mday} {t.tm_year}\n"


@asa_command("debug crypto <what> [...]")
def debug_crypto(s: Session, args: tuple[str, ...]) -> str:
    """``debug crypto ikev1 127``, ``debug crypto ikev2 protocol 127``, ``debug crypto ipsec``,
    ``debug crypto condition peer X``."""
    d, what = s.device, args[0].lower()
    if what == "condition":
        rest = [a.lower() for a in args[1:]]
        if rest[:1] != ["peer"] or len(args) < 3:
            return "ERROR: % Incomplete command\n"
        if not _is_address(args[2]):  # IOS's "peer ipv4 X" is not ASA syntax
            return _INVALID
        d.debug_conditions.append(f"peer {args[2]}")
        return ""
    kind = _KINDS.get(what)
    if kind is None:  # "isakmp" is IOS (the ASA says ikev1 since 8.4)
        return _INVALID
    d.debugs.add(kind)
    return ""


@asa_command("no debug crypto condition [...]")
def no_debug_condition(s: Session, args: tuple[str, ...]) -> str:
    d = s.device
    if [a.lower() for a in args[:1]] == ["peer"] and len(args) > 1:
        d.debug_conditions[:] = [c for c in d.debug_conditions if c != f"peer {args[1]}"]
    else:
        d.debug_conditions.clear()
    return ""


@asa_command("no debug crypto <what> [...]")
def no_debug_crypto(s: Session, args: tuple[str, ...]) -> str:
    s.device.debugs.discard(_KINDS.get(args[0].lower(), ""))
    return ""


def _all_off(s: Session, args: tuple[str, ...]) -> str:
    s.device.debugs.clear()
    return ""


asa_command("undebug all")(_all_off)
asa_command("no debug all")(_all_off)


@asa_command("show debug")
def show_debug(s: Session, args: tuple[str, ...]) -> str:
    d = s.device
    lines = [f"debug crypto condition {c}" for c in d.debug_conditions]
    names = {v: k for k, v in _KINDS.items()}
    lines += [
        f"debug crypto {names[k]} enabled at level 127" for k in sorted(d.debugs) if k in names
    ]
    return "".join(line + "\n" for line in lines)
