"""The HTML report of a lab run, opened in headless Chromium at 1280 px and 390 px wide: it
loads with no network request and no console error, shows the verdict and every finding, draws
the history chart and needs no sideways scrolling. Screenshots go to the test's folder."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from lab.fleet import Fleet
from lab.inventory import write_inventory
from nornir_tasks.cli.main import main
from tests.browser.chromium import RecordingProxy, chromium, png_size, run_chromium

pytestmark = [pytest.mark.lab, pytest.mark.external]  # a lab fleet and headless Chromium
PROBE = (Path(__file__).parent / "probe.js").read_text(encoding="utf-8")
WIDTHS = (1280, 390)
WINDOW_MIN = 500  # headless Chromium's narrowest window: a phone width is a frame inside one


@pytest.fixture(scope="module")
def proxy() -> Iterator[RecordingProxy]:
    recorder = RecordingProxy()
    yield recorder
    recorder.close()


@pytest.fixture()
def lab_report(fresh_lab: Fleet, tmp_path: Path) -> tuple[Path, dict[str, object]]:
    """Two recorded health checks of HQ and BR05 (a transform-set mismatch): the second run's
    HTML report has findings and a history chart; its JSON twin lists what must show."""
    fresh_lab.advance(60)
    config = write_inventory(fresh_lab, tmp_path / "inv")
    args = ["health", "-i", str(config), "--hosts", "BR05,HQ", "-q", "--poll-interval", "0"]
    args += ["--db", str(tmp_path / "history.db")]
    main([*args, "-o", str(tmp_path / "first.json")])
    main([*args, "-o", str(tmp_path / "out")])
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["findings"], "the lab run should have findings to show"
    return tmp_path / "out" / "report.html", report


def probe(browser: str, proxy: RecordingProxy, page: Path, width: int) -> dict[str, object]:
    probed = page.with_name(f"probed-{width}.html")
    text = page.read_text(encoding="utf-8")
    probed.write_text(text.replace("</body>", f"<script>{PROBE}</script></body>"))
    done = run_chromium(browser, proxy, framed(probed, width, 900), width, 900, "--dump-dom")
    match = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert match, f"the probe did not run at {width} px: {done.stderr[-2000:]}"
    assert "CONSOLE" not in done.stderr, done.stderr  # no console message, error or other
    result: dict[str, object] = json.loads(html.unescape(match[1]))
    return result


def framed(page: Path, width: int, height: int) -> Path:
    """``page`` itself, or below WINDOW_MIN a page showing it in a frame ``width`` px wide."""
    if width >= WINDOW_MIN:
        return page
    frame = page.with_name(f"frame-{page.stem}.html")
    style = f"width:{width}px;height:{height}px;border:0;display:block"
    frame.write_text(
        f'<!DOCTYPE html><html><body style="margin:0"><iframe src="{page.name}" '
        f'style="{style}"></iframe></body></html>'
    )
    return frame


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("width", WIDTHS)
def test_report_reads_in_a_real_browser(
    lab_report: tuple[Path, dict[str, object]], proxy: RecordingProxy, width: int
) -> None:
    page, report = lab_report
    browser = chromium()
    seen = probe(browser, proxy, page, width)
    assert seen["viewport"] == width
    assert isinstance(seen["overflow"], int) and seen["overflow"] <= 0, seen["wide"]
    verdict = seen["verdict"]
    assert isinstance(verdict, dict) and verdict["shown"] and verdict["text"]
    shown = words(str(seen["text"]))
    findings = report["findings"]
    assert isinstance(findings, list)
    for finding in findings:
        assert words(finding["summary"]) in shown, finding["code"]
    history = seen["history"]
    assert isinstance(history, dict) and history["width"] > 0 and history["rects"] > 0
    shot = page.with_name(f"report-{width}.png")
    window = max(width, WINDOW_MIN)
    run_chromium(browser, proxy, framed(page, width, 2400), window, 2400, f"--screenshot={shot}")
    assert png_size(shot) == (window, 2400)
    assert shot.stat().st_size > 20_000  # a drawn page, not a blank one
    assert proxy.page_requests() == []  # self-contained: nothing fetched, not even a font
    assert not re.search(r"""(?:src|href|url)\s*[=(]\s*["']?(?:[a-z]+:)?//""", page.read_text())
