"""Failover lint's base: the linted target, its context, the rule register and the readers and
finding builder every rule shares (the rules are in ``lint_sla``, ``lint_routes``, ``lint_eem``,
``lint_crypto``; ``lint`` runs them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from nornir_tasks.failover.spec import FailoverSpec
from nornir_tasks.models.config import (
    InterfaceConfig,
    RunningConfig,
    StaticRoute,
)
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.parsers._secrets import mask_secrets
from nornir_tasks.parsers.addressing import address as ipv4
from nornir_tasks.parsers.addressing import network
from nornir_tasks.parsers.cleaning import clean_device_text
from nornir_tasks.parsers.running_config import parse_running_config


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
