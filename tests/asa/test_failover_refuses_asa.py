"""``vpndiag failover plan|apply`` refuses an ASA host (exit 3) before any session opens."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nornir_tasks.cli import exit_codes
from nornir_tasks.cli.main import main
from tests.failover.support import SPEC


def _inventory(tmp_path: Path) -> Path:
    # Port 9 (discard) on loopback: a session attempt would fail loudly, not hang.
    hosts = {
        "ASA1": {"hostname": "127.0.0.1", "port": 9, "platform": "cisco_asa"},
        "BR12": {"hostname": "127.0.0.1", "port": 9, "platform": "ios"},
    }
    (tmp_path / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    config = {
        "inventory": {
            "plugin": "SimpleInventory",
            "options": {"host_file": str(tmp_path / "hosts.yaml")},
        },
        "runner": {"plugin": "threaded", "options": {"num_workers": 2}},
        "logging": {"enabled": False},
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.mark.parametrize("action", ["plan", "apply"])
def test_failover_refuses_an_asa_host_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], action: str
) -> None:
    spec = tmp_path / "failover.yaml"
    spec.write_text(yaml.safe_dump({"failover": SPEC.model_dump(mode="json", exclude_none=True)}))
    argv = ["failover", action, "-i", str(_inventory(tmp_path)), "--spec", str(spec)]
    code = main([*argv, "--hosts", "ASA1", "--hosts", "BR12"])
    err = capsys.readouterr().err
    assert code == exit_codes.USAGE
    assert err.startswith("error: ASA1: an ASA") and "IOS/IOS-XE only" in err, err
