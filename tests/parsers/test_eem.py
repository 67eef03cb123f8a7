"""show event manager policy registered / history events: corpus values and contract cases."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nornir_tasks.parsers import ParseError, parse

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
POLICIES = "show event manager policy registered"
HISTORY = "show event manager history events"


def _raw(case: str) -> str:
    return (GOLDEN / case / "raw.txt").read_text()


def _meta(case: str) -> dict[str, object]:
    data = yaml.safe_load((GOLDEN / case / "provenance.yaml").read_text())
    assert isinstance(data, dict)
    return data


def test_registered_policies_match_the_corpus() -> None:
    case = "blog_ios_eem_policy_registered_cron_applets"
    table = parse(POLICIES, _raw(case))
    expected = _meta(case)["expected_from_raw"]
    assert isinstance(expected, dict)
    assert len(table.policies) == len(expected["policies"])
    for got, want in zip(table.policies, expected["policies"], strict=True):
        assert (got.number, got.policy_class, got.policy_type) == (
            want.get("no", want.get(False)),  # YAML 1.1 reads the key "no" as False
            want["class"],
            want["type"],
        )
        assert (got.event_type, got.trap) == (want["event_type"], want["trap"] == "On")
        assert (got.time_registered, got.name) == (want["time_registered"], want["name"])
        assert (got.cron_entry, got.maxrun_s) == (want["cron_entry"], want["maxrun"])
        assert len(got.actions) == want["actions"]
    first = table.policies[0].actions[0]
    assert (first.label, first.verb, first.args) == ("1.0", "cli", 'command "enable"')
    assert table.complete


def test_action_lines_without_the_word_action() -> None:
    text = """\
No.  Class     Type    Event Type          Trap  Time Registered           Name
1    applet    user    track               Off   Fri Sep11 12:07:24 2026  ISP1-DOWN
 track 10 state down
 maxrun 20.000
 1.0 syslog msg "ISP1 down"
 2.0 cli command "enable"
"""
    policy = parse(POLICIES, text).policies[0]
    assert (policy.event_type, policy.time_registered) == ("track", "Fri Sep11 12:07:24 2026")
    assert policy.event_details == ("track 10 state down", "maxrun 20.000")
    assert [(a.label, a.verb) for a in policy.actions] == [("1.0", "syslog"), ("2.0", "cli")]


def test_history_matches_the_captures() -> None:
    for case in ("lab_ios_eem_history_two_syslog_runs", "blog_iosxe_eem_history_timer_watchdog"):
        history = parse(HISTORY, _raw(case))
        expected = _meta(case)["expected_from_raw"]
        assert isinstance(expected, dict)
        assert len(history.events) == len(expected["events"])
        for got, want in zip(history.events, expected["events"], strict=True):
            for name, value in want.items():
                assert getattr(got, name) == value, (case, name)
        assert history.complete


@pytest.mark.parametrize("command", [POLICIES, HISTORY])
def test_empty_output_and_cli_error(command: str) -> None:
    result = parse(command, "")
    assert result.complete and not (
        getattr(result, "policies", ()) or getattr(result, "events", ())
    )
    with pytest.raises(ParseError):
        parse(command, "% Invalid input detected at '^' marker.")
    with pytest.raises(ParseError):
        parse(command, "Track 1\n  IP SLA 1 reachability\n")


def test_cut_rows_are_flagged() -> None:
    policies = _raw("blog_ios_eem_policy_registered_cron_applets")
    cut = policies[: policies.index("REMOVE_QOS") - 12]
    table = parse(POLICIES, cut)
    assert len(table.policies) == 1 and not table.complete
    history = _raw("lab_ios_eem_history_two_syslog_runs")
    parsed = parse(HISTORY, history[: history.rindex("syslog")])
    assert len(parsed.events) == 1 and not parsed.complete


def test_crlf_paging_and_echo_are_ignored() -> None:
    raw = _raw("blog_ios_eem_policy_registered_cron_applets")
    lines = raw.splitlines()
    lines[5] = " --More-- \b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b" + lines[5]
    noisy = "R1#" + POLICIES + "\r\n" + "\r\n".join(lines) + "\r\nR1#"
    assert parse(POLICIES, noisy) == parse(POLICIES, raw)


def test_secu_column_is_read_not_taken_for_the_name() -> None:
    """Layout of releases whose header has 'Secu' (constructed from the blog capture's row with
    the column added, as Cisco's EEM Tcl scripts read it: date at end-6..end-2, name last)."""
    text = _raw("blog_ios_eem_policy_registered_cron_applets")
    text = text.replace("Time Registered           Name", "Time Registered           Secu  Name")
    text = text.replace("2024  APPLY_QOS", "2024  none  APPLY_QOS")
    policy = parse("show event manager policy registered", text).policies[0]
    assert (policy.name, policy.security, policy.event_type) == (
        "APPLY_QOS_POLICY_64KBPS",
        "none",
        "timer cron",
    )
    assert policy.time_registered == "Fri Jun 14 16:50:53 2024"


def test_tcl_script_policy_detail_line_with_maxrun_and_secu() -> None:
    policy = parse(
        "show event manager policy registered",
        _raw("blog_ios_3750x_eem_policy_registered_tcl_script"),
    ).policies[0]
    assert (policy.policy_class, policy.event_type, policy.name) == (
        "script",
        "syslog",
        "int-UP.tcl",
    )
    assert (policy.time_registered, policy.maxrun_s, policy.security) == (
        "Sun Jan 1 16:09:34 2006",
        20.0,
        "none",
    )
