"""Against the lab: run, inject a fault, run, and the diff names exactly the new finding; clear
it, run again, and it is resolved. Each run is recorded as ``vpndiag run`` records it."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab.fleet import Fleet
from lab.inventory import write_inventory
from lab.network import Fault, FaultKind
from nornir_tasks.cli.main import main
from nornir_tasks.history.diff import drift
from nornir_tasks.history.store import HistoryStore
from nornir_tasks.models.report import TunnelStatus

pytestmark = pytest.mark.lab

HQ = "198.51.100.2"


def record(fleet: Fleet, config: Path, db: Path) -> int:
    """``vpndiag run health_check --hosts BR01 --db DB``: the CLI records the run itself."""
    main(
        [
            "run",
            "health_check",
            "-i",
            str(config),
            "--hosts",
            "BR01",
            "--db",
            str(db),
            "-q",
            "--poll-interval",
            "0",
        ]
    )
    with HistoryStore(db) as store:
        latest = store.latest()
        assert latest is not None and store.runs()[0].complete
    return latest


def up_again(fleet: Fleet, router: str, peer: str, limit: float = 600.0) -> None:
    """Advance the lab clock until ``router`` holds a QM_IDLE phase 1 and an IPsec SA with
    ``peer`` again. How long a failed phase 1 takes to clear and the next attempt to succeed
    depends on where its retransmission timers stood when the fault went (the lab clock also
    moves with real time, so a loaded machine shifts them): wait for the state, not a guess."""

    def up() -> bool:
        state = fleet.device(router).crypto
        phase1 = any(s.peer == peer and s.state.name == "QM_IDLE" for s in state.isakmp)
        return phase1 and bool(state.ipsec)

    waited = 0.0
    while not fleet.call(up):
        assert waited < limit, f"{router} did not bring its tunnel to {peer} up in {limit} s"
        fleet.advance(10)
        waited += 10


def audit_diff(db: Path, *args: str) -> int:
    """``vpndiag audit diff ARGS --db DB``."""
    return main(["audit", "diff", *args, "--db", str(db)])


def test_a_fault_appears_in_the_diff_and_resolves_when_cleared(
    fresh_lab: Fleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fleet, db = fresh_lab, tmp_path / "history.db"
    fleet.advance(90)
    config = write_inventory(fleet, tmp_path / "inventory")
    healthy = record(fleet, config, db)

    fleet.add_fault(Fault(FaultKind.DROP, src="BR01", dst="HQ"))
    fleet.add_fault(Fault(FaultKind.DROP, src="HQ", dst="BR01"))
    try:
        fleet.advance(120)
        faulty = record(fleet, config, db)
    finally:
        fleet.clear_faults()
    up_again(fleet, "BR01", HQ)
    cleared = record(fleet, config, db)

    with HistoryStore(db) as store:
        broke = drift(store.between(healthy, faulty))
        fixed = drift(store.between(faulty, cleared))
        timeline = [s.state for s in store.tunnel_history("BR01", HQ)]
    assert [(f.host, f.peer, f.code) for f in broke.new_findings] == [
        ("BR01", HQ, "IKE_P1_NO_RESPONSE")
    ]
    assert [(c.peer, c.before) for c in broke.went_down] == [(HQ, TunnelStatus.UP)]
    assert not (broke.resolved_findings or broke.came_up or broke.config_changes)

    assert fixed.new_findings == ()
    assert [(f.host, f.peer, f.code) for f in fixed.resolved_findings] == [
        ("BR01", HQ, "IKE_P1_NO_RESPONSE")
    ]
    assert [(c.peer, c.after) for c in fixed.came_up] == [(HQ, TunnelStatus.UP)]
    assert timeline[0] is timeline[2] is TunnelStatus.UP and timeline[1] is not TunnelStatus.UP

    capsys.readouterr()
    since, run = str(healthy), str(faulty)
    assert audit_diff(db, "--since", since, "--run", run, "--fail-on", "warning") == 1
    assert "IKE_P1_NO_RESPONSE" in capsys.readouterr().out
    assert audit_diff(db, "--since", since, "--fail-on", "info") == 0  # the latest: cleared
    assert "no drift" in capsys.readouterr().out
