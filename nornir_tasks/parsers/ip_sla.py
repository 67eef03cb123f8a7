"""``show ip sla summary``, ``show ip sla statistics`` and ``show ip sla configuration``.

Sample (summary, IOS-XE)::

    IPSLAs Latest Operation Summary
    Codes: * active, ^ inactive, ~ pending
    ID           Type        Destination       Stats       Return      Last
                                                           Code        Run
    -----------------------------------------------------------------------
    *1           tcp-connect 123.23.213.32     RTT=44      OK          21 seconds ago
    *2           dns         11.121.2.123      -           Timeout     7 seconds ago

Sample (statistics)::

    IPSLA operation id: 1
            Latest RTT: 6 milliseconds
    Latest operation start time: 07:11:19 UTC Fri Oct 22 2021
    Latest operation return code: OK
    Number of successes: 24
    Number of failures: 0
    Operation time to live: Forever

Sample (configuration, IOS-XE 16)::

    IP SLAs Infrastructure Engine-III
    Entry number: 10
    Type of operation to perform: icmp-echo
    Target address/Source interface: 8.8.8.8/GigabitEthernet0/0
    Schedule:
       Operation frequency (seconds): 5  (not considered if randomly scheduled)
       Next Scheduled Start Time: Start Time already passed
       Life (seconds): Forever
    Threshold (milliseconds): 1000
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from nornir_tasks.models.failover import (
    McastResponderRow,
    SlaActivity,
    SlaConfiguration,
    SlaConfigurationTable,
    SlaStatistics,
    SlaStatisticsTable,
    SlaSummary,
    SlaSummaryEntry,
)
from nornir_tasks.parsers._common import table_lines, to_int
from nornir_tasks.parsers._unparsed import skip
from nornir_tasks.parsers.registry import parser

SUMMARY = "show ip sla summary"
STATISTICS = "show ip sla statistics"
CONFIGURATION = "show ip sla configuration"

_ACTIVITY = {"*": SlaActivity.ACTIVE, "^": SlaActivity.INACTIVE, "~": SlaActivity.PENDING}

# IPSLAs Latest Operation Summary (IP SLAs ... on 15.x) / Codes: * active, ^ inactive, ~ pending /
# All Stats are in milliseconds. ... / ID   Type   Destination ... / Code   Run / ------
# (ms)        Code        Run   (the second header line of IOS 15.x)
_SUMMARY_HEADER = re.compile(
    r"^(?:IP ?SLAs? Latest|Codes:|All Stats|ID\s+Type\s|(?:\(ms\)\s+)?Code\s+Run$|-{10,}"
    r"|-{3,}(?:\s+-{3,})+$)"  # ---      ----      -----------  -----   (one dash run per column)
)
# ID       Type      Destination  State   Stats(ms)  ReturnCode  LastRun  (a State column)
_STATE_HEADER = re.compile(r"^ID\s+Type\s+Destination\s+State\s")
# 100   icmp-jitter   192.0.2.2    Active   100      OK       22:49:53 PST Tue May 3 2011
_STATE_ROW = re.compile(r"^(\d+)\s+(\S+)\s+(\S+)\s+([A-Za-z]+)\s+(\S+)\s+(\S+)\s*(.*)$")
_STATES = {"active": SlaActivity.ACTIVE, "inactive": SlaActivity.INACTIVE}
#                                                                    o     (the rest of a
# "Last Run" cut at the terminal width: "14 seconds ag" + "o")
_WRAPPED = re.compile(r"^\s{40,}(\S{1,12})\s*$")
# *1           tcp-connect 123.23.213.32     RTT=44      OK          21 seconds ago
_SUMMARY_ROW = re.compile(r"^([*^~]?)(\d+)\s+(\S+)(?:\s+(\S+))?(?:\s+(\S+))?(?:\s+(.*))?$")
# OK          21 seconds ago / No connection   5 seconds ago (return codes of several words first)
_RETURN_CODE = re.compile(
    r"^(Over threshold|No connection|Not connected|Sequence error|Verify error"
    r"|Socket connect error|DNS server timeout|DNS query error|TCP connect timeout"
    r"|HTTP transaction timeout|HTTP error|Format error|Application Specific|\S+)\s*(.*)$"
)
# RTT=44 / RTT=500u (microseconds)
_RTT_STATS = re.compile(r"RTT=(\d+)(u?)")


def _summary_row(m: re.Match[str]) -> SlaSummaryEntry:
    code = _RETURN_CODE.match(m[6]) if m[6] else None
    rtt = _RTT_STATS.match(m[5] or "")
    value = to_int(rtt[1]) if rtt is not None else None
    rtt_ms = None if value is None or rtt is None else value / (1000 if rtt[2] else 1)
    return SlaSummaryEntry(
        entry_id=int(m[2]),
        activity=_ACTIVITY.get(m[1], SlaActivity.UNKNOWN),
        type=m[3],
        destination=m[4],
        rtt_stats=m[5],
        rtt_ms=float(rtt_ms) if rtt_ms is not None else None,
        return_code=code[1] if code else None,
        last_run=(code[2] or None) if code else None,
    )


def _state_row(m: re.Match[str]) -> SlaSummaryEntry:
    rtt = to_int(m[5]) if m[5].isdigit() else None
    return SlaSummaryEntry(
        entry_id=int(m[1]),
        activity=_STATES.get(m[4].lower(), SlaActivity.UNKNOWN),
        type=m[2],
        destination=m[3],
        rtt_stats=m[5],
        rtt_ms=float(rtt) if rtt is not None else None,
        return_code=m[6],
        last_run=m[7].strip() or None,
    )


@parser("show ip sla summary")
def parse_ip_sla_summary(text: str) -> SlaSummary:
    """Parse ``show ip sla summary`` (with or without the State column)."""
    entries: dict[int, SlaSummaryEntry] = {}
    state_column = False
    for raw in table_lines(SUMMARY, text):
        line = raw.strip()
        if _SUMMARY_HEADER.match(line):
            state_column = state_column or bool(_STATE_HEADER.match(line))
            continue
        if state_column and (m := _STATE_ROW.match(line)):
            entries[int(m[1])] = last = _state_row(m)
        elif m := _SUMMARY_ROW.match(line):
            entries[int(m[2])] = last = _summary_row(m)
        elif (w := _WRAPPED.match(raw)) and entries and (last.last_run or "")[-3:] != "ago":
            entries[last.entry_id] = last = replace(last, last_run=(last.last_run or "") + w[1])
        else:
            skip(raw)
    complete = all(e.return_code is not None for e in entries.values())
    return SlaSummary(entries=entries, complete=complete)


# IPSLA operation id: 1 / Round Trip Time (RTT) for       Index 1 / IP SLA operation id: 1
_STATS_ENTRY = re.compile(
    r"^(?:IP ?SLA operation id:|Round [Tt]rip [Tt]ime \(RTT\)(?: for)?\s+Index)\s*(\d+)\s*$"
)
# IPSLAs Latest Operation Statistics
_STATS_HEADER = re.compile(r"^IP ?SLAs? Latest Operation Statistics")
# 60988531       OK                   0            3239998/3240718/3240998     10.50.10.100
_MCAST_ROW = re.compile(r"^(\d+)\s+(\S+)\s+(\d+)\s+(\S+)\s+(\S+)$")
# oper-id        status               lossSD       delay                  destination
# (the multicast responder table's header) / Delay Statistics for Y1731 Operation 10 /
# Interval (a Y1731 sub-section title)
_STATS_TITLE = re.compile(
    r"^(?:oper-id\s+status\s+lossSD|(?:Delay|Loss) Statistics for \S+ Operation \d+$|Interval$)"
)
# Latest RTT: 6 milliseconds
_RTT_MS = re.compile(r"^(\d+)\s*(?:milliseconds?|ms)\b")

_STATS_KEYS = {
    "type of operation": "type",
    "latest rtt": "latest_rtt",
    "latest operation start time": "start_time",
    "latest operation return code": "return_code",
    "number of successes": "successes",
    "number of failures": "failures",
    "operation time to live": "time_to_live",
    "operational state of entry": "operational_state",
}


@dataclass
class _StatsBlock:
    entry_id: int
    values: dict[str, str] = field(default_factory=dict)
    mcast: list[McastResponderRow] = field(default_factory=list)
    other: dict[str, str] = field(default_factory=dict)

    def complete(self) -> bool:
        return "return_code" in self.values and "time_to_live" in self.values

    def freeze(self) -> SlaStatistics:
        v = self.values
        rtt = _RTT_MS.match(v.get("latest_rtt", ""))
        return SlaStatistics(
            entry_id=self.entry_id,
            type=v.get("type"),
            latest_rtt=v.get("latest_rtt"),
            rtt_ms=to_int(rtt[1]) if rtt else None,
            start_time=v.get("start_time"),
            return_code=v.get("return_code"),
            successes=to_int(v.get("successes")),
            failures=to_int(v.get("failures")),
            time_to_live=v.get("time_to_live"),
            operational_state=v.get("operational_state"),
            mcast_rows=tuple(self.mcast),
            other=dict(self.other),
        )


def _stats_line(block: _StatsBlock, line: str) -> None:
    key, sep, value = line.partition(":")
    name = _STATS_KEYS.get(key.strip().lower()) if sep else None
    if name is not None:
        block.values[name] = value.strip()
    elif sep and value.strip() and key.strip():
        block.other[key.strip()] = value.strip()
    elif m := _MCAST_ROW.match(line):
        row = McastResponderRow(int(m[1]), m[2], int(m[3]), m[4], m[5])
        block.mcast.append(row)
    elif not ((sep and key.strip() and not value.strip()) or _STATS_TITLE.match(line)):
        skip(line)  # a "Distribution Statistics:" section title or a table title is read


@parser("show ip sla statistics")
@parser("show ip sla statistics *")
def parse_ip_sla_statistics(text: str) -> SlaStatisticsTable:
    """Parse ``show ip sla statistics`` (all operations or one)."""
    blocks: list[_StatsBlock] = []
    for raw in table_lines(STATISTICS, text):
        line = raw.strip()
        if m := _STATS_ENTRY.match(line):
            blocks.append(_StatsBlock(int(m[1])))
        elif blocks:
            _stats_line(blocks[-1], line)
        elif not _STATS_HEADER.match(line):
            skip(raw)
    complete = all(b.complete() for b in blocks)
    return SlaStatisticsTable(entries={b.entry_id: b.freeze() for b in blocks}, complete=complete)


# Entry Number: 1 / Entry number: 10
_CONFIG_ENTRY = re.compile(r"^Entry [Nn]umber: (\d+)\s*$")
# IP SLAs Configuration: / IP SLAs Infrastructure Engine-III
_CONFIG_HEADER = re.compile(r"^IP ?SLAs?\b")
# Operation frequency (seconds): 5  (not considered if randomly scheduled)
_LEADING_INT = re.compile(r"^(\d+)")

_CONFIG_KEYS = {
    "owner": "owner",
    "tag": "tag",
    "type of operation to perform": "type",
    "target address": "target",
    "source address": "source_address",
    "source interface": "source_interface",
    "target address/source address": "target/source_address",
    "target address/source interface": "target/source_interface",
    "request size (arr data bytes)": "request_size",
    "timeout (milliseconds)": "timeout_ms",
    "operation timeout (milliseconds)": "timeout_ms",
    "frequency (seconds)": "frequency_s",
    "operation frequency (seconds)": "frequency_s",
    "threshold (milliseconds)": "threshold_ms",
    "status of entry (snmp rowstatus)": "status",
    "next scheduled start time": "next_start",
    "life (seconds)": "life",
    "entry ageout (seconds)": "ageout",
    "recurring (starting everyday)": "recurring",
    "vrf name": "vrf",
}


def _config_value(values: dict[str, str], name: str, value: str) -> None:
    if "/" in name:
        # "8.8.8.8/GigabitEthernet0/0": the target never holds a slash, the interface may.
        first, second = name.split("/")
        target, _, source = value.partition("/")
        values[first], values[second] = target, source
    else:
        values[name] = value


def _config_int(values: dict[str, str], name: str) -> int | None:
    m = _LEADING_INT.match(values.get(name, ""))
    return to_int(m[1]) if m else None


def _freeze_config(entry_id: int, v: dict[str, str]) -> SlaConfiguration:
    def text(name: str) -> str | None:
        return v.get(name) or None

    recurring = v.get("recurring", "").upper()
    return SlaConfiguration(
        entry_id=entry_id,
        type=text("type"),
        target=text("target"),
        source_address=text("source_address"),
        source_interface=text("source_interface"),
        vrf=text("vrf"),
        owner=text("owner"),
        tag=text("tag"),
        timeout_ms=_config_int(v, "timeout_ms"),
        frequency_s=_config_int(v, "frequency_s"),
        threshold_ms=_config_int(v, "threshold_ms"),
        request_size=_config_int(v, "request_size"),
        next_start=text("next_start"),
        life=text("life"),
        ageout=text("ageout"),
        recurring={"TRUE": True, "FALSE": False}.get(recurring),
        status=text("status"),
    )


def _config_line(values: dict[str, str], other: dict[str, str], line: str) -> bool:
    """One line inside an entry; False when it is not a ``Key: value`` or ``Section:`` line."""
    key, sep, value = line.partition(":")
    key, value = key.strip(), value.strip()
    if not (sep and key):
        return False
    if (name := _CONFIG_KEYS.get(key.lower())) is not None:
        _config_value(values, name, value)
    elif value:  # Verify data: No / Number of history Buckets kept: 15
        other[key] = value
    # else a section title (Schedule:, Distribution Statistics:, Enhanced History:)
    return True


@parser("show ip sla configuration")
@parser("show ip sla configuration *")
def parse_ip_sla_configuration(text: str) -> SlaConfigurationTable:
    """Parse ``show ip sla configuration`` (IOS 15 and IOS-XE layouts)."""
    blocks: list[tuple[int, dict[str, str], dict[str, str]]] = []
    for raw in table_lines(CONFIGURATION, text):
        line = raw.strip()
        if m := _CONFIG_ENTRY.match(line):
            blocks.append((int(m[1]), {}, {}))
        elif blocks:
            if not _config_line(blocks[-1][1], blocks[-1][2], line):
                skip(raw)
        elif not _CONFIG_HEADER.match(line):
            skip(raw)
    complete = all("type" in v and "threshold_ms" in v for _, v, _ in blocks)
    entries = {
        entry_id: replace(_freeze_config(entry_id, v), other=other) for entry_id, v, other in blocks
    }
    return SlaConfigurationTable(entries=entries, complete=complete)
