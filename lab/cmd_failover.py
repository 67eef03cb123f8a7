"""Show commands for IP SLA, object tracking and EEM, in IOS-XE 17.x formats.

Formats follow real captures where the corpus has one (``show ip sla summary`` /
``statistics``, ``show track``, ``show track brief``, ``show event manager policy
registered`` and ``history events``); ``show ip sla configuration`` follows an IOS-XE
Engine-III capture, and the event detail lines of ``policy registered`` (other than cron)
follow Cisco's documented output.
"""

from __future__ import annotations

import math

from lab.commands import Session, command
from lab.failovercfg import Applet, SlaOperation, TrackDef, sla_schedules
from lab.failoverstate import (
    FailoverState,
    OpStatus,
    ProbeRecord,
    TrackRecord,
    eem_time,
    elapsed,
    long_time,
)
from lab.routing import static_routes

_CODES = {OpStatus.ACTIVE: "*", OpStatus.PENDING: "~", OpStatus.INACTIVE: "^"}
_OK = ("OK", "Over threshold")
_INVALID = "% Invalid input detected at '^' marker.\n"


def _now(s: Session) -> float:
    return s.device.clock.now()


def _selected(args: tuple[str, ...], known: dict[int, object]) -> list[int] | None:
    """The entry numbers asked for (all if none); None for a bad argument."""
    if not args:
        return sorted(known)
    if not args[0].isdigit():
        return None
    return [int(args[0])] if int(args[0]) in known else []


# -- show ip sla -----------------------------------------------------------------------------
@command("show ip sla summary", user=True)
def show_ip_sla_summary(s: Session, args: tuple[str, ...]) -> str:
    state, now = s.device.failover, _now(s)
    lines = [
        "IPSLAs Latest Operation Summary",
        "Codes: * active, ^ inactive, ~ pending",
        "All Stats are in milliseconds. Stats with u are in microseconds",
        "",
        "ID           Type        Destination       Stats       Return      Last",
        "                                                       Code        Run ",
        "-" * 71,
    ]
    for number in sorted(state.probes):
        lines.append(_summary_row(number, state.probes[number], now))
    return "\n".join(lines) + "\n"


def _summary_row(number: int, record: ProbeRecord, now: float) -> str:
    op = record.operation
    ran = record.last_start is not None
    stats = f"RTT={record.rtt_ms}" if ran and record.return_code in _OK else "-"
    last = "-" if record.last_start is None else _ago(now - record.last_start)
    ident = f"{_CODES[record.status(now)]}{number}"
    return f"{ident:<13}{op.kind:<12}{op.target:<18}{stats:<12}{record.return_code:<12}{last}"


def _ago(seconds: float) -> str:
    n = max(0, int(seconds))
    return f"{n} second{'s' * (n != 1)} ago"


@command("show ip sla statistics [...]", user=True)
def show_ip_sla_statistics(s: Session, args: tuple[str, ...]) -> str:
    state, now = s.device.failover, _now(s)
    wanted = _selected(args[:1], dict(state.probes))
    if wanted is None:
        return _INVALID
    blocks = [_statistics(n, state.probes[n], now) for n in wanted]
    return "IPSLAs Latest Operation Statistics\n\n" + "".join(b + "\n\n\n\n" for b in blocks)


def _statistics(number: int, record: ProbeRecord, now: float) -> str:
    lines = [f"IPSLA operation id: {number}"]
    if record.last_start is None:  # never ran: IOS has no figures yet
        lines += ["Number of successes: Unknown", "Number of failures: Unknown"]
        return "\n".join([*lines, f"Operation time to live: {_time_to_live(record, now)}"])
    rtt = f"{record.rtt_ms} milliseconds" if record.return_code in _OK else None
    lines += [
        f"        Latest RTT: {rtt or 'NoConnection/Busy/Timeout'}",
        f"Latest operation start time: {long_time(record.last_start)}",
        f"Latest operation return code: {record.return_code}",
        f"Number of successes: {record.successes}",
        f"Number of failures: {record.failures}",
        f"Operation time to live: {_time_to_live(record, now)}",
    ]
    return "\n".join(lines)


def _time_to_live(record: ProbeRecord, now: float) -> str:
    if record.first_run is None or record.status(now) is OpStatus.INACTIVE:
        return "0"
    if record.ends_at is None:
        return "Forever"
    return f"{math.ceil(record.ends_at - max(now, record.first_run))} sec"


@command("show ip sla configuration [...]", user=True)
def show_ip_sla_configuration(s: Session, args: tuple[str, ...]) -> str:
    state, now = s.device.failover, _now(s)
    wanted = _selected(args[:1], dict(state.probes))
    if wanted is None:
        return _INVALID
    schedules = sla_schedules(s.device.running)
    out = ["IP SLAs Infrastructure Engine-III"]
    for number in wanted:
        record = state.probes[number]
        life = schedules[number].life_s if number in schedules else 3600.0
        recurring = number in schedules and schedules[number].recurring
        out += _configuration(record, now, life, recurring)
    return "\n".join(out) + "\n"


def _configuration(
    record: ProbeRecord, now: float, life: float | None, recurring: bool
) -> list[str]:
    op = record.operation
    if record.first_run is None:
        start = "Pending trigger"
    elif record.first_run <= now:
        start = "Start Time already passed"
    else:
        start = long_time(record.first_run)
    status = "notInService" if record.first_run is None else "Active"
    return [
        f"Entry number: {op.number}",
        "Owner: ",
        f"Tag: {op.tag}",
        f"Operation timeout (milliseconds): {op.timeout_ms}",
        f"Type of operation to perform: {op.kind}",
        *_target_lines(op),
        "Vrf Name: ",
        "Schedule:",
        f"   Operation frequency (seconds): {op.frequency_s}  (not considered if randomly scheduled)",
        f"   Next Scheduled Start Time: {start}",
        "   Group Scheduled : FALSE",
        "   Randomly Scheduled : FALSE",
        f"   Life (seconds): {'Forever' if life is None else int(life)}",
        "   Entry Ageout (seconds): never",
        f"   Recurring (Starting Everyday): {'TRUE' if recurring else 'FALSE'}",
        f"   Status of entry (SNMP RowStatus): {status}",
        f"Threshold (milliseconds): {op.threshold_ms}",
        "Distribution Statistics:",
        "   Number of statistic hours kept: 2",
        "   Number of statistic distribution buckets kept: 1",
        "   Statistic distribution interval (milliseconds): 20",
        "Enhanced History:",
        "History Statistics:",
        "   Number of history Lives kept: 0",
        "   Number of history Buckets kept: 15",
        "   History Filter Type: None",
    ]


def _target_lines(op: SlaOperation) -> list[str]:
    if op.source_interface:
        target = f"Target address/Source interface: {op.target}/{op.source_interface}"
    else:
        target = f"Target address/Source address: {op.target}/{op.source_ip or '0.0.0.0'}"
    if op.kind == "tcp-connect":
        return [target, f"Target port/Source port: {op.port or 0}/0", "Control Packets: enabled"]
    return [
        target,
        "Type Of Service parameter: 0x0",
        "Request size (ARR data portion): 28",
        "Data pattern: 0xABCDABCD",
        "Verify data: No",
    ]


# -- show track ------------------------------------------------------------------------------
@command("show track [...]", user=True)
def show_track(s: Session, args: tuple[str, ...]) -> str:
    state, now = s.device.failover, _now(s)
    brief = bool(args) and "brief".startswith(args[-1].lower())
    numbers = args[:-1] if brief else args
    wanted = _selected(numbers[:1], dict(state.tracks))
    if wanted is None or len(numbers) > 1:
        return _INVALID
    if brief:
        header = "Track Type        Instance                   Parameter        State Last Change"
        rows = [_brief_row(n, state.tracks[n], now) for n in wanted]
        return "\n".join([header, *rows]) + "\n"
    return "".join(_track_block(s, state, n, now) for n in wanted)


def _brief_row(number: int, record: TrackRecord, now: float) -> str:
    d = record.definition
    instance = "" if d.kind == "list" else d.target
    state = "Up" if record.up else "Down"
    return f"{number:<6}{d.kind:<12}{instance:<27}{d.mode:<17}{state:<6}{elapsed(now - record.last_change)}"


def _track_block(s: Session, state: FailoverState, number: int, now: float) -> str:
    record = state.tracks[number]
    d = record.definition
    changes = record.changes
    lines = [
        f"Track {number}",
        f"  {_header(d)}",
        f"  {_state_line(record, now)}",
        f"    {changes} change{'s' * (changes != 1)}, last change {elapsed(now - record.last_change)}",
    ]
    delays = [
        f"{k} {int(v)} secs" for k, v in (("up", d.delay_up_s), ("down", d.delay_down_s)) if v
    ]
    if delays:
        lines.append(f"  Delay {', '.join(delays)}")
    lines += _object_lines(state, record)
    clients = _tracked_by(s, state, number)
    if clients:
        lines += ["  Tracked by:", *(f"    {c}" for c in clients)]
    return "\n".join(lines) + "\n"


def _header(d: TrackDef) -> str:
    if d.kind == "ip sla":
        return f"IP SLA {d.target} {d.mode}"
    if d.kind == "interface":
        return f"Interface {d.target} {d.mode}"
    if d.kind == "ip route":
        net, length = d.target.split("/")
        return f"IP route {net} {_mask(int(length))} reachability"
    return f"List boolean {d.target}"


def _mask(length: int) -> str:
    bits = (0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF
    return ".".join(str(bits >> shift & 0xFF) for shift in (24, 16, 8, 0))


def _state_line(record: TrackRecord, now: float) -> str:
    d = record.definition
    words = {
        ("ip sla", "state"): "State",
        ("interface", "line-protocol"): "Line protocol",
        ("interface", "ip routing"): "IP routing",
        ("list", "boolean"): f"Boolean {d.target.upper()}",
    }
    word = words.get((d.kind, d.mode), "Reachability")
    text = f"{word} is {'Up' if record.up else 'Down'}{_detail(d, record.reported_detail)}"
    if record.pending is not None:
        left = max(1, math.ceil(record.pending[1] - now))
        new = "Up" if record.pending[0] else "Down"
        text += f", delayed {new} ({left} sec{'s' * (left != 1)} remaining)"
        text += _detail(d, record.detail)
    return text


def _detail(d: TrackDef, detail: str | None) -> str:
    if not detail:
        return ""
    # IOS doubles the parentheses for interfaces: "Line protocol is Down ((hw admin-down))"
    return f" (({detail}))" if d.kind == "interface" else f" ({detail})"


def _object_lines(state: FailoverState, record: TrackRecord) -> list[str]:
    d = record.definition
    if d.kind == "ip sla":
        lines = [f"  Latest operation return code: {record.return_code}"]
        if record.rtt_ms is not None and record.return_code in _OK:
            lines.append(f"  Latest RTT (millisecs) {record.rtt_ms}")
        return lines
    if d.kind == "ip route":
        if record.first_hop:
            return [f"  First-hop interface is {record.first_hop}"]
        was = f" (was {record.was_first_hop})" if record.was_first_hop else ""
        return [f"  First-hop interface is unknown{was}"]
    if d.kind == "list":
        lines = []
        for member, negated in d.objects:
            other = state.tracks.get(member)
            shown = "Up" if other is not None and other.up else "Down"
            lines.append(f"    object {member} {'not ' * negated}{shown}")
        return lines
    return []


def _tracked_by(s: Session, state: FailoverState, number: int) -> list[str]:
    clients = []
    if any(r.track == number for r in static_routes(s.device.running)):
        clients.append("Static IP Routing 0")
    if any(
        r.applet.event == "track" and r.applet.option("object") == str(number)
        for r in state.applets.values()
    ):
        clients.append("EEM 1")  # the client id is not verified against a capture
    lists = [t for t in state.tracks.values() if any(m == number for m, _ in t.definition.objects)]
    clients += [f"Track-list {t.definition.number}" for t in lists]
    return clients


# -- EEM -------------------------------------------------------------------------------------
@command("show event manager policy registered [...]")
def show_event_manager_policy_registered(s: Session, args: tuple[str, ...]) -> str:
    state = s.device.failover
    if not state.applets:
        return ""
    header = "No.  Class     Type    Event Type          Trap  Time Registered           Name"
    entries = []
    for i, registration in enumerate(state.applets.values(), 1):
        applet = registration.applet
        when = eem_time(registration.registered_at)
        row = f"{i:<5}{'applet':<10}{'user':<8}{applet.event:<20}{'Off':<6}{when:<26}{applet.name}"
        entries.append("\n".join([row, *_policy_details(applet)]))
    return header + "\n" + "\n\n".join(entries) + "\n"


def _policy_details(applet: Applet) -> list[str]:
    option = applet.option
    details = {
        "track": f" track {option('object')} state {option('state') or 'any'}",
        "syslog": f" pattern {{{option('pattern') or ''}}}",
        "timer watchdog": f" name {{{option('name') or ''}}} time {_float(option('time'))}",
        "timer countdown": f" name {{{option('name') or ''}}} time {_float(option('time'))}",
        "timer cron": f" cron entry {{{option('cron-entry') or ''}}}",
    }
    lines = [details[applet.event]] if applet.event in details else []
    lines.append(f" maxrun {applet.maxrun_s:.3f}")
    lines += [f" action {a.label} {a.text}" for a in applet.actions]
    return lines


def _float(text: str | None) -> str:
    try:
        return f"{float(text or 0):.3f}"
    except ValueError:
        return "0.000"


@command("show event manager history events [...]")
def show_event_manager_history_events(s: Session, args: tuple[str, ...]) -> str:
    rows = ["No.  Job Id Proc Status   Time of Event            Event Type        Name"]
    for i, run in enumerate(s.device.failover.history, 1):
        when = eem_time(run.started, compact=True)
        rows.append(
            f"{i:<5}{run.job_id:<7}{'Actv':<5}{run.status:<9}{when:<25}{run.event_type:<18}"
            f"applet: {run.name}"
        )
    return "\n".join(rows) + "\n"


@command("event manager run <name> [...]")
def event_manager_run(s: Session, args: tuple[str, ...]) -> str:
    state = s.device.failover
    registration = state.applets.get(args[0])
    if registration is None or registration.applet.event != "none" or state.run_applet is None:
        return f"EEM policy {args[0]} not registered with event none Event Detector\n"
    state.run_applet(registration.applet)
    return ""
