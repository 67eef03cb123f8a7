"""Dual-ISP failover: track state, IP SLA scheduling and pinning, the peer's view of the backup.

Field guide §6.2: an unscheduled SLA keeps its track down forever (Batfish models it as always
false); a probe not pinned to the primary ISP follows the default route via the backup and
succeeds, so the track flaps; after failover the tunnel is sourced from the backup address,
which the remote peer must accept (key and peer entry), else the tunnel stays down (pitfall 11).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from nornir_tasks.checks import model_names as names
from nornir_tasks.checks.compat import has_key_for, map_peers, used_addresses
from nornir_tasks.checks.evidence import CONFIG, LOGS, FleetEvidence, HostEvidence
from nornir_tasks.checks.logview import PeerEvent, source_of
from nornir_tasks.checks.peers import of_kind, other_end, rows
from nornir_tasks.checks.quote import config_lines, event_lines, tag, unique
from nornir_tasks.checks.registry import check
from nornir_tasks.checks.routes import egress
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.models.logs import EventKind
from nornir_tasks.parsers.addressing import address, network

if TYPE_CHECKING:  # annotations only (slow to import; failover models: read by ``names``)
    from nornir_tasks.models.config import RunningConfig, SlaOperation
    from nornir_tasks.models.failover import TrackTable

TRACK = ("show track*",)
SLA = ("show ip sla *",)


def _track_lines(host: HostEvidence, track_id: int) -> list[str]:
    """The ``Track N`` block's telling lines, or the row of ``show track brief``."""
    block: list[str] = []
    rows: list[str] = []
    for _, text in host.raw_of("show track*"):
        inside = False
        for line in text.splitlines():
            words = line.split()
            if line.startswith("Track "):
                inside = words[1:2] == [str(track_id)]
            if inside and any(k in line for k in ("Track ", " is ", "return code", "IP SLA")):
                block.append(line.strip())
            elif words[:1] == [str(track_id)] and "Down" in words:
                rows.append(line.strip())
    return block or rows


def _sla_return_code(host: HostEvidence, sla_id: int) -> str | None:
    for stats in host.models(names.SLA_STATISTICS):
        entry = stats.entries.get(sla_id)
        if entry and entry.return_code:
            return entry.return_code
    for summary in host.models(names.SLA_SUMMARY):
        row = summary.entries.get(sla_id)
        if row and row.return_code:
            return row.return_code
    return None


def _unscheduled(config: RunningConfig | None, sla_id: int) -> bool:
    op = config.ip_slas.get(sla_id) if config else None
    return op is not None and schedule_problem(op) is not None


@check("TRACK_DOWN", needs=TRACK + LOGS)
def track_down(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """A track object is down: the failover it drives has happened (or is stuck)."""
    reported: set[int] = set()
    for table in host.models(names.TRACK_TABLE):
        from nornir_tasks.models.failover import TrackKind, TrackState  # imported: a table

        for track in table.tracks.values():
            if track.state is not TrackState.DOWN or track.track_id in reported:
                continue
            reported.add(track.track_id)
            why = ""
            if track.kind is TrackKind.IP_SLA and track.object.isdigit():
                sla = int(track.object)
                code = track.return_code or _sla_return_code(host, sla)
                why = f" IP SLA {sla} last returned {code}." if code else ""
                if _unscheduled(host.config, sla):
                    why += f" IP SLA {sla} is not scheduled: the track can never come up."
            elif track.state_detail:
                why = f" ({track.state_detail})."
            yield _track_finding(
                host,
                track.track_id,
                track.header,
                why,
                _track_lines(host, track.track_id),
                Source.STATE,
            )
    latest: dict[str, PeerEvent] = {}
    for e in of_kind(list(host.events), EventKind.TRACK_STATE):
        latest[e.event.reason or "?"] = e
    for obj, e in latest.items():
        number = obj.split()[0]
        if e.event.new_state == "Down" and number.isdigit() and int(number) not in reported:
            yield _track_finding(host, int(number), obj, "", event_lines([e], 1), source_of([e]))


def _track_finding(
    host: HostEvidence, track_id: int, what: str, why: str, lines: list[str], source: Source
) -> Finding:
    return Finding(
        code="TRACK_DOWN",
        severity=Severity.WARNING,
        host=host.host,
        peer=None,
        summary=f"track {track_id} ({what}) is down: failover to the backup path is active",
        cause=(
            f"Track {track_id} follows {what} and is down, so the routes and EEM applets tied to it "
            f"have switched to the backup path.{why} Tunnels now source from the backup interface: "
            "the peers must accept that address."
        ),
        evidence=unique(lines),
        next_steps=(
            f"show track {track_id}",
            "show ip sla statistics ; show ip sla configuration",
            "ping <probe target> source <primary interface>",
            "show ip route 0.0.0.0",
        ),
        step=Step.FAILOVER,
        source=source,
    )


# -- SLA_NOT_SCHEDULED ---------------------------------------------------------------------------


def schedule_problem(op: SlaOperation) -> str | None:
    """Why an IP SLA never runs or stops running; None when its schedule is sound."""
    schedule = op.schedule
    if schedule is None:
        return "it has no 'ip sla schedule' line"
    if (schedule.start_time or "pending").lower() == "pending":
        return "its schedule has no start time (pending)"
    if (schedule.life or "forever").lower() != "forever" and not schedule.recurring:
        return f"its life is {schedule.life} s: it stops after that and the track goes down"
    return None


def _tracked(config: RunningConfig | None, host: HostEvidence, sla_id: int) -> bool:
    in_config = config is not None and bool(_drives_failover(config, sla_id))
    return in_config or _tracks(host.models(names.TRACK_TABLE), sla_id)


def _tracks(tables: list[TrackTable], sla_id: int) -> bool:
    """A track object of ``tables`` follows IP SLA ``sla_id``."""
    if not tables:
        return False
    from nornir_tasks.models.failover import TrackKind  # imported: tables are its models

    return any(
        t.kind is TrackKind.IP_SLA and t.object == str(sla_id)
        for table in tables
        for t in table.tracks.values()
    )


def _state_unscheduled(host: HostEvidence) -> dict[int, str]:
    found: dict[int, str] = {}
    for summary in host.models(names.SLA_SUMMARY):
        from nornir_tasks.models.failover import SlaActivity  # imported: a summary

        for row in summary.entries.values():
            if row.activity in (SlaActivity.PENDING, SlaActivity.INACTIVE):
                found[row.entry_id] = f"show ip sla summary marks it {row.activity.value}"
    for table in host.models(names.SLA_CONFIGURATION):
        for entry in table.entries.values():
            if (entry.next_start or "").lower().startswith("pending") or (
                entry.status or ""
            ).lower() == "notinservice":
                found[entry.entry_id] = f"next start: {entry.next_start}, status: {entry.status}"
    return found


@check("SLA_NOT_SCHEDULED", needs=CONFIG + SLA)
def sla_not_scheduled(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """An IP SLA operation that never runs (or stops): its track is down for good."""
    config = host.config
    problems = _state_unscheduled(host)
    sources = dict.fromkeys(problems, Source.STATE)
    for sla_id, op in config.ip_slas.items() if config else ():
        problem = schedule_problem(op)
        if problem and sla_id not in problems:
            problems[sla_id], sources[sla_id] = problem, Source.CONFIG
    for sla_id, problem in sorted(problems.items()):
        tracked = _tracked(config, host, sla_id)
        lines = config_lines(
            host, rf"^ip sla {sla_id}$|^ip sla schedule {sla_id} |^track \d+ ip sla {sla_id}\b"
        )
        yield Finding(
            code="SLA_NOT_SCHEDULED",
            severity=Severity.CRITICAL if tracked else Severity.WARNING,
            host=host.host,
            peer=None,
            summary=f"IP SLA {sla_id} is not running: {problem}",
            cause=(
                f"IP SLA {sla_id} never runs ({problem}). A track that follows it stays down for "
                "ever (Batfish models it as always false): the primary path is never used, or "
                "failover never happens. A scheduled operation cannot be edited: 'no ip sla N', "
                "re-create, reschedule."
            ),
            evidence=unique(lines or [problem]),
            next_steps=(
                f"ip sla schedule {sla_id} life forever start-time now",
                f"show ip sla configuration {sla_id}",
                "show track",
            ),
            step=Step.FAILOVER,
            source=sources[sla_id],
        )


# -- SLA_PROBE_NOT_PINNED ------------------------------------------------------------------------


def _pinned(host: HostEvidence, config: RunningConfig, op: SlaOperation) -> bool:
    """A static route more specific than the default sends the probe out of its interface."""
    if op.target is None:
        return True
    target = address(op.target)
    if target is None:
        return True  # a host name: cannot be checked
    route = egress(host, op.target)
    if route is not None and route.source.startswith("interface "):
        return True  # directly connected (probing the next hop)
    for r in config.static_routes:
        net = network(r.prefix, r.mask)
        if (
            net is not None
            and net.prefixlen > 0
            and target in net
            and (r.interface or "").lower() != "null0"
        ):
            wanted = op.source_interface
            return wanted is None or route is None or route.interface in (wanted, None)
    return False


def _drives_failover(config: RunningConfig, sla_id: int) -> list[int]:
    from nornir_tasks.models.failover import TrackKind  # a configuration's tracks use it

    return [
        t.track_id
        for t in config.tracks.values()
        if t.kind is TrackKind.IP_SLA and t.object == str(sla_id)
    ]


@check("SLA_PROBE_NOT_PINNED", needs=CONFIG)
def probe_not_pinned(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """The failover probe can follow the default route via the backup ISP."""
    config = host.config
    if config is None:
        return
    defaults = [r for r in config.static_routes if r.prefix == "0.0.0.0" and r.mask == "0.0.0.0"]
    for sla_id, op in config.ip_slas.items():
        tracks = _drives_failover(config, sla_id)
        if not tracks or len(defaults) < 2 or _pinned(host, config, op):
            continue
        yield Finding(
            code="SLA_PROBE_NOT_PINNED",
            severity=Severity.WARNING,
            host=host.host,
            peer=None,
            summary=f"IP SLA {sla_id} probe to {op.target} is not pinned to the primary ISP",
            cause=(
                f"IP SLA {sla_id} probes {op.target} (track {', '.join(map(str, tracks))}) but no "
                f"host route sends {op.target} out of {op.source_interface or 'the primary interface'}. "
                "When the primary fails the probe follows the default route via the backup ISP, "
                "succeeds, brings the track back up and the routes flap."
            ),
            evidence=unique(
                config_lines(host, rf"^ip sla {re.escape(str(sla_id))}$", children=True)
                + [r.line for r in defaults]
            ),
            next_steps=(
                f"ip route {op.target} 255.255.255.255 {op.source_interface or '<primary interface>'} <primary next hop>",
                f"ip route {op.target} 255.255.255.255 Null0 250",
                f"show ip route {op.target}",
            ),
            step=Step.FAILOVER,
            source=Source.CONFIG,
        )


# -- FAILOVER_PEER_REJECTS_BACKUP ----------------------------------------------------------------


def _accepts(other_config: RunningConfig, address: str) -> list[str]:
    """What the peer lacks to accept IKE from ``address`` (empty: it accepts)."""
    missing = []
    if not has_key_for(other_config, address):
        missing.append(f"no pre-shared key for {address}")
    static = [t for t in map_peers(other_config) if t.peer == address]
    if not static and not any(m.dynamic for m in other_config.crypto_maps):
        missing.append(f"no crypto map entry with set peer {address}")
    return missing


def _any_down(tables: list[TrackTable]) -> bool:
    if not tables:
        return False
    from nornir_tasks.models.failover import TrackState  # imported: tables are its models

    return any(t.state is TrackState.DOWN for table in tables for t in table.tracks.values())


def _active(
    host: HostEvidence, other: HostEvidence, peer: str, backup: str, primary: str | None
) -> bool:
    """The backup is in use now: a down track, IKE sourced from it, or the peer refusing it."""
    if _any_down(host.models(names.TRACK_TABLE)):
        return True
    if any(r.local == backup for r in rows(host, peer)):
        return True
    route = egress(host, peer)
    if route is not None and route.source.startswith("show ip route") and primary:
        itf = next(
            (
                i
                for i in (host.config.interfaces.values() if host.config else ())
                if i.ip_address == backup
            ),
            None,
        )
        if itf is not None and route.interface == itf.name:
            return True
    return bool(other.events_for(backup))


@check("FAILOVER_PEER_REJECTS_BACKUP", needs=CONFIG)
def peer_rejects_backup(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """A dual-ISP router's backup address is unknown to its VPN peer: failover kills the tunnel."""
    config = host.config
    if config is None:
        return
    for t in map_peers(config):
        other = other_end(fleet, host, t.peer)
        if other is None or other.config is None:
            continue
        # The configured primary: once failed over, the route printed leaves by the backup.
        primary, backups = used_addresses(host, t.cmap, t.peer, configured=True)
        for backup in backups:
            missing = _accepts(other.config, backup)
            if not missing:
                continue
            active = _active(host, other, t.peer, backup, primary)
            backup_itf = next(
                (i.name for i in config.interfaces.values() if i.ip_address == backup), "?"
            )
            lines = _backup_evidence(host, other, backup_itf, primary)
            yield Finding(
                code="FAILOVER_PEER_REJECTS_BACKUP",
                severity=Severity.CRITICAL if active else Severity.WARNING,
                host=host.host,
                peer=t.peer,
                summary=f"after failover to {backup_itf} ({backup}), {other.host} will reject the tunnel",
                cause=(
                    f"{host.host} carries crypto map {t.cmap.name} on {', '.join(t.cmap.interfaces)}; "
                    f"it sources IKE from {primary} normally and from {backup} after failover. "
                    f"{other.host} ({t.peer}) has {' and '.join(missing)}, so once the primary ISP "
                    f"fails the tunnel stays down (MM_NO_STATE / 'No pre-shared key' on {other.host})."
                    + _WHEN[active]
                ),
                evidence=unique(lines, 14),
                next_steps=_backup_steps(host, other, backup),
                step=Step.FAILOVER,
                source=Source.CONFIG,
            )


def _backup_evidence(
    host: HostEvidence, other: HostEvidence, backup_itf: str, primary: str | None
) -> list[str]:
    """The backup interface's lines, and the peer's lines that know only the primary."""
    lines = config_lines(host, rf"^interface {re.escape(backup_itf)}$", children=True)
    lines = [s for s in lines if s.startswith(("interface", "ip address", "crypto map"))]
    addr = re.escape(primary or "-")
    known = rf"^crypto isakmp key .* address {addr}\b|^ *pre-shared-key address {addr}\b|^ *set peer {addr}$"
    return lines + list(tag(config_lines(other, known), other, host.host))


_WHEN = {True: " The backup is in use now.", False: " Latent until the primary fails."}


def _backup_steps(host: HostEvidence, other: HostEvidence, backup: str) -> tuple[str, ...]:
    return (
        f"on {other.host}: crypto isakmp key <key> address {backup}",
        f"on {other.host}: set peer {backup} in the crypto map entry for {host.host} "
        "(or a dynamic map)",
        f"on {host.host}: show crypto isakmp sa ; show track",
    )
