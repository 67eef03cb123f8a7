"""``vpndiag parse``: JSON written piece by piece, unparsed lines on stderr, --strict, and the
input size limit shared with ``vpndiag diagnose``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml

from nornir_tasks.cli import exit_codes
from nornir_tasks.cli.json_stream import write_json
from nornir_tasks.cli.main import main
from nornir_tasks.models import to_jsonable
from nornir_tasks.parsers import parse

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
CASES = sorted(p for p in GOLDEN.iterdir() if (p / "raw.txt").exists())
ASA_IPSEC = GOLDEN / "ntc_asa_ipsec_sa_ra_and_l2l_natt" / "raw.txt"


def _command(case: Path) -> str:
    meta = yaml.safe_load((case / "provenance.yaml").read_text())
    return str(meta.get("parse_as") or meta["command"])


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_streamed_json_is_exactly_json_dumps(case: Path) -> None:
    model = parse(_command(case), (case / "raw.txt").read_text())
    out = io.StringIO()
    write_json(model, out, batch=5)
    assert out.getvalue() == json.dumps(to_jsonable(model), indent=2) + "\n"


def test_parse_prints_unparsed_lines_on_stderr_and_strict_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capture = tmp_path / "asa.txt"
    capture.write_text("Widget frobnication: on\n" + ASA_IPSEC.read_text())
    assert main(["parse", "show crypto ipsec sa", str(capture)]) == exit_codes.OK
    out, err = capsys.readouterr()
    assert len(json.loads(out)["flows"]) == 3
    assert "line 1: Widget frobnication: on" in err
    assert main(["parse", "--strict", "show crypto ipsec sa", str(capture)]) == exit_codes.USAGE
    assert "Widget frobnication" in capsys.readouterr().err


def test_input_over_the_size_limit_is_refused_before_it_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.txt"
    big.write_text(ASA_IPSEC.read_text() * (2 * 2**20 // len(ASA_IPSEC.read_text()) + 1))
    rc = main(["parse", "--max-input-mb", "1", "show crypto ipsec sa", str(big)])
    err = capsys.readouterr().err
    assert rc == exit_codes.USAGE
    assert f"{big} is 2.0 MB, over the 1 MB input limit (--max-input-mb raises it" in err
    assert main(["diagnose", "--max-input-mb", "1", str(big)]) == exit_codes.USAGE
    assert "over the 1 MB input limit" in capsys.readouterr().err
    assert main(["parse", "--max-input-mb", "3", "show crypto ipsec sa", str(big)]) == 0
