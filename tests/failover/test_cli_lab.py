"""``vpndiag failover plan`` as an engineer runs it, against the lab over real napalm SSH."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from lab.fleet import Fleet
from lab.inventory import write_inventory
from lab.scenario import Scenario
from nornir_tasks.cli.main import main
from tests.failover.support import SPEC, running, scenario

pytestmark = pytest.mark.lab


def spec_file(tmp_path: Path) -> Path:
    path = tmp_path / "failover.yaml"
    path.write_text(yaml.safe_dump({"failover": SPEC.model_dump(mode="json", exclude_none=True)}))
    return path


@pytest.mark.parametrize("hub_accepts_backup", [True, False], ids=["hub-ready", "hub-lacks-key"])
def test_plan_shows_the_change_and_changes_nothing(
    fleet_factory: Callable[[Scenario], Fleet],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    hub_accepts_backup: bool,
) -> None:
    fleet = fleet_factory(scenario(hub_accepts_backup))
    config = write_inventory(fleet, tmp_path / "inv")
    before = {name: running(fleet, name) for name in ("BR12", "HQ")}
    capsys.readouterr()
    code = main(
        [
            "failover",
            "plan",
            "-i",
            str(config),
            "--hosts",
            "BR12",
            "--spec",
            str(spec_file(tmp_path)),
        ]
    )
    out = capsys.readouterr().out
    assert {name: running(fleet, name) for name in ("BR12", "HQ")} == before
    assert "ip sla 10" in out and "track 10 ip sla 10 reachability" in out
    assert "Br12-Psk-7x" not in out and "Lab-Pa55" not in out
    if hub_accepts_backup:
        assert code == 0
        assert "FO_PEER_REJECTS_BACKUP" not in out
    else:
        assert code == 1  # lint: HQ would reject the tunnel from the backup address
        assert "FO_PEER_REJECTS_BACKUP" in out and "192.0.2.2" in out
