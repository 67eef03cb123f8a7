"""Drift between recorded runs: what changed since the last run, or since last night.

Findings are the same finding when host, peer and code match. A host not reached in the later
run resolves nothing and takes no tunnel down: nothing is known about it (nor does a run that
read no IPsec SAs, the config audit). A tunnel that leaves the up state is an outage, a
critical drift, except an on-demand one: a DMVPN spoke-to-spoke shortcut ages out when idle. Rekey storms need the
runs in between (one SPI change is visible per pair of runs), so ``drift`` reads the whole
sequence, oldest first. Pure: recorded runs in, a ``Drift`` out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from nornir_tasks.history.snapshot import RunSnapshot, TunnelSnapshot, parse_time
from nornir_tasks.models.base import to_jsonable
from nornir_tasks.models.findings import Finding, Severity
from nornir_tasks.models.report import TunnelStatus, at_or_above, sorted_findings
from nornir_tasks.models.tunnel_status import TunnelKind

# IOS's SA lifetime when none is configured (crypto ipsec security-association lifetime).
DEFAULT_LIFETIME_S = 3600
# IOS rekeys before the SA expires (jittered, a few % of the lifetime); earlier is premature.
REKEY_MARGIN = 0.15

FindingKey = tuple[str, str | None, str]
TunnelKey = tuple[str, str]


def finding_key(finding: Finding) -> FindingKey:
    return (finding.host, finding.peer, finding.code)


@dataclass(frozen=True)
class TunnelChange:
    """A tunnel whose state changed (None: not seen in that run), with what it is (the later
    run's record, else the earlier's; None: recorded before kinds were)."""

    host: str
    peer: str
    before: TunnelStatus | None
    after: TunnelStatus | None
    kind: TunnelKind | None = None
    interface: str | None = None

    @property
    def description(self) -> str:
        """``DH1 Tunnel0 -> 203.0.113.130 (DMVPN spoke): up -> gone``."""
        where = f"{self.host} {self.interface}" if self.interface else self.host
        what = f" ({KIND_WORDS[self.kind]})" if self.kind is not None else ""
        before, after = (_WORD.get(s, str(s)) for s in (self.before, self.after))
        return f"{where} -> {self.peer}{what}: {before} -> {after}"


KIND_WORDS = {
    TunnelKind.CRYPTO_MAP: "crypto map",
    TunnelKind.VTI: "VTI",
    TunnelKind.DMVPN_HUB: "DMVPN hub",
    TunnelKind.DMVPN_SPOKE: "DMVPN spoke",
    TunnelKind.DMVPN_SHORTCUT: "DMVPN shortcut",
    TunnelKind.DYNAMIC: "dynamic peer",
}
# A tunnel no longer listed: no SA, no configuration and no NHRP entry names it any more.
_WORD: dict[TunnelStatus | None, str] = {None: "gone"}


@dataclass(frozen=True)
class ConfigChange:
    """A configuration section whose fingerprint changed."""

    host: str
    section: str  # "crypto", "failover"
    before: str
    after: str


@dataclass(frozen=True)
class RekeyStorm:
    """SPIs that changed more often than the SA lifetime allows."""

    host: str
    peer: str
    spi_changes: int
    elapsed_s: float
    lifetime_s: int
    premature: int  # changes made well before the old SA's remaining lifetime ran out


@dataclass(frozen=True)
class StalledCounter:
    """A counter of an up tunnel that did not move between the two runs."""

    host: str
    peer: str
    counter: str  # "encaps", "decaps"
    value: int
    elapsed_s: float


@dataclass(frozen=True)
class Drift:
    base_run: int
    current_run: int
    base_started: str
    current_started: str
    new_findings: tuple[Finding, ...] = ()
    resolved_findings: tuple[Finding, ...] = ()
    went_down: tuple[TunnelChange, ...] = ()  # left up: critical (an outage)
    came_up: tuple[TunnelChange, ...] = ()
    aged_out: tuple[TunnelChange, ...] = ()  # on-demand tunnels (DMVPN shortcuts) that left up
    config_changes: tuple[ConfigChange, ...] = ()
    rekey_storms: tuple[RekeyStorm, ...] = ()
    stalled_counters: tuple[StalledCounter, ...] = ()
    unreached: tuple[str, ...] = field(default=())  # reached in the base run, not now

    def new_at_or_above(self, threshold: Severity) -> tuple[Finding, ...]:
        return tuple(f for f in self.new_findings if at_or_above(f.severity, threshold))

    @property
    def has_new_critical(self) -> bool:
        """A new critical finding, or a tunnel that went down (an outage, even when no check
        names it: a hub whose dynamic spoke vanished has no finding for it)."""
        return bool(self.new_at_or_above(Severity.CRITICAL) or self.went_down)

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.new_findings,
                self.resolved_findings,
                self.went_down,
                self.came_up,
                self.aged_out,
                self.config_changes,
                self.rekey_storms,
                self.stalled_counters,
                self.unreached,
            )
        )


def _reached(run: RunSnapshot) -> set[str]:
    return {h.host for h in run.hosts if h.reached}


def _tunnels(run: RunSnapshot) -> dict[TunnelKey, TunnelSnapshot]:
    return {(t.host, t.peer): t for h in run.hosts if h.reached for t in h.tunnels}


def _read_tunnels(run: RunSnapshot) -> set[str]:
    """Hosts reached whose tunnel state the run read (a config audit reads none)."""
    return {h.host for h in run.hosts if h.reached and h.tunnels_read}


def new_findings(base: RunSnapshot, current: RunSnapshot) -> tuple[Finding, ...]:
    known = {finding_key(f) for f in base.findings}
    return sorted_findings(f for f in current.findings if finding_key(f) not in known)


def resolved_findings(base: RunSnapshot, current: RunSnapshot) -> tuple[Finding, ...]:
    still = {finding_key(f) for f in current.findings}
    reached = _reached(current)
    return sorted_findings(
        f for f in base.findings if finding_key(f) not in still and f.host in reached
    )


def tunnel_changes(base: RunSnapshot, current: RunSnapshot) -> tuple[TunnelChange, ...]:
    """Tunnels of hosts whose tunnel state both runs read, whose state changed."""
    both = _read_tunnels(base) & _read_tunnels(current)
    before, after = _tunnels(base), _tunnels(current)
    keys = sorted(k for k in before.keys() | after.keys() if k[0] in both)
    changes = (_change(k, before.get(k), after.get(k)) for k in keys)
    return tuple(c for c in changes if c.before != c.after)


def _change(key: TunnelKey, a: TunnelSnapshot | None, b: TunnelSnapshot | None) -> TunnelChange:
    known = b if b is not None and b.kind is not None else a
    kind, interface = (known.kind, known.interface) if known is not None else (None, None)
    return TunnelChange(*key, _state(a), _state(b), kind, interface)


def _on_demand(change: TunnelChange) -> bool:
    return change.kind is not None and change.kind.on_demand


def _state(tunnel: TunnelSnapshot | None) -> TunnelStatus | None:
    return tunnel.state if tunnel is not None else None


def config_changes(base: RunSnapshot, current: RunSnapshot) -> tuple[ConfigChange, ...]:
    out: list[ConfigChange] = []
    for now in current.hosts:
        then = base.host(now.host)
        if then is None:
            continue
        pairs = (
            ("crypto", then.crypto_sha256, now.crypto_sha256),
            ("failover", then.failover_sha256, now.failover_sha256),
        )
        out += [ConfigChange(now.host, s, a, b) for s, a, b in pairs if a and b and a != b]
    return tuple(out)


def _elapsed(a: RunSnapshot, b: RunSnapshot) -> float:
    return (parse_time(b.started) - parse_time(a.started)).total_seconds()


def _series(runs: Sequence[RunSnapshot]) -> dict[TunnelKey, list[tuple[float, TunnelSnapshot]]]:
    """Per tunnel, (seconds since the first run, snapshot) of every run where it had SAs."""
    series: dict[TunnelKey, list[tuple[float, TunnelSnapshot]]] = {}
    for run in runs:
        at = _elapsed(runs[0], run)
        for key, tunnel in _tunnels(run).items():
            if tunnel.inbound_spis:
                series.setdefault(key, []).append((at, tunnel))
    return series


def _premature(at_a: float, a: TunnelSnapshot, at_b: float, lifetime: int) -> bool:
    return a.remaining_s is not None and (at_b - at_a) < a.remaining_s - REKEY_MARGIN * lifetime


def rekey_storm(points: Sequence[tuple[float, TunnelSnapshot]]) -> RekeyStorm | None:
    """A storm: more SPI changes than ``elapsed / lifetime + 1``, or two premature ones."""
    if len(points) < 2:
        return None
    last = points[-1][1]
    lifetime = last.lifetime_s or DEFAULT_LIFETIME_S
    changes = premature = 0
    for (at_a, a), (at_b, b) in pairwise(points):
        if set(a.inbound_spis) != set(b.inbound_spis):
            changes += 1
            premature += _premature(at_a, a, at_b, lifetime)
    elapsed = points[-1][0] - points[0][0]
    allowed = math.floor(elapsed / lifetime) + 1
    if changes <= allowed and premature < 2:
        return None
    return RekeyStorm(last.host, last.peer, changes, elapsed, lifetime, premature)


def rekey_storms(runs: Sequence[RunSnapshot]) -> tuple[RekeyStorm, ...]:
    found = (rekey_storm(points) for _, points in sorted(_series(runs).items()))
    return tuple(s for s in found if s is not None)


def stalled_counters(base: RunSnapshot, current: RunSnapshot) -> tuple[StalledCounter, ...]:
    """Counters of tunnels up in both runs that carried traffic once and did not move since."""
    elapsed = _elapsed(base, current)
    before, after = _tunnels(base), _tunnels(current)
    out: list[StalledCounter] = []
    for key in sorted(before.keys() & after.keys()):
        a, b = before[key], after[key]
        if elapsed <= 0 or TunnelStatus.UP not in (a.state, b.state) or a.state != b.state:
            continue
        for name, then, now in (("encaps", a.encaps, b.encaps), ("decaps", a.decaps, b.decaps)):
            if now == then and now > 0:
                out.append(StalledCounter(*key, name, now, elapsed))
    return tuple(out)


def drift(runs: Sequence[RunSnapshot]) -> Drift:
    """What changed from the first run of ``runs`` to the last (oldest first)."""
    if not runs:
        raise ValueError("drift needs at least one run")
    base, current = runs[0], runs[-1]
    changes = tunnel_changes(base, current)
    left_up = [c for c in changes if c.before is TunnelStatus.UP]
    return Drift(
        base_run=base.run_id,
        current_run=current.run_id,
        base_started=base.started,
        current_started=current.started,
        new_findings=new_findings(base, current),
        resolved_findings=resolved_findings(base, current),
        went_down=tuple(c for c in left_up if not _on_demand(c)),
        came_up=tuple(c for c in changes if c.after is TunnelStatus.UP),
        aged_out=tuple(c for c in left_up if _on_demand(c)),
        config_changes=config_changes(base, current),
        rekey_storms=rekey_storms(runs),
        stalled_counters=stalled_counters(base, current),
        unreached=tuple(sorted(_reached(base) - _reached(current))),
    )


def drift_json(drift: Drift) -> dict[str, Any]:
    """The drift as plain JSON types (``audit diff --format json``, the webhook body)."""
    data: dict[str, Any] = to_jsonable(drift)
    for name in ("went_down", "came_up", "aged_out"):
        for row, change in zip(data[name], getattr(drift, name), strict=True):
            row["description"] = change.description
    data["has_new_critical"] = drift.has_new_critical
    return data
