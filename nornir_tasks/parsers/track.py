"""``show track``: every track type, keyed by track number.

Sample (IOS 15 / IOS-XE)::

    Track 1
      IP SLA 1 reachability
      Reachability is Up
        2 changes, last change 00:01:23
      Delay up 60 secs, down 15 secs
      Latest operation return code: OK
      Latest RTT (millisecs) 1
      Tracked by:
        Static IP Routing 0
    Track 2
      IP route 10.21.12.0 255.255.255.0 reachability
      Reachability is Down (no ip route), delayed Up (1 sec remaining) (connected)
        1 change, last change 00:00:24
      First-hop interface is unknown (was Ethernet1/0)
    Track 100
      List boolean or
      Boolean OR is Up
        object 1 Up

Sample (``show track brief``)::

    Track Type        Instance                   Parameter        State Last Change
    1     ip sla      1                          state            Down  00:09:17
    4     list                                   boolean          Up    00:05:08
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nornir_tasks.models.failover import Track, TrackKind, TrackState, TrackTable
from nornir_tasks.parsers._common import table_lines, to_int
from nornir_tasks.parsers._unparsed import skip
from nornir_tasks.parsers.registry import parser

COMMAND = "show track"

# Track 34
_TRACK = re.compile(r"^Track (\d+)\s*$")
# IP SLA 34 state / IP SLA 1 reachability / Response Time Reporter 1 reachability (IOS 12.x "rtr")
_SLA = re.compile(r"^(?:IP SLA|Response Time Reporter|RTR) (\d+)(?: (state|reachability))?$", re.I)
# Interface GigabitEthernet0/0 line-protocol / Interface Ethernet0/1 ip routing
_INTERFACE = re.compile(r"^Interface (\S+) (line-protocol|ip routing)$", re.I)
# IP route 10.21.12.0 255.255.255.0 reachability / IP route 10.0.0.0 255.0.0.0 metric threshold
_ROUTE = re.compile(r"^IP route (\S+ \S+|\S+/\d+) (reachability|metric threshold)$", re.I)
# List boolean and / List threshold weight
_LIST = re.compile(r"^List (boolean|threshold) (\w+)$", re.I)
# Reachability is Down (no ip route), delayed Up (1 sec remaining) (connected) / State is Up
_STATE = re.compile(r"^[A-Z][\w ]*? is (Up|Down|Unknown)\b(?: \(([^)]*)\))?(?:, delayed (.+))?")
# 11 changes, last change 1d16h
_CHANGES = re.compile(r"^(\d+) changes?, last change (.+)$")
# Delay up 20 secs, down 10 secs / Delay down 15 secs
_DELAY = re.compile(r"^Delay(?: up (\d+(?:\.\d+)?) secs?)?,?(?: down (\d+(?:\.\d+)?) secs?)?$")
# Latest operation return code: OK
_RETURN_CODE = re.compile(r"^Latest operation return code: (.+)$")
# Latest RTT (millisecs) 16
_RTT = re.compile(r"^Latest RTT \(millisecs\) (\d+)")
# Metric threshold down 255 up 254 / Threshold down 10 up 20
_THRESHOLD = re.compile(r"^(?:Metric )?[Tt]hreshold down (\d+)%? up (\d+)%?$")
# First-hop interface is unknown (was Ethernet1/0)
_FIRST_HOP = re.compile(r"^First-hop interface is (.+)$")
# object 1 Up / object 2 weight 10 Down / object 3 not Up
_MEMBER = re.compile(r"^object \d+\b")
# Track Type        Instance                   Parameter        State Last Change
_BRIEF_HEADER = re.compile(r"^Track\s+Type\s+Instance\s+Parameter\s+State\s+Last Change")
_BRIEF_COLUMNS = ("Type", "Instance", "Parameter", "State", "Last Change")
_BRIEF_KINDS = {
    "ip sla": TrackKind.IP_SLA,
    "interface": TrackKind.INTERFACE,
    "ip route": TrackKind.IP_ROUTE,
    "stub-object": TrackKind.STUB,
}


@dataclass
class _Block:
    track_id: int
    header: str | None = None
    kind: TrackKind = TrackKind.OTHER
    object: str = ""
    mode: str | None = None
    state: TrackState | None = None
    state_detail: str | None = None
    delayed: str | None = None
    changes: int | None = None
    last_change: str | None = None
    delay_up_s: float | None = None
    delay_down_s: float | None = None
    return_code: str | None = None
    rtt_ms: int | None = None
    threshold_down: int | None = None
    threshold_up: int | None = None
    first_hop: str | None = None
    members: list[str] = field(default_factory=list)
    tracked_by: list[str] | None = None

    def freeze(self) -> Track:
        return Track(
            track_id=self.track_id,
            kind=self.kind,
            object=self.object,
            mode=self.mode,
            header=self.header or "",
            state=self.state or TrackState.UNKNOWN,
            state_detail=self.state_detail,
            delayed=self.delayed,
            changes=self.changes,
            last_change=self.last_change,
            delay_up_s=self.delay_up_s,
            delay_down_s=self.delay_down_s,
            return_code=self.return_code,
            rtt_ms=self.rtt_ms,
            first_hop_interface=self.first_hop,
            threshold_down=self.threshold_down,
            threshold_up=self.threshold_up,
            members=tuple(self.members),
            tracked_by=tuple(self.tracked_by or ()),
        )


def _describe(block: _Block, line: str) -> None:
    """Read the description line that follows ``Track N``."""
    block.header = line
    if m := _SLA.match(line):
        block.kind, block.object, block.mode = TrackKind.IP_SLA, m[1], (m[2] or "state").lower()
    elif m := _INTERFACE.match(line):
        block.kind, block.object, block.mode = TrackKind.INTERFACE, m[1], m[2].lower()
    elif m := _ROUTE.match(line):
        block.kind, block.object, block.mode = TrackKind.IP_ROUTE, m[1], m[2].lower()
    elif m := _LIST.match(line):
        kind = TrackKind.LIST_BOOLEAN if m[1].lower() == "boolean" else TrackKind.LIST_THRESHOLD
        block.kind, block.object, block.mode = kind, m[1].lower(), m[2].lower()
    elif line.lower().startswith("stub-object"):
        block.kind = TrackKind.STUB


def _read_state(block: _Block, m: re.Match[str]) -> None:
    block.state = TrackState(m[1])
    block.state_detail = m[2]
    block.delayed = m[3]


def _read_line(block: _Block, line: str) -> None:
    """Read one line inside a track block; unknown lines are reported with ``skip``."""
    if block.header is None and ":" not in line:  # descriptions never hold a colon
        _describe(block, line)
    elif block.state is None and (m := _STATE.match(line)):
        _read_state(block, m)
    elif m := _CHANGES.match(line):
        block.changes, block.last_change = int(m[1]), m[2]
    elif line.startswith("Delay") and (m := _DELAY.match(line)):
        block.delay_up_s = float(m[1]) if m[1] else block.delay_up_s
        block.delay_down_s = float(m[2]) if m[2] else block.delay_down_s
    elif m := _RETURN_CODE.match(line):
        block.return_code = m[1]
    elif m := _RTT.match(line):
        block.rtt_ms = to_int(m[1])
    elif m := _FIRST_HOP.match(line):
        block.first_hop = m[1]
    elif m := _THRESHOLD.match(line):
        block.threshold_down, block.threshold_up = int(m[1]), int(m[2])
    elif line == "Tracked by:":
        block.tracked_by = []
    elif block.tracked_by is not None:
        block.tracked_by.append(line)
    elif _MEMBER.match(line):
        block.members.append(line)
    else:
        skip(line)


def _brief_row(line: str, starts: list[int]) -> Track | None:
    """A ``show track brief`` row, cut at the header's column starts; None if it is not one."""
    number = line[: starts[0]].strip()
    kind, instance, parameter, state, changed = (
        line[a:b].strip() for a, b in zip(starts, [*starts[1:], len(line)], strict=True)
    )
    if not number.isdigit() or state not in ("Up", "Down") or not kind:
        return None
    if kind == "list":
        found = TrackKind.LIST_BOOLEAN if parameter == "boolean" else TrackKind.LIST_THRESHOLD
    else:
        found = _BRIEF_KINDS.get(kind, TrackKind.OTHER)
    return Track(
        track_id=int(number),
        kind=found,
        object=instance,
        mode=parameter or None,
        header=" ".join(w for w in (kind, instance, parameter) if w),
        state=TrackState(state),
        state_detail=None,
        delayed=None,
        changes=None,
        last_change=changed or None,
        delay_up_s=None,
        delay_down_s=None,
        return_code=None,
        rtt_ms=None,
        first_hop_interface=None,
        members=(),
        tracked_by=(),
    )


def _parse_brief(lines: list[str]) -> TrackTable:
    starts = [lines[0].index(column) for column in _BRIEF_COLUMNS]
    tracks: dict[int, Track] = {}
    complete = True
    for line in lines[1:]:
        track = _brief_row(line.rstrip(), starts)
        if track is not None:
            tracks[track.track_id] = track
        elif line[:1].isdigit():
            complete = False  # a row cut off
    return TrackTable(tracks=tracks, complete=complete)


@parser("show track")
@parser("show track *")
def parse_show_track(text: str) -> TrackTable:
    """Parse ``show track`` (all tracks, one track, or ``show track brief``)."""
    lines = table_lines(COMMAND, text)
    lead = next(
        (i for i, s in enumerate(lines) if _BRIEF_HEADER.match(s) or _TRACK.match(s.strip())),
        len(lines),
    )
    for line in lines[:lead]:
        skip(line)
    lines = lines[lead:]
    if lines and _BRIEF_HEADER.match(lines[0]):
        return _parse_brief(lines)
    blocks: list[_Block] = []
    for raw in lines:
        line = raw.strip()
        if m := _TRACK.match(line):
            blocks.append(_Block(int(m[1])))
        elif blocks:
            _read_line(blocks[-1], line)
        else:
            skip(raw)
    complete = all(b.header is not None and b.state is not None for b in blocks)
    return TrackTable(tracks={b.track_id: b.freeze() for b in blocks}, complete=complete)
