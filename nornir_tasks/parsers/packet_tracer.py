"""ASA ``packet-tracer input IFC icmp|tcp|udp ... [detailed]``.

Sample::

    Phase: 3
    Type: NAT
    Subtype:
    Result: ALLOW
    Config:
    object network LAN
     nat (inside,outside) dynamic interface
    Additional Information:
    Dynamic translate 10.32.0.10/0 to 203.0.113.134/4640

    Phase: 8
    Type: VPN
    Subtype: encrypt
    Result: DROP
    Config:
    Additional Information:

    Result:
    input-interface: inside
    input-status: up
    output-interface: outside
    Action: drop
    Drop-reason: (acl-drop) Flow is denied by configured rule

``detailed`` adds ``Forward Flow based lookup yields rule:`` and rule dumps under each phase's
``Additional Information``: kept there as the phase's information lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nornir_tasks.models.packet_tracer import PacketTrace, TracePhase
from nornir_tasks.parsers._common import table_lines
from nornir_tasks.parsers._unparsed import skip
from nornir_tasks.parsers.registry import parser

COMMAND = "packet-tracer input"
# Phase: 3
_PHASE = re.compile(r"^Phase:\s*(\d+)$")
# Type: NAT / Subtype: encrypt / Result: ALLOW
_FIELD = re.compile(r"^(Type|Subtype|Result):\s*(.*)$")
# ASA-5505# packet-tracer input inside tcp x.x.x.x 80 y.y.y.y 80  (the command, pasted with it)
_ECHO = re.compile(r"^\S+[#>]\s*packet-tracer\s")
# Config: / Additional Information:
_SECTION = re.compile(r"^(Config|Additional Information):\s*$")
# Result:   (the verdict block after the phases)
_VERDICT = re.compile(r"^Result:\s*$")
# input-interface: inside / output-interface: outside / Action: drop / Drop-reason: (x) y
_VERDICT_FIELD = re.compile(
    r"^(input-interface|output-interface|Action|Drop-reason|input-status|input-line-status"
    r"|output-status|output-line-status|Time Taken):\s*(.*)$"
)


@dataclass
class _Phase:
    number: int
    fields: dict[str, str] = field(default_factory=dict)
    section: str = ""
    config: list[str] = field(default_factory=list)
    info: list[str] = field(default_factory=list)

    def freeze(self) -> TracePhase:
        f = self.fields
        return TracePhase(
            self.number,
            f.get("Type", ""),
            f.get("Subtype", ""),
            f.get("Result", ""),
            tuple(self.config),
            tuple(self.info),
        )


def _verdict_line(verdict: dict[str, str], line: str, raw: str) -> None:
    if m := _VERDICT_FIELD.match(line):
        verdict[m[1]] = m[2].strip()
    elif line:
        skip(raw)


def _phase_line(phase: _Phase, line: str, raw: str) -> None:
    if not phase.section and (m := _FIELD.match(line)):
        phase.fields[m[1]] = m[2].strip()
    elif m := _SECTION.match(line):
        phase.section = m[1]
    elif phase.section == "Config" and line:
        phase.config.append(raw.rstrip())
    elif line:  # "New flow created with id 3256277, ..." (a trace without "detailed")
        phase.info.append(line)


# The packet's words are kept in the evidence key (``packet-tracer input inside icmp A 8 0 B``):
# the report names the packet that was traced.
@parser("packet-tracer input * icmp * * * * ...")
@parser("packet-tracer input * tcp * * * * ...")
@parser("packet-tracer input * udp * * * * ...")
@parser("packet-tracer input ...")
def parse_packet_tracer(text: str) -> PacketTrace:
    phases: list[_Phase] = []
    verdict: dict[str, str] | None = None
    for raw in table_lines(COMMAND, text):
        line = raw.strip()
        if m := _PHASE.match(line):
            phases.append(_Phase(int(m[1])))
        elif _VERDICT.match(line):  # a phase's own "Result:" always has a value
            verdict = {}
        elif verdict is not None:
            _verdict_line(verdict, line, raw)
        elif phases:
            _phase_line(phases[-1], line, raw)
        elif not _ECHO.match(line):
            skip(raw)
    v = verdict or {}
    return PacketTrace(
        tuple(p.freeze() for p in phases),
        v.get("input-interface"),
        v.get("output-interface"),
        v.get("Action", "").lower() or None,
        v.get("Drop-reason") or None,
        "Action" in v,
    )
