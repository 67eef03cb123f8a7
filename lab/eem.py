"""Running EEM applets: actions in label order, ``wait`` on the sim clock, ``maxrun``.

``cli command`` actions go through a real CLI session of the router (output discarded), so
``enable`` / ``configure terminal`` / ``interface X`` / ``shutdown`` / ``end`` change the
running configuration exactly as typed commands do. The session comes from the factory the
fleet passes in (``lab.cli.eem_session``): the engines sit below the CLI and do not import it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Protocol

from lab.clock import SimClock, Timer
from lab.device import Device
from lab.failovercfg import Applet, EemAction, history_size, session_username
from lab.failoverstate import EemRun

# syslog action priorities (``action 1.0 syslog priority warnings msg "..."``)
_SEVERITY = {
    "emergencies": 0,
    "alerts": 1,
    "critical": 2,
    "errors": 3,
    "warnings": 4,
    "notifications": 5,
    "informational": 6,
    "debugging": 7,
}


class AppletSession(Protocol):
    """The CLI session an applet's ``cli command`` actions type into."""

    def feed(self, data: str) -> None: ...

    def hang_up(self) -> None: ...

    def close(self) -> None: ...


# (router, username, source) -> a session already authorised, paging off
OpenSession = Callable[[Device, str, str], AppletSession]


@dataclass
class _Job:
    device: Device
    applet: Applet
    event_type: str
    job_id: int
    started: float
    session: AppletSession | None = None
    wait: Timer | None = None
    deadline: Timer | None = None
    done: bool = False


class EemRunner:
    """Runs applets on the fleet's loop thread, one job per triggered event."""

    def __init__(self, clock: SimClock, open_session: OpenSession) -> None:
        self.clock = clock
        self.open_session = open_session
        self.current: tuple[str, str] | None = None  # (router, applet) whose action is running

    def trigger(self, device: Device, applet: Applet, event_type: str) -> None:
        """Start ``applet`` as soon as the current callback is done (never re-entrantly)."""
        self.clock.call_later(0.0, lambda: self._start(device, applet, event_type))

    def _start(self, device: Device, applet: Applet, event_type: str) -> None:
        state = device.failover
        job = _Job(device, applet, event_type, state.next_job, self.clock.now())
        state.next_job += 1
        job.deadline = self.clock.call_later(applet.maxrun_s, lambda: self._finish(job, "abort"))
        self._step(job, 0)

    def _step(self, job: _Job, index: int) -> None:
        if job.done:
            return
        # EEM sorts action labels as strings: "10.0" runs before "2.0", as on IOS.
        actions = sorted(job.applet.actions, key=lambda a: a.label)
        for position in range(index, len(actions)):
            action = actions[position]
            if action.verb == "wait":
                delay = _number(action.args[0] if action.args else "0")
                job.wait = self.clock.call_later(delay, partial(self._step, job, position + 1))
                return
            self.current = (job.device.name, job.applet.name)
            try:
                self._act(job, action)
            finally:
                self.current = None
        self._finish(job, "success")

    def _act(self, job: _Job, action: EemAction) -> None:
        if action.verb == "cli" and action.args[:1] == ("command",) and len(action.args) > 1:
            self._session(job).feed(action.args[1] + "\n")
        elif action.verb == "syslog":
            options = dict(zip(action.args[::2], action.args[1::2], strict=False))
            severity = _SEVERITY.get(options.get("priority", ""), 6)
            # %HA_EM-6-LOG: <applet>: <text>, as IOS logs it (severity from "priority").
            job.device.log(f"%HA_EM-{severity}-LOG: {job.applet.name}: {options.get('msg', '')}")
        # Other verbs (puts, set, if, info ...) do nothing in the lab.

    def _session(self, job: _Job) -> AppletSession:
        if job.session is None:
            user = session_username(job.device.running)
            job.session = self.open_session(job.device, user, f"EEM:{job.applet.name}")
        return job.session

    def _finish(self, job: _Job, status: str) -> None:
        if job.done:
            return
        job.done = True
        for timer in (job.wait, job.deadline):
            if timer is not None:
                timer.cancelled = True
        if job.session is not None:
            job.session.hang_up()  # a telnet opened by a cli action ends with the applet
            job.session.close()
        state = job.device.failover
        run = EemRun(job.job_id, job.started, job.event_type, job.applet.name, status)
        state.history.append(run)
        del state.history[: -history_size(job.device.running)]


def _number(text: str) -> float:
    try:
        return max(0.0, float(text))
    except ValueError:
        return 0.0
