"""Batches over two dual-ISP branches: a batch is confirmed only if every host in it passed."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from nornir.core import Nornir
from nornir.core.filter import F

from lab.fleet import Fleet
from lab.network import Fault, FaultKind
from lab.scenario import Router, Scenario
from nornir_tasks.failover import push
from nornir_tasks.failover.push import (
    ApplyOptions,
    HostOutcome,
    HostPlan,
    Outcome,
    apply_failover,
    plan_failover,
)
from nornir_tasks.failover.spec import FailoverSpec
from nornir_tasks.tasks.config_session import ConfigSession
from tests.failover.support import SPEC, nornir_for, pending_revert, running, scenario

pytestmark = pytest.mark.lab

FleetFactory = Callable[[Scenario], Fleet]
BRANCHES = ("BR12", "BR13")
# BR12 -> BR13: its own WAN /30s on both ISPs, LAN and key (nothing collides on the underlay)
_BR13 = {
    "BR12": "BR13",
    "br12": "br13",
    "Br12-Psk": "Br13-Psk",
    "203.0.113.50": "203.0.113.54",
    "203.0.113.49": "203.0.113.53",
    "192.0.2.2": "192.0.2.6",
    "192.0.2.1": "192.0.2.5",
    "10.12.0.0": "10.13.0.0",
    "10.12.0.1": "10.13.0.1",
}
_SWAP = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, _BR13)) + r")(?![\w])")
ISP1_DOWN_BR13 = Fault(FaultKind.ISP_DOWN, router="BR13", interface="GigabitEthernet1")
SLA_TIMEOUT = "IP SLA 10: return code Timeout (want OK)"
REVERTED = "reverted (configure revert now)"
LOST = "connection closed by the device: SSH session lost"


def _as_br13(text: str) -> str:
    return _SWAP.sub(lambda m: _BR13[m.group(1)], text)


SPECS = {
    "BR12": SPEC,
    "BR13": FailoverSpec.model_validate_json(_as_br13(SPEC.model_dump_json())),
}


def _hub_serves_br13(hq: Router) -> Router:
    """HQ with a key, a crypto map entry (both BR13 addresses) and a crypto ACL for BR13."""
    key = "crypto isakmp key Br12-Psk-7x address 203.0.113.50\n"
    entry = " match address VPN-BR12\n"
    acl = " permit ip 10.0.0.0 0.0.0.255 10.12.0.0 0.0.0.255\n"
    assert all(line in hq.config for line in (key, entry, acl))
    config = (
        hq.config.replace(key, key + "crypto isakmp key Br13-Psk-7x address 203.0.113.54\n")
        .replace(key, key + "crypto isakmp key Br13-Psk-7x address 192.0.2.6\n")
        .replace(
            entry,
            entry + "crypto map VPN 130 ipsec-isakmp\n description to BR13\n"
            " set peer 203.0.113.54\n set peer 192.0.2.6\n set transform-set TS\n"
            " match address VPN-BR13\n",
        )
        .replace(
            acl,
            acl + "ip access-list extended VPN-BR13\n"
            " permit ip 10.0.0.0 0.0.0.255 10.13.0.0 0.0.0.255\n",
        )
    )
    return hq.model_copy(update={"config": config})


def two_branches() -> Scenario:
    """HQ, BR12 before failover was configured, and BR13: BR12 cloned onto other addresses."""
    base = scenario(hub_accepts_backup=True)
    by_name = {r.name: r for r in base.routers}
    br13 = Router.model_validate_json(_as_br13(by_name["BR12"].model_dump_json()))
    br13.data["lab_note"] = "BR12 on other addresses; HQ accepts both of its WAN addresses"
    assert "ip address 203.0.113.54 255.255.255.252" in br13.config
    assert "ip address 192.0.2.6 255.255.255.252" in br13.config
    assert "ip route 0.0.0.0 0.0.0.0 203.0.113.53\n" in br13.config
    assert "BR12" not in br13.config and "10.12." not in br13.config
    routers = [_hub_serves_br13(by_name["HQ"]), by_name["BR12"], br13]
    return base.model_copy(update={"routers": routers})


def _plans(fleet: Fleet, tmp_path: Path) -> tuple[Nornir, list[HostPlan]]:
    nr = nornir_for(fleet, tmp_path / "inv").filter(F(name__any=list(BRANCHES)))
    hq_text = running(fleet, "HQ")
    plans, failed = plan_failover(nr, SPECS, peers={"HQ": hq_text})
    assert not failed
    assert [p.host for p in plans] == list(BRANCHES)
    assert all(p.diff and not p.findings for p in plans), [p.findings for p in plans]
    return nr, plans


def _apply(fleet: Fleet, tmp_path: Path, batch_size: int) -> dict[str, HostOutcome]:
    nr, plans = _plans(fleet, tmp_path)
    options = ApplyOptions(
        backup_dir=tmp_path / "backups", batch_size=batch_size, poll_s=30.0, retry_delays=(0.1,)
    )
    return {o.host: o for o in apply_failover(nr, plans, options, wait=fleet.advance)}


def test_one_failed_host_reverts_the_host_of_its_batch_that_passed(
    fleet_factory: FleetFactory, tmp_path: Path
) -> None:
    fleet = fleet_factory(two_branches())
    before = {n: running(fleet, n) for n in BRANCHES}
    fleet.add_fault(ISP1_DOWN_BR13)  # BR13's probe times out: its post-checks cannot pass
    done = _apply(fleet, tmp_path, batch_size=2)
    br12, br13 = done["BR12"], done["BR13"]
    assert br13.outcome is Outcome.ROLLED_BACK
    assert SLA_TIMEOUT in br13.problems
    assert br13.steps[-2:] == (REVERTED, "batch 1 of 1 failed: BR13")
    # BR12 passed on its own: only the batch rule reverted it, and its report says so
    assert br12.outcome is Outcome.ROLLED_BACK
    assert br12.problems == ("batch 1 of 1 failed: BR13",)
    assert br12.steps[-3:] == ("post-checks passed", REVERTED, "batch 1 of 1 failed: BR13")
    for name in BRANCHES:
        assert running(fleet, name) == before[name], name
        assert not pending_revert(fleet, name), name


def test_a_confirmed_batch_stays_applied_when_a_later_batch_fails(
    fleet_factory: FleetFactory, tmp_path: Path
) -> None:
    fleet = fleet_factory(two_branches())
    before = running(fleet, "BR13")
    fleet.add_fault(ISP1_DOWN_BR13)
    done = _apply(fleet, tmp_path, batch_size=1)
    assert (done["BR12"].outcome, done["BR12"].problems) == (Outcome.APPLIED, ())
    assert not pending_revert(fleet, "BR12")  # confirmed before BR13 was touched
    assert done["BR13"].outcome is Outcome.ROLLED_BACK
    assert SLA_TIMEOUT in done["BR13"].problems
    assert done["BR13"].steps[-1] == "batch 2 of 2 failed: BR13"
    assert running(fleet, "BR13") == before and not pending_revert(fleet, "BR13")
    fleet.advance(400)  # past BR12's revert timer: still applied
    assert _second_plan_diffs(fleet, tmp_path)["BR12"] == ""  # every rendered line is there


def test_a_healthy_batch_of_two_is_confirmed_and_then_has_no_diff(
    fleet_factory: FleetFactory, tmp_path: Path
) -> None:
    fleet = fleet_factory(two_branches())
    done = _apply(fleet, tmp_path, batch_size=2)
    for name in BRANCHES:
        assert (done[name].outcome, done[name].problems) == (Outcome.APPLIED, ()), name
        assert done[name].steps[-1] == "post-checks passed", name
        assert not pending_revert(fleet, name), name
    assert "ip route 0.0.0.0 0.0.0.0 203.0.113.53 track 10\n" in running(fleet, "BR13")
    fleet.advance(400)
    assert _second_plan_diffs(fleet, tmp_path) == dict.fromkeys(BRANCHES, "")


def _lost_session(host: str, session: ConfigSession, ledger: object) -> None:
    raise ConnectionError("SSH session lost")


def _timer_named(problem: str, what: str) -> None:
    """The loud message: the router, what failed, the timer and what IOS does when it fires."""
    assert problem.startswith(f"BR12: the change is LIVE and unconfirmed ({what}")
    assert "300 s revert timer" in problem and "IOS rolls the change back by itself" in problem


def test_a_revert_that_fails_is_reported_and_ios_reverts_at_the_timer(
    fleet_factory: FleetFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fleet = fleet_factory(two_branches())
    before = running(fleet, "BR12")
    fleet.add_fault(ISP1_DOWN_BR13)
    monkeypatch.setattr(push, "revert_failover", _lost_session)  # BR12's batch revert
    done = _apply(fleet, tmp_path, batch_size=2)
    assert done["BR13"].outcome is Outcome.ROLLED_BACK
    assert done["BR12"].outcome is Outcome.FAILED
    assert done["BR12"].problems[0] == "batch 1 of 1 failed: BR13"
    _timer_named(done["BR12"].problems[1], f"2 reverts failed, the last over a new session: {LOST}")
    assert pending_revert(fleet, "BR12")
    fleet.advance(300)
    assert _timer_reverted(running(fleet, "BR12")) == before
    assert not pending_revert(fleet, "BR12")


def test_a_confirm_that_fails_is_reported_and_later_batches_are_skipped(
    fleet_factory: FleetFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fleet = fleet_factory(two_branches())
    before = {n: running(fleet, n) for n in BRANCHES}
    monkeypatch.setattr(push, "confirm_failover", _lost_session)
    done = _apply(fleet, tmp_path, batch_size=1)
    assert done["BR12"].outcome is Outcome.FAILED
    (problem,) = done["BR12"].problems
    _timer_named(problem, f"confirm failed: {LOST}")
    assert (done["BR13"].outcome, done["BR13"].problems, done["BR13"].steps) == (
        Outcome.SKIPPED,
        ("batch 1 of 2: confirm failed on BR12",),
        (),
    )
    assert running(fleet, "BR13") == before["BR13"]
    assert pending_revert(fleet, "BR12")
    fleet.advance(300)
    assert _timer_reverted(running(fleet, "BR12")) == before["BR12"]


def _timer_reverted(config: str) -> str:
    """A config IOS reverted at the timer, less napalm's ``file prompt quiet``.

    The timer restores the archive taken at ``configure terminal revert timer``, when napalm's
    ``file prompt quiet`` was on; napalm removed it at close, before the timer fired.
    """
    assert "!\nfile prompt quiet\n" in config
    return config.replace("!\nfile prompt quiet\n", "", 1)


def _second_plan_diffs(fleet: Fleet, tmp_path: Path) -> dict[str, str]:
    """The device diff of a second plan, per branch."""
    nr = nornir_for(fleet, tmp_path / "inv2").filter(F(name__any=list(BRANCHES)))
    plans, failed = plan_failover(nr, SPECS, peers={"HQ": running(fleet, "HQ")})
    assert not failed
    return {p.host: p.diff for p in plans}
