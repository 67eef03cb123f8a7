"""write_reports: every format to a directory or to chosen paths, read back from disk."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from nornir_tasks.reports import FORMATS, render, write_reports
from nornir_tasks.reports.schema import validate
from tests.reports.sample import fleet_report


def test_all_formats_into_a_directory(tmp_path: Path) -> None:
    out = tmp_path / "reports" / "nightly"
    written = write_reports(fleet_report(), out)
    assert written == {
        "json": out / "report.json",
        "junit": out / "report.junit.xml",
        "markdown": out / "report.md",
        "html": out / "report.html",
    }
    assert validate(json.loads(written["json"].read_text(encoding="utf-8"))) == []
    assert ET.parse(written["junit"]).getroot().get("tests") == "22"
    assert written["markdown"].read_text(encoding="utf-8").startswith("# Fleet health check")
    assert "spoke1 → 203.0.113.1" in written["html"].read_text(encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written.values())


def test_chosen_formats_and_stem(tmp_path: Path) -> None:
    written = write_reports(fleet_report(), tmp_path, formats=["html"], stem="vpndiag-0600")
    assert written == {"html": tmp_path / "vpndiag-0600.html"}


def test_paths_by_format(tmp_path: Path) -> None:
    paths = {"junit": tmp_path / "ci" / "junit.xml", "json": tmp_path / "run.json"}
    written = write_reports(fleet_report(), paths)
    assert written == paths
    assert written["json"].read_text(encoding="utf-8") == render(fleet_report(), "json")


def test_unknown_format_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(
        ValueError, match=r"unknown report format 'pdf'.*json, junit, markdown, html"
    ):
        write_reports(fleet_report(), tmp_path, formats=["json", "pdf"])
    assert list(tmp_path.iterdir()) == []
    assert list(FORMATS) == ["json", "junit", "markdown", "html", "prometheus"]
