"""The fleet's indexes (built once per fleet) answer what the per-host scans they replace did.

Diagnosis at 2,000 hosts spent most of its time in checks that scanned every other host for
every host; bench/scale_pure.py measures it, these tests keep the answers the same.
"""

from __future__ import annotations

import gc
from dataclasses import replace

import pytest

from nornir_tasks.checks import FleetEvidence, HostEvidence
from nornir_tasks.checks.compat import _MAP_PEERS, MapPeer, map_callers, map_peers
from nornir_tasks.parsers import UnknownCommandError
from nornir_tasks.parsers.registry import _REGISTRY, _RESOLVED, parser, resolve
from tests.checks.support import CAPTURES, lab_fleet

SCENARIOS = sorted(p.name for p in CAPTURES.iterdir() if p.is_dir())


def _scan(host: HostEvidence, fleet: FleetEvidence) -> list[tuple[HostEvidence, MapPeer]]:
    """The scan of every host that ``map_callers`` replaced."""
    return [
        (other, t)
        for other in fleet.hosts
        if other.host != host.host and other.config is not None
        for t in map_peers(other.config)
        if t.peer in host.addresses
    ]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_map_callers_is_the_scan_of_every_host(scenario: str) -> None:
    fleet = lab_fleet(scenario)
    found = 0
    for host in fleet.hosts:
        indexed = map_callers(host, fleet)
        assert indexed == _scan(host, fleet)
        found += len(indexed)
    assert found > 0  # the lab's hub and branches point at each other


def test_host_by_name_is_the_first_of_that_name_and_memos_are_per_fleet() -> None:
    fleet = lab_fleet("default")
    first = fleet.hosts[0]
    twice = FleetEvidence((*fleet.hosts, replace(first, addresses=frozenset())))
    assert twice.host(first.host) is first
    assert twice.host("no-such-host") is None
    calls: list[int] = []

    def count() -> int:
        calls.append(1)
        return len(calls)

    assert twice.memo("n", count) == 1
    assert twice.memo("n", count) == 1
    assert replace(twice, findings=()).memo("n", count) == 2  # a new fleet, a new index


def test_map_peers_cache_has_no_cap_and_forgets_collected_configs() -> None:
    config = next(h.config for h in lab_fleet("default").hosts if h.config and map_peers(h.config))
    copies = [replace(config) for _ in range(5000)]  # more than the old 4,096-entry cap
    tunnels = [map_peers(c) for c in copies]
    assert all(map_peers(c) is t for c, t in zip(copies, tunnels, strict=True))  # still cached
    keys = {id(c) for c in copies}
    del copies, tunnels
    gc.collect()
    assert not keys & set(_MAP_PEERS)


def test_resolve_answers_again_after_a_new_parser_is_registered() -> None:
    command = "show vpndiag-test-only-command"
    with pytest.raises(UnknownCommandError):
        resolve(command)
    parser(command)(lambda text: text)
    try:
        assert resolve(command)[0] == command
    finally:  # the register is global: other tests list every parser
        del _REGISTRY[command]
        _RESOLVED.clear()
    with pytest.raises(UnknownCommandError):
        resolve(command)
