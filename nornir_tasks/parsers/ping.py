"""``ping A [size N] [df-bit] [repeat N] [source X] ...`` (IOS / IOS-XE).

Sample (genieparser's IOS-XE capture, tests/golden/genie_iosxe_ping_source_address)::

    Type escape sequence to abort.
    Sending 10, 100-byte ICMP Echos to 10.229.1.1, timeout is 2 seconds:
    Packet sent with a source address of 10.229.1.2
    !!!!!!!!!!
    Success rate is 100 percent (10/10), round-trip min/avg/max = 1/1/1 ms

Each echo is one mark: ``!`` answered, ``.`` timed out, ``M`` could not fragment (DF set and
the packet too large for an interface on the way, which said so), ``U`` unreachable.
"""

from __future__ import annotations

import re

from nornir_tasks.models.ping import PingResult
from nornir_tasks.parsers._common import table_lines
from nornir_tasks.parsers._unparsed import skip
from nornir_tasks.parsers.registry import parser

COMMAND = "ping"

# Sending 10, 100-byte ICMP Echos to 10.229.1.1, timeout is 2 seconds:
_SENDING = re.compile(r"^Sending (\d+), (\d+)-byte ICMP Echos to (\S+?),")
# Packet sent with a source address of 10.229.1.2
_SOURCE = re.compile(r"^Packet sent with a source address of (\S+)")
# !!!!!!!!!!  /  .....  /  M.M.M
_MARKS = re.compile(r"^[!.MUQ?&C]+$")
# Success rate is 100 percent (10/10), round-trip min/avg/max = 1/1/1 ms
_RATE = re.compile(r"^Success rate is (\d+) percent \((\d+)/(\d+)\)")


@parser("ping * ...")
def parse_ping(text: str) -> PingResult:
    values: dict[str, str] = {}
    marks: list[str] = []
    lines: list[str] = []
    for raw in table_lines(COMMAND, text):
        line = raw.strip()
        lines.append(line)
        if m := _SENDING.match(line):
            values.update(count=m[1], size=m[2], target=m[3])
        elif m := _SOURCE.match(line):
            values["source"] = m[1]
        elif m := _RATE.match(line):
            values.update(percent=m[1], received=m[2], sent=m[3])
        elif _MARKS.match(line):
            marks.append(line)
        elif not line.startswith("Type escape sequence"):
            skip(raw)

    def number(key: str) -> int | None:
        return int(values[key]) if key in values else None

    return PingResult(
        target=values.get("target"),
        count=number("count"),
        size=number("size"),
        source=values.get("source"),
        marks="".join(marks),
        success_percent=number("percent"),
        received=number("received"),
        sent=number("sent"),
        lines=tuple(lines),
    )
