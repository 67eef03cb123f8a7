"""Drift between recorded runs, from runs built of the lab's real captures."""

from __future__ import annotations

import dataclasses

from nornir_tasks.checks import host_evidence
from nornir_tasks.history.diff import Drift, drift, drift_json, rekey_storms
from nornir_tasks.history.snapshot import RunSnapshot, host_snapshot, run_snapshots
from nornir_tasks.models.collection import CommandOutput, HostStatus
from nornir_tasks.models.findings import Severity
from nornir_tasks.models.report import HostReport, TunnelStatus
from nornir_tasks.models.tunnel_status import TunnelKind
from tests.history.support import captured, lab_run, snapshot_run, with_tunnel

HQ = "198.51.100.2"
BR01 = "203.0.113.6"


def recorded(
    run_id: int, *captures: tuple[str, str], started: str, unreached: tuple[str, ...] = ()
) -> RunSnapshot:
    report, fleet = lab_run(*captures, started=started, unreached=unreached)
    return snapshot_run(run_id, report, run_snapshots(report, fleet))


def night(run_id: int, scenario: str, hour: int, *edits: tuple[str, str]) -> RunSnapshot:
    edit = edits[0] if edits else None
    return recorded(
        run_id, captured(scenario, "BR01", edit), started=f"2026-11-18T{hour:02}:00:00Z"
    )


def test_a_new_fault_is_exactly_one_new_finding_and_a_tunnel_down() -> None:
    found = drift([night(1, "default", 1), night(2, "fault1", 2)])
    assert [(f.host, f.peer, f.code) for f in found.new_findings] == [
        ("BR01", HQ, "IKE_P1_NO_RESPONSE")
    ]
    assert found.has_new_critical
    assert [(c.host, c.peer, c.before, c.after) for c in found.went_down] == [
        ("BR01", HQ, TunnelStatus.UP, TunnelStatus.NEGOTIATING)
    ]
    assert not (found.resolved_findings or found.came_up or found.config_changes)


def test_a_cleared_fault_is_resolved_and_the_tunnel_back_up() -> None:
    found = drift([night(2, "fault1", 2), night(3, "default", 3)])
    assert [f.code for f in found.resolved_findings] == ["IKE_P1_NO_RESPONSE"]
    assert [(c.peer, c.after) for c in found.came_up] == [(HQ, TunnelStatus.UP)]
    assert not found.new_findings and not found.has_new_critical


def test_the_same_findings_again_are_no_drift() -> None:
    hq = captured("default", "HQ")
    first = recorded(1, hq, started="2026-11-18T01:00:00Z")
    again = recorded(2, hq, started="2026-11-18T01:00:00Z")  # same time: no counter verdict
    found = drift([first, again])
    assert first.findings and found.empty
    assert not found.has_new_critical


def test_a_host_not_reached_resolves_nothing_and_takes_no_tunnel_down() -> None:
    before = night(1, "fault1", 1)
    after = recorded(2, started="2026-11-18T02:00:00Z", unreached=("BR01",))
    found = drift([before, after])
    assert found.unreached == ("BR01",)
    assert not (found.resolved_findings or found.went_down)


def test_a_crypto_change_changes_only_the_crypto_fingerprint() -> None:
    changed = (
        "crypto ipsec transform-set TS esp-aes 256",
        "crypto ipsec transform-set TS esp-aes 128",
    )
    found = drift([night(1, "default", 1), night(2, "default", 2, changed)])
    assert [(c.host, c.section) for c in found.config_changes] == [("BR01", "crypto")]


def test_a_crypto_acl_change_is_a_crypto_change() -> None:
    changed = ("VPN-HQ\n permit ip 10.1.0.0 0.0.0.255", "VPN-HQ\n permit ip 10.1.0.0 0.0.1.255")
    found = drift([night(1, "default", 1), night(2, "default", 2, changed)])
    assert [c.section for c in found.config_changes] == ["crypto"]


def test_a_failover_change_changes_only_the_failover_fingerprint() -> None:
    def br12(run_id: int, edit: tuple[str, str] | None) -> RunSnapshot:
        return recorded(
            run_id, captured("default", "BR12", edit), started=f"2026-11-18T0{run_id}:00:00Z"
        )

    found = drift([br12(1, None), br12(2, (" frequency 5", " frequency 10"))])
    assert [(c.host, c.section) for c in found.config_changes] == [("BR12", "failover")]


def test_a_changed_pre_shared_key_is_not_fingerprinted() -> None:
    """Secrets never enter the store, not even hashed: a new key alone changes nothing."""
    new_key = ("crypto isakmp key Br01-Psk-7x", "crypto isakmp key Other-Key-1")
    found = drift([night(1, "default", 1), night(2, "default", 2, new_key)])
    assert found.config_changes == ()


def _spi_series(minutes: list[int], lifetime_s: int = 3600) -> list[RunSnapshot]:
    base = night(1, "default", 1)
    runs = []
    for index, minute in enumerate(minutes):
        run = with_tunnel(
            base,
            "BR01",
            HQ,
            inbound_spis=(f"0x{0x1000 + index:08X}",),
            remaining_s=lifetime_s - 60,
            lifetime_s=lifetime_s,
        )
        runs.append(
            RunSnapshot(
                index + 1,
                f"2026-11-18T{1 + minute // 60:02}:{minute % 60:02}:00Z",
                run.hosts,
                run.findings,
            )
        )
    return runs


def test_spis_changing_every_run_minutes_apart_are_a_rekey_storm() -> None:
    (storm,) = drift(_spi_series([0, 5, 10, 15])).rekey_storms
    assert (storm.host, storm.peer, storm.spi_changes, storm.elapsed_s) == ("BR01", HQ, 3, 900.0)
    assert storm.premature == 3 and storm.lifetime_s == 3600


def test_spis_changing_once_per_lifetime_are_normal_rekeys() -> None:
    # Every 55 minutes with a one-hour lifetime: each SA replaced just before it expired.
    runs = _spi_series([0, 55, 110, 165])
    assert rekey_storms(runs) == ()


def test_spis_changing_faster_than_a_short_configured_lifetime_allows() -> None:
    assert rekey_storms(_spi_series([0, 55, 110], lifetime_s=86400))  # a day's lifetime
    assert not rekey_storms(_spi_series([0, 1, 2], lifetime_s=60))


def test_counters_that_stop_moving_on_an_up_tunnel() -> None:
    first = night(1, "default", 1)
    second = night(2, "default", 2)  # the same capture an hour later: not a packet in between
    stalled = drift([first, second]).stalled_counters
    assert [(s.host, s.peer, s.counter, s.value) for s in stalled] == [
        ("BR01", HQ, "encaps", 157),
        ("BR01", HQ, "decaps", 157),
    ]
    moving = with_tunnel(second, "BR01", HQ, encaps=900, decaps=900)
    assert drift([first, moving]).stalled_counters == ()


def test_the_drift_as_json_names_everything() -> None:
    found: Drift = drift([night(1, "default", 1), night(2, "fault1", 2)])
    data = drift_json(found)
    assert data["has_new_critical"] is True
    assert data["new_findings"][0]["code"] == "IKE_P1_NO_RESPONSE"
    assert data["new_findings"][0]["severity"] == Severity.CRITICAL.value
    assert data["went_down"] == [
        {
            "host": "BR01",
            "peer": HQ,
            "before": "up",
            "after": "negotiating",
            "kind": "crypto-map",
            "interface": None,
            "description": f"BR01 -> {HQ} (crypto map): up -> negotiating",
        }
    ]


def _without_tunnels(run: RunSnapshot, read: bool) -> RunSnapshot:
    hosts = tuple(dataclasses.replace(h, tunnels=(), tunnels_read=read) for h in run.hosts)
    return dataclasses.replace(run, hosts=hosts)


def test_a_dmvpn_shortcut_ageing_out_is_expected_and_a_hub_tunnel_going_is_critical() -> None:
    first = night(1, "default", 1)
    gone = _without_tunnels(night(2, "default", 2), read=True)
    shortcut = with_tunnel(first, "BR01", HQ, kind=TunnelKind.DMVPN_SHORTCUT, interface="Tunnel0")
    found = drift([shortcut, gone])
    assert [c.description for c in found.aged_out] == [
        f"BR01 Tunnel0 -> {HQ} (DMVPN shortcut): up -> gone"
    ]
    assert found.went_down == () and not found.has_new_critical
    hub = with_tunnel(first, "BR01", HQ, kind=TunnelKind.DMVPN_HUB, interface="Tunnel0")
    found = drift([hub, gone])
    assert [c.description for c in found.went_down] == [
        f"BR01 Tunnel0 -> {HQ} (DMVPN hub): up -> gone"
    ]
    assert found.aged_out == () and found.has_new_critical  # no finding names it: still told


def test_a_run_that_read_no_ipsec_sas_takes_no_tunnel_down() -> None:
    # the config audit reads crypto maps, not SAs: it cannot know a tunnel's state
    audit = _without_tunnels(night(2, "default", 2), read=False)
    assert drift([night(1, "default", 1), audit]).went_down == ()
    assert drift([audit, night(3, "default", 3)]).came_up == ()


def test_a_run_without_the_ipsec_table_records_no_tunnel_state() -> None:
    audit = host_evidence("BR01", [CommandOutput("show crypto isakmp sa", ISAKMP)])
    health = host_evidence("BR01", [CommandOutput("show crypto isakmp sa", ISAKMP),
                                    CommandOutput("show crypto ipsec sa", "")])  # fmt: skip
    row = HostReport("BR01", HostStatus.OK, None, 0, 0)
    assert (host_snapshot(row, audit).tunnels, host_snapshot(row, audit).tunnels_read) == (
        (),
        False,
    )
    recorded = host_snapshot(row, health)
    assert recorded.tunnels_read and [(t.peer, t.phase1) for t in recorded.tunnels] == [
        (HQ, "QM_IDLE")
    ]


ISAKMP = f"""IPv4 Crypto ISAKMP SA
dst             src             state          conn-id status
{HQ}    {BR01}     QM_IDLE           1001 ACTIVE
"""
