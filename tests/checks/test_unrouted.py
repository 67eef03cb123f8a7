"""CRYPTO_NO_ROUTE on a real capture and on the same capture with the route it lacked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.checks.support import GOLDEN, cli_json

CASE = GOLDEN / "cbt_ios_crypto_session_down_no_default_route" / "raw.txt"
# the route the trainer added to fix it, as IOS prints the table afterwards
FIXED = (
    "    Gateway of last resort is 15.1.1.5 to network 0.0.0.0\n\n"
    "    S*    0.0.0.0/0 [1/0] via 15.1.1.5\n"
)


def _codes(capsys: pytest.CaptureFixture[str], path: Path) -> dict[str, str]:
    _, findings = cli_json(capsys, str(path))
    return {f["code"]: f["severity"] for f in findings}


def test_no_route_to_peer_or_lan_is_the_cause(capsys: pytest.CaptureFixture[str]) -> None:
    codes = _codes(capsys, CASE)
    assert codes.get("CRYPTO_NO_ROUTE") == "critical"
    assert "NO_INTERESTING_TRAFFIC" not in codes  # one voice: the route, not "nobody tried"


def test_a_default_route_clears_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = CASE.read_text().replace("    Gateway of last resort is not set\n", FIXED)
    (tmp_path / "R1.txt").write_text(text)
    codes = _codes(capsys, tmp_path / "R1.txt")
    assert "CRYPTO_NO_ROUTE" not in codes
    assert codes.get("NO_INTERESTING_TRAFFIC") == "info"


def test_a_cut_table_proves_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = CASE.read_text().replace("    Gateway of last resort is not set\n", "")
    (tmp_path / "R1.txt").write_text(text)
    assert "CRYPTO_NO_ROUTE" not in _codes(capsys, tmp_path / "R1.txt")
