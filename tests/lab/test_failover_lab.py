"""IP SLA, object tracking and EEM on the lab routers, through netmiko over SSH.

BR12 carries the canonical dual-ISP block (field guide §6.1): ``ip sla 10`` pinned to ISP1 by
a host route with a Null0 backup, ``track 10`` with ``delay down 15 up 60``, a tracked
default route and a floating static via ISP2, EEM applets ISP1-DOWN / ISP1-UP. Simulated time
moves only through ``fleet.advance``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from netmiko import BaseConnection, ConnectHandler

from lab.fleet import Fleet
from lab.network import Fault, FaultKind
from nornir_tasks.parsers.eem import parse_eem_history, parse_eem_policies
from nornir_tasks.parsers.ip_sla import (
    parse_ip_sla_configuration,
    parse_ip_sla_statistics,
    parse_ip_sla_summary,
)
from nornir_tasks.parsers.track import parse_show_track

pytestmark = pytest.mark.lab

ISP1_DOWN = Fault(FaultKind.ISP_DOWN, router="BR12", interface="GigabitEthernet1")
UNPIN = [
    "no ip route 8.8.8.8 255.255.255.255 GigabitEthernet1 203.0.113.49",
    "no ip route 8.8.8.8 255.255.255.255 Null0 250",
]


def show(conn: BaseConnection, command: str) -> str:
    out = conn.send_command(command)
    assert isinstance(out, str)
    return out


def connect(fleet: Fleet, router: str) -> BaseConnection:
    conn = ConnectHandler(**fleet.connection(router))
    conn.enable()
    return conn


@pytest.fixture()
def br12(fresh_lab: Fleet) -> Iterator[BaseConnection]:
    conn = connect(fresh_lab, "BR12")
    yield conn
    conn.disconnect()


def default_via(conn: BaseConnection) -> str:
    entry = show(conn, "show ip route 0.0.0.0")
    return entry.split("* ", 1)[1].split()[0]


def track_changes(conn: BaseConnection, track: int = 10) -> tuple[int, int]:
    """(Up -> Down, Down -> Up) lines for ``track`` in the logging buffer."""
    log = show(conn, f"show logging | include TRACK-6-STATE: {track} ")
    return log.count("Up -> Down"), log.count("Down -> Up")


def test_healthy_br12_probe_track_route_and_policies(lab: Fleet) -> None:
    conn = connect(lab, "BR12")
    try:
        summary = parse_ip_sla_summary(show(conn, "show ip sla summary"))
        entry = summary.entries[10]
        assert (entry.activity, entry.type, entry.destination) == ("active", "icmp-echo", "8.8.8.8")
        assert entry.return_code == "OK" and entry.rtt_ms is not None

        stats = parse_ip_sla_statistics(show(conn, "show ip sla statistics 10")).entries[10]
        assert stats.return_code == "OK" and stats.time_to_live == "Forever"
        assert stats.successes is not None and stats.successes >= 1 and stats.failures == 0

        config = parse_ip_sla_configuration(show(conn, "show ip sla configuration 10")).entries[10]
        assert (config.type, config.target, config.source_interface) == (
            "icmp-echo",
            "8.8.8.8",
            "GigabitEthernet1",
        )
        assert (config.frequency_s, config.timeout_ms, config.threshold_ms) == (5, 1000, 1000)
        assert config.status == "Active" and config.life == "Forever"

        track = parse_show_track(show(conn, "show track 10")).tracks[10]
        assert (track.kind, track.object, track.mode, track.state) == (
            "ip sla",
            "10",
            "reachability",
            "Up",
        )
        assert (track.delay_up_s, track.delay_down_s) == (60.0, 15.0)
        assert track.return_code == "OK"
        assert "Static IP Routing 0" in track.tracked_by
        brief = show(conn, "show track brief").splitlines()
        assert brief[1].split()[:6] == ["10", "ip", "sla", "10", "reachability", "Up"]

        assert default_via(conn) == "203.0.113.49"

        policies = parse_eem_policies(show(conn, "show event manager policy registered"))
        by_name = {p.name: p for p in policies.policies}
        assert set(by_name) == {"ISP1-DOWN", "ISP1-UP"}
        assert by_name["ISP1-DOWN"].event_type == "track"
        assert by_name["ISP1-DOWN"].maxrun_s == 20.0
        assert [a.label for a in by_name["ISP1-UP"].actions] == ["1.0", "2.0", "3.0"]
        assert parse_eem_history(show(conn, "show event manager history events")).events == ()
    finally:
        conn.disconnect()


def test_isp1_loss_fails_over_after_the_down_delay_and_back_after_the_up_delay(
    fresh_lab: Fleet, br12: BaseConnection
) -> None:
    fresh_lab.add_fault(ISP1_DOWN)
    fresh_lab.advance(10)
    held = show(br12, "show track 10")
    assert "Reachability is Up, delayed Down" in held
    assert "Latest operation return code: Timeout" in held
    assert default_via(br12) == "203.0.113.49"

    fresh_lab.advance(15)
    assert parse_show_track(show(br12, "show track 10")).tracks[10].state == "Down"
    assert default_via(br12) == "192.0.2.1"
    log = show(br12, "show logging")
    assert "%TRACK-6-STATE: 10 ip sla 10 reachability Up -> Down" in log
    assert "%HA_EM-6-LOG: ISP1-DOWN: ISP1 down, failing over to ISP2" in log
    history = parse_eem_history(show(br12, "show event manager history events")).events
    assert [(e.name, e.event_type, e.status) for e in history] == [
        ("ISP1-DOWN", "track", "success")
    ]

    # Pinned probe: it keeps failing through ISP1 while the default route uses ISP2.
    fresh_lab.advance(300)
    assert track_changes(br12) == (1, 0)
    stats = parse_ip_sla_statistics(show(br12, "show ip sla statistics")).entries[10]
    assert stats.return_code == "Timeout" and stats.latest_rtt == "NoConnection/Busy/Timeout"

    fresh_lab.clear_faults()
    fresh_lab.advance(30)
    assert "Reachability is Down, delayed Up" in show(br12, "show track 10")
    assert default_via(br12) == "192.0.2.1"
    fresh_lab.advance(40)
    assert parse_show_track(show(br12, "show track 10")).tracks[10].state == "Up"
    assert default_via(br12) == "203.0.113.49"
    assert "%HA_EM-6-LOG: ISP1-UP: ISP1 restored" in show(br12, "show logging")
    names = [
        e.name for e in parse_eem_history(show(br12, "show event manager history events")).events
    ]
    assert names == ["ISP1-DOWN", "ISP1-UP"]


def test_an_unpinned_probe_follows_the_default_route_and_flaps(
    fresh_lab: Fleet, br12: BaseConnection
) -> None:
    br12.send_config_set(UNPIN)
    fresh_lab.add_fault(ISP1_DOWN)
    for _ in range(8):
        fresh_lab.advance(50)
    downs, ups = track_changes(br12)
    # Down after 15 s, the probe succeeds via ISP2, Up 60 s later, fails again ...
    assert downs >= 4 and ups >= 3
    runs = parse_eem_history(show(br12, "show event manager history events")).events
    assert {e.name for e in runs} == {"ISP1-DOWN", "ISP1-UP"}


def test_an_unscheduled_probe_never_runs_and_its_track_stays_down(
    fresh_lab: Fleet, br12: BaseConnection
) -> None:
    br12.send_config_set(
        [
            "ip sla 20",
            "icmp-echo 8.8.4.4 source-interface GigabitEthernet3",
            "frequency 10",
            "track 20 ip sla 20 reachability",
        ]
    )
    fresh_lab.advance(120)
    summary = parse_ip_sla_summary(show(br12, "show ip sla summary")).entries[20]
    assert (summary.activity, summary.return_code, summary.rtt_stats) == ("pending", "Unknown", "-")
    stats = show(br12, "show ip sla statistics 20")
    assert "Number of successes: Unknown" in stats and "Operation time to live: 0" in stats
    config = parse_ip_sla_configuration(show(br12, "show ip sla configuration 20")).entries[20]
    assert (config.next_start, config.status) == ("Pending trigger", "notInService")
    track = parse_show_track(show(br12, "show track 20")).tracks[20]
    assert (track.state, track.changes, track.return_code) == ("Down", 1, "Unknown")

    br12.send_config_set(["ip sla schedule 20 life forever start-time now"])
    fresh_lab.advance(2)
    track = parse_show_track(show(br12, "show track 20")).tracks[20]
    assert (track.state, track.changes, track.return_code) == ("Up", 2, "OK")
    assert "%TRACK-6-STATE: 20 ip sla 20 reachability Down -> Up" in show(br12, "show logging")


def test_unscheduling_the_failover_probe_fails_over_for_good(
    fresh_lab: Fleet, br12: BaseConnection
) -> None:
    br12.send_config_set(["no ip sla schedule 10"])
    fresh_lab.advance(300)
    assert track_changes(br12) == (1, 0)
    assert default_via(br12) == "192.0.2.1"
    row = show(br12, "show ip sla summary").splitlines()[-1]
    assert row.startswith("~10 ") and "Unknown" in row


def test_eem_syslog_pattern_and_cli_actions_change_the_configuration(
    fresh_lab: Fleet, br12: BaseConnection
) -> None:
    br12.send_config_set(
        [
            "track 30 interface GigabitEthernet2 line-protocol",
            "event manager session cli username EEM-SVC",
            "event manager applet SHUT-LAN",
            'event syslog pattern "ISP1 down"',
            'action 1.0 cli command "enable"',
            'action 2.0 cli command "configure terminal"',
            'action 3.0 cli command "interface GigabitEthernet2"',
            'action 4.0 cli command "shutdown"',
            'action 5.0 cli command "end"',
        ]
    )
    fresh_lab.advance(2)
    assert "Line protocol is Up" in show(br12, "show track 30")
    fresh_lab.add_fault(ISP1_DOWN)
    fresh_lab.advance(25)
    names = [
        e.name for e in parse_eem_history(show(br12, "show event manager history events")).events
    ]
    assert names == ["ISP1-DOWN", "SHUT-LAN"]
    assert "shutdown" in show(br12, "show running-config interface GigabitEthernet2")
    brief = show(br12, "show ip interface brief")
    assert "administratively down" in brief.split("GigabitEthernet2", 1)[1].splitlines()[0]
    log = show(br12, "show logging")
    assert "Configured from console by EEM-SVC on vty" in log and "(EEM:SHUT-LAN)" in log
    fresh_lab.advance(2)
    assert "Line protocol is Down ((hw admin-down))" in show(br12, "show track 30")
    assert "%TRACK-6-STATE: 30 interface Gi2 line-protocol Up -> Down" in show(br12, "show logging")


def test_eem_timers_wait_and_maxrun(fresh_lab: Fleet) -> None:
    conn = connect(fresh_lab, "BR01")
    try:
        conn.send_config_set(
            [
                "event manager applet EVERY-MINUTE",
                "event timer watchdog time 60",
                'action 1.0 syslog priority warnings msg "tick"',
                "event manager applet TOO-SLOW",
                "event timer countdown time 30",
                'action 1.0 syslog msg "start"',
                "action 2.0 wait 25",
                'action 3.0 syslog msg "never"',
                "event manager applet PATIENT",
                "event timer countdown time 30 maxrun 40",
                "action 1.0 wait 25",
                'action 2.0 syslog msg "done waiting"',
            ]
        )
        fresh_lab.advance(130)
        runs = parse_eem_history(show(conn, "show event manager history events")).events
        outcome = [(e.name, e.event_type, e.status) for e in runs]
        assert outcome == [
            ("TOO-SLOW", "timer countdown", "abort"),
            ("PATIENT", "timer countdown", "success"),
            ("EVERY-MINUTE", "timer watchdog", "success"),
            ("EVERY-MINUTE", "timer watchdog", "success"),
        ]
        log = show(conn, "show logging | include HA_EM")
        assert log.count("%HA_EM-4-LOG: EVERY-MINUTE: tick") == 2
        assert "%HA_EM-6-LOG: TOO-SLOW: start" in log and "never" not in log
        assert "%HA_EM-6-LOG: PATIENT: done waiting" in log
        policies = parse_eem_policies(show(conn, "show event manager policy registered"))
        patient = next(p for p in policies.policies if p.name == "PATIENT")
        assert (patient.event_type, patient.maxrun_s) == ("timer countdown", 40.0)
    finally:
        conn.disconnect()


def test_route_interface_and_list_tracks_follow_a_link_fault(fresh_lab: Fleet) -> None:
    conn = connect(fresh_lab, "BR01")
    try:
        conn.send_config_set(
            [
                "track 40 ip route 0.0.0.0 0.0.0.0 reachability",
                "track 41 interface GigabitEthernet1 line-protocol",
                "track 100 list boolean and",
                "object 40",
                "object 41",
            ]
        )
        fresh_lab.advance(2)
        tracks = parse_show_track(show(conn, "show track")).tracks
        assert [tracks[n].state for n in (40, 41, 100)] == ["Up", "Up", "Up"]
        assert tracks[40].first_hop_interface == "GigabitEthernet1"
        assert tracks[100].members == ("object 40 Up", "object 41 Up")
        assert "Track-list 100" in tracks[41].tracked_by

        fresh_lab.add_fault(Fault(FaultKind.LINK_DOWN, router="BR01", interface="GigabitEthernet1"))
        tracks = parse_show_track(show(conn, "show track")).tracks
        assert [tracks[n].state for n in (40, 41, 100)] == ["Down", "Down", "Down"]
        assert tracks[40].state_detail == "no ip route"
        assert tracks[40].first_hop_interface == "unknown (was GigabitEthernet1)"
        assert "Line protocol is Down ((hw down))" in show(conn, "show track 41")
        log = show(conn, "show logging | include TRACK")
        assert "%TRACK-6-STATE: 41 interface Gi1 line-protocol Up -> Down" in log
        assert "%TRACK-6-STATE: 40 ip route 0.0.0.0/0 reachability Up -> Down" in log
        assert "%TRACK-6-STATE: 100 list boolean and Up -> Down" in log
    finally:
        conn.disconnect()
