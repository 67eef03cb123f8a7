"""``failover plan`` leaves the router as it was; a revert restores exactly the prior config.

napalm's IOS driver turns ``file prompt quiet`` on around its file operations and off again when
the connection closes, whether or not the router had it before (issue 17, item 3).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from netmiko import ConnectHandler

from lab.fleet import Fleet
from lab.scenario import Scenario
from nornir_tasks.failover.push import ApplyOptions, Outcome, apply_failover, plan_failover
from tests.failover.support import ISP1_DOWN, SPEC, nornir_for, running, scenario

pytestmark = pytest.mark.lab

FleetFactory = Callable[[Scenario], Fleet]
QUIET = "file prompt quiet"


def _scenario(quiet: bool) -> Scenario:
    """HQ and BR12 ready for failover; BR12 with or without ``file prompt quiet``."""
    base = scenario(hub_accepts_backup=True)
    routers = [
        r.model_copy(
            update={
                "config": r.config.replace(
                    "ip scp server enable\n", f"ip scp server enable\n{QUIET}\n"
                )
            }
        )
        if r.name == "BR12" and quiet
        else r
        for r in base.routers
    ]
    return base.model_copy(update={"routers": routers})


def _show_running(fleet: Fleet) -> str:
    """``show running-config`` over SSH, header and "Last configuration change" line included."""
    conn = ConnectHandler(**fleet.connection("BR12"))
    try:
        conn.enable()
        return str(conn.send_command("show running-config"))
    finally:
        conn.disconnect()


def _startup(fleet: Fleet) -> str:
    return fleet.call(lambda: fleet.device("BR12").startup_config)


def _flash(fleet: Fleet) -> list[str]:
    return fleet.call(lambda: sorted(p.name for p in fleet.device("BR12").flash_dir.iterdir()))


@pytest.mark.parametrize("quiet", [False, True], ids=["without-quiet", "with-quiet"])
def test_plan_leaves_the_running_config_byte_identical(
    fleet_factory: FleetFactory, tmp_path: Path, quiet: bool
) -> None:
    fleet = fleet_factory(_scenario(quiet))
    assert (QUIET in running(fleet)) is quiet
    before, shown, files = running(fleet), _show_running(fleet), _flash(fleet)
    nr = nornir_for(fleet, tmp_path / "inv")
    plans, failed = plan_failover(nr.filter(name="BR12"), {"BR12": SPEC})
    assert not failed and "+ip sla 10" in plans[0].diff.splitlines()
    assert running(fleet) == before
    assert _show_running(fleet) == shown  # not even the "Last configuration change" moved
    assert _flash(fleet) == files  # the merge candidate (it may hold keys) is not left behind


@pytest.mark.parametrize("quiet", [False, True], ids=["without-quiet", "with-quiet"])
def test_apply_then_revert_restores_exactly_the_prior_config(
    fleet_factory: FleetFactory, tmp_path: Path, quiet: bool
) -> None:
    fleet = fleet_factory(_scenario(quiet))
    before = running(fleet)
    nr = nornir_for(fleet, tmp_path / "inv").filter(name="BR12")
    plans, _ = plan_failover(nr, {"BR12": SPEC})
    fleet.add_fault(ISP1_DOWN)  # the post-checks cannot pass: vpndiag reverts
    options = ApplyOptions(backup_dir=tmp_path / "backups", poll_s=30.0)
    [done] = apply_failover(nr, plans, options, wait=fleet.advance)
    assert done.outcome is Outcome.ROLLED_BACK, done.problems
    assert running(fleet) == before
    assert (QUIET in _startup(fleet)) is quiet  # napalm saves after its rollback


@pytest.mark.parametrize("quiet", [False, True], ids=["without-quiet", "with-quiet"])
def test_a_confirmed_apply_keeps_the_file_prompt_setting(
    fleet_factory: FleetFactory, tmp_path: Path, quiet: bool
) -> None:
    fleet = fleet_factory(_scenario(quiet))
    nr = nornir_for(fleet, tmp_path / "inv").filter(name="BR12")
    plans, _ = plan_failover(nr, {"BR12": SPEC})
    options = ApplyOptions(backup_dir=tmp_path / "backups", poll_s=30.0)
    [done] = apply_failover(nr, plans, options, wait=fleet.advance)
    assert done.outcome is Outcome.APPLIED, done.problems
    after = running(fleet)
    assert "track 10 ip sla 10 reachability" in after
    assert (QUIET in after) is quiet
    assert (QUIET in _startup(fleet)) is quiet
