"""Failover sections of a running configuration: static routes, IP SLA, tracks and EEM.

Sample::

    ip route 0.0.0.0 0.0.0.0 202.100.1.254 name ISP_1 track 1
    ip route 0.0.0.0 0.0.0.0 202.200.1.254 100 permanent name ISP_2
    ip sla 1
     icmp-echo 202.100.1.254 source-interface FastEthernet0/0
     frequency 5
    ip sla schedule 1 life forever start-time now
    track 1 ip sla 1 reachability
     delay down 15 up 60
    event manager session cli username EEM-SVC
    event manager applet ISP1-DOWN
     event track 1 state down
     action 1.0 cli command "enable"
"""

from __future__ import annotations

import re

from nornir_tasks.models.config import (
    EemApplet,
    SlaOperation,
    SlaSchedule,
    StaticRoute,
    TrackObject,
)
from nornir_tasks.models.failover import EemAction, TrackKind
from nornir_tasks.parsers._common import to_int
from nornir_tasks.parsers._config_tree import ConfigNode

# 203.0.113.1 (an IPv4 address among the words of a line)
_V4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
# action 1.0 cli command "enable"
_ACTION = re.compile(r"^action\s+(\S+)\s+(\S+)\s*(.*)$")
_SLA_TYPES = (
    "icmp-echo",
    "tcp-connect",
    "udp-jitter",
    "udp-echo",
    "icmp-jitter",
    "path-echo",
    "path-jitter",
    "dns",
    "http",
    "dhcp",
    "ethernet",
)
_ROUTE_FLAGS = ("permanent", "global", "multicast", "dhcp")


def _is_v4(word: str) -> bool:
    return bool(_V4.match(word))


def _route_options(words: list[str]) -> dict[str, str]:
    """``tag 5 name ISP_1 track 1 permanent`` -> keyword -> value (flags map to "")."""
    options: dict[str, str] = {}
    i = 0
    while i < len(words):
        if words[i] in _ROUTE_FLAGS:
            options[words[i]] = ""
            i += 1
        elif words[i] in ("tag", "name", "track") and i + 1 < len(words):
            options[words[i]] = words[i + 1]
            i += 2
        else:
            i += 1
    return options


def static_route(node: ConfigNode) -> StaticRoute | None:
    """``ip route [vrf V] PREFIX MASK [INTERFACE] [NEXT-HOP] [AD] [options]``."""
    words = node.words()[2:]
    vrf = None
    if words[:1] == ["vrf"] and len(words) > 1:
        vrf, words = words[1], words[2:]
    if len(words) < 3 or not _is_v4(words[0]):
        return None
    prefix, mask, rest = words[0], words[1], words[2:]
    interface = next_hop = None
    if rest and not _is_v4(rest[0]) and not rest[0].isdigit() and rest[0] not in _ROUTE_FLAGS:
        interface, rest = rest[0], rest[1:]
    if rest and _is_v4(rest[0]):
        next_hop, rest = rest[0], rest[1:]
    distance = to_int(rest[0]) if rest and rest[0].isdigit() else None
    options = _route_options(rest[1:] if distance is not None else rest)
    return StaticRoute(
        prefix=prefix,
        mask=mask,
        interface=interface,
        next_hop=next_hop,
        distance=distance,
        track=to_int(options.get("track")),
        name=options.get("name"),
        permanent="permanent" in options,
        tag=to_int(options.get("tag")),
        vrf=vrf,
        line=node.text,
    )


def _operation(words: list[str]) -> tuple[str, str | None, int | None, dict[str, str]]:
    """``icmp-echo 8.8.8.8 source-interface Gi0/0`` -> type, target, port, options."""
    if words[:3] == ["type", "echo", "protocol"]:  # IOS 12.4 "ip sla monitor" syntax
        words = ["icmp-echo", *words[4:]]
    kind = words[0]
    target = words[1] if len(words) > 1 else None
    port = to_int(words[2]) if len(words) > 2 and words[2].isdigit() else None
    options = {
        words[i]: words[i + 1] for i in range(1, len(words) - 1) if words[i][:7] == "source-"
    }
    return kind, target, port, options


def sla_operation(node: ConfigNode, entry_id: int) -> SlaOperation:
    """``ip sla N`` (or ``ip sla monitor N``) and everything under it."""
    kind = target = None
    port = None
    options: dict[str, str] = {}
    values: dict[str, str] = {}
    for child in node.descendants():
        words = child.words()
        if words[0] in _SLA_TYPES or words[:2] == ["type", "echo"]:
            kind, target, port, options = _operation(words)
        elif len(words) > 1:
            values[words[0]] = words[1]
    source_ip = options.get("source-ip") or options.get("source-ipaddr")
    return SlaOperation(
        entry_id=entry_id,
        type=kind,
        target=target,
        port=port,
        source_interface=options.get("source-interface"),
        source_ip=source_ip,
        frequency_s=to_int(values.get("frequency")),
        timeout_ms=to_int(values.get("timeout")),
        threshold_ms=to_int(values.get("threshold")),
        vrf=values.get("vrf"),
        tag=values.get("tag"),
        schedule=None,
    )


def sla_schedule(words: list[str], line: str) -> SlaSchedule:
    """``life forever start-time now ageout 3600 recurring`` (the words after the entry id)."""
    keywords = ("life", "start-time", "ageout", "recurring")
    values: dict[str, list[str]] = {}
    current: list[str] | None = None
    for word in words:
        if word in keywords:
            current = values.setdefault(word, [])
        elif current is not None:
            current.append(word)
    start = " ".join(values.get("start-time", [])) or None
    life = " ".join(values.get("life", [])) or None
    ageout = to_int((values.get("ageout") or [""])[0])
    return SlaSchedule(life, start, ageout, "recurring" in values, line)


def _track_target(words: list[str]) -> tuple[TrackKind, str, str | None]:
    """``ip sla 1 reachability`` / ``interface Gi0/0 line-protocol`` / ``list boolean or``."""
    if words[:2] == ["ip", "sla"] or words[:1] == ["rtr"]:
        rest = words[2:] if words[0] == "ip" else words[1:]
        return TrackKind.IP_SLA, rest[0] if rest else "", " ".join(rest[1:]) or None
    if words[:1] == ["interface"] and len(words) > 1:
        return TrackKind.INTERFACE, words[1], " ".join(words[2:]) or None
    if words[:2] == ["ip", "route"]:
        # "ip route 10.1.1.0 255.255.255.0 reachability", or as typed: "ip route 10.1.1.0/24 ..."
        end = 3 if "/" in (words[2:3] or [""])[0] else 4
        return TrackKind.IP_ROUTE, " ".join(words[2:end]), " ".join(words[end:]) or None
    if words[:2] == ["list", "boolean"]:
        return TrackKind.LIST_BOOLEAN, "boolean", " ".join(words[2:]) or None
    if words[:2] == ["list", "threshold"]:
        return TrackKind.LIST_THRESHOLD, "threshold", " ".join(words[2:]) or None
    if words[:1] == ["stub-object"]:
        return TrackKind.STUB, "", None
    return TrackKind.OTHER, " ".join(words), None


def track_object(node: ConfigNode, track_id: int) -> TrackObject:
    """``track N <target>`` with ``delay`` and list members."""
    kind, target, mode = _track_target(node.words()[2:])
    up = down = None
    members = []
    for child in node.children:
        words = child.words()
        if words[0] == "delay":
            up = to_int(words[words.index("up") + 1]) if "up" in words[:-1] else up
            down = to_int(words[words.index("down") + 1]) if "down" in words[:-1] else down
        elif words[0] in ("object", "threshold"):
            members.append(child.text)
    return TrackObject(track_id, kind, target, mode, up, down, tuple(members))


def eem_applet(node: ConfigNode) -> EemApplet:
    """``event manager applet NAME [options]`` with its events and actions."""
    words = node.words()
    events, actions = [], []
    description = None
    for child in node.children:
        if m := _ACTION.match(child.text):
            actions.append(EemAction(label=m[1], verb=m[2], args=m[3]))
        elif child.text.startswith(("event ", "trigger")):
            events.append(child.text.removeprefix("event "))
        elif child.text.startswith("description "):
            description = child.text.removeprefix("description ")
    return EemApplet(
        name=words[3] if len(words) > 3 else "",
        options=" ".join(words[4:]) or None,
        events=tuple(events),
        actions=tuple(actions),
        description=description,
    )
