"""The sentences every format shares: the run's verdict line, a tunnel's name, a finding's verdict."""

from __future__ import annotations

from nornir_tasks.models.debug import DebugOrigin, DebugRecord
from nornir_tasks.models.findings import Finding, Severity
from nornir_tasks.models.report import HostReport, RunReport

ARROW = "→"


def tunnel_label(host: str, peer: str | None) -> str:
    """``spoke1 → 203.0.113.1``; a host-wide finding (no peer) is named by its host alone."""
    return f"{host} {ARROW} {peer}" if peer else host


def finding_verdict(finding: Finding) -> str:
    """One line, verdict first: ``CRITICAL IKE_P1_RETURN_PATH: <summary>``."""
    return f"{str(finding.severity).upper()} {finding.code}: {finding.summary}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def headline(report: RunReport) -> str:
    """The run in one line: the worst severity, then finding, host and tunnel counts."""
    worst = report.worst_severity()
    verdict = str(worst).upper() if worst else "HEALTHY"
    if report.failed_hosts() and (worst is None or worst < Severity.WARNING):
        verdict = "INCOMPLETE"  # nothing found, but not every host could be read
    counts = ", ".join(f"{n} {s}" for s, n in report.severity_counts().items())
    failed = len(report.failed_hosts())
    hosts = (
        f"{failed} of {len(report.hosts)} hosts not reached"
        if failed
        else f"{_plural(len(report.hosts), 'host')} reached"
    )
    if not report.tunnels_total:  # no SA table read (a failover or SMTP playbook)
        return f"{verdict}: findings {counts}; {hosts}"
    tunnels = f"{report.tunnels_up}/{report.tunnels_total} tunnels up"
    return f"{verdict}: findings {counts}; {hosts}; {tunnels}"


def debug_what(record: DebugRecord) -> str:
    """``isakmp, ipsec for peer ipv4 203.0.113.30``: which debug, under which conditions."""
    crypto = [k for k in record.kinds if k != "nhrp"]
    kinds = ", ".join(crypto) or ("" if record.kinds else "crypto (kinds unknown)")
    kinds += " + debug nhrp (condition peer nbma)" if "nhrp" in record.kinds else ""
    conditions = ", ".join(record.conditions) or "conditions unknown"
    return f"{kinds} for {conditions}"


def debug_duration(record: DebugRecord) -> str:
    """How long the debug was on: ``12.5 s``, or ``unknown`` when its end was never seen."""
    return "unknown" if record.seconds is None else f"{record.seconds:.1f} s"


def debug_cleanup(record: DebugRecord) -> str:
    """``verified``, ``NOT VERIFIED`` (debug may still run), or ``owned by another run``."""
    if record.origin is DebugOrigin.OTHER_RUN:
        return "another run owns it"
    return "verified" if record.cleanup_verified else "NOT VERIFIED"


def debug_line(record: DebugRecord) -> str:
    """The debug of one router in one line, for the text formats."""
    origin = "" if record.origin is DebugOrigin.THIS_RUN else f" ({record.origin})"
    line = (
        f"{record.host}{origin}: debug crypto {debug_what(record)}; "
        f"on {debug_duration(record)}; cleanup {debug_cleanup(record)}"
    )
    return f"{line}; {record.note}" if record.note else line


def host_error(host: HostReport) -> str:
    """``unreachable: TCP connection refused`` (the status alone when there is no message)."""
    return f"{host.status}: {host.error}" if host.error else str(host.status)
