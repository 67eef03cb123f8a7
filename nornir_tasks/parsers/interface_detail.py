"""``show interfaces [X]`` (IOS, IOS-XE, ASA): the state, addressing, tunnel and counters of each.

``X`` is one interface (``Tunnel10``, ``tunnel 10``). The other ``show interfaces`` subcommands
(``status``, ``switchport``, ``trunk``, ``description``...) print tables of another shape: the
parser finds no interface in them and refuses them, as it refuses any foreign text.

Sample::

    Tunnel114 is up, line protocol is up
      Hardware is Tunnel
      Description: DMVPN to R27-R28
      Internet address is 10.111.2.194/27
      MTU 17916 bytes, BW 100 Kbit/sec, DLY 50000 usec,
      Tunnel source 192.0.2.2 (GigabitEthernet1), destination 216.66.5.49
      Tunnel protocol/transport GRE/IP
      Tunnel protection via IPSec (profile "DMVPN")
         213293 packets input, 258967182 bytes, 0 no buffer
         0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored, 0 abort

A line of an interface this parser does not model is kept verbatim in ``other_lines``; a line
before the first interface is reported as not read.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import partial
from typing import Any

from nornir_tasks.models.interfaces import InterfaceDetail, InterfaceDetailTable, LinkStatus
from nornir_tasks.parsers._feed import feed_lines
from nornir_tasks.parsers.registry import parser

COMMAND = "show interfaces"

_STATUSES = {s.value for s in LinkStatus}
# Tunnel2700 is up,  line protocol is up   /   Gi0/1 is administratively down, line protocol is down
# Interface GigabitEthernet0/0 "outside", is up, line protocol is up   (ASA)
_HEAD = re.compile(
    r'^(?:Interface )?(\S+)(?: "[^"]*")?,? is ([a-z ]+?),\s+line protocol is (.+?)\s*$'
)
# Hardware is Tunnel   /   Hardware is CSR vNIC, address is 0050.56bf.1a2b (bia 0050.56bf.1a2b)
# Hardware is i82540EM rev03, BW 1000 Mbps, DLY 10 usec   (ASA)
_HARDWARE = re.compile(r"^Hardware is (.+?)(?:, (?:address is|BW) .*)?$")
# Description: "Zscaler Primary Tunnel"
_DESCRIPTION = re.compile(r"^Description: (.*)$")
# Internet address is 172.18.58.121/30
_ADDRESS = re.compile(r"^Internet address is (\S+)")
# MTU 17916 bytes, BW 100 Kbit/sec, DLY 50000 usec,
_MTU = re.compile(r"^MTU (\d+) bytes, BW (\d+) Kbit(?:/sec)?, DLY (\d+) usec")
# Encapsulation TUNNEL, loopback not set
_ENCAPSULATION = re.compile(r"^Encapsulation ([^,\s]+)")
# Tunnel source 192.0.2.2 (GigabitEthernet1), destination 216.66.5.49
_SOURCE = re.compile(r"^Tunnel source ([^\s,(]+)(?: \(([^)]+)\))?(?:, destination (\S+))?")
# Tunnel protocol/transport multi-GRE/IP
_TRANSPORT = re.compile(r"^Tunnel protocol/transport (\S+)")
# Tunnel protection via IPSec (profile "DMVPN")
_PROTECTION = re.compile(r'^Tunnel protection via IPSec \(profile "([^"]+)"\)')
# 213293 packets input, 258967182 bytes, 0 no buffer   /   250377 packets output, 17670798 bytes
_PACKETS = re.compile(r"^(\d+) packets (input|output), (\d+) bytes")
# 0 runts, 0 giants, 0 throttles   (any line of "N name" items)
_COUNTER = re.compile(r"(\d+) ([A-Za-z][\w .-]*?)\s*(?:,|$)")
_COUNTERS_LINE = re.compile(r"^\d+ [A-Za-z]")
# Received 0 broadcasts (0 IP multicasts)   /   Keepalive not set   (kept verbatim)
_OTHER = re.compile(r"^[A-Za-z0-9]")


class _Scan:
    def __init__(self) -> None:
        self.interfaces: dict[str, dict[str, Any]] = {}
        self.current: dict[str, Any] | None = None


def _head(scan: _Scan, m: re.Match[str]) -> None:
    status = m[2].strip()
    scan.current = {
        "name": m[1],
        "status": LinkStatus(status) if status in _STATUSES else None,
        "status_text": status,
        "protocol": m[3],
        "counters": {},
        "other_lines": [],
    }
    scan.interfaces[m[1]] = scan.current


def _field(line: str, current: dict[str, Any]) -> bool:
    """The modelled lines: True when ``line`` was one of them."""
    if m := _PACKETS.match(line):
        current[f"{m[2]}_packets"], current[f"{m[2]}_bytes"] = int(m[1]), int(m[3])
        return _counters(line[m.end() :], current) or True
    if m := _MTU.match(line):
        current.update(mtu=int(m[1]), bandwidth_kbit=int(m[2]), delay_usec=int(m[3]))
    elif m := _SOURCE.match(line):
        current.update(tunnel_source=m[1], tunnel_source_interface=m[2], tunnel_destination=m[3])
    elif m := _PROTECTION.match(line):
        current["tunnel_protection_profile"] = m[1]
    else:
        return _simple(line, current)
    return True


_SIMPLE = (
    (_HARDWARE, "hardware"),
    (_DESCRIPTION, "description"),
    (_ADDRESS, "address"),
    (_ENCAPSULATION, "encapsulation"),
    (_TRANSPORT, "tunnel_transport"),
)


def _simple(line: str, current: dict[str, Any]) -> bool:
    for pattern, key in _SIMPLE:
        if m := pattern.match(line):
            current[key] = m[1].strip().strip('"') if key == "description" else m[1]
            return True
    return False


def _counters(rest: str, current: dict[str, Any]) -> bool:
    for value, name in _COUNTER.findall(rest):
        current["counters"][name.strip()] = int(value)
    return True


def _line(scan: _Scan, line: str) -> bool:
    if m := _HEAD.match(line):
        _head(scan, m)
        return True
    current = scan.current
    if current is None:
        return False
    if _field(line, current):
        return True
    if _COUNTERS_LINE.match(line):
        return _counters(line, current)
    if _OTHER.match(line):
        current["other_lines"].append(line)
        return True
    return False


def _build(values: dict[str, Any]) -> InterfaceDetail:
    detail = InterfaceDetail(**{k: v for k, v in values.items() if k != "other_lines"})
    return replace(detail, other_lines=tuple(values["other_lines"]))


@parser("show interfaces")
@parser("show interfaces *")
@parser("show interfaces * *")
def parse_interfaces(text: str) -> InterfaceDetailTable:
    """Parse ``show interfaces [X]`` into one record per interface."""
    scan = _Scan()
    feed_lines(COMMAND, text, partial(_line, scan))
    interfaces = {name: _build(values) for name, values in scan.interfaces.items()}
    return InterfaceDetailTable(interfaces=interfaces, complete=True)
