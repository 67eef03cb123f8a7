"""Failover lint: the field guide's EEM + IP SLA pitfalls (§6.2) as findings, before a push.

Pure: configuration text (and the change about to be merged) in, findings out. Each rule is
registered under one code in ``LINT_RULES`` (a second registration raises); the codes are
separate from the diagnosis checks because they read configuration only and judge a plan, and
they are listed in ``docs/failover.md``. Findings use the ``vpndiag diagnose`` format.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from nornir_tasks.checks.compat import has_key_for, map_peers
from nornir_tasks.checks.failover import schedule_problem
from nornir_tasks.failover.spec import FailoverSpec
from nornir_tasks.models.config import (
    EemApplet,
    InterfaceConfig,
    RunningConfig,
    SlaOperation,
    StaticRoute,
)
from nornir_tasks.models.failover import TrackKind
from nornir_tasks.models.findings import Finding, Severity, Source, Step, finding_order
from nornir_tasks.parsers._secrets import mask_secrets
from nornir_tasks.parsers.addressing import address as ipv4
from nornir_tasks.parsers.addressing import network
from nornir_tasks.parsers.cleaning import clean_device_text
from nornir_tasks.parsers.running_config import parse_running_config

_DEFAULT_FREQUENCY_S, _DEFAULT_TIMEOUT_MS, _DEFAULT_THRESHOLD_MS = 60, 5000, 5000
_DELAY_MAX_S = 180


@dataclass(frozen=True)
class LintTarget:
    """One router's configuration as linted (the merge result when a change is planned)."""

    host: str
    text: str
    config: RunningConfig
    change: str | None = None  # the configuration about to be merged
    before: RunningConfig | None = None  # the device before the change
    spec: FailoverSpec | None = None


def lint_target(
    host: str,
    text: str,
    change: str | None = None,
    before: RunningConfig | None = None,
    spec: FailoverSpec | None = None,
) -> LintTarget:
    text = clean_device_text(text)  # a saved or pasted config: terminal artefacts out first
    return LintTarget(host, text, parse_running_config(text), change, before, spec)


@dataclass(frozen=True)
class Wans:
    """Primary and backup ISP: from the spec, or read from the default routes."""

    primary_if: str | None = None
    primary_nh: str | None = None
    backup_if: str | None = None
    backup_nh: str | None = None


@dataclass(frozen=True)
class LintContext:
    target: LintTarget
    wans: Wans
    peers: tuple[LintTarget, ...]

    @property
    def config(self) -> RunningConfig:
        return self.target.config


Rule = Callable[[LintContext], Iterator[Finding]]
LINT_RULES: dict[str, Rule] = {}


def lint_rule(code: str) -> Callable[[Rule], Rule]:
    """Register ``fn`` as the rule of ``code``; a second registration of a code raises."""

    def register(fn: Rule) -> Rule:
        if code in LINT_RULES:
            raise ValueError(f"lint rule {code!r} is already registered")
        LINT_RULES[code] = fn
        return fn

    return register


def lint_codes() -> list[str]:
    return sorted(LINT_RULES)


def lint(target: LintTarget, peers: Sequence[LintTarget] = ()) -> list[Finding]:
    """Every rule on ``target``; ``peers`` are the other routers' configs (VPN peer checks)."""
    ctx = LintContext(target, wans_of(target.config, target.spec), tuple(peers))
    found: list[Finding] = []
    for code in lint_codes():
        for finding in LINT_RULES[code](ctx):
            if finding.code != code:
                raise ValueError(f"lint rule {code} yielded a {finding.code} finding")
            found.append(finding)
    return sorted(found, key=finding_order)


# -- reading the configuration ------------------------------------------------------------------


def _connected(config: RunningConfig, address: str) -> InterfaceConfig | None:
    addr = ipv4(address)
    if addr is None:
        return None
    for itf in config.interfaces.values():
        if itf.ip_address and itf.mask:
            net = network(itf.ip_address, itf.mask)
            if net is not None and addr in net:
                return itf
    return None


def route_interface(config: RunningConfig, route: StaticRoute) -> str | None:
    if route.interface:
        return route.interface
    itf = _connected(config, route.next_hop) if route.next_hop else None
    return itf.name if itf else None


def default_routes(config: RunningConfig) -> list[StaticRoute]:
    return [
        r
        for r in config.static_routes
        if r.prefix == "0.0.0.0" and r.mask == "0.0.0.0" and r.vrf is None
    ]


def wans_of(config: RunningConfig, spec: FailoverSpec | None) -> Wans:
    if spec is not None:
        p, b = spec.primary, spec.backup
        return Wans(p.interface, p.next_hop, b.interface, b.next_hop)
    ordered = sorted(default_routes(config), key=lambda r: (r.track is None, r.distance or 1))
    if not ordered:
        return Wans()
    primary = ordered[0]
    p_if = route_interface(config, primary)
    backup = next((r for r in ordered[1:] if route_interface(config, r) != p_if), None)
    if backup is None:
        return Wans(p_if, primary.next_hop)
    return Wans(p_if, primary.next_hop, route_interface(config, backup), backup.next_hop)


def quote(text: str, pattern: str, children: bool = False) -> list[str]:
    """Configuration lines matching ``pattern`` (secrets masked), with their sub-lines."""
    regex = re.compile(pattern)
    out: list[str] = []
    inside = False
    for line in mask_secrets(text).splitlines():
        if regex.search(line):
            out.append(line.rstrip())
            inside = children and not line.startswith(" ")
        elif inside and line.startswith(" "):
            out.append(line.rstrip())
        else:
            inside = False
    return out


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


def _finding(
    ctx: LintContext,
    code: str,
    severity: Severity,
    summary: str,
    cause: str,
    evidence: Sequence[str],
    fix: Sequence[str],
    peer: str | None = None,
) -> Finding:
    return Finding(
        code=code,
        severity=severity,
        host=ctx.target.host,
        peer=peer,
        summary=summary,
        cause=cause,
        evidence=tuple(dict.fromkeys(evidence)),
        next_steps=tuple(fix),
        step=Step.FAILOVER,
        source=Source.CONFIG,
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


@lint_rule("FO_FLOATING_STATIC")
def floating_static(ctx: LintContext) -> Iterator[Finding]:
    """Pitfall: the backup default route is missing, or does not float above the primary."""
    defaults = default_routes(ctx.config)
    tracked = [r for r in defaults if r.track is not None]
    if not tracked:
        return
    primary = min(tracked, key=lambda r: r.distance or 1)
    others = [r for r in defaults if r is not primary and r.next_hop != primary.next_hop]
    floating = [r for r in others if (r.distance or 1) > (primary.distance or 1)]
    if floating:
        return
    backup_nh = ctx.wans.backup_nh if ctx.wans.backup_nh != primary.next_hop else None
    missing = not others
    yield _finding(
        ctx,
        "FO_FLOATING_STATIC",
        Severity.CRITICAL,
        "no floating default route via ISP2"
        if missing
        else "the ISP2 default route does not float above the primary",
        (
            f"the default route via {primary.next_hop} follows track {primary.track}; "
            + (
                "when it is withdrawn there is no default route left."
                if missing
                else f"the other default route has distance {others[0].distance or 1}, not above "
                f"{primary.distance or 1}: it is used at the same time as (or instead of) ISP1."
            )
        ),
        [primary.line, *(r.line for r in others)],
        (
            f"ip route 0.0.0.0 0.0.0.0 {backup_nh or '<ISP2 next hop>'} 250",
            *(f"no {r.line}" for r in others),
        ),
    )


def _nat_interfaces(config: RunningConfig) -> set[str]:
    """WAN interfaces an inside-source NAT rule translates to (interface or route-map match)."""
    maps: dict[str, set[str]] = {}
    for e in config.route_maps:
        for m in e.matches:
            if m.startswith("interface "):
                maps.setdefault(e.name, set()).update(m.split()[1:])
    out: set[str] = set()
    for rule in config.nat_rules:
        if rule.direction != "inside" or rule.source_kind == "static":
            continue
        if rule.source_kind == "route-map" and rule.match in maps:
            out |= maps[rule.match] & ({rule.interface} if rule.interface else maps[rule.match])
        elif rule.interface:
            out.add(rule.interface)
    return out


@lint_rule("FO_NAT_NOT_SPLIT")
def nat_not_split(ctx: LintContext) -> Iterator[Finding]:
    """Pitfall 7: NAT to one ISP only: after failover, flows leave ISP2 with ISP1's address."""
    wans = ctx.wans
    dynamic = [
        r for r in ctx.config.nat_rules if r.direction == "inside" and r.source_kind != "static"
    ]
    if not dynamic or wans.primary_if is None or wans.backup_if is None:
        return
    covered = _nat_interfaces(ctx.config)
    missing = [w for w in (wans.primary_if, wans.backup_if) if w not in covered]
    if not missing:
        return
    yield _finding(
        ctx,
        "FO_NAT_NOT_SPLIT",
        Severity.WARNING,
        f"NAT does not translate to {', '.join(missing)}",
        "Inside NAT is not split per ISP (one route-map with 'match interface' per WAN "
        f"interface): traffic leaving {', '.join(missing)} is not translated to its address, "
        "and stale translations keep flows on the dead ISP after failover.",
        [r.line for r in dynamic],
        (
            f"route-map NAT-ISP1 permit 10 / match ip address <NAT ACL> / match interface {wans.primary_if}",
            f"route-map NAT-ISP2 permit 10 / match ip address <NAT ACL> / match interface {wans.backup_if}",
            f"ip nat inside source route-map NAT-ISP1 interface {wans.primary_if} overload",
            f"ip nat inside source route-map NAT-ISP2 interface {wans.backup_if} overload",
        ),
    )


def _label(value: str) -> tuple[float, str]:
    try:
        return float(value), value
    except ValueError:
        return float("inf"), value


def _cli_actions(applet: EemApplet) -> list[str]:
    ordered = sorted(applet.actions, key=lambda a: _label(a.label))
    return [a.args for a in ordered if a.verb == "cli"]


@lint_rule("FO_EEM_CLI_WITHOUT_ENABLE")
def eem_cli_without_enable(ctx: LintContext) -> Iterator[Finding]:
    """Pitfall 10: EEM cli sessions start in user EXEC; the first command must be ``enable``."""
    for applet in ctx.config.eem_applets:
        cli = _cli_actions(applet)
        if not cli or cli[0].replace('"', "").split() == ["command", "enable"]:
            continue
        yield _finding(
            ctx,
            "FO_EEM_CLI_WITHOUT_ENABLE",
            Severity.WARNING,
            f"EEM applet {applet.name} runs cli commands without 'enable' first",
            f"The cli session of applet {applet.name} starts in user EXEC; without 'enable' its "
            f"first command ({cli[0]}) and the rest fail.",
            quote(ctx.target.text, rf"^event manager applet {re.escape(applet.name)}\b", True),
            (f'event manager applet {applet.name}: action 0.5 cli command "enable"',),
        )


@lint_rule("FO_EEM_NO_SESSION_USER")
def eem_no_session_user(ctx: LintContext) -> Iterator[Finding]:
    """Pitfall 8: with AAA command authorisation, EEM cli actions need a session user."""
    config = ctx.config
    if not config.aaa_authorization_commands or config.eem_session_user:
        return
    for applet in config.eem_applets:
        if not _cli_actions(applet) or "authorization bypass" in (applet.options or ""):
            continue
        yield _finding(
            ctx,
            "FO_EEM_NO_SESSION_USER",
            Severity.CRITICAL,
            f"EEM applet {applet.name} will fail command authorisation",
            "AAA command authorisation is on and no 'event manager session cli username' is set: "
            f"the cli actions of {applet.name} fail with 'Command authorization failed', so the "
            "failover actions never run.",
            quote(ctx.target.text, r"^aaa authorization commands")
            + quote(ctx.target.text, rf"^event manager applet {re.escape(applet.name)}\b"),
            (
                "event manager session cli username <EEM user known to the AAA server>",
                f"or: event manager applet {applet.name} authorization bypass",
            ),
        )


def _map_of(config: RunningConfig, interface: str | None) -> str | None:
    itf = config.interfaces.get(interface or "")
    return itf.crypto_map if itf else None


@lint_rule("FO_CRYPTO_MAP_NOT_ON_BACKUP")
def crypto_map_not_on_backup(ctx: LintContext) -> Iterator[Finding]:
    """Pitfall 11: the crypto map must be on both WAN interfaces."""
    wans = ctx.wans
    cmap = _map_of(ctx.config, wans.primary_if)
    if cmap is None or wans.backup_if is None or _map_of(ctx.config, wans.backup_if) == cmap:
        return
    yield _finding(
        ctx,
        "FO_CRYPTO_MAP_NOT_ON_BACKUP",
        Severity.CRITICAL,
        f"crypto map {cmap} is on {wans.primary_if} but not on {wans.backup_if}",
        f"After failover the traffic leaves {wans.backup_if}, which carries no crypto map "
        f"{cmap}: it goes out unencrypted (or is dropped) and the tunnels stay down.",
        quote(
            ctx.target.text,
            rf"^interface ({re.escape(wans.primary_if or '')}|{re.escape(wans.backup_if)})$",
            True,
        ),
        (f"interface {wans.backup_if} / crypto map {cmap}",),
    )


def _owner(peers: Sequence[LintTarget], address: str) -> LintTarget | None:
    for peer in peers:
        if any(i.ip_address == address for i in peer.config.interfaces.values()):
            return peer
    return None


def _what_peer_lacks(peer: RunningConfig, backup: str) -> list[str]:
    missing = []
    if not has_key_for(peer, backup):
        missing.append(f"no pre-shared key for {backup}")
    has_entry = any(t.peer == backup for t in map_peers(peer))
    if not has_entry and not any(m.dynamic for m in peer.crypto_maps):
        missing.append(f"no crypto map entry with 'set peer {backup}'")
    return missing


@lint_rule("FO_PEER_REJECTS_BACKUP")
def peer_rejects_backup(ctx: LintContext) -> Iterator[Finding]:
    """Pitfall 11: the VPN peer must accept the backup address (key and peer entry)."""
    config, wans = ctx.config, ctx.wans
    backup_itf = config.interfaces.get(wans.backup_if or "")
    backup = backup_itf.ip_address if backup_itf else None
    cmap = _map_of(config, wans.primary_if)
    if backup is None or cmap is None:
        return
    for t in map_peers(config):
        peer = _owner(ctx.peers, t.peer) if t.cmap.name == cmap else None
        missing = _what_peer_lacks(peer.config, backup) if peer else []
        if peer is None or not missing:
            continue
        primary = config.interfaces.get(wans.primary_if or "")
        known = re.escape(primary.ip_address if primary and primary.ip_address else "-")
        theirs = quote(peer.text, rf"^crypto isakmp key .* address {known}\b|^ *set peer {known}$")
        yield _finding(
            ctx,
            "FO_PEER_REJECTS_BACKUP",
            Severity.CRITICAL,
            f"after failover to {wans.backup_if} ({backup}), {peer.host} will reject the tunnel",
            f"{ctx.target.host} sources IKE from {backup} once ISP1 fails; {peer.host} ({t.peer}) "
            f"has {' and '.join(missing)}, so the tunnel stays down (MM_NO_STATE, 'No pre-shared "
            f"key' on {peer.host}) for as long as the failover lasts.",
            [
                *quote(ctx.target.text, rf"^ *set peer {re.escape(t.peer)}$"),
                *(f"{peer.host}: {line.strip()}" for line in theirs),
            ],
            (
                f"on {peer.host}: crypto isakmp key <the key> address {backup}",
                f"on {peer.host}: set peer {backup} in the crypto map entry for {ctx.target.host}",
            ),
            peer=t.peer,
        )
