"""The report formats by name, and ``write_reports``: the only report code that writes files."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from nornir_tasks.models.report import RunReport
from nornir_tasks.reports.html import render_html
from nornir_tasks.reports.json_report import render_json
from nornir_tasks.reports.junit import render_junit
from nornir_tasks.reports.markdown import render_markdown

Renderer = Callable[[RunReport], str]


def _render_prometheus(report: RunReport) -> str:
    # prometheus_client is imported by the one format that needs it: every run renders a
    # report, few as metrics (≈ 20 ms of start, docs/performance.md).
    from nornir_tasks.reports.prometheus import render_prometheus

    return render_prometheus(report)


@dataclass(frozen=True)
class ReportFormat:
    name: str
    suffix: str  # of the file written into an output directory
    render: Renderer


FORMATS: Mapping[str, ReportFormat] = {
    f.name: f
    for f in (
        ReportFormat("json", ".json", render_json),
        ReportFormat("junit", ".junit.xml", render_junit),
        ReportFormat("markdown", ".md", render_markdown),
        ReportFormat("html", ".html", render_html),
        ReportFormat("prometheus", ".prom", _render_prometheus),
    )
}


# What a directory ``-o`` receives: the documents. Metrics go to a ``.prom`` file named on its
# own, since node_exporter's textfile collector reads every ``*.prom`` of a directory it owns.
DIRECTORY_FORMATS = ("json", "junit", "markdown", "html")


def report_format(name: str) -> ReportFormat:
    """The format called ``name``; a ValueError naming the known ones otherwise."""
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown report format {name!r} (known: {', '.join(FORMATS)})") from None


def render(report: RunReport, name: str) -> str:
    """``report`` rendered in the format called ``name``."""
    return report_format(name).render(report)


def _write(path: Path, text: str) -> Path:
    # Written beside, then renamed: a reader (a CI job, a mail) never sees half a report.
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
    return path


def write_reports(
    report: RunReport,
    target: Path | Mapping[str, Path],
    formats: Iterable[str] = DIRECTORY_FORMATS,
    stem: str = "report",
) -> dict[str, Path]:
    """Write ``report`` in each format; return the written path of each format.

    ``target`` is either a directory (files ``<stem>.json``, ``<stem>.junit.xml``, ``<stem>.md``,
    ``<stem>.html`` for the ``formats`` asked) or a mapping of format name to file path (then
    ``formats`` is ignored).
    """
    if isinstance(target, Path):
        paths = {name: target / f"{stem}{report_format(name).suffix}" for name in formats}
    else:
        paths = dict(target)
    renderers = {name: report_format(name) for name in paths}  # every name checked first
    return {name: _write(path, renderers[name].render(report)) for name, path in paths.items()}
