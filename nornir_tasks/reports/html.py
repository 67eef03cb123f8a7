"""The HTML report: one self-contained file (inline CSS and SVG, no script, no external asset).

A verdict line, a chart of tunnel states per host, the per-host table, one section per problem
tunnel (verdict, cause, evidence, next steps), unreached hosts, failed checks, notes, and a
chart of tunnel states over time when the report carries history. Every text is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from nornir_tasks.models.findings import Finding, Severity
from nornir_tasks.models.report import HostReport, RunReport, TunnelFindings
from nornir_tasks.reports.redact import redact_report
from nornir_tasks.reports.svg import fleet_chart, history_chart
from nornir_tasks.reports.wording import (
    debug_cleanup,
    debug_duration,
    debug_what,
    finding_verdict,
    headline,
    host_error,
    tunnel_label,
)

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;
max-width:1100px;padding:1em 1.5em;color:#1b1b1b;background:#fff}
h1{margin:.2em 0}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
.meta{color:#555}
.verdict{font-weight:600;padding:.5em .8em;border-left:6px solid #2e7d32;background:#f1f8f1}
.verdict.critical{border-color:#c62828;background:#fdecea}
.verdict.warning{border-color:#f9a825;background:#fff8e1}
.verdict.info{border-color:#1565c0;background:#e8f0fb}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid #e3e3e3;vertical-align:top}
th{background:#f5f5f5}
.badge{display:inline-block;min-width:5.5em;text-align:center;border-radius:3px;color:#fff;
font-size:.8em;font-weight:700;padding:.1em .4em;margin-right:.4em}
.badge.critical{background:#c62828}.badge.warning{background:#b26a00}.badge.info{background:#1565c0}
.status-ok{color:#2e7d32}.status-partial{color:#b26a00}
.status-unreachable,.status-auth_failed,.status-timeout,.status-failed{color:#c62828;font-weight:600}
.tunnel{border:1px solid #ddd;border-radius:4px;padding:.2em 1em .6em;margin:1em 0}
.tunnel.critical{border-left:6px solid #c62828}.tunnel.warning{border-left:6px solid #f9a825}
.finding+.finding{border-top:1px dashed #ccc;margin-top:.8em}
pre{background:#f6f8fa;border:1px solid #e1e4e8;padding:.6em;white-space:pre-wrap;
word-break:break-all;font:12px/1.4 ui-monospace,Consolas,monospace}
code{font:12px ui-monospace,Consolas,monospace}
.small{color:#666;font-size:.9em}
svg{max-width:100%;height:auto}
footer{margin-top:2em;color:#777;font-size:.85em}
@media print{.tunnel{break-inside:avoid}}
/* phones: a wide table scrolls within itself, the page never sideways */
@media (max-width:700px){body{padding:.5em .7em}table{display:block;overflow-x:auto}}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _tag(tag: str, content: str, cls: str | None = None) -> str:
    attr = f' class="{_e(cls)}"' if cls else ""
    return f"<{tag}{attr}>{content}</{tag}>"


def _badge(severity: Severity) -> str:
    return _tag("span", _e(str(severity).upper()), f"badge {severity}")


def _header(report: RunReport) -> str:
    meta = [f"started {_e(report.started)}", f"{report.duration_s:.1f} s"]
    meta.append(f"vpndiag {_e(report.tool_version)}")
    if report.playbook:
        meta.insert(0, f"playbook <code>{_e(report.playbook)}</code>")
    worst = report.worst_severity()
    return "".join(
        [
            _tag("h1", _e(report.title)),
            _tag("p", " · ".join(meta), "meta"),
            _tag("p", _e(headline(report)), f"verdict {worst or 'healthy'}"),
        ]
    )


def _host_row(host: HostReport) -> str:
    worst = host.worst_finding()
    worst_cell = f"{_badge(worst.severity)}<code>{_e(worst.code)}</code>" if worst else "-"
    failed = len(host.failed_checks())
    cells = [
        _e(host.host),
        _tag("span", _e(host.status), f"status-{host.status}"),
        f"{host.tunnels_up}/{host.tunnels_total}" if host.reached and host.tunnels_total else "-",
        worst_cell,
        f"{len(host.checks) - failed}/{len(host.checks)}" if host.checks else "-",
        _e(host.error or ""),
    ]
    return _tag("tr", "".join(_tag("td", c) for c in cells))


def _table(headers: Iterable[str], rows: Iterable[str]) -> str:
    head = _tag("tr", "".join(_tag("th", _e(h)) for h in headers))
    return _tag("table", _tag("thead", head) + _tag("tbody", "".join(rows)))


def _hosts(report: RunReport) -> str:
    headers = ["Host", "Status", "Tunnels up", "Worst finding", "Checks passed", "Error"]
    return _tag("h2", "Hosts") + _table(headers, (_host_row(h) for h in report.hosts))


def _finding(finding: Finding) -> str:
    parts = [
        _tag(
            "p",
            f"{_badge(finding.severity)}<code>{_e(finding.code)}</code> {_e(finding.summary)}",
            "verdict-line",
        ),
        _tag("p", f"<b>Cause:</b> {_e(finding.cause)}"),
        _tag("p", f"step {_e(finding.step)} · source {_e(finding.source)}", "small"),
    ]
    if finding.evidence:
        parts += [_tag("h4", "Evidence"), _tag("pre", _e("\n".join(finding.evidence)))]
    if finding.next_steps:
        items = "".join(_tag("li", _tag("code", _e(s))) for s in finding.next_steps)
        parts += [_tag("h4", "Next steps"), _tag("ol", items)]
    return _tag("div", "".join(parts), "finding")


def _tunnel(tunnel: TunnelFindings) -> str:
    title = _tag("h3", _e(tunnel_label(tunnel.host, tunnel.peer)))
    body = "".join(_finding(f) for f in tunnel.findings)
    return _tag("section", title + body, f"tunnel {tunnel.worst.severity}")


def _problems(report: RunReport) -> str:
    tunnels = report.problem_tunnels()
    body = "".join(_tunnel(t) for t in tunnels) or _tag("p", "No problem tunnel.")
    return _tag("h2", "Problem tunnels") + body


def _unreached(report: RunReport) -> str:
    hosts = report.failed_hosts()
    if not hosts:
        return ""
    items = "".join(_tag("li", f"<b>{_e(h.host)}</b>: {_e(host_error(h))}") for h in hosts)
    return _tag("h2", "Hosts not reached") + _tag("ul", items)


def _failed_checks(report: RunReport) -> str:
    checks = report.unexplained_checks()
    if not checks:
        return ""
    rows = (
        _tag(
            "tr",
            "".join(
                _tag("td", c)
                for c in (_e(x.host), _tag("code", _e(x.name)), _e(x.outcome), _e(x.message))
            ),
        )
        for x in checks
    )
    return _tag("h2", "Failed checks") + _table(["Host", "Check", "Outcome", "Message"], rows)


def _notes(report: RunReport) -> str:
    notes = report.notes()
    if not notes:
        return ""
    items = "".join(
        _tag("li", f"{_e(tunnel_label(f.host, f.peer))}: {_e(finding_verdict(f))}") for f in notes
    )
    return _tag("h2", "Notes") + _tag("ul", items)


def _charts(report: RunReport) -> str:
    fleet = _tag("h2", "Tunnels across the fleet") + fleet_chart(
        report.hosts, report.tunnel_states()
    )
    if not report.history:
        return fleet
    return fleet + _tag("h2", "Tunnel states over time") + history_chart(report.history)


def _debug(report: RunReport) -> str:
    if not report.debug:
        return ""
    rows = (
        _tag(
            "tr",
            "".join(
                _tag("td", c)
                for c in (
                    _e(d.host),
                    _tag("code", _e(debug_what(d))),
                    _e(d.origin),
                    _e(debug_duration(d)),
                    _tag("b", _e(debug_cleanup(d))) if d.left_on else _e(debug_cleanup(d)),
                    _e(d.note),
                )
            ),
        )
        for d in report.debug
    )
    headers = ["Router", "Debug", "Origin", "On for", "Cleanup", "Note"]
    return _tag("h2", "Debug") + _table(headers, rows)


def render_html(report: RunReport) -> str:
    """The HTML report text: a complete, self-contained document, secrets masked."""
    report = redact_report(report)
    body = "".join(
        [
            _header(report),
            _hosts(report),
            _charts(report),
            _problems(report),
            _unreached(report),
            _debug(report),
            _failed_checks(report),
            _notes(report),
            _tag("footer", f"Generated by vpndiag {_e(report.tool_version)}."),
        ]
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(report.title)}</title><style>{CSS}</style></head>\n"
        f"<body>{body}</body></html>\n"
    )
