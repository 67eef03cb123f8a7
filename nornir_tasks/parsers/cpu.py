"""``show processes cpu`` (also ``sorted``, ``| include CPU`` and ``| include <process>``).

Sample::

    CPU utilization for five seconds: 3%/0%; one minute: 2%; five minutes: 1%
     PID Runtime(ms)     Invoked      uSecs   5Sec   1Min   5Min TTY Process
       1          18          10       1800  0.00%  0.00%  0.00%   0 Chunk Manager
"""

from __future__ import annotations

import re

from nornir_tasks.models.cpu import CpuProcess, CpuUsage
from nornir_tasks.parsers._common import table_lines
from nornir_tasks.parsers._unparsed import skip
from nornir_tasks.parsers.registry import parser

COMMAND = "show processes cpu"

# CPU utilization for five seconds: 98%/2%; one minute: 94%; five minutes: 71%
_UTILIZATION = re.compile(
    r"^CPU utilization for five seconds: (\d+)%(?:/(\d+)%)?; one minute: (\d+)%;"
    r" five minutes: (\d+)%"
)
#  PID Runtime(ms)     Invoked      uSecs   5Sec   1Min   5Min TTY Process
_HEADER = re.compile(r"^PID\s+Runtime")
#    1          18          10       1800  0.00%  0.00%  0.00%   0 Chunk Manager
_ROW = re.compile(
    r"^(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+\.\d+)%\s+(\d+\.\d+)%\s+(\d+\.\d+)%\s+(\d+)\s+(.+)$"
)
#  188           0           2          0  0.00%  0   (a row cut off)
_ROW_START = re.compile(r"^\d+\s+\d+\s")


def _process(m: re.Match[str]) -> CpuProcess:
    return CpuProcess(
        pid=int(m[1]),
        runtime_ms=int(m[2]),
        invoked=int(m[3]),
        usecs=int(m[4]),
        five_seconds=float(m[5]),
        one_minute=float(m[6]),
        five_minutes=float(m[7]),
        tty=int(m[8]),
        name=m[9].strip(),
    )


@parser("show processes cpu ...")
def parse_processes_cpu(text: str) -> CpuUsage:
    """Parse ``show processes cpu``: the utilisation line and the process rows."""
    usage: re.Match[str] | None = None
    processes: list[CpuProcess] = []
    complete = True
    for raw in table_lines(COMMAND, text):
        line = raw.strip()
        if m := _ROW.match(line):
            processes.append(_process(m))
        elif m := _UTILIZATION.match(line):
            usage = m
        elif _HEADER.match(line):
            continue
        elif _ROW_START.match(line):
            complete = False
        else:
            skip(raw)

    def percent(group: int) -> int | None:
        return int(usage[group]) if usage and usage[group] is not None else None

    return CpuUsage(
        five_seconds=percent(1),
        interrupt=percent(2),
        one_minute=percent(3),
        five_minutes=percent(4),
        processes=tuple(processes),
        complete=complete,
    )
