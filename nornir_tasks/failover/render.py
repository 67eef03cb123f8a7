"""Render a failover spec to IOS configuration with Jinja2, idempotently against the device.

The templates (``templates/*.j2``, overridable one by one with a directory of the same names)
render the full block; the running configuration decides what to leave out or remove first:

* a scheduled IP SLA cannot be edited (IOS: "Entry already running and cannot be modified"),
  so an identical one is not re-entered at all and a different one gets ``no ip sla N`` first;
* a static route to the same destination and next hop with other options, a track of another
  kind or mode, an applet or route-map entry with other lines: ``no <old>`` first;
* everything else is re-entered as is, which IOS treats as a no-op.

So the second render against the result of the first gives an empty device diff.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from nornir_tasks.failover.spec import FailoverSpec, Probe
from nornir_tasks.models.config import (
    EemApplet,
    NatRule,
    RouteMapEntry,
    RunningConfig,
    SlaOperation,
    SlaSchedule,
    StaticRoute,
    TrackObject,
)
from nornir_tasks.parsers.running_config import parse_running_config

# IOS defaults, not shown in the running configuration when left as they are
_DEFAULT_FREQUENCY_S, _DEFAULT_TIMEOUT_MS, _DEFAULT_THRESHOLD_MS = 60, 5000, 5000


@dataclass(frozen=True)
class RenderPlan:
    """What the device already has: lines to remove first, SLA blocks to leave alone."""

    removals: tuple[str, ...] = ()
    keep_slas: frozenset[int] = field(default_factory=frozenset)
    scheduled_slas: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class AppletSpec:
    """One applet as the template prints it."""

    name: str
    state: str  # "down", "up"
    actions: tuple[str, ...]  # 'syslog msg "..."', 'cli command "enable"'


def _is_ipv4(value: object) -> bool:
    try:
        ipaddress.IPv4Address(str(value))
    except ValueError:
        return False
    return True


def environment(template_dir: Path | None = None) -> jinja2.Environment:
    """The package templates, with ``template_dir`` (same file names) taking precedence."""
    loaders: list[jinja2.BaseLoader] = [jinja2.PackageLoader("nornir_tasks.failover", "templates")]
    if template_dir is not None:
        loaders.insert(0, jinja2.FileSystemLoader(str(template_dir)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # IOS configuration, not HTML
    )
    env.tests["ipv4"] = _is_ipv4
    return env


def applets(spec: FailoverSpec) -> tuple[AppletSpec, ...]:
    """The down and up applets: syslog, then ``enable`` before any cli command."""
    cli = (["clear ip nat translation *"] if spec.eem.clear_nat else []) + list(spec.eem.extra_cli)
    out = []
    for name, state, message in (
        (spec.eem.down_applet, "down", "ISP1 down, failing over to ISP2"),
        (spec.eem.up_applet, "up", "ISP1 restored"),
    ):
        actions = [f'syslog msg "{message}"'] if spec.eem.syslog else []
        if cli:
            actions += ['cli command "enable"', *(f'cli command "{c}"' for c in cli)]
        out.append(AppletSpec(name, state, tuple(actions)))
    return tuple(out)


def _operation_line(spec: FailoverSpec, running: RunningConfig | None, probe: Probe) -> str:
    if probe.type == "icmp-echo":
        return f"icmp-echo {probe.target} source-interface {spec.source_of(probe)}"
    # tcp-connect has no source-interface option: source it from the interface's address
    itf = running.interfaces.get(spec.source_of(probe)) if running else None
    source = f" source-ip {itf.ip_address}" if itf and itf.ip_address else ""
    return f"tcp-connect {probe.target} {probe.port}{source}"


def _render(
    env: jinja2.Environment, spec: FailoverSpec, plan: RenderPlan, running: RunningConfig | None
) -> str:
    return env.get_template("failover.j2").render(
        spec=spec,
        plan=plan,
        applets=applets(spec),
        operation=lambda probe: _operation_line(spec, running, probe),
    )


def render_failover_config(
    spec: FailoverSpec, running: RunningConfig | None = None, template_dir: Path | None = None
) -> str:
    """The configuration to merge: the full block, minus what ``running`` already has."""
    env = environment(template_dir)
    full = _render(env, spec, RenderPlan(), running)
    if running is None:
        return full
    return _render(env, spec, plan_changes(parse_running_config(full), running), running)


# -- what the device already has --------------------------------------------------------------


def _timers(op: SlaOperation) -> tuple[int, int, int]:
    return (
        op.frequency_s or _DEFAULT_FREQUENCY_S,
        op.timeout_ms if op.timeout_ms is not None else _DEFAULT_TIMEOUT_MS,
        op.threshold_ms if op.threshold_ms is not None else _DEFAULT_THRESHOLD_MS,
    )


def same_operation(have: SlaOperation, want: SlaOperation) -> bool:
    """Same probe (type, target, source, timers); the schedule is compared apart."""
    fields = ("type", "target", "port", "source_interface", "source_ip", "vrf")
    return all(getattr(have, f) == getattr(want, f) for f in fields) and _timers(have) == _timers(
        want
    )


def _same_schedule(have: SlaSchedule | None, want: SlaSchedule | None) -> bool:
    if have is None or want is None:
        return have is want
    return (
        (have.life or "").lower(),
        (have.start_time or "").lower(),
        have.ageout,
        have.recurring,
    ) == ((want.life or "").lower(), (want.start_time or "").lower(), want.ageout, want.recurring)


def _sla_plan(
    desired: RunningConfig, running: RunningConfig
) -> tuple[list[str], set[int], set[int]]:
    removals: list[str] = []
    keep: set[int] = set()
    scheduled: set[int] = set()
    for sla_id, want in desired.ip_slas.items():
        have = running.ip_slas.get(sla_id)
        if have is None:
            continue
        if not same_operation(have, want):
            removals.append(f"no ip sla {sla_id}")  # also unschedules it
            continue
        keep.add(sla_id)
        if _same_schedule(have.schedule, want.schedule):
            scheduled.add(sla_id)
        elif have.schedule is not None:
            removals.append(f"no ip sla schedule {sla_id}")
    return removals, keep, scheduled


def _track_differs(have: TrackObject, want: TrackObject) -> bool:
    def mode(t: TrackObject) -> str:
        return t.mode or ("state" if t.kind.value == "ip sla" else "")

    extra_members = set(have.members) - set(want.members)
    return (have.kind, have.object, mode(have)) != (want.kind, want.object, mode(want)) or bool(
        extra_members
    )


def _route_key(r: StaticRoute) -> tuple[str | None, str, str, str | None]:
    return r.vrf, r.prefix, r.mask, r.next_hop or (r.interface or "").lower()


def _applet_body(a: EemApplet) -> tuple[object, ...]:
    return a.options, a.events, a.actions


def _route_map_body(e: RouteMapEntry) -> tuple[object, ...]:
    return e.action, e.matches, e.sets


def _nat_conflicts(want: NatRule, running: RunningConfig) -> Iterator[str]:
    for have in running.nat_rules:
        if (
            have.direction == want.direction == "inside"
            and have.source_kind != "static"
            and have.interface == want.interface
            and have.line.strip() != want.line.strip()
        ):
            yield f"no {have.line.strip()}"


def plan_changes(desired: RunningConfig, running: RunningConfig) -> RenderPlan:
    """Compare the full rendered block (parsed) with the device: removals and SLAs to keep."""
    removals, keep, scheduled = _sla_plan(desired, running)
    for track_id, want_track in desired.tracks.items():
        have_track = running.tracks.get(track_id)
        if have_track is not None and _track_differs(have_track, want_track):
            removals.append(f"no track {track_id}")
    for want_route in desired.static_routes:
        removals += [
            f"no {r.line.strip()}"
            for r in running.static_routes
            if _route_key(r) == _route_key(want_route) and r.line.strip() != want_route.line.strip()
        ]
    have_applets = {a.name: a for a in running.eem_applets}
    for want_applet in desired.eem_applets:
        have_applet = have_applets.get(want_applet.name)
        if have_applet is not None and _applet_body(have_applet) != _applet_body(want_applet):
            removals.append(f"no event manager applet {want_applet.name}")
    have_maps = {(e.name, e.seq): e for e in running.route_maps}
    for want_map in desired.route_maps:
        have_map = have_maps.get((want_map.name, want_map.seq))
        if have_map is not None and _route_map_body(have_map) != _route_map_body(want_map):
            removals.append(f"no route-map {have_map.name} {have_map.action} {have_map.seq}")
    for rule in desired.nat_rules:
        removals += _nat_conflicts(rule, running)
    return RenderPlan(tuple(dict.fromkeys(removals)), frozenset(keep), frozenset(scheduled))
