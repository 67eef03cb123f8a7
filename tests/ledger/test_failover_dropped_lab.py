"""Issue 17 item 2 against the lab over real napalm/SSH: the connection drops after the
commit of ``failover apply``. vpndiag reconnects and reverts; when it cannot, it says loudly
which router, which timer and what IOS does when it fires, and the ledger keeps the entry."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from nornir.core import Nornir
from nornir.core.task import Result, Task

from lab.fleet import Fleet
from lab.scenario import Scenario
from nornir_tasks.cli.main import main
from nornir_tasks.failover.push import (
    ApplyOptions,
    HostPlan,
    Outcome,
    apply_failover,
    plan_failover,
)
from nornir_tasks.failover.revert import finish_open_reverts
from nornir_tasks.ledger import REVERT, Ledger, Owner, RevertEntry
from tests.failover.support import SPEC, nornir_for, pending_revert, running, scenario

pytestmark = pytest.mark.lab

FleetFactory = Callable[[Scenario], Fleet]


def _plan(fleet: Fleet, tmp_path: Path) -> tuple[Nornir, HostPlan]:
    nr = nornir_for(fleet, tmp_path / "inv")
    hq_text = running(fleet, "HQ")
    plans, failed = plan_failover(nr.filter(name="BR12"), {"BR12": SPEC}, peers={"HQ": hq_text})
    assert not failed and plans[0].diff
    return nr.filter(name="BR12"), plans[0]


def _options(tmp_path: Path) -> ApplyOptions:
    # Short waits between the reconnects (the default is 1, 2 and 4 s): as many tries, and a
    # refusal of 60 s still outlasts them all.
    return ApplyOptions(backup_dir=tmp_path / "backups", poll_s=30.0, retry_delays=(0.2,) * 3)


def _drop_after_commit(fleet: Fleet, refuse_s: float = 0.0) -> Callable[[float], None]:
    """The post-checks' first wait (the change is committed): cut BR12's sessions."""
    dropped: list[bool] = []

    def wait(seconds: float) -> None:
        if not dropped:
            dropped.append(True)
            assert pending_revert(fleet)  # after the commit, under the timer
            if refuse_s:
                fleet.call(lambda: fleet.device("BR12").refuse_sessions(refuse_s))
            fleet.drop_sessions("BR12")
        fleet.advance(seconds)

    return wait


def test_dropped_after_commit_reconnects_and_reverts(
    fleet_factory: FleetFactory, tmp_path: Path
) -> None:
    fleet = fleet_factory(scenario(hub_accepts_backup=True))
    before = running(fleet)
    nr, plan = _plan(fleet, tmp_path)
    [done] = apply_failover(nr, [plan], _options(tmp_path), wait=_drop_after_commit(fleet))
    assert done.outcome is Outcome.ROLLED_BACK, (done.steps, done.problems)
    assert any("reconnected" in s for s in done.steps), done.steps
    assert any("reverted (configure revert now)" in s for s in done.steps)
    assert not pending_revert(fleet)
    assert running(fleet) == before  # exactly the configuration before the change
    assert Ledger().hosts(REVERT) == []


def test_no_way_back_in_is_loud_and_the_ledger_keeps_the_timer(
    fleet_factory: FleetFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fleet = fleet_factory(scenario(hub_accepts_backup=True))
    before = running(fleet)
    nr, plan = _plan(fleet, tmp_path)
    wait = _drop_after_commit(fleet, refuse_s=60)
    started = time.monotonic()
    [done] = apply_failover(nr, [plan], _options(tmp_path), wait=wait)
    assert time.monotonic() - started < 30  # bounded retries
    assert done.outcome is Outcome.FAILED
    loud = " ".join(done.problems)
    assert "BR12" in loud and "300 s revert timer" in loud
    assert "IOS rolls the change back by itself" in loud and "configure confirm" in loud
    assert pending_revert(fleet)  # still live, under the router's own timer
    assert Ledger().hosts(REVERT) == ["BR12"]

    fleet.call(lambda: setattr(fleet.device("BR12"), "refuse_until", 0.0))
    # Any later run on BR12 says so, loudly.
    config = tmp_path / "inv" / "config.yaml"
    capsys.readouterr()
    main(["health", "-i", str(config), "--hosts", "BR12", "-q", "--poll-interval", "0"])
    err = capsys.readouterr().err
    assert "warning: BR12: vpndiag (pid" in err and "300 s revert timer" in err
    assert "IOS rolls it back by itself" in err
    fleet.advance(310)  # the timer fires: IOS restores the configuration itself
    assert not pending_revert(fleet)

    # The next apply on BR12 finds the entry, sees nothing pending, says what happened and
    # removes napalm's own "file prompt quiet" that IOS's snapshot brought back.
    said = finish_open_reverts(nr, ["BR12"], Ledger())
    assert "IOS rolled the change back by itself" in said["BR12"]
    assert running(fleet) == before and Ledger().hosts(REVERT) == []


def test_a_later_apply_reverts_what_a_killed_run_left_pending(
    fleet_factory: FleetFactory, tmp_path: Path
) -> None:
    fleet = fleet_factory(scenario(hub_accepts_backup=True))
    before = running(fleet)
    nr, plan = _plan(fleet, tmp_path)
    options = _options(tmp_path)
    killed = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                            capture_output=True, text=True, check=True)  # fmt: skip
    # What a run killed right after its commit leaves: the change live, the ledger entry.
    nr.run(task=_commit_only, change=plan.change, revert_in=300)
    options.ledger.record(
        RevertEntry("BR12", 300, time.time(), "failover", Owner(pid=int(killed.stdout)),
                    ("no file prompt quiet",))
    )  # fmt: skip
    options.ledger.release(REVERT, "BR12")
    assert pending_revert(fleet)
    [done] = apply_failover(nr, [replace(plan, diff="")], options, wait=fleet.advance)
    assert done.outcome is Outcome.UNCHANGED
    assert "reverted the change vpndiag" in done.steps[0]
    assert not pending_revert(fleet) and running(fleet) == before
    assert Ledger().hosts(REVERT) == []


def _commit_only(task: Task, change: str, revert_in: int) -> Result:
    driver = task.host.get_connection("napalm", task.nornir.config)
    driver.load_merge_candidate(config=change)
    driver.commit_config(revert_in=revert_in)
    return Result(host=task.host)
