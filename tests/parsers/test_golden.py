"""Golden files: every real capture in tests/golden parses to its reviewed expected.json.

Layout per case: ``raw.txt`` (the device output, verbatim), ``provenance.yaml`` (copied from
the shared corpus or written for a capture added here: source, command, platform) and
``expected.json`` (the model as JSON, reviewed against the values in the provenance file).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from nornir_tasks.models import to_jsonable
from nornir_tasks.parsers import parse

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
CASES = sorted(p for p in GOLDEN.iterdir() if (p / "expected.json").exists())


def _command(case: Path) -> str:
    meta = yaml.safe_load((case / "provenance.yaml").read_text())
    return str(meta.get("parse_as") or meta["command"])


def test_golden_cases_exist() -> None:
    assert len(CASES) >= 20, "the shared corpus cases must be copied into tests/golden"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(case: Path) -> None:
    raw = (case / "raw.txt").read_text()
    expected = json.loads((case / "expected.json").read_text())
    assert to_jsonable(parse(_command(case), raw)) == expected
