"""IP SLA, object tracking and EEM applets as a router's running configuration states them.

Pure functions over a ``ConfigTree``: the failover engine reads them again on every pulse,
so a change made through the CLI or napalm takes effect at once. Defaults are Cisco's:
frequency 60 s, timeout and threshold 5000 ms, schedule life 3600 s, start-time pending,
EEM maxrun 20 s, EEM history of 10 events.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from lab.configtree import ConfigTree, Node

DEFAULT_MAXRUN_S = 20.0
DEFAULT_HISTORY = 10
_QUOTED = re.compile(r'"([^"]*)"|(\S+)')


def words(text: str) -> list[str]:
    """Split an EEM line: a double-quoted string is one word (without its quotes)."""
    return [quoted or bare for quoted, bare in _QUOTED.findall(text)]


# -- IP SLA ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SlaOperation:
    number: int
    kind: str  # icmp-echo, tcp-connect, udp-echo, udp-jitter ...
    target: str
    port: int | None = None
    source_interface: str | None = None
    source_ip: str | None = None
    frequency_s: int = 60
    timeout_ms: int = 5000
    threshold_ms: int = 5000
    tag: str = ""


@dataclass(frozen=True)
class SlaSchedule:
    """``ip sla schedule N [life forever|S] [start-time now|pending|after T|hh:mm[:ss] ...]``"""

    number: int
    line: str  # the whole line: a change restarts the operation
    life_s: float | None = 3600.0  # None: forever
    start: str = "pending"  # "now", "pending", "after", "at"
    start_offset_s: float = 0.0  # for "after"
    start_clock: tuple[int, int, int] | None = None  # for "at": hh, mm, ss (UTC)
    recurring: bool = False


def sla_operations(tree: ConfigTree) -> dict[int, SlaOperation]:
    ops: dict[int, SlaOperation] = {}
    for node in tree.sections():
        w = node.line.split()
        if len(w) == 3 and w[:2] == ["ip", "sla"] and w[2].isdigit():
            op = _operation(int(w[2]), node)
            if op is not None:
                ops[op.number] = op
    return ops


def _operation(number: int, node: Node) -> SlaOperation | None:
    settings: dict[str, str] = {}
    kind_line: list[str] = []
    for child in node.children:
        w = child.line.split()
        if w[0] in ("icmp-echo", "tcp-connect", "udp-echo", "udp-jitter", "path-echo", "dns"):
            kind_line = w
        elif len(w) >= 2 and w[0] in ("frequency", "timeout", "threshold", "tag"):
            settings[w[0]] = w[1]
    if len(kind_line) < 2:
        return None  # "ip sla 10" with no operation type yet
    kind, target, rest = kind_line[0], kind_line[1], kind_line[2:]
    port = int(rest.pop(0)) if kind != "icmp-echo" and rest and rest[0].isdigit() else None
    options = dict(zip(rest[::2], rest[1::2], strict=False))
    return SlaOperation(
        number,
        kind,
        target,
        port,
        options.get("source-interface"),
        options.get("source-ip"),
        _int(settings.get("frequency"), 60),
        _int(settings.get("timeout"), 5000),
        _int(settings.get("threshold"), 5000),
        settings.get("tag", ""),
    )


def sla_schedules(tree: ConfigTree) -> dict[int, SlaSchedule]:
    schedules: dict[int, SlaSchedule] = {}
    for line in tree.lines_starting("ip sla schedule "):
        w = line.split()
        if len(w) > 3 and w[3].isdigit():
            schedules[int(w[3])] = _schedule(int(w[3]), line, w[4:])
    return schedules


def _schedule(number: int, line: str, rest: list[str]) -> SlaSchedule:
    life: float | None = 3600.0
    start, offset, at = "pending", 0.0, None
    recurring = False
    while rest:
        word = rest.pop(0)
        if word == "life" and rest:
            value = rest.pop(0)
            life = None if value == "forever" else float(_int(value, 3600))
        elif word == "start-time" and rest:
            value = rest.pop(0)
            if value in ("now", "pending"):
                start = value
            elif value == "after" and rest:
                start, offset = "after", float(_seconds(rest.pop(0)))
            elif ":" in value:
                start, at = "at", _clock(value)
        elif word == "recurring":
            recurring = True
    return SlaSchedule(number, line, life, start, offset, at, recurring)


def _seconds(hms: str) -> int:
    parts = [_int(p, 0) for p in hms.split(":")]
    while len(parts) < 3:
        parts.append(0)
    return parts[0] * 3600 + parts[1] * 60 + parts[2]


def _clock(hms: str) -> tuple[int, int, int]:
    total = _seconds(hms)
    return total // 3600 % 24, total // 60 % 60, total % 60


def _int(text: str | None, default: int) -> int:
    return int(text) if text is not None and text.isdigit() else default


# -- tracks ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrackDef:
    """``track N ip sla M [state|reachability]``, ``track N interface X line-protocol``,
    ``track N ip route P/L reachability``, ``track N list boolean and|or``."""

    number: int
    kind: str  # "ip sla", "interface", "ip route", "list"
    target: str  # SLA number, interface name, prefix "10.0.0.0/8", "and"/"or"
    mode: str  # "state", "reachability", "line-protocol", "ip routing", "boolean"
    delay_up_s: float = 0.0
    delay_down_s: float = 0.0
    objects: tuple[tuple[int, bool], ...] = ()  # list members: (track, negated)


def tracks(tree: ConfigTree) -> dict[int, TrackDef]:
    found: dict[int, TrackDef] = {}
    for node in tree.sections():
        w = node.line.split()
        if len(w) >= 3 and w[0] == "track" and w[1].isdigit():
            track = _track(int(w[1]), w[2:], node)
            if track is not None:
                found[track.number] = track
    return found


def _track(number: int, w: list[str], node: Node) -> TrackDef | None:
    up, down = _delays(node)
    if w[:2] == ["ip", "sla"] and len(w) >= 3:
        mode = w[3] if len(w) > 3 and w[3] in ("state", "reachability") else "state"
        return TrackDef(number, "ip sla", w[2], mode, up, down)
    if w[0] == "interface" and len(w) >= 3:
        mode = "ip routing" if w[2:4] == ["ip", "routing"] else "line-protocol"
        return TrackDef(number, "interface", w[1], mode, up, down)
    if w[:2] == ["ip", "route"] and len(w) >= 4:
        prefix = _prefix(w[2:4])
        return TrackDef(number, "ip route", prefix, "reachability", up, down) if prefix else None
    if w[:2] == ["list", "boolean"] and len(w) >= 3:
        members = tuple(_member(c.line) for c in node.children if c.line.startswith("object "))
        return TrackDef(number, "list", w[2], "boolean", up, down, members)
    return None


def _delays(node: Node) -> tuple[float, float]:
    up = down = 0.0
    for child in node.children:
        w = child.line.split()
        if w[0] != "delay":
            continue
        for key, value in zip(w[1::2], w[2::2], strict=False):
            if key == "up":
                up = float(_int(value, 0))
            elif key == "down":
                down = float(_int(value, 0))
    return up, down


def _prefix(w: list[str]) -> str | None:
    """``10.0.0.0 255.0.0.0`` or ``10.0.0.0/8`` as ``10.0.0.0/8``."""
    try:
        if "/" in w[0]:
            return str(ipaddress.IPv4Network(w[0], strict=False))
        return str(ipaddress.IPv4Network(f"{w[0]}/{w[1]}", strict=False))
    except ValueError:
        return None


def _member(line: str) -> tuple[int, bool]:
    w = line.split()
    return _int(w[1], 0), "not" in w[2:]


# -- EEM -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EemAction:
    label: str
    verb: str  # "cli", "syslog", "wait", "puts" ...
    args: tuple[str, ...]
    text: str  # the line after the label, as configured


@dataclass(frozen=True)
class Applet:
    name: str
    event: str  # "track", "syslog", "timer watchdog", "timer countdown", "timer cron", "none"
    event_args: tuple[str, ...]  # the event line's words after its type
    maxrun_s: float
    actions: tuple[EemAction, ...]
    text: str  # the whole applet as configured: a change re-registers it
    options: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def option(self, name: str) -> str | None:
        return self.options.get(name)


def applets(tree: ConfigTree) -> list[Applet]:
    found = []
    for node in tree.sections():
        w = node.line.split()
        if w[:3] == ["event", "manager", "applet"] and len(w) >= 4:
            found.append(_applet(w[3], node))
    return found


def _applet(name: str, node: Node) -> Applet:
    event: str = "none"
    event_args: tuple[str, ...] = ()
    options: dict[str, str] = {}
    maxrun = DEFAULT_MAXRUN_S
    actions = []
    for child in node.children:
        w = words(child.line)
        if w[0] == "event" and len(w) >= 2:
            event, event_args, options, maxrun = _event(w[1:])
        elif w[0] == "action" and len(w) >= 3:
            text = child.line.split(None, 2)[2]
            actions.append(EemAction(w[1], w[2], tuple(w[3:]), text))
    text = "\n".join([node.line, *(" " + c.line for c in node.children)])
    return Applet(name, event, event_args, maxrun, tuple(actions), text, options)


def _event(w: list[str]) -> tuple[str, tuple[str, ...], dict[str, str], float]:
    kind = f"timer {w[1]}" if w[0] == "timer" and len(w) > 1 else w[0]
    args = w[2:] if w[0] == "timer" else w[1:]
    if kind == "track" and args:
        # "event track 10 state down": the object number comes without a keyword
        options = {"object": args[0], **dict(zip(args[1::2], args[2::2], strict=False))}
    else:
        options = dict(zip(args[::2], args[1::2], strict=False))
    maxrun = float(options["maxrun"]) if _is_number(options.get("maxrun", "")) else None
    return kind, tuple(args), options, maxrun if maxrun is not None else DEFAULT_MAXRUN_S


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def history_size(tree: ConfigTree) -> int:
    """``event manager history size events N`` (IOS keeps 10 by default)."""
    for line in tree.lines_starting("event manager history size events "):
        return _int(line.split()[-1], DEFAULT_HISTORY)
    return DEFAULT_HISTORY


def session_username(tree: ConfigTree) -> str:
    """``event manager session cli username X``: who EEM's cli actions run as."""
    for line in tree.lines_starting("event manager session cli username "):
        return line.split()[5]
    return ""


def uses_failover(tree: ConfigTree) -> bool:
    """Is there anything for the engine to do on this router?"""
    return any(
        n.line.startswith(("ip sla", "track ", "event manager applet ")) for n in tree.sections()
    )


@dataclass(frozen=True)
class FailoverConfig:
    """Everything the failover engine reads from one router's configuration."""

    operations: dict[int, SlaOperation]
    schedules: dict[int, SlaSchedule]
    tracks: dict[int, TrackDef]
    applets: list[Applet]
    active: bool  # anything for the engine to do at all


def read_failover(tree: ConfigTree) -> FailoverConfig:
    return FailoverConfig(
        sla_operations(tree), sla_schedules(tree), tracks(tree), applets(tree), uses_failover(tree)
    )
