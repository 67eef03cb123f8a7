"""show processes cpu: the utilisation line, process rows and contract cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from nornir_tasks.parsers import ParseError, parse

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
SAMPLE = """\
CPU utilization for five seconds: 3%/0%; one minute: 2%; five minutes: 1%
 PID Runtime(ms)     Invoked      uSecs   5Sec   1Min   5Min TTY Process
   1          18          10       1800  0.00%  0.00%  0.00%   0 Chunk Manager
  14          74         407        181  0.07%  0.03%  0.01%   1 SSH Process
"""


def _raw(case: str) -> str:
    return (GOLDEN / case / "raw.txt").read_text()


def test_utilisation_line_and_rows() -> None:
    cpu = parse("show processes cpu", SAMPLE)
    assert (cpu.five_seconds, cpu.interrupt, cpu.one_minute, cpu.five_minutes) == (3, 0, 2, 1)
    ssh = cpu.processes[1]
    assert (ssh.pid, ssh.name, ssh.five_seconds, ssh.tty) == (14, "SSH Process", 0.07, 1)
    assert cpu.complete


def test_include_cpu_capture() -> None:
    cpu = parse(
        "show processes cpu sorted 5min | inc CPU", _raw("genie_iosxe_cpu_sorted_include_cpu")
    )
    assert (cpu.five_seconds, cpu.interrupt, cpu.one_minute, cpu.five_minutes) == (7, 1, 6, 6)
    assert cpu.processes == ()


def test_rows_only_capture() -> None:
    cpu = parse("show processes cpu | i process", _raw("genie_iosxe_cpu_include_process_rows_only"))
    assert cpu.five_seconds is None and len(cpu.processes) == 8
    cdp = next(p for p in cpu.processes if p.pid == 244)
    assert (cdp.runtime_ms, cdp.invoked, cdp.usecs, cdp.name) == (
        2930,
        365006,
        8,
        "cdp init process",
    )


def test_contract_cases() -> None:
    empty = parse("show processes cpu", "")
    assert (empty.five_seconds, empty.processes, empty.complete) == (None, (), True)
    with pytest.raises(ParseError):
        parse("show processes cpu", "% Invalid input detected at '^' marker.")
    with pytest.raises(ParseError):
        parse("show processes cpu", "Track 1\n")
    cut = parse("show processes cpu", SAMPLE[: SAMPLE.rindex("0.03%")])
    assert len(cut.processes) == 1 and not cut.complete


def test_crlf_paging_and_echo_are_ignored() -> None:
    lines = SAMPLE.splitlines()
    lines[2] = " --More-- \b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b" + lines[2]
    noisy = "R1#show processes cpu\r\n" + "\r\n".join(lines) + "\r\nR1#"
    assert parse("show processes cpu", noisy) == parse("show processes cpu", SAMPLE)


def test_asa_show_cpu_usage_reads_into_the_ios_model() -> None:
    # The line as the Cisco ASA Series Command Reference ("show cpu") prints it.
    text = "CPU utilization for 5 seconds = 1%; 1 minute: 2%; 5 minutes: 1%\n"
    usage = parse("show cpu usage", text)
    assert (usage.five_seconds, usage.one_minute, usage.five_minutes) == (1, 2, 1)
    assert usage.interrupt is None and usage.processes == ()
