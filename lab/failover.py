"""IP SLA probes, tracked objects and EEM events for the whole fleet (a ``Subsystem``).

Every second of sim time the engine reads each router's running configuration (parsed again
whenever it changed, so CLI and napalm changes take effect at once), runs the probes that are
due through ``Network.send`` (so a probe follows the routing table: an unpinned probe fails
over with the default route and reproduces the flap loop, a pinned one with a Null0 backup
does not), moves tracks through their ``delay up/down`` and publishes
``%TRACK-6-STATE`` plus EEM track, syslog and timer events. Routing reacts by itself: the
RIB is computed on demand from ``Device.tracks``.

At fleet start the routers are taken as converged (they have been up for an hour): tracks
start in the state their first probe gives, without delay, syslog or EEM events.
"""

from __future__ import annotations

import re
import zlib
from functools import partial

from lab.clock import SimClock
from lab.device import Device
from lab.eem import EemRunner, OpenSession
from lab.failovercfg import (
    Applet,
    FailoverConfig,
    SlaOperation,
    SlaSchedule,
    read_failover,
)
from lab.failoverstate import (
    FailoverState,
    OpStatus,
    ProbeRecord,
    Registration,
    TrackRecord,
)
from lab.network import Delivery, Network, Proto
from lab.routing import interfaces
from lab.tracking import Observation, describe, object_of, observe

PULSE_S = 1.0  # IOS polls interface tracks every second; probes run on whole seconds


class FailoverEngine:
    """IP SLA, object tracking and EEM on every router of ``fleet``."""

    def __init__(self, clock: SimClock, network: Network, open_session: OpenSession) -> None:
        self.devices = network.devices
        self.network = network
        self.clock = clock
        self.runner = EemRunner(clock, open_session)
        self._next_pulse = 0.0

    # -- Subsystem -----------------------------------------------------------------------
    def start(self) -> None:
        for device in self.devices.values():
            state = device.failover
            state.run_applet = partial(self._run_by_hand, device)
            device.monitors.append(partial(self._syslog, device))
            self._reconcile(device, boot=True)
        self._next_pulse = self.clock.now() + PULSE_S
        self.clock.call_at(self._next_pulse, self._pulse)

    def faults_changed(self) -> None:
        """A link went down or came back: interface and route tracks see it at once."""
        for device in self.devices.values():
            config = _config(device)
            if config.active:
                self._sync_tracks(device, config, device.failover, self.clock.now(), boot=False)

    # -- the pulse -----------------------------------------------------------------------
    def _pulse(self) -> None:
        for device in self.devices.values():
            self._reconcile(device, boot=False)
        self._next_pulse = max(self._next_pulse + PULSE_S, self.clock.now())
        self.clock.call_at(self._next_pulse, self._pulse)

    def _reconcile(self, device: Device, boot: bool) -> None:
        state, config = device.failover, _config(device)
        if not config.active and not (state.probes or state.tracks or state.applets):
            return
        now = self.clock.now()
        self._sync_probes(device, config, state, now)
        self._sync_tracks(device, config, state, now, boot)
        self._sync_applets(device, config, state, now)

    # -- IP SLA --------------------------------------------------------------------------
    def _sync_probes(
        self, device: Device, config: FailoverConfig, state: FailoverState, now: float
    ) -> None:
        ops = config.operations
        for number, op in ops.items():
            schedule = config.schedules.get(number)
            line = schedule.line if schedule else ""
            record = state.probes.get(number)
            if record is None or record.operation != op or record.schedule_line != line:
                state.probes[number] = self._new_probe(op, schedule, now)
        for number in [n for n in state.probes if n not in ops]:
            del state.probes[number]
        for record in state.probes.values():
            if record.next_run is not None and record.next_run <= now:
                self._run_probe(device, record, now)

    def _new_probe(self, op: SlaOperation, schedule: SlaSchedule | None, now: float) -> ProbeRecord:
        first = self._first_run(op, schedule, now)
        life = schedule.life_s if schedule else None
        ends = first + life if first is not None and life is not None else None
        return ProbeRecord(op, schedule.line if schedule else "", first, ends, first)

    def _first_run(
        self, op: SlaOperation, schedule: SlaSchedule | None, now: float
    ) -> float | None:
        # IOS refuses to schedule a probe whose timeout exceeds its frequency: it never runs.
        if schedule is None or op.timeout_ms > op.frequency_s * 1000:
            return None
        if schedule.start == "now":
            return now
        if schedule.start == "after":
            return now + schedule.start_offset_s
        if schedule.start == "at" and schedule.start_clock is not None:
            hh, mm, ss = schedule.start_clock
            of_day = self.clock.wall() % 86400
            return now + (hh * 3600 + mm * 60 + ss - of_day) % 86400
        return None  # start-time pending, or none given (IOS's default is pending)

    def _run_probe(self, device: Device, record: ProbeRecord, now: float) -> None:
        if record.status(now) is not OpStatus.ACTIVE:
            record.next_run = None
            return
        code, rtt = self._probe(device, record.operation)
        record.return_code, record.rtt_ms, record.last_start = code, rtt, now
        if code in ("OK", "Over threshold"):
            record.successes += 1
        else:
            record.failures += 1
        assert record.next_run is not None
        due = record.next_run + record.operation.frequency_s
        record.next_run = due if due > now else now + record.operation.frequency_s

    def _probe(self, device: Device, op: SlaOperation) -> tuple[str, int | None]:
        """One run: the return code IOS would record, and the RTT in ms."""
        proto = Proto.TCP if op.kind == "tcp-connect" else Proto.ICMP
        delivery = self.network.send(device, op.target, proto, _source_ip(device, op))
        if delivery is None or not self._returns(device, delivery, op.target, proto):
            return "Timeout", None
        if not self._answers(op, delivery):
            return "No connection", None
        rtt = _rtt(device, op, delivery)
        if rtt > op.timeout_ms:
            return "Timeout", None
        return ("Over threshold" if rtt > op.threshold_ms else "OK"), rtt

    def _returns(self, device: Device, delivery: Delivery, target: str, proto: Proto) -> bool:
        """A lab router must route its answer back (internet hosts always do)."""
        if delivery.router is None or delivery.router == device.name:
            return True
        back = self.network.send(self.devices[delivery.router], delivery.src_ip, proto, target)
        return back is not None and back.router == device.name

    def _answers(self, op: SlaOperation, delivery: Delivery) -> bool:
        """Internet hosts answer everything; lab routers only SSH and an IP SLA responder."""
        if delivery.router is None or op.kind in ("icmp-echo", "path-echo"):
            return True
        target = self.devices[delivery.router].running
        if op.kind == "tcp-connect":
            return op.port == 22 or target.has_line("ip sla responder")
        return target.has_line("ip sla responder")

    # -- tracks --------------------------------------------------------------------------
    def _sync_tracks(
        self, device: Device, config: FailoverConfig, state: FailoverState, now: float, boot: bool
    ) -> None:
        defs = config.tracks
        table = device.tracks
        for number in [n for n in state.tracks if n not in defs]:
            del state.tracks[number]
            table.pop(number, None)
        # Lists last: they read the other tracks' new states.
        for definition in sorted(defs.values(), key=lambda d: (d.kind == "list", d.number)):
            record = state.tracks.get(definition.number)
            if record is None or object_of(record.definition) != object_of(definition):
                record = TrackRecord(definition, up=False, last_change=now)
                state.tracks[definition.number] = record
            record.definition = definition
            self._track(device, record, observe(device, state, definition, now), now, boot)
            table[definition.number] = record.up

    def _track(
        self, device: Device, record: TrackRecord, seen: Observation, now: float, boot: bool
    ) -> None:
        """Apply ``delay up/down``: a change only counts once it has held for the delay."""
        record.detail = seen.detail
        record.return_code, record.rtt_ms = seen.return_code, seen.rtt_ms
        record.first_hop = seen.first_hop
        record.was_first_hop = seen.first_hop or record.was_first_hop
        if seen.up == record.up:
            record.pending, record.reported_detail = None, seen.detail
            return
        if boot:
            record.up, record.changes, record.last_change = seen.up, record.changes + 1, now
            record.reported_detail = seen.detail
            return
        if record.pending is None or record.pending[0] != seen.up:
            delay = record.definition.delay_up_s if seen.up else record.definition.delay_down_s
            record.pending = (seen.up, now + delay)
        if record.pending[1] <= now:
            self._change(device, record, now)

    def _change(self, device: Device, record: TrackRecord, now: float) -> None:
        old = "Up" if record.up else "Down"
        record.up, record.pending = not record.up, None
        record.reported_detail = record.detail
        record.changes += 1
        record.last_change = now
        new = "Up" if record.up else "Down"
        device.tracks[record.definition.number] = record.up  # before EEM runs: it sees the new RIB
        # Cisco's documented format: "%TRACK-6-STATE: 1 ip sla 1 state Up -> Down"
        device.log(
            f"%TRACK-6-STATE: {record.definition.number} {describe(record.definition)} {old} -> {new}"
        )
        for registration in list(device.failover.applets.values()):
            applet = registration.applet
            wanted = applet.option("state") or "any"
            if (
                applet.event == "track"
                and applet.option("object") == str(record.definition.number)
                and wanted in ("any", new.lower())
            ):
                self.runner.trigger(device, applet, "track")

    # -- EEM -----------------------------------------------------------------------------
    def _sync_applets(
        self, device: Device, config: FailoverConfig, state: FailoverState, now: float
    ) -> None:
        configured = {a.name: a for a in config.applets}
        for name, applet in configured.items():
            registration = state.applets.get(name)
            if registration is None or registration.applet.text != applet.text:
                state.applets[name] = Registration(applet, now, _first_timer(applet, now))
        for name in [n for n in state.applets if n not in configured]:
            del state.applets[name]
        for registration in state.applets.values():
            due = registration.next_timer
            if due is None or due > now:
                continue
            applet = registration.applet
            registration.next_timer = (
                due + _period(applet) if applet.event == "timer watchdog" else None
            )
            self.runner.trigger(device, applet, applet.event)

    def _syslog(self, device: Device, line: str) -> None:
        """A ``device.log`` line: publish it to applets with ``event syslog pattern``."""
        for registration in list(device.failover.applets.values()):
            applet = registration.applet
            pattern = applet.option("pattern")
            if applet.event != "syslog" or not pattern:
                continue
            if self.runner.current == (device.name, applet.name):
                continue  # its own "syslog msg": IOS would loop; the lab does not
            if _search(pattern, line):
                self.runner.trigger(device, applet, "syslog")

    def _run_by_hand(self, device: Device, applet: Applet) -> None:
        self.runner.trigger(device, applet, "none")


# -- helpers ---------------------------------------------------------------------------------
def _config(device: Device) -> FailoverConfig:
    """The failover configuration, parsed again only after the configuration changed."""
    return device.memo("failover", None, lambda: read_failover(device.running))


def _source_ip(device: Device, op: SlaOperation) -> str | None:
    if op.source_ip:
        return op.source_ip
    if op.source_interface is None:
        return None
    itf = next((i for i in interfaces(device.running) if i.name == op.source_interface), None)
    return str(itf.address) if itf is not None and itf.address is not None else None


def _rtt(device: Device, op: SlaOperation, delivery: Delivery) -> int:
    """A stable RTT per path: 1 ms to a lab neighbour, 5-24 ms to an internet host."""
    if delivery.router is not None:
        return 1
    return 5 + zlib.crc32(f"{device.name}>{op.target}/{delivery.egress}".encode()) % 20


def _period(applet: Applet) -> float:
    value = applet.option("time") or "0"
    try:
        return max(1.0, float(value))
    except ValueError:
        return 1.0


def _first_timer(applet: Applet, now: float) -> float | None:
    """Watchdog and countdown timers start counting when the applet is registered."""
    if applet.event in ("timer watchdog", "timer countdown"):
        return now + _period(applet)
    return None  # "timer cron" is registered but not run by the lab


def _search(pattern: str, line: str) -> bool:
    try:
        return re.search(pattern, line) is not None
    except re.error:
        return False
