"""One command's output given more than once (``parsers.repeats``): real captures that hold
a repeat, and every golden capture pasted twice, with and without prompts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from nornir_tasks.cli.main import main
from nornir_tasks.models import to_jsonable
from nornir_tasks.parsers import parse, resolve
from nornir_tasks.parsers.repeats import _ECHO, _pattern, current, describe, distinct, split_copies

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
# a-trubin/OTUS-Network-engineer "IPSec over DmVPN": the author pasted the same prompt and
# output twice (provenance.yaml of the case)
TRUBIN = GOLDEN / "trubin_ios_isakmp_sa_detail_rsig_pasted_twice" / "raw.txt"
# Real captures that hold a repeat themselves (the first two) or show several routers' prompts.
REPEATS_IN_THE_CAPTURE = {
    "trubin_ios_isakmp_sa_detail_rsig_pasted_twice": "pasted twice by its author",
    "ntc_asa_vpn_sessiondb_detail_l2l_ikev1_two_ipsec": "session index 1 printed three times",
}
_PROMPT_HOST = re.compile(r"^\s*([\w.\-/]{1,64})(?:\([\w\-]+\))?[>#]\s*\S", re.M)


def _meta(case: Path) -> dict[str, str]:
    return dict(yaml.safe_load((case / "provenance.yaml").read_text()))


def _shows() -> list[Path]:
    out = []
    for case in sorted(GOLDEN.iterdir()):
        command = _meta(case).get("parse_as") or _meta(case)["command"]
        if command.startswith(("debug", "show logging")):
            continue  # one copy by design: the log reader merges what two pastes share
        out.append(case)
    return out


SHOWS = _shows()


def _command(case: Path) -> str:
    meta = _meta(case)
    return str(meta.get("parse_as") or meta["command"])


def _other_commands(command: str, raw: str) -> bool:
    """The capture is a session log with other commands' prompts: pasted twice, the copy of
    the command's output before the second prompt carries their lines too."""
    own = resolve(command)[0]
    echoes = [m["cmd"] or m["bare"] for line in raw.splitlines() if (m := _ECHO.match(line))]
    return any(_pattern(e) != own for e in echoes)


def _values(command: str, text: str) -> object:
    return to_jsonable(parse(command, text))


@pytest.mark.parametrize("case", SHOWS, ids=[c.name for c in SHOWS])
def test_a_golden_capture_pasted_twice_reads_as_it_does_once(case: Path) -> None:
    command, raw = _command(case), (case / "raw.txt").read_text().rstrip("\n")
    copies = split_copies(command, raw)
    if case.name in REPEATS_IN_THE_CAPTURE:
        assert len(distinct(copies)) > 1 or len(copies) > 1
        return
    assert len(copies) == 1  # no real single output is cut in two
    several = {h for h in _PROMPT_HOST.findall(raw) if not h.isdigit()}
    if len(several) > 1 or _other_commands(command, raw):
        return  # several routers, or a session log of several commands: not one output
    bare, repeat = current(command, f"{raw}\n{raw}\n")
    assert repeat is not None and repeat.distinct == 1
    assert _values(command, bare.text) == _values(command, raw)
    prompt = f"R9#{command}\n" if not several else ""
    prompted, repeat = current(command, f"{prompt}{raw}\n{prompt}{raw}\n")
    assert repeat is not None and repeat.distinct == 1
    assert _values(command, prompted.text) == _values(command, f"{prompt}{raw}")


def test_the_authors_double_paste_is_read_once_by_vpndiag_parse(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["parse", "show crypto isakmp sa detail", str(TRUBIN)]) == 0
    out, err = capsys.readouterr()
    assert [sa["conn_id"] for sa in json.loads(out)["sas"]] == [1074, 1091]
    assert "2 times, each copy identical: read once" in err


def test_a_later_different_copy_is_the_current_state_and_says_what_moved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # azure_iosxe_ipsec_sa_include_encaps_decaps (real, provenance.yaml), run again after
    # traffic: the second copy is the first with its counters raised.
    raw = (GOLDEN / "azure_iosxe_ipsec_sa_include_encaps_decaps" / "raw.txt").read_text()
    later = raw.replace("encaps: 177, #pkts encrypt: 177", "encaps: 201, #pkts encrypt: 201")
    paste = tmp_path / "two.txt"
    paste.write_text(f"{raw.rstrip()}\n{later}")
    assert main(["parse", "show crypto ipsec sa | include encaps|decaps", str(paste)]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["flows"][0]["pkts_encaps"] == 201
    assert "the last read as the current state" in err
    assert "counters grew between the last two: traffic passed" in err
    assert "was: #pkts encaps: 177, #pkts encrypt: 177, #pkts digest: 177" in err
    assert "now: #pkts encaps: 201, #pkts encrypt: 201, #pkts digest: 177" in err


def test_copies_of_ikev2_rows_without_a_title_are_found_by_repetition() -> None:
    # azure_iosxe_ikev2_sa_two_tunnels_natt: IOS-XE prints its "Tunnel-id Local Remote" header
    # above every SA, so it is no title; the rows said twice over are one paste twice.
    raw = (GOLDEN / "azure_iosxe_ikev2_sa_two_tunnels_natt" / "raw.txt").read_text().strip()
    rows = "\n".join(line for line in raw.splitlines() if "IKEv2" not in line)
    copies = split_copies("show crypto ikev2 sa", f"{rows}\n\n{rows}\n")
    assert (len(copies), len(distinct(copies))) == (2, 1)
    assert len(parse("show crypto ikev2 sa", copies[-1].text).sas) == 2


def test_exec_timestamps_make_identical_copies_two_readings() -> None:
    raw = TRUBIN.read_text().split("\n\n\n")[0]
    stamped = "\n".join(
        f"Load for five secs: 2%/0%; one minute: 1%; five minutes: 1%\n"
        f"Time source is NTP, 10:2{n}:33.412 UTC Thu Dec 3 2026\n{raw}"
        for n in (1, 2)
    )
    copies = split_copies("show crypto isakmp sa detail", stamped)
    kept = distinct(copies)
    assert len(kept) == 2 and kept[1].text.startswith("Load for five secs")
    _, repeat = current("show crypto isakmp sa detail", stamped)
    assert repeat is not None and "the same output from two runs of the command" in describe(repeat)


def test_a_session_log_of_other_commands_first_is_not_a_copy() -> None:
    # cbt_ios_crypto_session_down_no_default_route: `show run | section crypto` and other
    # commands come before R1's `show crypto session` in the trainer's session log.
    raw = (GOLDEN / "cbt_ios_crypto_session_down_no_default_route" / "raw.txt").read_text()
    assert len(split_copies("show crypto session", raw)) == 1


# A DMVPN fault-injection log (code index file id 71413604881, the source of the faultlab_*
# golden cases), fault W1: RT02's `show crypto ipsec sa | include peer|encaps|decaps|in use
# settings`, one flow to the hub that carried nothing. With two lines in a crypto ACL there
# are two such flows, and the filter prints these three lines once for each.
W1_RT02_FLOW = """\
   current_peer 203.0.113.2 port 500
    #pkts encaps: 0, #pkts encrypt: 0, #pkts digest: 0
    #pkts decaps: 0, #pkts decrypt: 0, #pkts verify: 0
"""
W1_FILTER = "show crypto ipsec sa | include peer|encaps|decaps|in use settings"


def test_a_filtered_output_whose_flows_print_the_same_lines_is_one_output() -> None:
    two_flows = W1_RT02_FLOW * 2
    assert len(split_copies(W1_FILTER, two_flows)) == 1
    copy, repeat = current(W1_FILTER, two_flows)
    assert repeat is None
    assert len(parse(W1_FILTER, copy.text).flows) == 2
    # lines said twice over by a command that does not filter them are still two copies
    assert len(split_copies("show crypto ipsec sa | begin interface", two_flows)) == 2


def test_diagnose_reads_both_flows_of_a_filtered_output_with_no_repeat() -> None:
    from nornir_tasks.diagnose import Capture, fleet_from_captures

    paste = f"RT02#{W1_FILTER}\n{W1_RT02_FLOW}{W1_RT02_FLOW}RT02#\n"
    fleet, _ = fleet_from_captures([Capture("ticket.txt", paste)])
    (host,) = fleet.hosts
    assert host.repeated == {}
    assert len(host.outputs["show crypto ipsec sa"].flows) == 2


def test_exec_timestamps_cut_an_output_that_has_no_title() -> None:
    # azure_iosxe_ikev2_sa_two_tunnels_natt's rows (IOS-XE prints its "Tunnel-id Local Remote"
    # header above every SA: no title), run twice under 'terminal exec prompt timestamp'
    raw = (GOLDEN / "azure_iosxe_ikev2_sa_two_tunnels_natt" / "raw.txt").read_text().strip()
    rows = "\n".join(line for line in raw.splitlines() if "IKEv2" not in line)
    stamped = "\n".join(
        f"Load for five secs: {n}%/0%; one minute: 1%; five minutes: 1%\n"
        f"Time source is NTP, 10:2{n}:33.412 UTC Thu Dec 3 2026\n{rows}"
        for n in (1, 2)
    )
    copies = split_copies("show crypto ikev2 sa", stamped)
    assert len(distinct(copies)) == 2 and copies[1].text.startswith("Load for five secs: 2%")
    assert len(parse("show crypto ikev2 sa", copies[-1].text).sas) == 2  # was 4: both runs


def test_show_clock_detail_prints_its_time_source_without_being_a_second_run() -> None:
    # genie_iosxe_clock_ntp_est: 'show clock' under exec timestamps; 'show clock detail' adds
    # its own 'Time source is NTP' line below the time
    raw = (GOLDEN / "genie_iosxe_clock_ntp_est" / "raw.txt").read_text()
    detail = (
        raw.replace("show clock", "show clock detail").rstrip() + "\n        Time source is NTP\n"
    )
    assert len(split_copies("show clock detail", detail)) == 1
