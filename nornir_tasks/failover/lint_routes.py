"""Failover lint rules on the routes and NAT of the two ISPs: floating static, NAT split."""

from __future__ import annotations

from collections.abc import Iterator

from nornir_tasks.failover.lint_base import (
    LintContext,
    _finding,
    default_routes,
    lint_rule,
)
from nornir_tasks.models.config import (
    RunningConfig,
)
from nornir_tasks.models.findings import Finding, Severity


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
