"""Pure judgements for the push: is the router ready for napalm, and is failover healthy?

Device text in (show outputs), plain problems out; ``push`` runs the commands and decides.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from nornir_tasks.failover.spec import FailoverSpec
from nornir_tasks.models.config import RunningConfig
from nornir_tasks.models.failover import TrackState
from nornir_tasks.models.isakmp import IsakmpState
from nornir_tasks.parsers.eem import parse_eem_policies
from nornir_tasks.parsers.ip_sla import parse_ip_sla_statistics
from nornir_tasks.parsers.isakmp import parse_isakmp_sa
from nornir_tasks.parsers.routing import parse_route_lookup
from nornir_tasks.parsers.track import parse_show_track

SLA_STATS = "show ip sla statistics"
DEFAULT_ROUTE = "show ip route 0.0.0.0"
EEM_POLICIES = "show event manager policy registered"
ISAKMP = "show crypto isakmp sa"


def track_command(spec: FailoverSpec) -> str:
    return f"show track {spec.track.id}"


def state_commands(spec: FailoverSpec) -> tuple[str, ...]:
    return (SLA_STATS, track_command(spec), DEFAULT_ROUTE, EEM_POLICIES, ISAKMP)


# -- readiness ----------------------------------------------------------------------------------

# 5234688000 bytes total (5234688000 bytes free)
_FREE = re.compile(r"\((\d+) bytes free\)")
# Current privilege level is 15
_PRIVILEGE = re.compile(r"Current privilege level is (\d+)")


@dataclass(frozen=True)
class ReadinessProblem:
    """A napalm prerequisite the router lacks, and the configuration that fixes it."""

    what: str
    lines_to_add: tuple[str, ...]


def free_bytes(dir_output: str) -> int | None:
    m = _FREE.search(dir_output)
    return int(m[1]) if m else None


def privilege_level(show_privilege: str, prompt: str) -> int | None:
    """From ``show privilege``; without it, a ``#`` prompt is taken as privileged EXEC."""
    m = _PRIVILEGE.search(show_privilege)
    if m:
        return int(m[1])
    return 15 if prompt.rstrip().endswith("#") else None


def readiness_problems(
    config: RunningConfig, privilege: int | None, free: int | None, min_free: int
) -> list[ReadinessProblem]:
    """napalm ios needs archive (revert timer), the SCP server, privilege 15 and flash room."""
    problems = []
    if not config.archive:
        problems.append(
            ReadinessProblem(
                "the archive feature is off: no revert timer, no rollback",
                ("archive", " path bootflash:archive", " write-memory"),
            )
        )
    if not config.scp_server:
        problems.append(
            ReadinessProblem(
                "the SCP server is off: napalm cannot copy the candidate to flash",
                ("ip scp server enable",),
            )
        )
    if privilege != 15:
        level = "unknown" if privilege is None else str(privilege)
        problems.append(
            ReadinessProblem(
                f"the login is at privilege level {level}, napalm needs 15",
                ("username <napalm user> privilege 15 secret <...>",),
            )
        )
    if free is None or free < min_free:
        shown = "unknown" if free is None else f"{free} bytes"
        problems.append(
            ReadinessProblem(
                f"free flash is {shown}, at least {min_free} bytes are needed",
                ("delete bootflash:<old image or file>  (exec, after 'dir bootflash:')",),
            )
        )
    return problems


# -- failover state -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FailoverObservation:
    """What the show commands say about the failover machinery and the tunnels."""

    sla_codes: Mapping[int, str | None]
    track: TrackState | None
    default_via: str | None
    applets: frozenset[str]
    tunnels: Mapping[str, str]  # peer address -> local address, QM_IDLE phase-1 SAs


def observe(
    spec: FailoverSpec, outputs: Mapping[str, str], own: frozenset[str]
) -> FailoverObservation:
    """Parse the outputs of ``state_commands(spec)``; ``own`` are the router's addresses."""
    stats = parse_ip_sla_statistics(outputs[SLA_STATS]).entries
    tracks = parse_show_track(outputs[track_command(spec)]).tracks
    route = parse_route_lookup(outputs[DEFAULT_ROUTE])
    best = next((h for h in route.next_hops if h.best), None) if route.found else None
    policies = parse_eem_policies(outputs[EEM_POLICIES]).policies
    tunnels: dict[str, str] = {}
    for sa in parse_isakmp_sa(outputs[ISAKMP]).sas:
        if sa.state is IsakmpState.QM_IDLE and not sa.deleted and sa.dst and sa.src:
            peer, local = (sa.src, sa.dst) if sa.dst in own else (sa.dst, sa.src)
            tunnels[peer] = local
    track = tracks.get(spec.track.id)
    return FailoverObservation(
        sla_codes={p.id: (stats[p.id].return_code if p.id in stats else None) for p in spec.probes},
        track=track.state if track else None,
        default_via=best.address if best else None,
        applets=frozenset(p.name for p in policies),
        tunnels=tunnels,
    )


def primary_problems(
    spec: FailoverSpec, seen: FailoverObservation, tunnels_before: frozenset[str]
) -> list[str]:
    """Post-checks after a push: SLA OK, track Up, route via ISP1, applets, tunnels kept."""
    problems = [
        f"IP SLA {sla}: return code {code or 'none yet'} (want OK)"
        for sla, code in seen.sla_codes.items()
        if code != "OK"
    ]
    if seen.track is not TrackState.UP:
        problems.append(f"track {spec.track.id} is {seen.track or 'missing'} (want Up)")
    if seen.default_via != spec.primary.next_hop:
        problems.append(
            f"default route via {seen.default_via or 'nothing'} (want {spec.primary.next_hop})"
        )
    wanted = {spec.eem.down_applet, spec.eem.up_applet}
    problems += [f"EEM applet {name} is not registered" for name in sorted(wanted - seen.applets)]
    problems += [f"tunnel to {peer} is down" for peer in sorted(tunnels_before - set(seen.tunnels))]
    return problems


def backup_problems(
    spec: FailoverSpec,
    seen: FailoverObservation,
    tunnels_before: frozenset[str],
    backup_address: str | None,
) -> list[str]:
    """During a failover: track Down, route via ISP2, tunnels re-established from ISP2."""
    problems = []
    if seen.track is not TrackState.DOWN:
        problems.append(f"track {spec.track.id} is {seen.track or 'missing'} (want Down)")
    if seen.default_via != spec.backup.next_hop:
        problems.append(
            f"default route via {seen.default_via or 'nothing'} (want {spec.backup.next_hop})"
        )
    if backup_address and spec.crypto_map:
        for peer in sorted(tunnels_before):
            local = seen.tunnels.get(peer)
            if local != backup_address:
                problems.append(
                    f"tunnel to {peer} is {'from ' + local if local else 'down'} "
                    f"(want it from {backup_address})"
                )
    return problems
