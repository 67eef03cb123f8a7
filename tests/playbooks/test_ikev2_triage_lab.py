"""IKEv2 static VTIs diagnosed live: ``tunnel_triage`` (conditional ``debug crypto ikev2`` on
both ends) and ``health_check`` against the ``flexvpn`` scenario over SSH."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lab.fleet import Fleet
from lab.inventory import write_inventory
from lab.scenario import load_scenario
from nornir_tasks.checks import registered_codes
from nornir_tasks.models.findings import Severity
from nornir_tasks.playbooks.loader import load_playbook
from nornir_tasks.playbooks.runner import PlaybookRun, RunOptions, run_playbook
from nornir_tasks.tasks.hosts import open_inventory

pytestmark = pytest.mark.lab

HUB = "198.51.100.66"


def wan(n: int) -> str:
    return f"203.0.113.{64 + 4 * n + 2}"


@pytest.fixture(scope="module")
def flex(host_key: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Fleet, Path]]:
    fleet = Fleet(load_scenario("flexvpn"))
    fleet.start(key_path=host_key)
    try:
        fleet.advance(30)
        yield fleet, write_inventory(fleet, tmp_path_factory.mktemp("inv"))
    finally:
        fleet.stop()


def run(flex: tuple[Fleet, Path], name: str, hosts: list[str], **options: object) -> PlaybookRun:
    fleet, config = flex
    playbook = load_playbook(name, registered_codes())
    playbook = playbook.model_copy(
        update={"hosts": playbook.hosts.model_copy(update={"names": hosts})}
    )
    nr = open_inventory(config)
    try:
        opts = {"sleep": fleet.advance, "clock": fleet.clock.now, "poll_interval": 0, **options}
        return run_playbook(nr, playbook, RunOptions(**opts))  # type: ignore[arg-type]
    finally:
        nr.close_connections()


def triage(flex: tuple[Fleet, Path], spoke: int) -> PlaybookRun:
    name = f"V{spoke:02d}"
    focus = frozenset({HUB, wan(spoke)})
    return run(flex, "tunnel_triage", [name, "HUB2"], focus=focus, debug_seconds=25)


def test_health_reads_ikev2_state_of_every_vti(flex: tuple[Fleet, Path]) -> None:
    """First in the module: the triages below leave their debug lines in the buffers."""
    result = run(flex, "health_check", ["HUB2", "V01", "V02"])
    by_host = {h.host: h for h in result.report.hosts}
    assert (by_host["V01"].tunnels_up, by_host["V01"].tunnels_total) == (1, 1)
    assert by_host["V02"].tunnels_up == 0 and by_host["V02"].tunnels_total == 1
    assert by_host["HUB2"].tunnels_total == 4
    down = {(f.host, f.peer) for f in result.report.findings if f.code == "IKEV2_VTI_DOWN"}
    assert ("V02", HUB) in down and ("HUB2", wan(2)) in down and ("V01", HUB) not in down
    assert not [f for f in result.report.findings if f.code == "NO_INTERESTING_TRAFFIC"]
    assert all(f.severity <= Severity.INFO for f in result.report.findings)  # triage debugs
    read = {c.host: {o.command for o in c.outputs} for c in result.collections}
    assert "show crypto ikev2 sa" in read["V01"] and "show crypto isakmp sa" not in read["V01"]
    assert "show crypto map" not in read["HUB2"]  # no crypto map: not asked


# (spoke, code, the router(s) where the cause is named, a line its evidence must quote)
CASES = [
    (2, "IKEV2_PROPOSAL_MISMATCH", {"HUB2", "V02"}, "Failed to find a matching policy"),
    (3, "IKEV2_AUTH_FAILED", {"HUB2", "V03"}, "Failed to authenticate the IKE SA"),
    # HUB2 -> V04 drops IKE: V04's answers never come back, HUB2's requests never arrive
    (4, "IKEV2_NO_RESPONSE", {"HUB2", "V04"}, "IKE_SA_INIT Exchange REQUEST"),
]


@pytest.mark.parametrize(("spoke", "code", "hosts", "quote"), CASES, ids=[c[1] for c in CASES])
def test_triage_names_the_ikev2_fault_with_the_debug_lines(
    flex: tuple[Fleet, Path], spoke: int, code: str, hosts: set[str], quote: str
) -> None:
    result = triage(flex, spoke)
    assert all(c.cleanup_verified and "ikev2" in c.kinds for c in result.debug)
    assert not any(d.debugs for d in flex[0].devices.values())  # undebug all, verified
    found = [f for f in result.report.findings if f.code == code]
    assert found, [(f.host, f.code, f.peer) for f in result.report.findings]
    assert {f.host for f in found} <= hosts and {f.peer for f in found} <= {HUB, wan(spoke)}
    assert all(f.severity is Severity.CRITICAL for f in found)
    assert any(quote in line for f in found for line in f.evidence), found[0].evidence
    if spoke == 4:  # the spoke's view names the broken direction
        (v04,) = [f for f in found if f.host == "V04"]
        assert "(return path)" in v04.summary and f"the return path {HUB} -> V04" in v04.cause


def test_triage_of_the_healthy_spoke_finds_it_up(flex: tuple[Fleet, Path]) -> None:
    result = triage(flex, 1)
    assert not result.debug  # up: nothing to explain, no debug
    by_host = {h.host: h for h in result.report.hosts}
    assert (by_host["V01"].tunnels_up, by_host["V01"].tunnels_total) == (1, 1)
    assert by_host["V01"].worst_severity() in (None, Severity.INFO)
