"""Faults 1, 3, 5 and 13 of the lab-protocols issue, diagnosed live by the health playbook.

``test_lab_faults.py`` reads recorded captures of these faults and ``tests/playbooks/
test_run_lab.py`` runs the default scenario's others live. Here each fault is set in a small
fleet of its own (HQ, the faulty branch and BR10 as a healthy control, as capture.py's
VARIANTS do), the clock runs through IKE's retransmissions, and ``health_check`` runs over SSH.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from lab.fleet import Fleet
from lab.inventory import write_inventory
from lab.network import Fault, FaultKind
from lab.scenario import FaultSpec, Scenario, load_scenario
from nornir_tasks.checks import registered_codes
from nornir_tasks.models.findings import Finding, Severity
from nornir_tasks.playbooks.loader import load_playbook
from nornir_tasks.playbooks.runner import PlaybookRun, RunOptions, run_playbook
from nornir_tasks.tasks.hosts import open_inventory

pytestmark = pytest.mark.lab

HQ = "198.51.100.2"
BR12_ISP2 = "192.0.2.2"  # BR12's backup address: HQ has no key for it
CONTROL = "BR10"  # a healthy tunnel in every fleet


def wan(n: int) -> str:
    return f"203.0.113.{4 * n + 2}"


@dataclass(frozen=True)
class Expected:
    """A finding the fault must produce: where, about which peer, and what its cause says."""

    host: str
    code: str
    peer: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class LiveFault:
    branch: str
    expected: tuple[Expected, ...]
    faults: tuple[FaultSpec, ...] = ()
    edit: tuple[str, str] | None = None  # (old, new) text of the branch's configuration
    isp1_fails: bool = False  # ISP1 of the branch goes down once the tunnel is up

    def scenario(self) -> Scenario:
        scenario = load_scenario("default")
        scenario.routers = [r for r in scenario.routers if r.name in ("HQ", self.branch, CONTROL)]
        scenario.faults = list(self.faults)
        if self.edit is not None:
            router = next(r for r in scenario.routers if r.name == self.branch)
            assert self.edit[0] in router.config
            router.config = router.config.replace(*self.edit)
        return scenario


def _drop_ike(src: str, dst: str) -> FaultSpec:
    return FaultSpec(kind="drop", src=src, dst=dst, protocol="ike")


FAULTS = {
    "1 peer unreachable": LiveFault(
        "BR01",
        (Expected("BR01", "IKE_P1_NO_RESPONSE", HQ, ("never heard back", "never reached HQ")),),
        faults=(_drop_ike("BR01", "HQ"), _drop_ike("HQ", "BR01")),
    ),
    "3 phase-1 policy": LiveFault(
        "BR01",
        (
            Expected("BR01", "IKE_P1_POLICY_MISMATCH", HQ, ("BR01 offers 3des", "aes 256")),
            Expected("HQ", "IKE_P1_POLICY_MISMATCH", wan(1), ("encryption", "no policy")),
        ),
        edit=(" encr aes 256\n", " encr 3des\n"),
    ),
    "5 no key for the peer": LiveFault(
        "BR01",
        (Expected("BR01", "IKE_P1_PSK_MISSING", HQ, ("none covers 198.51.100.2",)),),
        edit=(f"crypto isakmp key Br01-Psk-7x address {HQ}\n", ""),
    ),
    "13 ISP1 down, hub rejects the backup": LiveFault(
        "BR12",
        (
            Expected(
                "BR12",
                "FAILOVER_PEER_REJECTS_BACKUP",
                HQ,
                (f"no pre-shared key for {BR12_ISP2}", "The backup is in use now"),
            ),
            Expected(
                "HQ", "IKE_P1_PSK_MISSING", BR12_ISP2, (f"BR12 sources IKE from {BR12_ISP2}",)
            ),
        ),
        isp1_fails=True,
    ),
}


def settle(fleet: Fleet, fault: LiveFault) -> None:
    """Run the clock until the fault shows as it stays: past a full round of retransmissions."""
    if not fault.isp1_fails:
        fleet.advance(75)  # MSG1 + 5 retransmits 10 s apart, then a new attempt
        return
    fleet.advance(60)
    fleet.add_fault(Fault(FaultKind.ISP_DOWN, router=fault.branch, interface="GigabitEthernet1"))
    # track down, EEM, default via ISP2; the attempt begun from the ISP1 address dies by
    # retransmission, then IKE comes only from the ISP2 address
    fleet.advance(120)


def health(fleet: Fleet, tmp_path: Path, **options: object) -> PlaybookRun:
    nr = open_inventory(write_inventory(fleet, tmp_path / "inv"))
    try:
        opts = RunOptions(sleep=fleet.advance, clock=fleet.clock.now, **options)  # type: ignore[arg-type]
        return run_playbook(nr, load_playbook("health_check", registered_codes()), opts)
    finally:
        nr.close_connections()


def ends(fault: LiveFault) -> dict[str, frozenset[str]]:
    """Each end of the faulty tunnel, and the addresses it may name the other end by."""
    n = int(fault.branch[2:])
    hq_view = {wan(n), BR12_ISP2} if fault.isp1_fails else {wan(n)}
    return {"HQ": frozenset(hq_view), fault.branch: frozenset({HQ})}


def shown(findings: tuple[Finding, ...]) -> list[tuple[str, str, str | None, str]]:
    return [(f.host, f.code, f.peer, f.severity.value) for f in findings]


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
def test_fault_is_diagnosed_live_on_the_right_router(
    fault: LiveFault, fleet_factory: Callable[[Scenario], Fleet], tmp_path: Path
) -> None:
    fleet = fleet_factory(fault.scenario())
    settle(fleet, fault)
    run = health(fleet, tmp_path)
    findings = run.report.findings

    for want in fault.expected:
        hits = [
            f for f in findings if (f.host, f.code, f.peer) == (want.host, want.code, want.peer)
        ]
        assert hits, shown(findings)
        assert max(f.severity for f in hits) is Severity.CRITICAL
        for words in want.words:
            assert any(words in f.cause for f in hits), [f.cause for f in hits]
        assert all(f.evidence and f.next_steps for f in hits)

    # Named once per cause: nothing else critical anywhere, and the end that is only a
    # symptom (or a bystander) says nothing above info about this tunnel.
    critical = {(f.host, f.code, f.peer) for f in findings if f.severity is Severity.CRITICAL}
    assert critical == {(e.host, e.code, e.peer) for e in fault.expected}, shown(findings)
    named = {e.host for e in fault.expected}
    for host, peers in ends(fault).items():
        if host not in named:
            assert not [
                f
                for f in findings
                if f.host == host and f.peer in peers and f.severity > Severity.INFO
            ], shown(findings)

    by_host = {h.host: h for h in run.report.hosts}
    assert by_host[fault.branch].tunnels_up == 0
    control = by_host[CONTROL]
    assert control.worst_severity() in (None, Severity.INFO), control.findings
    assert (control.tunnels_up, control.tunnels_total) == (1, 1)
    assert not [f for f in findings if f.peer == wan(10) and f.severity > Severity.INFO]


def test_debug_capture_quotes_the_missing_key_and_leaves_no_debug_running(
    fleet_factory: Callable[[Scenario], Fleet], tmp_path: Path
) -> None:
    fault = FAULTS["5 no key for the peer"]
    fleet = fleet_factory(fault.scenario())
    settle(fleet, fault)
    run = health(
        fleet,
        tmp_path,
        escalate=True,
        debug_always=True,
        debug_seconds=25,
        focus=frozenset({HQ, wan(1)}),
    )
    assert {(c.host, c.peer) for c in run.debug} == {("BR01", HQ), ("HQ", wan(1))}
    assert all(c.cleanup_verified for c in run.debug)
    for name in ("HQ", "BR01", CONTROL):
        device = fleet.device(name)
        assert not device.debugs and not device.debug_conditions, name

    missing = [f for f in run.report.findings if (f.host, f.code) == ("BR01", "IKE_P1_PSK_MISSING")]
    quoted = [line for f in missing for line in f.evidence]
    assert any(f"No pre-shared key with {HQ}!" in line for line in quoted), quoted
    assert all(f.peer == HQ and f.severity is Severity.CRITICAL for f in missing)
    assert not [f for f in run.report.findings if f.host == "HQ" and f.severity > Severity.INFO]


def test_after_failover_the_hub_is_debugged_for_the_backup_address(
    fleet_factory: Callable[[Scenario], Fleet], tmp_path: Path
) -> None:
    """HQ's conditional debug must follow the address BR12 really talks from (ISP2 now)."""
    fault = FAULTS["13 ISP1 down, hub rejects the backup"]
    fleet = fleet_factory(fault.scenario())
    settle(fleet, fault)
    run = health(
        fleet, tmp_path, debug_always=True, debug_seconds=25, focus=frozenset({HQ, BR12_ISP2})
    )
    assert ("HQ", BR12_ISP2) in {(c.host, c.peer) for c in run.debug}
    hq = next(c for c in run.debug if c.host == "HQ")
    assert hq.cleanup_verified and any(BR12_ISP2 in line for line in hq.lines)
    assert not fleet.device("HQ").debugs and not fleet.device("HQ").debug_conditions
