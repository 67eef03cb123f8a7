"""Failover state (track, IP SLA) and log-only rules: flapping, stale IKE SAs, idle tunnels."""

from __future__ import annotations

from nornir_tasks.models.findings import Severity, Source
from tests.checks.support import codes, fleet, run, session

TRACK_DOWN = """Track 10
  IP SLA 10 reachability
  Reachability is Down
    3 changes, last change 00:00:12
  Latest operation return code: Timeout
  Tracked by:
    Static IP Routing 0
"""
SLA_PENDING = """IPSLAs Latest Operation Summary
Codes: * active, ^ inactive, ~ pending
All Stats are in milliseconds. Stats with u are in microseconds

ID           Type        Destination       Stats       Return      Last
                                                       Code        Run
-----------------------------------------------------------------------
~10          icmp-echo   8.8.8.8           -           Unknown     -
"""


def test_track_down_says_failover_is_active_and_why() -> None:
    (f,) = run(fleet(("BR12", session("BR12", ("show track", TRACK_DOWN)))))
    assert (f.code, f.severity, f.step.value) == ("TRACK_DOWN", Severity.WARNING, "failover")
    assert "IP SLA 10 last returned Timeout" in f.cause
    assert "Reachability is Down" in f.evidence


def test_pending_sla_used_by_a_track_is_critical() -> None:
    text = session("BR12", ("show track", TRACK_DOWN), ("show ip sla summary", SLA_PENDING))
    found = run(fleet(("BR12", text)))
    assert codes(found) == {"TRACK_DOWN", "SLA_NOT_SCHEDULED"}
    sla = next(f for f in found if f.code == "SLA_NOT_SCHEDULED")
    assert sla.severity is Severity.CRITICAL and sla.source is Source.STATE


def test_track_state_syslog() -> None:
    log = "*Nov 18 11:07:10.096: %TRACK-6-STATE: 10 ip sla 10 reachability Up -> Down\n"
    (f,) = run(fleet(("BR12", log)))
    assert (f.code, f.source) == ("TRACK_DOWN", Source.LOG)


def test_track_that_came_back_is_not_down() -> None:
    log = (
        "*Nov 18 11:07:10.096: %TRACK-6-STATE: 10 ip sla 10 reachability Up -> Down\n"
        "*Nov 18 11:08:10.096: %TRACK-6-STATE: 10 ip sla 10 reachability Down -> Up\n"
    )
    assert run(fleet(("BR12", log))) == []


def test_a_tunnel_that_keeps_going_down_is_flapping() -> None:
    down = "%CRYPTO-5-SESSION_STATUS: Crypto tunnel v2 is DOWN. Peer 203.0.113.50:500       Id: 203.0.113.50"
    up = "%CRYPTO-5-SESSION_STATUS: Crypto tunnel v2 is UP.  Peer 203.0.113.50:500       Id: 203.0.113.50"
    log = "".join(
        f"*Nov 18 11:0{m}:10.096: {line}\n" for m, line in enumerate([down, up, down, up])
    )
    (f,) = run(fleet(("HQ", log)))
    assert (f.code, f.peer, f.severity) == ("TUNNEL_FLAPPING", "203.0.113.50", Severity.WARNING)


def test_one_down_and_up_is_not_flapping() -> None:
    down = "%CRYPTO-5-SESSION_STATUS: Crypto tunnel v2 is DOWN. Peer 203.0.113.50:500       Id: 203.0.113.50"
    assert run(fleet(("HQ", f"*Nov 18 11:00:10.096: {down}\n"))) == []


def test_ike_message_for_a_deleted_sa() -> None:
    log = "*Nov 18 11:07:12.096: %CRYPTO-4-IKMP_NO_SA: IKE message from 10.1.1.1 has no SA and is not an initialization offer\n"
    (f,) = run(fleet(("HQ", log)))
    assert (f.code, f.peer, f.step.value) == ("IKE_NO_SA", "10.1.1.1", "termination")


SESSION_DOWN = """Crypto session current status

Interface: GigabitEthernet1
Session status: DOWN
Peer: 203.0.113.46 port 500 fvrf: (none) ivrf: (none)
      Phase1_id: (none)
      Desc: (none)
  IPSEC FLOW: permit ip 10.0.0.0/255.255.255.0 10.11.0.0/255.255.255.0
        Active SAs: 0, origin: crypto map
        Inbound:  #pkts dec'ed 0 drop 0 life (KB/Sec) 0/0
        Outbound: #pkts enc'ed 0 drop 0 life (KB/Sec) 0/0
"""


def test_a_tunnel_nothing_tried_is_only_information() -> None:
    (f,) = run(fleet(("HQ", session("HQ", ("show crypto session detail", SESSION_DOWN)))))
    assert (f.code, f.severity, f.peer) == ("NO_INTERESTING_TRAFFIC", Severity.INFO, "203.0.113.46")
    assert "Session status: DOWN" in f.evidence
