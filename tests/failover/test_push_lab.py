"""Plan and apply over real napalm/SSH against the lab (simulated time through fleet.advance)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from netmiko import ConnectHandler
from nornir.core import Nornir

from lab.fleet import Fleet
from lab.scenario import Scenario
from nornir_tasks.failover.push import (
    ApplyOptions,
    HostPlan,
    Outcome,
    apply_failover,
    plan_failover,
)
from nornir_tasks.failover.verify import FailoverObservation, observe, state_commands
from nornir_tasks.parsers.eem import parse_eem_history
from tests.failover.support import ISP1_DOWN, SPEC, nornir_for, pending_revert, running, scenario

pytestmark = pytest.mark.lab

FleetFactory = Callable[[Scenario], Fleet]


def _options(tmp_path: Path, **kw: object) -> ApplyOptions:
    kw.setdefault("poll_s", 30.0)  # simulated seconds: fewer SSH round trips per test
    return ApplyOptions(backup_dir=tmp_path / "backups", **kw)  # type: ignore[arg-type]


def _plans(fleet: Fleet, tmp_path: Path) -> tuple[Nornir, HostPlan]:
    nr = nornir_for(fleet, tmp_path / "inv")
    hq_text = fleet.call(lambda: fleet.device("HQ").running.render_body())
    plans, failed = plan_failover(nr.filter(name="BR12"), {"BR12": SPEC}, peers={"HQ": hq_text})
    assert not failed
    return nr.filter(name="BR12"), plans[0]


def test_plan_shows_the_diff_and_changes_nothing(
    fleet_factory: FleetFactory, tmp_path: Path
) -> None:
    fleet = fleet_factory(scenario(hub_accepts_backup=True))
    before, startup = running(fleet), fleet.call(lambda: fleet.device("BR12").startup_config)
    _, plan = _plans(fleet, tmp_path)
    lines = plan.diff.splitlines()
    assert "no ip route 0.0.0.0 0.0.0.0 203.0.113.49" in plan.change.splitlines()
    for wanted in (
        "+ip sla 10",
        "+track 10 ip sla 10 reachability",
        "+ip route 0.0.0.0 0.0.0.0 203.0.113.49 track 10",
    ):
        assert wanted in lines
    assert not plan.findings
    assert running(fleet) == before
    assert fleet.call(lambda: fleet.device("BR12").startup_config) == startup


def test_apply_is_idempotent_and_a_second_plan_has_no_diff(
    fleet_factory: FleetFactory, tmp_path: Path
) -> None:
    fleet = fleet_factory(scenario(hub_accepts_backup=True))
    nr, plan = _plans(fleet, tmp_path)
    [done] = apply_failover(nr, [plan], _options(tmp_path), wait=fleet.advance)
    assert done.outcome is Outcome.APPLIED, done.problems
    assert "post-checks passed" in done.steps
    assert not pending_revert(fleet)  # confirmed
    assert (
        done.backup is not None
        and "ip route 0.0.0.0 0.0.0.0 203.0.113.49\n" in done.backup.read_text()
    )
    assert "track 10 ip sla 10 reachability" in running(fleet)
    fleet.advance(400)  # past the revert timer: still there
    assert "track 10 ip sla 10 reachability" in running(fleet)
    nr2, again = _plans(fleet, tmp_path)
    assert again.diff == ""
    assert "ip sla 10\n" not in again.change  # a scheduled SLA is never re-entered
    [second] = apply_failover(nr2, [again], _options(tmp_path), wait=fleet.advance)
    assert second.outcome is Outcome.UNCHANGED


def test_a_failed_post_check_reverts_to_the_byte_identical_config(
    fleet_factory: FleetFactory, tmp_path: Path
) -> None:
    fleet = fleet_factory(scenario(hub_accepts_backup=True))
    before = running(fleet)
    nr, plan = _plans(fleet, tmp_path)
    fleet.add_fault(ISP1_DOWN)  # the probe times out: the post-checks cannot pass
    [done] = apply_failover(nr, [plan], _options(tmp_path), wait=fleet.advance)
    assert done.outcome is Outcome.ROLLED_BACK
    assert "IP SLA 10: return code Timeout (want OK)" in done.problems
    assert "reverted (configure revert now)" in done.steps
    assert running(fleet) == before
    assert not pending_revert(fleet)


def test_readiness_errors_name_the_lines_to_add(
    fleet_factory: FleetFactory, tmp_path: Path
) -> None:
    fleet = fleet_factory(scenario(hub_accepts_backup=True))
    nr, plan = _plans(fleet, tmp_path)

    def strip() -> None:
        fleet.device("BR12").running.remove_global("archive")
        fleet.device("BR12").running.remove_global("ip scp server enable")

    fleet.call(strip)
    before = running(fleet)
    [done] = apply_failover(nr, [plan], _options(tmp_path), wait=fleet.advance)
    assert done.outcome is Outcome.REFUSED
    text = "\n".join(done.problems)
    assert "Add:\narchive\n path bootflash:archive\n write-memory" in text
    assert "Add:\nip scp server enable" in text
    assert len(done.problems) == 2  # privilege 15 and free flash are fine
    assert running(fleet) == before


def test_the_hub_without_a_key_for_the_backup_address_blocks_the_push(
    fleet_factory: FleetFactory, tmp_path: Path
) -> None:
    fleet = fleet_factory(scenario(hub_accepts_backup=False))
    before = running(fleet)
    nr, plan = _plans(fleet, tmp_path)
    [finding] = [f for f in plan.findings if f.code == "FO_PEER_REJECTS_BACKUP"]
    assert finding.peer == "198.51.100.2" and "no pre-shared key for 192.0.2.2" in finding.cause
    assert all("Br12-Psk" not in line for line in finding.evidence)
    [done] = apply_failover(nr, [plan], _options(tmp_path), wait=fleet.advance)
    assert (done.outcome, done.problems) == (Outcome.REFUSED, ("lint: FO_PEER_REJECTS_BACKUP",))
    assert running(fleet) == before


def test_test_failover_moves_route_and_tunnel_to_isp2_and_back(
    fleet_factory: FleetFactory, tmp_path: Path
) -> None:
    fleet = fleet_factory(scenario(hub_accepts_backup=True))
    nr, plan = _plans(fleet, tmp_path)
    [done] = apply_failover(
        nr, [plan], _options(tmp_path, test_failover=True, revert_in_s=600), wait=fleet.advance
    )
    assert done.outcome is Outcome.APPLIED, done.problems
    assert done.steps[-4:] == (
        "test: shut GigabitEthernet1",
        "test: failed over to ISP2",
        "test: GigabitEthernet1 back up",
        "test: failed back to ISP1",
    )
    assert "interface GigabitEthernet1\n description ISP1\n ip address" in running(fleet)
    assert " shutdown" not in running(fleet).split("interface GigabitEthernet1")[1].split("!")[0]


def test_full_failover_after_apply_isp1_fault_and_recovery(
    fleet_factory: FleetFactory, tmp_path: Path
) -> None:
    fleet = fleet_factory(scenario(hub_accepts_backup=True))
    nr, plan = _plans(fleet, tmp_path)
    [done] = apply_failover(nr, [plan], _options(tmp_path), wait=fleet.advance)
    assert done.outcome is Outcome.APPLIED, done.problems
    conn = ConnectHandler(**fleet.connection("BR12"))
    conn.enable()
    own = frozenset({"203.0.113.50", "192.0.2.2", "10.12.0.1"})

    def seen() -> FailoverObservation:
        return observe(SPEC, {c: str(conn.send_command(c)) for c in state_commands(SPEC)}, own)

    try:
        assert seen().tunnels == {"198.51.100.2": "203.0.113.50"}
        fleet.add_fault(ISP1_DOWN)
        # The first probe to time out runs up to one frequency (5 s) after the fault, then
        # 1 s timeout and the 15 s down delay: 21 s in the worst phase.
        fleet.advance(25)
        now = seen()
        assert (now.track, now.default_via, now.sla_codes) == ("Down", "192.0.2.1", {10: "Timeout"})
        history = parse_eem_history(str(conn.send_command("show event manager history events")))
        assert [e.name for e in history.events][-1] == "ISP1-DOWN"
        fleet.advance(100)  # IKE gives up on ISP1 and comes back from ISP2
        assert seen().tunnels == {"198.51.100.2": "192.0.2.2"}
        fleet.clear_faults()
        fleet.advance(70)
        now = seen()
        assert (now.track, now.default_via, now.sla_codes) == ("Up", "203.0.113.49", {10: "OK"})
        history = parse_eem_history(str(conn.send_command("show event manager history events")))
        assert [e.name for e in history.events][-1] == "ISP1-UP"
    finally:
        conn.disconnect()
