"""Failover lint rules on the IP SLA probes and the tracks that follow them (field guide §6.2)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from nornir_tasks.checks.failover import schedule_problem
from nornir_tasks.failover.lint_base import (
    LintContext,
    _connected,
    _finding,
    lint_rule,
    quote,
    route_interface,
)
from nornir_tasks.models.config import (
    RunningConfig,
    SlaOperation,
)
from nornir_tasks.models.failover import TrackKind
from nornir_tasks.models.findings import Finding, Severity
from nornir_tasks.parsers.addressing import address as ipv4
from nornir_tasks.parsers.addressing import network

_DEFAULT_FREQUENCY_S, _DEFAULT_TIMEOUT_MS, _DEFAULT_THRESHOLD_MS = 60, 5000, 5000
_DELAY_MAX_S = 180


def _tracked_slas(config: RunningConfig) -> dict[int, list[int]]:
    """SLA id -> the tracks following it."""
    out: dict[int, list[int]] = {}
    for t in config.tracks.values():
        if t.kind is TrackKind.IP_SLA and t.object.isdigit():
            out.setdefault(int(t.object), []).append(t.track_id)
    return out


def _timers(op: SlaOperation) -> tuple[int, int, int]:
    return (
        op.frequency_s or _DEFAULT_FREQUENCY_S,
        op.timeout_ms if op.timeout_ms is not None else _DEFAULT_TIMEOUT_MS,
        op.threshold_ms if op.threshold_ms is not None else _DEFAULT_THRESHOLD_MS,
    )


def _sla_lines(ctx: LintContext, sla_id: int) -> list[str]:
    return quote(ctx.target.text, rf"^ip sla {sla_id}$", children=True) + quote(
        ctx.target.text, rf"^ip sla schedule {sla_id}\b|^track \d+ ip sla {sla_id}\b"
    )


# -- the rules ------------------------------------------------------------------------------------


def _pin_state(ctx: LintContext, op: SlaOperation) -> tuple[bool, bool] | None:
    """(pinned via the primary, Null0 fallback present), or None when it does not apply."""
    config, wans = ctx.config, ctx.wans
    if op.target is None or wans.primary_if is None or wans.backup_if is None:
        return None
    target = ipv4(op.target)
    if target is None:
        return None  # a host name: cannot be checked
    connected = _connected(config, op.target)
    if connected is not None and connected.name == wans.primary_if:
        return None  # probing the ISP1 next hop: the connected route pins it
    pinned = null0 = False
    for r in config.static_routes:
        net = network(r.prefix, r.mask)
        if net is None or net.prefixlen == 0 or target not in net or r.vrf is not None:
            continue
        if (r.interface or "").lower() == "null0":
            null0 = True
        elif route_interface(config, r) == wans.primary_if:
            pinned = True
    return pinned, null0


@lint_rule("FO_PROBE_NOT_PINNED")
def probe_not_pinned(ctx: LintContext) -> Iterator[Finding]:
    """Pitfall 1: the probe can follow the default route via ISP2, succeed and flap the track."""
    wans = ctx.wans
    for sla_id in sorted(_tracked_slas(ctx.config)):
        op = ctx.config.ip_slas.get(sla_id)
        state = _pin_state(ctx, op) if op else None
        if op is None or state is None or all(state):
            continue
        pinned, _ = state
        fix = (
            f"ip route {op.target} 255.255.255.255 {wans.primary_if} {wans.primary_nh or '<ISP1 next hop>'}",
            f"ip route {op.target} 255.255.255.255 Null0 250",
        )
        why = (
            f"no host route sends {op.target} out of {wans.primary_if}: when ISP1 fails the probe "
            "follows the default route via ISP2, succeeds, the track comes back up and the "
            "routes flap"
            if not pinned
            else f"the host route pins {op.target} to {wans.primary_if}, but without a Null0 "
            "fallback the probe leaks to ISP2 once that route goes (interface down)"
        )
        yield _finding(
            ctx,
            "FO_PROBE_NOT_PINNED",
            Severity.CRITICAL if not pinned else Severity.WARNING,
            f"IP SLA {sla_id} probe to {op.target} is not pinned to ISP1"
            + ("" if not pinned else " (no Null0 fallback)"),
            f"IP SLA {sla_id} drives failover, but {why}.",
            _sla_lines(ctx, sla_id)
            + quote(ctx.target.text, rf"^ip route {re.escape(op.target or '-')} "),
            fix if not pinned else fix[1:],
        )


@lint_rule("FO_SLA_NOT_SCHEDULED")
def sla_not_scheduled(ctx: LintContext) -> Iterator[Finding]:
    """Pitfall 3: an SLA that never runs keeps its track down for ever."""
    tracked = _tracked_slas(ctx.config)
    for sla_id, op in sorted(ctx.config.ip_slas.items()):
        problem = schedule_problem(op)
        if problem is None:
            continue
        yield _finding(
            ctx,
            "FO_SLA_NOT_SCHEDULED",
            Severity.CRITICAL if sla_id in tracked else Severity.WARNING,
            f"IP SLA {sla_id} never runs: {problem}",
            f"IP SLA {sla_id} is not running ({problem}); a track that follows it stays down for "
            "ever, so the router fails over for good (or never fails back).",
            _sla_lines(ctx, sla_id),
            (f"ip sla schedule {sla_id} life forever start-time now",),
        )


@lint_rule("FO_SLA_EDITED_WHILE_SCHEDULED")
def sla_edited_while_scheduled(ctx: LintContext) -> Iterator[Finding]:
    """Pitfall 4: IOS refuses to change a scheduled operation; the merge would fail."""
    before, change = ctx.target.before, ctx.target.change
    if before is None or change is None:
        return
    removed: set[int] = set()
    for line in change.splitlines():
        words = line.split()
        if words[:3] == ["no", "ip", "sla"] and len(words) == 4 and words[3].isdigit():
            removed.add(int(words[3]))
        if words[:2] != ["ip", "sla"] or len(words) != 3 or not words[2].isdigit():
            continue
        sla_id = int(words[2])
        op = before.ip_slas.get(sla_id)
        if op is None or op.schedule is None or sla_id in removed:
            continue
        yield _finding(
            ctx,
            "FO_SLA_EDITED_WHILE_SCHEDULED",
            Severity.CRITICAL,
            f"the change edits IP SLA {sla_id}, which is scheduled, without 'no ip sla {sla_id}'",
            f"IP SLA {sla_id} is scheduled on the device ({op.schedule.line}); IOS answers "
            "'Entry already running and cannot be modified' and rejects the sub-commands, so the "
            "merge fails. Remove it first, re-create it, then reschedule (its tracks go down "
            "for that moment).",
            [line.strip(), op.schedule.line],
            (
                f"no ip sla {sla_id}",
                f"ip sla {sla_id}  (the full definition again)",
                f"ip sla schedule {sla_id} life forever start-time now",
            ),
        )


@lint_rule("FO_SLA_TIMEOUT_ABOVE_FREQUENCY")
def timeout_above_frequency(ctx: LintContext) -> Iterator[Finding]:
    """Pitfall 5: a timeout longer than the frequency: IOS does not run the operation."""
    for sla_id, op in sorted(ctx.config.ip_slas.items()):
        frequency, timeout, _ = _timers(op)
        if timeout <= frequency * 1000:
            continue
        yield _finding(
            ctx,
            "FO_SLA_TIMEOUT_ABOVE_FREQUENCY",
            Severity.CRITICAL,
            f"IP SLA {sla_id}: timeout {timeout} ms is above the frequency ({frequency} s)",
            f"IP SLA {sla_id} waits {timeout} ms for an answer but must start every {frequency} s; "
            "IOS refuses to schedule such an operation, so it never runs and its track stays down.",
            _sla_lines(ctx, sla_id),
            (
                f"ip sla {sla_id}: timeout {min(timeout, frequency * 1000)} (ms) or frequency "
                f"{-(-timeout // 1000)} (s), after 'no ip sla {sla_id}' if it is scheduled",
            ),
        )


@lint_rule("FO_SLA_THRESHOLD_ABOVE_TIMEOUT")
def threshold_above_timeout(ctx: LintContext) -> Iterator[Finding]:
    """Pitfall 5: a threshold above the timeout can never be reached."""
    for sla_id, op in sorted(ctx.config.ip_slas.items()):
        _, timeout, threshold = _timers(op)
        if threshold <= timeout:
            continue
        yield _finding(
            ctx,
            "FO_SLA_THRESHOLD_ABOVE_TIMEOUT",
            Severity.WARNING,
            f"IP SLA {sla_id}: threshold {threshold} ms is above the timeout ({timeout} ms)",
            f"IP SLA {sla_id} times out after {timeout} ms, so its {threshold} ms threshold can "
            "never be crossed: 'state' tracking loses its over-threshold signal.",
            _sla_lines(ctx, sla_id),
            (f"ip sla {sla_id}: threshold {timeout} (at most the timeout)",),
        )


@lint_rule("FO_TRACK_DELAY_OUT_OF_RANGE")
def delay_out_of_range(ctx: LintContext) -> Iterator[Finding]:
    """Pitfall 5: ``delay up/down`` takes 0-180 s."""
    for track_id, t in sorted(ctx.config.tracks.items()):
        bad = [
            f"{name} {value}"
            for name, value in (("down", t.delay_down_s), ("up", t.delay_up_s))
            if value is not None and not 0 <= value <= _DELAY_MAX_S
        ]
        if not bad:
            continue
        yield _finding(
            ctx,
            "FO_TRACK_DELAY_OUT_OF_RANGE",
            Severity.CRITICAL,
            f"track {track_id}: delay {', '.join(bad)} s is outside 0-180 s",
            f"IOS accepts 'delay up/down' of 0-180 s only and rejects the line, so track "
            f"{track_id} would react at once. Longer hold-downs need IP SLA reaction "
            "configuration or an EEM countdown timer.",
            quote(ctx.target.text, rf"^track {track_id}\b", children=True),
            (
                f"track {track_id}: delay down {min(t.delay_down_s or 15, 180)} up "
                f"{min(t.delay_up_s or 60, 180)}",
                "for longer waits: event timer countdown in a nested EEM applet",
            ),
        )


@lint_rule("FO_TRACK_STATE_NOT_REACHABILITY")
def track_state_mode(ctx: LintContext) -> Iterator[Finding]:
    """Pitfall 6: ``track N ip sla M`` means ``state``: down on over-threshold RTT too."""
    for track_id, t in sorted(ctx.config.tracks.items()):
        if t.kind is not TrackKind.IP_SLA or t.mode == "reachability":
            continue
        bare = t.mode is None
        yield _finding(
            ctx,
            "FO_TRACK_STATE_NOT_REACHABILITY",
            Severity.WARNING if bare else Severity.INFO,
            f"track {track_id} follows IP SLA {t.object} in 'state' mode"
            + (" (bare form)" if bare else ""),
            f"track {track_id} {'has no mode, which means' if bare else 'uses'} 'state': it goes "
            "down on any non-OK return code, including an RTT over the threshold, so a slow "
            "but working ISP1 fails over. 'reachability' reacts to timeouts and errors only.",
            quote(ctx.target.text, rf"^track {track_id}\b"),
            (f"track {track_id} ip sla {t.object} reachability",),
        )
