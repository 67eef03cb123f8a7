"""``show processes cpu`` (also ``sorted``, ``| include CPU`` and ``| include <process>``).

Sample::

    CPU utilization for five seconds: 3%/0%; one minute: 2%; five minutes: 1%
     PID Runtime(ms)     Invoked      uSecs   5Sec   1Min   5Min TTY Process
       1          18          10       1800  0.00%  0.00%  0.00%   0 Chunk Manager

Sample (IOS-XE, one line per core, percentages without ``%``)::

    Core 0: CPU utilization for five seconds: 6%; one minute: 8%;  five minutes: 7%
    Core 1: CPU utilization for five seconds: 11%; one minute: 16%;  five minutes: 15%
    PID    Runtime(ms) Invoked  uSecs  5Sec     1Min     5Min     TTY   Process
    5782   2045595     13521147 208    4.52     6.10     5.85     0     iosd
"""

from __future__ import annotations

import re

from nornir_tasks.models.cpu import CpuProcess, CpuUsage
from nornir_tasks.parsers._common import table_lines
from nornir_tasks.parsers._unparsed import skip
from nornir_tasks.parsers.registry import parser

COMMAND = "show processes cpu"

# CPU utilization for five seconds: 98%/2%; one minute: 94%; five minutes: 71%
# Core 1: CPU utilization for five seconds: 11%; one minute: 16%;  five minutes: 15%
_UTILIZATION = re.compile(
    r"^(Core \d+: )?CPU utilization for five seconds: (\d+)%(?:/(\d+)%)?; one minute: (\d+)%;"
    r"\s+five minutes: (\d+)%"
)
# This command only shows processes inside the IOS daemon. / Please use 'show processes cpu
# platform' / to show processes from the underlying operating system.  (IOS-XE's footnote)
_FOOTNOTE = re.compile(
    r"^(?:This command only shows processes inside|Please use 'show processes cpu platform'"
    r"|to show processes from the underlying operating system)"
)
#  PID Runtime(ms)     Invoked      uSecs   5Sec   1Min   5Min TTY Process
_HEADER = re.compile(r"^PID\s+Runtime")
#    1          18          10       1800  0.00%  0.00%  0.00%   0 Chunk Manager
_ROW = re.compile(
    r"^(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+\.\d+)%?\s+(\d+\.\d+)%?\s+(\d+\.\d+)%?\s+(\d+)\s+(.+)$"
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


def _usage(whole: re.Match[str] | None, cores: list[re.Match[str]]) -> tuple[int | None, ...]:
    """(five seconds, interrupt, one minute, five minutes) of the router; with only per-core
    lines, of the busiest core: IOSd (and a debug's cost) runs on one of them."""
    if whole is not None:
        return tuple(None if whole[g] is None else int(whole[g]) for g in (2, 3, 4, 5))
    if not cores:
        return (None, None, None, None)
    return (
        max(int(m[2]) for m in cores),
        None,
        max(int(m[4]) for m in cores),
        max(int(m[5]) for m in cores),
    )


@parser("show processes cpu ...")
def parse_processes_cpu(text: str) -> CpuUsage:
    """Parse ``show processes cpu``: the utilisation line and the process rows."""
    whole: re.Match[str] | None = None
    cores: list[re.Match[str]] = []
    processes: list[CpuProcess] = []
    complete = True
    for raw in table_lines(COMMAND, text):
        line = raw.strip()
        if m := _ROW.match(line):
            processes.append(_process(m))
        elif m := _UTILIZATION.match(line):
            whole, cores = (whole, [*cores, m]) if m[1] else (m, cores)
        elif _HEADER.match(line) or _FOOTNOTE.match(line):
            continue
        elif _ROW_START.match(line):
            complete = False
        else:
            skip(raw)
    five_seconds, interrupt, one_minute, five_minutes = _usage(whole, cores)
    return CpuUsage(
        five_seconds=five_seconds,
        interrupt=interrupt,
        one_minute=one_minute,
        five_minutes=five_minutes,
        processes=tuple(processes),
        complete=complete,
    )


# ASA ``show cpu usage`` (Cisco ASA Series Command Reference, "show cpu"):
# CPU utilization for 5 seconds = 1%; 1 minute: 2%; 5 minutes: 1%
_ASA_UTILIZATION = re.compile(
    r"^CPU utilization for 5 seconds = (\d+)%; 1 minute: (\d+)%; 5 minutes: (\d+)%"
)


@parser("show cpu usage")
def parse_asa_cpu_usage(text: str) -> CpuUsage:
    """Parse the ASA's ``show cpu usage`` line into the IOS model (no process rows)."""
    found: re.Match[str] | None = None
    for raw in table_lines("show cpu usage", text):
        if m := _ASA_UTILIZATION.match(raw.strip()):
            found = m
        elif raw.strip():
            skip(raw)
    values = [int(found[i]) if found else None for i in (1, 2, 3)]
    return CpuUsage(values[0], None, values[1], values[2], (), True)
