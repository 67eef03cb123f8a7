"""``show ip interface brief``.

Sample::

    Interface                  IP-Address      OK? Method Status                Protocol
    Ethernet0/0.11             10.0.1.38       YES NVRAM  up                    up
    Ethernet0/2                unassigned      YES NVRAM  administratively down down
"""

from __future__ import annotations

import re

from nornir_tasks.models.interfaces import InterfaceBrief, InterfaceBriefTable, LinkStatus
from nornir_tasks.parsers._common import table_lines
from nornir_tasks.parsers._unparsed import skip
from nornir_tasks.parsers.registry import parser

COMMAND = "show ip interface brief"

# Interface                  IP-Address      OK? Method Status                Protocol
_HEADER = re.compile(r"^Interface\s+IP-Address\s+OK\?")
# Ethernet0/2                unassigned      YES NVRAM  administratively down down
# GigabitEthernet0/1     10.1.1.1   YE  (the last row, cut off: an interface name first)
_ROW_START = re.compile(r"^[A-Za-z][\w\-./:]*\d")
_ROW = re.compile(
    r"^(\S+)\s+(\S+)\s+(YES|NO)\s+(\S+)\s+(up|down|administratively down|deleted)\s+(\S+)$"
)


def _row(m: re.Match[str]) -> InterfaceBrief:
    address = None if m[2] == "unassigned" else m[2]
    return InterfaceBrief(m[1], address, m[3] == "YES", m[4], LinkStatus(m[5]), m[6])


@parser("show ip interface brief")
@parser("show ip interface brief ...")
def parse_ip_interface_brief(text: str) -> InterfaceBriefTable:
    """Parse ``show ip interface brief``."""
    lines = table_lines(COMMAND, text)
    rows: dict[str, InterfaceBrief] = {}
    complete = True
    for index, raw in enumerate(lines):
        line = raw.strip()
        if m := _ROW.match(line):
            rows[m[1]] = _row(m)
        elif _HEADER.match(line):
            continue
        elif index == len(lines) - 1 and index > 0 and _ROW_START.match(line):
            complete = False  # the last row was cut off
        else:
            skip(raw)
    return InterfaceBriefTable(interfaces=rows, complete=complete)
