"""show ip sla summary / statistics / configuration: corpus values and the contract cases."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nornir_tasks.models.failover import SlaActivity
from nornir_tasks.parsers import ParseError, parse

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
INVALID = "show ip sla sumary\n            ^\n% Invalid input detected at '^' marker.\n"


def _raw(case: str) -> str:
    return (GOLDEN / case / "raw.txt").read_text()


def _expected(case: str) -> dict[str, dict[str, object]]:
    meta = yaml.safe_load((GOLDEN / case / "provenance.yaml").read_text())
    return {str(k): v for k, v in meta["expected_from_raw"].items()}


def _noisy(text: str, command: str) -> str:
    lines = text.splitlines()
    mid = len(lines) // 2
    lines[mid] = " --More-- \b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b" + lines[mid]
    return f"R1#{command}\r\n" + "\r\n".join(line + "  " for line in lines) + "\r\nR1#"


def test_summary_matches_every_corpus_value() -> None:
    case = "genie_iosxe_ip_sla_summary_timeout"
    summary = parse("show ip sla summary", _raw(case))
    for key, want in _expected(case).items():
        entry = summary.entries[int(key)]
        assert entry.activity.value == want["state"]
        assert (entry.type, entry.destination) == (want["type"], want["destination"])
        assert (entry.rtt_stats, entry.return_code) == (want["rtt_stats"], want["return_code"])
        assert entry.last_run == want["last_run"]
    assert summary.entries[1].rtt_ms == 44.0
    assert summary.entries[2].rtt_ms is None
    assert summary.complete


def test_statistics_matches_every_corpus_value() -> None:
    case = "genie_iosxe_ip_sla_statistics_multi"
    stats = parse("show ip sla statistics", _raw(case))
    assert sorted(stats.entries) == [1, 2, 3, 50, 51, 52, 53, 54, 100]
    for key, want in _expected(case).items():
        entry = stats.entries[int(key)]
        assert entry.return_code == want["return_code"]
        assert (entry.successes, entry.failures) == (want["successes"], want["failures"])
        if "latest_rtt_ms" in want:
            assert entry.rtt_ms == want["latest_rtt_ms"]
        if "latest_rtt" in want:
            assert (entry.latest_rtt, entry.rtt_ms) == (want["latest_rtt"], None)
        if "mcast_row" in want:
            row = want["mcast_row"]
            assert isinstance(row, dict)
            assert entry.type == "mcast"
            got = entry.mcast_rows[0]
            assert (got.oper_id, got.status, got.loss_sd) == (
                row["oper_id"],
                row["status"],
                row["loss_sd"],
            )
            assert (got.delay, got.destination) == (row["delay"], row["destination"])
    assert stats.complete


def test_statistics_ios15_layout_and_one_entry() -> None:
    text = """\
IPSLAs Latest Operation Statistics

IPSLA operation id: 10
        Latest RTT: 12 milliseconds
Latest operation start time: *10:15:01.123 UTC Fri Nov 26 2026
Latest operation return code: OK
Number of successes: 58
Number of failures: 2
Operation time to live: Forever
"""
    entry = parse("show ip sla statistics 10", text).entries[10]
    assert (entry.rtt_ms, entry.return_code, entry.successes, entry.failures) == (12, "OK", 58, 2)
    assert entry.start_time == "*10:15:01.123 UTC Fri Nov 26 2026"


def test_configuration_old_layout_from_corpus_capture() -> None:
    case = "genie_iosxe_ip_sla_configuration_two_entries"
    table = parse("show ip sla configuration", _raw(case))
    for key, want in _expected(case).items():
        entry = table.entries[int(key)]
        for name, value in want.items():
            assert getattr(entry, name) == value, name
    assert table.complete


def test_configuration_iosxe_layout_with_schedule() -> None:
    text = """\
IP SLAs Infrastructure Engine-III
Entry number: 10
Owner:
Tag:
Operation timeout (milliseconds): 1000
Type of operation to perform: icmp-echo
Target address/Source interface: 8.8.8.8/GigabitEthernet0/0
Type Of Service parameter: 0x0
Request size (ARR data bytes): 28
Vrf Name:
Schedule:
   Operation frequency (seconds): 5  (not considered if randomly scheduled)
   Next Scheduled Start Time: Pending trigger
   Group Scheduled : FALSE
   Randomly Scheduled : FALSE
   Life (seconds): 3600
   Entry Ageout (seconds): never
   Recurring (Starting Everyday): FALSE
   Status of entry (SNMP RowStatus): notInService
Threshold (milliseconds): 1000
"""
    entry = parse("show ip sla configuration 10", text).entries[10]
    assert (entry.type, entry.target, entry.source_interface) == (
        "icmp-echo",
        "8.8.8.8",
        "GigabitEthernet0/0",
    )
    assert (entry.timeout_ms, entry.frequency_s, entry.threshold_ms) == (1000, 5, 1000)
    assert (entry.next_start, entry.life, entry.recurring) == ("Pending trigger", "3600", False)
    assert (entry.status, entry.owner, entry.vrf) == ("notInService", None, None)


@pytest.mark.parametrize(
    "command", ["show ip sla summary", "show ip sla statistics", "show ip sla configuration"]
)
def test_empty_output_and_cli_errors(command: str) -> None:
    result = parse(command, "")
    assert (dict(result.entries), result.complete) == ({}, True)
    with pytest.raises(ParseError):
        parse(command, INVALID)
    with pytest.raises(ParseError):
        parse(command, "Interface              IP-Address      OK? Method Status   Protocol\n")


def test_truncated_outputs_are_flagged() -> None:
    summary = _raw("genie_iosxe_ip_sla_summary_timeout")
    cut = summary[: summary.index("131.31.11.1") + 5]
    parsed = parse("show ip sla summary", cut)
    assert parsed.entries[7].activity is SlaActivity.ACTIVE and not parsed.complete
    stats = _raw("genie_iosxe_ip_sla_statistics_multi")
    parsed_stats = parse("show ip sla statistics", stats[: stats.rindex("Number of failures")])
    assert 100 in parsed_stats.entries and not parsed_stats.complete
    config = _raw("genie_iosxe_ip_sla_configuration_two_entries")
    cut_config = config[: config.rindex("Threshold")]
    assert not parse("show ip sla configuration", cut_config).complete


@pytest.mark.parametrize(
    ("command", "case"),
    [
        ("show ip sla summary", "genie_iosxe_ip_sla_summary_timeout"),
        ("show ip sla statistics", "genie_iosxe_ip_sla_statistics_multi"),
        ("show ip sla configuration", "genie_iosxe_ip_sla_configuration_two_entries"),
    ],
)
def test_crlf_paging_and_echo_are_ignored(command: str, case: str) -> None:
    raw = _raw(case)
    assert parse(command, _noisy(raw, command)) == parse(command, raw)


def test_statistics_lines_of_other_operation_types_are_kept() -> None:
    """HTTP, details and Y.1731 blocks print lines the common model has no field for."""
    http = parse("show ip sla statistics 1", _raw("genie_iosxe_ip_sla_statistics_http_timeout"))
    entry = http.entries[1]
    assert (entry.return_code, entry.failures) == ("Timeout", 27)
    assert entry.other["Latest TCP Connection RTT"] == "2 ms"
    details = parse(
        "show ip sla statistics 50 details", _raw("genie_iosxe_ip_sla_statistics_details_icmp")
    )
    assert details.entries[50].other == {
        "Over thresholds occurred": "FALSE",
        "Last time this entry was reset": "Never",
    }
    assert details.entries[50].operational_state == "Active"


def test_classic_ios_statistics_timeout() -> None:
    entry = parse(
        "show ip sla statistics", _raw("ciscozine_ios_ip_sla_statistics_timeout")
    ).entries[1]
    assert (entry.latest_rtt, entry.rtt_ms) == ("NoConnection/Busy/Timeout", None)
    assert (entry.return_code, entry.successes, entry.failures) == ("Timeout", 8, 3)
    assert entry.other == {}


def test_summary_15x_second_header_line_and_wrapped_last_run() -> None:
    """IOS 15.4 prints '(ms) Code Run' under the header and wraps 'Last Run' at 80 columns."""
    wrapped = parse("show ip sla summary", _raw("otus_ios154_ip_sla_summary_last_run_wrapped"))
    first, second = wrapped.entries[1], wrapped.entries[2]
    assert (first.destination, first.return_code, first.last_run) == (
        "80.110.100.12",
        "Timeout",
        "14 seconds ago",
    )
    assert (second.rtt_ms, second.last_run) == (1.0, "7 seconds ago")
    padded = parse("show ip sla summary", _raw("otus_ios154_ip_sla_summary_80_column_padding"))
    assert [e.destination for e in padded.entries.values()] == ["95.165.140.1", "95.165.130.5"]
