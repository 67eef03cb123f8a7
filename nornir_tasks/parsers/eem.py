"""``show event manager policy registered`` and ``show event manager history events``.

Sample (policy registered; action lines appear with or without the word ``action``)::

    No.  Class     Type    Event Type          Trap  Time Registered           Name
    1    applet    user    timer cron          Off   Fri Jun 14 16:50:53 2024  APPLY_QOS_POLICY_64KBPS
     cron entry {00 00 * * *}
     maxrun 20.000
     action 1.0 cli command "enable"

Sample (history events)::

    No.  Job Id Proc Status   Time of Event            Event Type        Name
    1    1      Actv success  Sun May17 18:06:42 2026  syslog            applet: P09_EEM_LOOP99_DOWN
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nornir_tasks.models.failover import (
    EemAction,
    EemHistory,
    EemHistoryEvent,
    EemPolicy,
    EemPolicyTable,
)
from nornir_tasks.parsers._common import table_lines
from nornir_tasks.parsers._unparsed import skip
from nornir_tasks.parsers.registry import parser

POLICIES = "show event manager policy registered"
HISTORY = "show event manager history events"

# "Fri Jun 14 16:50:53 2024" and "Sun May17 18:06:42 2026" (no space before a two-digit day)
_TIME = r"[A-Z][a-z]{2} [A-Z][a-z]{2}\s*\d{1,2} \d{1,2}:\d{2}:\d{2} \d{4}"
# No.  Class     Type    Event Type          Trap  Time Registered           Name
_POLICY_HEADER = re.compile(r"^No\.\s+Class\s+Type\b")
# 1    applet    user    timer cron          Off   Fri Jun 14 16:50:53 2024  APPLY_QOS_POLICY_64KBPS
#   ... Off   <time registered>  <Secu>  <Name>    (releases whose header has a "Secu" column print
#   the policy's security level before the name; Cisco's own EEM Tcl scripts read it that way)
_POLICY_ROW = re.compile(
    rf"^(\d+)\s+(applet|script|tcl)\s+(user|system)\s+(.+?)\s+(On|Off)\s+({_TIME})\s+"
    r"(?:(\S+)\s+)?(\S+)$"
)
# 2    applet    user    timer cron          Off   Fri Jun 14   (a row cut off)
_POLICY_ROW_START = re.compile(r"^\d+\s+(?:applet|script|tcl)\b")
#  action 1.0 cli command "enable" /  1.0 syslog msg "applet fired"
_ACTION = re.compile(r"^(?:action\s+)?(\d[\w.]*)\s+([A-Za-z][\w-]*)\s*(.*)$")
#  cron entry {00 00 * * *}
_CRON = re.compile(r"^cron entry \{(.*)\}$")
#  maxrun 20.000  /  nice 0 queue-priority normal maxrun 20.000 scheduler rp_primary Secu none
_MAXRUN = re.compile(r"\bmaxrun (\d{1,9}(?:\.\d+)?)\b")
_SECU = re.compile(r"\bSecu (\S+)")


@dataclass
class _Policy:
    row: re.Match[str]
    details: list[str] = field(default_factory=list)
    actions: list[EemAction] = field(default_factory=list)

    def freeze(self) -> EemPolicy:
        m = self.row
        cron = next((c[1] for d in self.details if (c := _CRON.match(d))), None)
        maxrun = next((float(x[1]) for d in self.details if (x := _MAXRUN.search(d))), None)
        secu = next((x[1] for d in self.details if (x := _SECU.search(d))), None)
        return EemPolicy(
            number=int(m[1]),
            policy_class=m[2],
            policy_type=m[3],
            event_type=m[4],
            trap=m[5] == "On",
            time_registered=m[6],
            name=m[8],
            security=m[7] or secu,
            event_details=tuple(self.details),
            cron_entry=cron,
            maxrun_s=maxrun,
            actions=tuple(self.actions),
        )


def _policy_detail(policy: _Policy, line: str) -> None:
    if m := _ACTION.match(line):
        policy.actions.append(EemAction(label=m[1], verb=m[2], args=m[3]))
    else:
        policy.details.append(line)


@parser("show event manager policy registered")
@parser("show event manager policy registered ...")
def parse_eem_policies(text: str) -> EemPolicyTable:
    """Parse ``show event manager policy registered``."""
    policies: list[_Policy] = []
    complete = True
    for raw in table_lines(POLICIES, text):
        line = raw.strip()
        if m := _POLICY_ROW.match(line):
            policies.append(_Policy(m))
        elif _POLICY_HEADER.match(line):
            continue
        elif _POLICY_ROW_START.match(raw):
            complete = False
        elif policies:
            _policy_detail(policies[-1], line)
        else:
            skip(raw)
    return EemPolicyTable(policies=tuple(p.freeze() for p in policies), complete=complete)


# No.  Job Id Proc Status   Time of Event            Event Type        Name
_HISTORY_HEADER = re.compile(r"^No\.\s+Job Id\b")
# 1    72991  Actv success  Wed Mar10 13:22:46 2021  timer watchdog    applet: rolling-pcap
_HISTORY_ROW = re.compile(
    rf"^(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s+({_TIME})\s+(.+?)\s+"
    r"(?:(applet|script|callback|tcl):\s*)?(\S+)$"
)
# 2    2      Actv success  Sun May17 23:4   (a row cut off)
_HISTORY_ROW_START = re.compile(r"^\d+\s+\d+\s")


def _history_event(m: re.Match[str]) -> EemHistoryEvent:
    return EemHistoryEvent(
        number=int(m[1]),
        job_id=int(m[2]),
        proc=m[3],
        status=m[4],
        time=m[5],
        event_type=m[6],
        policy_class=m[7],
        name=m[8],
    )


@parser("show event manager history events")
@parser("show event manager history events ...")
def parse_eem_history(text: str) -> EemHistory:
    """Parse ``show event manager history events``."""
    events: list[EemHistoryEvent] = []
    complete = True
    for raw in table_lines(HISTORY, text):
        line = raw.strip()
        if m := _HISTORY_ROW.match(line):
            events.append(_history_event(m))
        elif _HISTORY_HEADER.match(line):
            continue
        elif _HISTORY_ROW_START.match(line):
            complete = False
        else:
            skip(raw)
    return EemHistory(events=tuple(events), complete=complete)
