"""The Markdown report (also the body of a mailed report): a summary table, then one section
per problem tunnel: verdict first, evidence in a code block, next steps as a list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from nornir_tasks.models.findings import Finding
from nornir_tasks.models.report import HostReport, RunReport, TunnelFindings
from nornir_tasks.reports.redact import redact_report
from nornir_tasks.reports.wording import (
    debug_cleanup,
    debug_duration,
    debug_what,
    finding_verdict,
    headline,
    host_error,
    tunnel_label,
)

# Characters that would otherwise start emphasis, links, inline HTML or break a table cell.
_SPECIAL = re.compile(r"([\\`*\[\]<>|])")
_BACKTICKS = re.compile(r"`+")


def escape(text: str) -> str:
    """``text`` shown literally by a Markdown renderer, on one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def code_span(text: str) -> str:
    """Inline code that survives backticks in ``text``."""
    ticks = "`" * (max((len(m) for m in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def code_block(lines: Iterable[str]) -> list[str]:
    """A fenced block longer than any backtick run in the lines (device text is arbitrary)."""
    body = list(lines)
    longest = max((len(m) for line in body for m in _BACKTICKS.findall(line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}text", *body, fence]


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _host_row(host: HostReport) -> str:
    worst = host.worst_finding()
    worst_cell = f"{worst.severity} {code_span(worst.code)}" if worst else "-"
    failed = len(host.failed_checks())
    checks = f"{len(host.checks) - failed}/{len(host.checks)}" if host.checks else "-"
    tunnels = (
        f"{host.tunnels_up}/{host.tunnels_total}" if host.reached and host.tunnels_total else "-"
    )
    return _row([escape(host.host), escape(str(host.status)), tunnels, worst_cell, checks])


def _header(report: RunReport) -> list[str]:
    meta = [f"started {escape(report.started)}", f"{report.duration_s:.1f} s"]
    meta.append(f"vpndiag {escape(report.tool_version)}")
    if report.playbook:
        meta.insert(0, f"playbook {code_span(report.playbook)}")
    return [
        f"# {escape(report.title)}",
        "",
        " · ".join(meta),
        "",
        f"**{escape(headline(report))}**",
    ]


def _hosts_table(report: RunReport) -> list[str]:
    return [
        "## Hosts",
        "",
        _row(["Host", "Status", "Tunnels up", "Worst finding", "Checks passed"]),
        _row(["---"] * 5),
        *(_host_row(h) for h in report.hosts),
    ]


def _finding(finding: Finding) -> list[str]:
    lines = [
        f"**{str(finding.severity).upper()} {code_span(finding.code)}**: {escape(finding.summary)}",
        "",
        f"Cause: {escape(finding.cause)}",
        "",
        f"Step: {escape(str(finding.step))} · source: {escape(str(finding.source))}",
        "",
    ]
    if finding.evidence:
        lines += ["Evidence:", "", *code_block(finding.evidence), ""]
    if finding.next_steps:
        lines += ["Next steps:", "", *(f"- {code_span(s)}" for s in finding.next_steps), ""]
    return lines


def _tunnel(tunnel: TunnelFindings) -> list[str]:
    lines = [f"### {escape(tunnel_label(tunnel.host, tunnel.peer))}", ""]
    for finding in tunnel.findings:
        lines += _finding(finding)
    return lines


def _problems(report: RunReport) -> list[str]:
    tunnels = report.problem_tunnels()
    if not tunnels:
        return ["## Problem tunnels", "", "None."]
    return ["## Problem tunnels", "", *(line for t in tunnels for line in _tunnel(t))]


def _unreached(report: RunReport) -> list[str]:
    hosts = report.failed_hosts()
    if not hosts:
        return []
    items = [f"- **{escape(h.host)}**: {escape(host_error(h))}" for h in hosts]
    return ["## Hosts not reached", "", *items]


def _failed_checks(report: RunReport) -> list[str]:
    checks = report.unexplained_checks()
    if not checks:
        return []
    header = [_row(["Host", "Check", "Outcome", "Message"]), _row(["---"] * 4)]
    rows = [
        _row([escape(c.host), code_span(c.name), str(c.outcome), escape(c.message)]) for c in checks
    ]
    return ["## Failed checks", "", *header, *rows]


def _notes(report: RunReport) -> list[str]:
    notes = report.notes()
    if not notes:
        return []
    items = [
        f"- {escape(tunnel_label(f.host, f.peer))}: {escape(finding_verdict(f))}" for f in notes
    ]
    return ["## Notes", "", *items]


def _debug(report: RunReport) -> list[str]:
    if not report.debug:
        return []
    header = [_row(["Router", "Debug", "Origin", "On for", "Cleanup", "Note"]), _row(["---"] * 6)]
    rows = [
        _row(
            [
                escape(d.host),
                escape(debug_what(d)),
                escape(str(d.origin)),
                debug_duration(d),
                f"**{debug_cleanup(d)}**" if d.left_on else debug_cleanup(d),
                escape(d.note) or "-",
            ]
        )
        for d in report.debug
    ]
    return ["## Debug", "", *header, *rows]


def render_markdown(report: RunReport) -> str:
    """The Markdown report text (CommonMark + GitHub tables), secrets masked."""
    report = redact_report(report)
    sections = [
        _header(report),
        _hosts_table(report),
        _problems(report),
        _unreached(report),
        _debug(report),
        _failed_checks(report),
        _notes(report),
    ]
    blocks = ["\n".join(section).rstrip() for section in sections if section]
    return "\n\n".join(blocks) + "\n"
