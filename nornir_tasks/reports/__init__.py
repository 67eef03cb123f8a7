"""Report renderers: a ``RunReport`` in, text out (JSON, JUnit XML, Markdown, HTML).

Pure functions; only ``write_reports`` touches files, and nothing here prints (the CLI does).
"""

from nornir_tasks.reports.formats import FORMATS, ReportFormat, render, write_reports
from nornir_tasks.reports.html import render_html
from nornir_tasks.reports.json_report import findings_document, render_json, report_to_dict
from nornir_tasks.reports.junit import render_junit
from nornir_tasks.reports.markdown import render_markdown

__all__ = [
    "FORMATS",
    "ReportFormat",
    "findings_document",
    "render",
    "render_html",
    "render_json",
    "render_junit",
    "render_markdown",
    "report_to_dict",
    "write_reports",
]
