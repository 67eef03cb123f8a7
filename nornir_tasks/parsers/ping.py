"""``ping A [size N] [df-bit] [repeat N] [source X] ...`` (IOS / IOS-XE).

Sample (genieparser's IOS-XE capture, tests/golden/genie_iosxe_ping_source_address)::

    Type escape sequence to abort.
    Sending 10, 100-byte ICMP Echos to 10.229.1.1, timeout is 2 seconds:
    Packet sent with a source address of 10.229.1.2
    !!!!!!!!!!
    Success rate is 100 percent (10/10), round-trip min/avg/max = 1/1/1 ms

Each echo is one mark: ``!`` answered, ``.`` timed out, ``M`` could not fragment (DF set and
the packet too large for an interface on the way, which said so), ``U`` unreachable. A
verbose or multicast IPv6 ping says so per request instead (``Request 0 timed out``, ``Reply to
request 0 received from A, 38 ms``: one mark per request). Also read (genieparser's IOS-XE
``Ping``, ``PingIpv6`` and ``PingMpls`` captures): ``Packet sent with the DF bit set``,
``Output Interface: X``, a ``% No valid route for destination`` reply, and the lines that carry
nothing a diagnosis uses (``Reply data will be validated``, the MPLS codes legend, ``Total Time
Elapsed``, ``N multicast replies and N errors.``).
"""

from __future__ import annotations

import re

from nornir_tasks.models.ping import PingResult
from nornir_tasks.parsers._common import table_lines
from nornir_tasks.parsers._unparsed import skip
from nornir_tasks.parsers.registry import parser

COMMAND = "ping"

# Sending 10, 100-byte ICMP Echos to 10.229.1.1, timeout is 2 seconds:
# Sending 5, 72-byte MPLS Echos to 4.4.4.4/32,
_SENDING = re.compile(r"^Sending (\d+), (\d+)-byte (?:ICMP|MPLS) Echos to (\S+?),")
# Output Interface: TenGigabitEthernet1/0/5
_INTERFACE = re.compile(r"^Output Interface: (\S+)")
# Request 0 timed out  /  Reply to request 0 received from 2012:AA:12::1, 73 ms
_REQUEST = re.compile(r"^(?:Request (\d+) timed out|Reply to request (\d+) received from \S+)")
# % No valid route for destination
_ERROR = re.compile(r"^% (.+)")
# ping mpls ip 4.4.4.4 255.255.255.255 repeat 5 (the command echoed, without a prompt) /
# Reply data will be validated / timeout is 2 seconds, send interval is 0 msec: /
# Codes: '!' - success, ... / 'L' - labeled output interface, ... / Total Time Elapsed 4 ms /
# 19 multicast replies and 0 errors.
_NOTHING_NEEDED = re.compile(
    r"^(?:ping \S|Type escape sequence|Reply data will be validated|timeout is \d+ seconds"
    r"|Codes: '!' - |'\S' - |Total Time Elapsed|\d+ multicast replies and \d+ errors)"
)
# Packet sent with a source address of 10.229.1.2
_SOURCE = re.compile(r"^Packet sent with a source address of (\S+)")
# !!!!!!!!!!  /  .....  /  M.M.M
_MARKS = re.compile(r"^[!.MUQ?&C]+$")
# Success rate is 100 percent (10/10), round-trip min/avg/max = 1/1/1 ms
_RATE = re.compile(r"^Success rate is (\d+) percent \((\d+)/(\d+)\)")


def _request(requests: dict[str, str], m: re.Match[str]) -> None:
    if m[1] is not None:
        requests.setdefault(m[1], ".")
    else:
        requests[m[2]] = "!"  # a reply, even after a time-out line for the same request


def _line(values: dict[str, str], marks: list[str], requests: dict[str, str], line: str) -> bool:
    if m := _SENDING.match(line):
        values.update(count=m[1], size=m[2], target=m[3])
    elif m := _SOURCE.match(line):
        values["source"] = m[1]
    elif m := _RATE.match(line):
        values.update(percent=m[1], received=m[2], sent=m[3])
    elif _MARKS.match(line):
        marks.append(line)
    elif line == "Packet sent with the DF bit set":
        values["df"] = "y"
    elif m := _INTERFACE.match(line):
        values["interface"] = m[1]
    elif m := _REQUEST.match(line):
        _request(requests, m)
    elif m := _ERROR.match(line):
        values["error"] = m[1]
    else:
        return bool(_NOTHING_NEEDED.match(line))
    return True


@parser("ping * ...")
def parse_ping(text: str) -> PingResult:
    values: dict[str, str] = {}
    marks: list[str] = []
    requests: dict[str, str] = {}  # request number -> its mark (verbose / multicast IPv6)
    lines: list[str] = []
    for raw in table_lines(COMMAND, text):
        line = raw.strip()
        lines.append(line)
        if not _line(values, marks, requests, line):
            skip(raw)

    def number(key: str) -> int | None:
        return int(values[key]) if key in values else None

    return PingResult(
        target=values.get("target"),
        count=number("count"),
        size=number("size"),
        source=values.get("source"),
        marks="".join(marks) or "".join(requests.values()),
        success_percent=number("percent"),
        received=number("received"),
        sent=number("sent"),
        lines=tuple(lines),
        df_bit="df" in values,
        interface=values.get("interface"),
        error=values.get("error"),
    )
