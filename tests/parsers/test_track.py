"""show track: the corpus values, every track type, and the contract cases."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nornir_tasks.models.failover import TrackKind, TrackState
from nornir_tasks.parsers import ParseError, parse

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def _raw(case: str) -> str:
    return (GOLDEN / case / "raw.txt").read_text()


def _noisy(text: str, command: str) -> str:
    """The text as a paged SSH session returns it: CRLF, echo, --More--, trailing spaces."""
    lines = text.splitlines()
    mid = len(lines) // 2
    lines[mid] = " --More-- \b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b" + lines[mid]
    return f"R1#{command}\r\n" + "\r\n".join(line + "   " for line in lines) + "\r\nR1#"


IOS_SAMPLE = """\
Track 1
  IP SLA 1 reachability
  Reachability is Up
    3 changes, last change 00:01:23
  Delay up 60 secs, down 15 secs
  Latest operation return code: OK
  Latest RTT (millisecs) 1
  Tracked by:
    Static IP Routing 0
    EEM applet ISP1-DOWN
Track 2
  Interface GigabitEthernet0/1 line-protocol
  Line protocol is Down (hw down)
    1 change, last change 00:00:10
Track 3
  Interface Ethernet0/1 ip routing
  IP routing is Up
    1 change, last change 00:00:10
Track 4
  IP route 10.0.0.0 255.0.0.0 metric threshold
  Metric threshold is Up (RIP/6/102)
    1 change, last change 00:00:10
  Metric threshold down 255 up 254
  First-hop interface is Ethernet0/1
Track 100
  List boolean or
  Boolean OR is Up
    2 changes, last change 00:00:08
    object 1 Up
    object 2 not Down
  Tracked by:
    HSRP GigabitEthernet0/0 1
Track 101
  List threshold weight
  Threshold Weight is Down (recalculated)
    object 1 weight 10 Down
"""


def test_corpus_ip_sla_state_up() -> None:
    table = parse("show track", _raw("genie_iosxe_track_ip_sla_state_up"))
    track = table.tracks[34]
    assert (track.kind, track.object, track.mode) == (TrackKind.IP_SLA, "34", "state")
    assert track.header == "IP SLA 34 state"
    assert track.state is TrackState.UP
    assert (track.changes, track.last_change) == (11, "1d16h")
    assert (track.return_code, track.rtt_ms) == ("OK", 16)
    assert table.complete


def test_corpus_route_reachability_down_with_pending_delay() -> None:
    table = parse("show track", _raw("genie_iosxe_track_route_reachability_down"))
    track = table.tracks[2]
    assert (track.kind, track.object) == (TrackKind.IP_ROUTE, "10.21.12.0 255.255.255.0")
    assert track.mode == "reachability"
    assert (track.state, track.state_detail) == (TrackState.DOWN, "no ip route")
    assert track.delayed == "Up (1 sec remaining) (connected)"
    assert (track.changes, track.last_change) == (1, "00:00:24")
    assert (track.delay_up_s, track.delay_down_s) == (20.0, 10.0)
    assert track.first_hop_interface == "unknown (was Ethernet1/0)"
    assert track.tracked_by == ("HSRP Ethernet0/0 3", "HSRP Ethernet0/1 3")


def test_every_track_type_keyed_by_number() -> None:
    tracks = parse("show track", IOS_SAMPLE).tracks
    assert sorted(tracks) == [1, 2, 3, 4, 100, 101]
    assert tracks[1].tracked_by == ("Static IP Routing 0", "EEM applet ISP1-DOWN")
    assert (tracks[1].delay_up_s, tracks[1].delay_down_s) == (60.0, 15.0)
    assert (tracks[2].kind, tracks[2].object, tracks[2].mode) == (
        TrackKind.INTERFACE,
        "GigabitEthernet0/1",
        "line-protocol",
    )
    assert (tracks[2].state, tracks[2].state_detail) == (TrackState.DOWN, "hw down")
    assert tracks[3].mode == "ip routing"
    assert (tracks[4].mode, tracks[4].state_detail) == ("metric threshold", "RIP/6/102")
    assert tracks[4].first_hop_interface == "Ethernet0/1"
    assert (tracks[100].kind, tracks[100].mode) == (TrackKind.LIST_BOOLEAN, "or")
    assert tracks[100].members == ("object 1 Up", "object 2 not Down")
    assert tracks[101].kind is TrackKind.LIST_THRESHOLD
    assert tracks[101].state is TrackState.DOWN


def test_one_track_by_number_uses_the_same_parser() -> None:
    assert parse("sh track 34", _raw("genie_iosxe_track_ip_sla_state_up")).tracks[34].rtt_ms == 16


def test_empty_output_is_an_empty_table() -> None:
    table = parse("show track", "")
    assert (dict(table.tracks), table.complete) == ({}, True)


def test_a_track_cut_before_its_state_is_kept_and_flagged() -> None:
    table = parse("show track", "Track 1\n  IP SLA 1 reachability\n  Reachability is Up\nTrack 2\n")
    assert table.tracks[2].state is TrackState.UNKNOWN
    assert not table.complete


@pytest.mark.parametrize(
    "text", ["% Invalid input detected at '^' marker.", "Interface  IP-Address"]
)
def test_foreign_text_raises(text: str) -> None:
    with pytest.raises(ParseError) as error:
        parse("show track", "             ^\n" + text if text.startswith("%") else text)
    assert error.value.command == "show track"


def test_crlf_paging_and_echo_are_ignored() -> None:
    clean = parse("show track", IOS_SAMPLE)
    assert parse("show track", _noisy(IOS_SAMPLE, "show track")) == clean


def test_brief_layout_from_a_capture() -> None:
    case = "blog_ios_track_brief_sla_interface_list"
    table = parse("show track brief", _raw(case))
    meta = yaml.safe_load((GOLDEN / case / "provenance.yaml").read_text())
    for key, want in meta["expected_from_raw"].items():
        track = table.tracks[int(key)]
        got = {
            "kind": track.kind.value,
            "object": track.object,
            "mode": track.mode,
            "state": track.state.value,
            "last_change": track.last_change,
        }
        assert got == want
    assert table.complete
    cut = parse("show track brief", _raw(case)[: _raw(case).rindex("boolean")])
    assert 4 not in cut.tracks and not cut.complete


def test_classic_rtr_track_is_an_sla_track() -> None:
    """IOS 12.x 'track 1 rtr 1 reachability' prints 'Response Time Reporter 1 reachability'."""
    track = parse("show track", _raw("infobozk_ios_track_rtr_reachability_up")).tracks[1]
    assert (track.kind, track.object, track.mode) == (TrackKind.IP_SLA, "1", "reachability")
    assert (track.state, track.changes, track.rtt_ms) == (TrackState.UP, 1, 24)
    down = parse("show track 1", _raw("infobozk_ios_track_rtr_reachability_down")).tracks[1]
    assert (down.state, down.return_code, down.rtt_ms) == (TrackState.DOWN, "Timeout", None)


def test_route_metric_threshold_values() -> None:
    track = parse("show track", _raw("genie_iosxe_track_route_metric_threshold")).tracks[1]
    assert (track.kind, track.mode) == (TrackKind.IP_ROUTE, "metric threshold")
    assert (track.threshold_down, track.threshold_up) == (255, 254)
    assert (track.delay_up_s, track.delay_down_s) == (2.0, 1.0)
