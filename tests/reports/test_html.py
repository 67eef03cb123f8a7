"""The HTML report opened with html.parser: self-contained, escaped, findings and charts in it."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

from nornir_tasks.reports.html import render_html
from tests.reports.sample import PSK_MISMATCH, RETURN_PATH, fleet_report, healthy_report

VOID = {"meta", "br", "img", "hr", "input", "link"}


class Page(HTMLParser):
    """Tags, attributes and text of a page; checks that elements nest properly."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unexpected </{tag}>")

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def count(self, tag: str) -> int:
        return sum(1 for t, _ in self.tags if t == tag)

    @property
    def all_text(self) -> str:
        return "".join(self.text)


def _page() -> Page:
    return Page(render_html(fleet_report()))


def test_well_formed_document() -> None:
    page = _page()
    assert page.errors == []
    assert page.stack == []
    assert page.tags[0][0] == "html"
    assert render_html(fleet_report()).startswith("<!DOCTYPE html>")


def test_self_contained_no_script_no_external_asset() -> None:
    text = render_html(fleet_report())
    page = Page(text)
    assert page.count("script") == 0
    assert page.count("link") == 0
    assert "<script" not in text  # the evidence's <script> is escaped
    for _tag, attrs in page.tags:
        for name in ("href", "src", "xlink:href"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (name, value)
    assert "url(" not in text
    assert "@import" not in text


def test_findings_codes_and_evidence_appear_escaped() -> None:
    text = render_html(fleet_report())
    page = Page(text)
    for finding in (RETURN_PATH, PSK_MISMATCH):
        assert finding.code in page.all_text
        assert finding.cause in page.all_text
    for line in RETURN_PATH.evidence:
        assert line in page.all_text
    assert "<script>alert(1)</script> & [bold]" in page.all_text  # as text, not as markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; [bold]" in text
    assert RETURN_PATH.next_steps[0] in page.all_text


def test_per_host_table() -> None:
    page = _page()
    assert page.count("tr") == 1 + 5 + 2  # hosts table, failed-checks table
    assert "TCP connection to 127.0.0.1:2203 refused" in page.all_text


def test_fleet_chart_and_history_chart() -> None:
    page = _page()
    assert page.count("svg") == 2
    titles = page.all_text
    assert "hub1: 1 negotiating" in titles
    assert "spoke2: 1 down" in titles
    assert "spoke2 → 203.0.113.1: down at 2026-07-01T05:30:00Z" in titles
    assert "Tunnel states over time" in titles


def test_no_history_no_history_chart() -> None:
    page = Page(render_html(dataclasses.replace(fleet_report(), history=())))
    assert page.count("svg") == 1
    assert "Tunnel states over time" not in page.all_text


def test_healthy_report() -> None:
    page = Page(render_html(healthy_report()))
    assert "HEALTHY" in page.all_text
    assert "No problem tunnel." in page.all_text
    assert page.errors == []
