"""The test loop's own rules (tests/conftest.py, tests/schedule.py, tests/debian.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.debian import debian_tool
from tests.schedule import DURATIONS, expected_seconds

ROOT = Path(__file__).parents[1]


def test_a_test_without_the_external_mark_may_not_run_debian_tools() -> None:
    with pytest.raises(pytest.fail.Exception, match=r"mark it pytest\.mark\.external"):
        debian_tool("sh", "dash")


@pytest.mark.external
def test_an_external_test_may() -> None:
    assert Path(debian_tool("sh", "dash")).name == "sh"


def test_the_durations_file_is_read_with_its_comments(tmp_path: Path) -> None:
    listed = tmp_path / "d.txt"
    listed.write_text("# header\n  12.5 tests/a.py\n\n 3.0 tests/b.py  # note\nbad line here\n")
    assert expected_seconds(listed) == {"tests/a.py": 12.5, "tests/b.py": 3.0}
    assert expected_seconds(tmp_path / "missing.txt") == {}


def test_every_module_in_the_shipped_durations_exists() -> None:
    """A renamed slow module would lose its place at the front without a word."""
    missing = [m for m in expected_seconds(DURATIONS) if not (ROOT / m).is_file()]
    assert not missing, f"{missing}: run `make durations` or edit {DURATIONS.name}"
