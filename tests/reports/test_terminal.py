"""The terminal report rendered into Console(file=StringIO()): read as an engineer reads it."""

from __future__ import annotations

import dataclasses
import threading
from io import StringIO

from rich.cells import cell_len
from rich.console import Console

from nornir_tasks.cli.terminal import fleet_progress, print_report
from nornir_tasks.models.collection import HostStatus
from nornir_tasks.models.findings import Severity
from nornir_tasks.models.report import HostReport, RunReport
from tests.reports.sample import LONG_LINE, RETURN_PATH, fleet_report, healthy_report


def _render(report: RunReport, only_failed: bool = False, width: int = 80) -> str:
    console = Console(file=StringIO(), width=width, color_system=None)
    print_report(console, report, only_failed=only_failed)
    assert isinstance(console.file, StringIO)
    return console.file.getvalue()


def _panel_lines(text: str, title: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("╭") and title in line)
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("╰"))
    return [line.strip("│ ").rstrip() for line in lines[start + 1 : end]]


def test_summary_table_lists_every_host() -> None:
    text = _render(fleet_report())
    table = [line.split() for line in text.split("╭")[0].splitlines() if line.startswith("  ")]
    rows = {cells[0]: cells[1:] for cells in table if cells}
    assert rows["spoke1"] == ["ok", "0/1", "critical", "IKE_P1_RETURN_PATH"]
    assert rows["spoke3"] == ["unreachable", "-", "-"]
    assert rows["spoke4"] == ["ok", "1/1", "-"]


def test_panel_per_problem_tunnel_verdict_first() -> None:
    text = _render(fleet_report())
    body = _panel_lines(text, "spoke1 → 203.0.113.1")
    assert body[0].startswith("CRITICAL IKE_P1_RETURN_PATH: Phase 1 stuck")
    joined = " ".join(body)
    assert body.index("Evidence:") < next(i for i, x in enumerate(body) if x.startswith("Cause:"))
    assert RETURN_PATH.evidence[0] in joined
    assert "- hub1# show ip route 198.51.100.2" in body
    assert _panel_lines(text, "spoke2 → 203.0.113.1")[0].startswith("CRITICAL IKE_P1_PSK_MISMATCH")
    assert _panel_lines(text, "spoke3") == ["UNREACHABLE: TCP connection to 127.0.0.1:2203 refused"]


def test_fits_80_columns_and_folds_long_evidence() -> None:
    text = _render(fleet_report())
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    body = " ".join(_panel_lines(text, "spoke1 → 203.0.113.1"))
    for word in LONG_LINE.split():
        assert word in body


def test_long_codes_and_host_names_are_never_cut() -> None:
    code = "FAILOVER_PEER_REJECTS_BACKUP"
    finding = dataclasses.replace(
        RETURN_PATH,
        code=code,
        host="branch-office-router-0042.example.net",
        severity=Severity.WARNING,
    )
    host = HostReport(finding.host, HostStatus.AUTH_FAILED, None, 0, 0, (finding,))
    text = _render(dataclasses.replace(fleet_report(), hosts=(host,)))
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    table = text.split("╭")[0]
    assert code in table.split()  # whole, on one line of the table
    lines = table.splitlines()
    rows = lines[next(i for i, line in enumerate(lines) if "───" in line) + 1 :]
    assert "".join(r.split()[0] for r in rows if r.strip()) == finding.host  # folded, not cut
    assert f"WARNING {code}:" in text


def test_only_failed_hides_healthy_hosts_and_notes() -> None:
    full = _render(fleet_report())
    failed = _render(fleet_report(), only_failed=True)
    assert "spoke4" in full and "spoke4" not in failed
    assert "Notes:" in full and "Notes:" not in failed
    for host in ("hub1", "spoke1", "spoke2", "spoke3"):
        assert host in failed


def test_device_text_is_not_markup_and_no_colour_off_a_tty() -> None:
    console = Console(file=StringIO(), width=80)  # what the CLI builds: detection, no forcing
    print_report(console, fleet_report())
    assert isinstance(console.file, StringIO)
    text = console.file.getvalue()
    assert "\x1b[" not in text
    assert "[bold]not markup[/bold]" in text
    assert "<script>alert(1)</script>" in text


def test_verdict_line_last() -> None:
    last = _render(fleet_report(), width=200).rstrip().splitlines()[-1]
    assert (
        last
        == "CRITICAL: findings 2 critical, 0 warning, 1 info; 1 of 5 hosts not reached; 2/6 tunnels up"
    )
    assert _render(healthy_report()).rstrip().endswith("2/2 tunnels up")


def test_progress_is_silent_off_a_tty_but_counts() -> None:
    console = Console(file=StringIO(), width=80)
    with fleet_progress(console, total_hosts=3) as progress:
        done = progress.phase("collect")
        for host, ok in (("hub1", True), ("spoke1", True), ("spoke3", False)):
            done(host, ok)
    assert isinstance(console.file, StringIO)
    assert console.file.getvalue() == ""
    assert (progress.counts["collect"].done, progress.counts["collect"].failed) == (3, 1)


def test_progress_bars_per_phase_on_a_terminal() -> None:
    console = Console(file=StringIO(), width=80, force_terminal=True, color_system=None)
    with fleet_progress(console, total_hosts=4) as progress:
        collect = progress.phase("collect")
        workers = [
            threading.Thread(target=collect, args=(f"r{i}", i != 2)) for i in range(4)
        ]  # Nornir calls back from its worker threads
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        progress.phase("diagnose")("r0", True)
    assert isinstance(console.file, StringIO)
    text = console.file.getvalue()
    assert "collect" in text and "4/4 hosts, 1 failed" in text
    assert "diagnose" in text and "1/4 hosts, 0 failed" in text
    assert progress.counts["collect"].failed == 1
