"""IKEv1 aggressive mode in the lab, read over SSH with the product's parsers.

One trimmed fleet (HQ and three branches) carries the configured ways of starting aggressive
mode: BR01 through an ISAKMP profile (``initiate mode aggressive``) and the global key, BR02
through a profile with a ``crypto keyring``, and BR03 like BR01 but with a key HQ does not
share. Other fleets try ``crypto isakmp peer address`` + ``set aggressive-mode password`` and
HQ refusing aggressive mode.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from netmiko import ConnectHandler

from lab.configtree import ConfigTree
from lab.fleet import Fleet
from lab.scenario import Scenario, load_scenario
from nornir_tasks.models.ipsec import IpsecSaTable
from nornir_tasks.models.isakmp import IsakmpSaTable, IsakmpState
from nornir_tasks.models.logs import EventKind
from nornir_tasks.parsers import parse
from tests.lab.labcli import cli, one

pytestmark = pytest.mark.lab

HQ_WAN = "198.51.100.2"
BR01_WAN, BR02_WAN, BR03_WAN = "203.0.113.6", "203.0.113.10", "203.0.113.14"

PROFILE_AM = """crypto isakmp profile AM-HQ
 match identity address 198.51.100.2 255.255.255.255
 initiate mode aggressive
"""


def _trimmed(*names: str) -> Scenario:
    scenario = load_scenario("default")
    scenario.faults = []
    scenario.routers = [r for r in scenario.routers if r.name in names]
    return scenario


def _edit(scenario: Scenario, name: str, old: str, new: str) -> None:
    router = next(r for r in scenario.routers if r.name == name)
    assert old in router.config
    router.config = router.config.replace(old, new)


def _by_profile(scenario: Scenario, name: str) -> None:
    _edit(scenario, name, "crypto isakmp keepalive", PROFILE_AM + "crypto isakmp keepalive")
    _edit(
        scenario,
        name,
        " match address VPN-HQ\n",
        " match address VPN-HQ\n set isakmp-profile AM-HQ\n",
    )


def _by_profile_keyring(scenario: Scenario, name: str, key: str) -> None:
    ring = f"crypto keyring KR-HQ\n pre-shared-key address {HQ_WAN} key {key}\n"
    profile = PROFILE_AM.replace(" match", " keyring KR-HQ\n match")
    _edit(scenario, name, "crypto isakmp keepalive", ring + profile + "crypto isakmp keepalive")
    _edit(
        scenario,
        name,
        " match address VPN-HQ\n",
        " match address VPN-HQ\n set isakmp-profile AM-HQ\n",
    )
    _edit(scenario, name, f"crypto isakmp key {key} address {HQ_WAN}\n", "")


def _debug_on(fleet: Fleet, *names: str) -> None:
    def on() -> None:
        for name in names:
            fleet.device(name).debugs.update({"isakmp", "ipsec"})

    fleet.call(on)


def _isakmp(fleet: Fleet, router: str, detail: bool = False) -> IsakmpSaTable:
    command = "show crypto isakmp sa" + (" detail" if detail else "")
    table = parse(command, one(fleet, router, command))
    assert isinstance(table, IsakmpSaTable) and table.complete
    return table


def _state(table: IsakmpSaTable, dst: str, src: str) -> IsakmpState | None:
    live = [s for s in table.sas if s.dst == dst and s.src == src and not s.deleted]
    assert live, table
    return live[0].state


@pytest.fixture(scope="module")
def am_fleet(host_key: Path) -> Iterator[Fleet]:
    scenario = _trimmed("HQ", "BR01", "BR02", "BR03")
    _by_profile(scenario, "BR01")
    _by_profile_keyring(scenario, "BR02", "Br02-Psk-7x")
    _by_profile(scenario, "BR03")  # HQ keeps Wrong-Psk-3x for BR03: a key mismatch
    fleet = Fleet(scenario)
    fleet.start(key_path=host_key)
    _debug_on(fleet, "HQ", "BR01", "BR02", "BR03")
    fleet.advance(30)
    yield fleet
    fleet.stop()


def test_aggressive_pairs_reach_qm_idle_with_ipsec_sas(am_fleet: Fleet) -> None:
    hq = _isakmp(am_fleet, "HQ")
    for branch, wan in (("BR01", BR01_WAN), ("BR02", BR02_WAN)):
        assert _state(_isakmp(am_fleet, branch), HQ_WAN, wan) is IsakmpState.QM_IDLE
        assert _state(hq, HQ_WAN, wan) is IsakmpState.QM_IDLE
    first = parse("show crypto ipsec sa", one(am_fleet, "BR01", "show crypto ipsec sa"))
    am_fleet.advance(10)
    second = parse("show crypto ipsec sa", one(am_fleet, "BR01", "show crypto ipsec sa"))
    assert isinstance(first, IpsecSaTable) and isinstance(second, IpsecSaTable)
    before, after = first.flows[0], second.flows[0]
    assert after.current_peer == HQ_WAN
    assert (after.pkts_encaps or 0) > (before.pkts_encaps or 0) > 0
    assert (after.pkts_decaps or 0) > (before.pkts_decaps or 0) > 0
    assert "Session status: UP-ACTIVE" in one(am_fleet, "BR02", "show crypto session")
    # BR02 has no global key for HQ: the profile's keyring supplied it.
    assert "beginning Aggressive Mode exchange" in one(am_fleet, "BR02", "show logging")


def test_detail_reads_the_negotiated_policy(am_fleet: Fleet) -> None:
    detail = _isakmp(am_fleet, "BR01", detail=True)
    row = next(s for s in detail.sas if s.remote == HQ_WAN and not s.deleted)
    assert (row.local, row.encr, row.hash, row.auth, row.dh_group) == (
        BR01_WAN,
        "aes",
        "sha256",
        "psk",
        14,
    )


def test_debug_shows_the_three_aggressive_messages(am_fleet: Fleet) -> None:
    br01_log, hq_log = (one(am_fleet, r, "show logging") for r in ("BR01", "HQ"))
    assert "SA request profile is AM-HQ" in br01_log
    assert "Can not start Aggressive mode" not in br01_log
    assert "beginning Aggressive Mode exchange" in br01_log
    assert f"sending packet to {HQ_WAN} my_port 500 peer_port 500 (I) AG_NO_STATE" in br01_log
    assert "Old State = IKE_I_AM1  New State = IKE_I_AM2" in br01_log
    assert f"SA has been authenticated with {HQ_WAN}" in br01_log
    assert "New State = IKE_P1_COMPLETE" in br01_log
    assert "beginning Quick Mode exchange" in br01_log
    assert f"sending packet to {BR01_WAN} my_port 500 peer_port 500 (R) AG_INIT_EXCH" in hq_log
    assert "Old State = IKE_R_AM1  New State = IKE_R_AM2" in hq_log
    assert "Old State = IKE_R_AM2  New State = IKE_P1_COMPLETE" in hq_log
    assert "beginning Main Mode exchange" not in hq_log + br01_log
    # The product's log parser reads the aggressive FSM steps as state changes.
    events = parse("show logging", br01_log).events
    steps = [e.line for e in events if e.kind is EventKind.STATE_CHANGE]
    assert any("IKE_I_AM1" in line for line in steps)


def test_psk_mismatch_initiator_cannot_authenticate_the_responder(am_fleet: Fleet) -> None:
    assert _state(_isakmp(am_fleet, "BR03"), HQ_WAN, BR03_WAN) is IsakmpState.AG_INIT_EXCH
    assert _state(_isakmp(am_fleet, "HQ"), HQ_WAN, BR03_WAN) is IsakmpState.AG_INIT_EXCH
    br03_log, hq_log = (one(am_fleet, r, "show logging") for r in ("BR03", "HQ"))
    # HQ answered with AM2 (its hash made with its own key); BR03 rejects it.
    assert f"sending packet to {BR03_WAN} my_port 500 peer_port 500 (R) AG_INIT_EXCH" in hq_log
    assert f"Hash payload verification failed with peer {HQ_WAN}" in br03_log
    assert (
        f"%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Aggressive mode failed with peer at {HQ_WAN}"
        in br03_log
    )
    assert "retransmitting phase 1 AG_INIT_EXCH..." in br03_log
    assert f"SA has been authenticated with {HQ_WAN}" not in br03_log
    events = parse("show logging", br03_log).events
    assert any(e.kind is EventKind.MODE_FAILURE for e in events)


def test_responder_refuses_aggressive_mode_when_disabled(
    fleet_factory: Callable[[Scenario], Fleet],
) -> None:
    scenario = _trimmed("HQ", "BR01")
    _by_profile(scenario, "BR01")
    _edit(
        scenario,
        "HQ",
        "crypto isakmp keepalive",
        "crypto isakmp aggressive-mode disable\ncrypto isakmp keepalive",
    )
    fleet = fleet_factory(scenario)
    _debug_on(fleet, "BR01")
    fleet.advance(70)
    br01_sa, br01_log = cli(fleet, "BR01", "show crypto isakmp sa", "show logging")
    hq_log = one(fleet, "HQ", "show logging")
    assert (
        "%CRYPTO-5-IKMP_AG_MODE_DISABLED: Unable to initiate or respond to Aggressive Mode while "
        "disabled" in hq_log
    )
    table = parse("show crypto isakmp sa", br01_sa)
    assert isinstance(table, IsakmpSaTable)
    assert {s.state for s in table.sas if s.src == BR01_WAN} == {IsakmpState.AG_NO_STATE}
    assert "retransmitting phase 1 AG_NO_STATE..." in br01_log
    assert 'deleting SA reason "Death by retransmission P1"' in br01_log
    assert not [s for s in _isakmp(fleet, "HQ").sas if s.src == BR01_WAN]


def test_peer_aggressive_mode_password_starts_aggressive_mode(
    fleet_factory: Callable[[Scenario], Fleet],
) -> None:
    scenario = _trimmed("HQ", "BR01")
    fleet = fleet_factory(scenario)
    br01 = fleet.device("BR01")
    text = br01.running.render_body().replace(
        f"crypto isakmp key Br01-Psk-7x address {HQ_WAN}\n",
        f"crypto isakmp peer address {HQ_WAN}\n set aggressive-mode password Br01-Psk-7x\n"
        f" set aggressive-mode client-endpoint ipv4-address {BR01_WAN}\n",
    )

    def reconfigure() -> None:
        # Loaded straight into the tree so it is in place before the first negotiation
        # (test_isakmp_peer_lines_survive_the_cli proves the CLI keeps these lines).
        br01.running = ConfigTree.from_text(text)
        br01.debugs.add("isakmp")

    fleet.call(reconfigure)
    fleet.advance(15)
    assert _state(_isakmp(fleet, "BR01"), HQ_WAN, BR01_WAN) is IsakmpState.QM_IDLE
    log = one(fleet, "BR01", "show logging")
    assert "beginning Aggressive Mode exchange" in log
    assert "Can not start Aggressive mode" not in log


def test_isakmp_peer_lines_survive_the_cli(
    fleet_factory: Callable[[Scenario], Fleet],
) -> None:
    """``crypto isakmp peer address X`` is a sub-mode: its ``set aggressive-mode`` lines stay."""
    fleet = fleet_factory(_trimmed("HQ", "BR01"))
    conn = ConnectHandler(**fleet.connection("BR01"))
    try:
        conn.enable()
        conn.send_config_set(
            [
                f"crypto isakmp peer address {HQ_WAN}",
                "set aggressive-mode password Br01-Psk-7x",
                f"set aggressive-mode client-endpoint ipv4-address {BR01_WAN}",
            ]
        )
        text = conn.send_command("show running-config | section crypto isakmp peer")
    finally:
        conn.disconnect()
    assert isinstance(text, str)
    assert text.splitlines() == [
        f"crypto isakmp peer address {HQ_WAN}",
        " set aggressive-mode password Br01-Psk-7x",
        f" set aggressive-mode client-endpoint ipv4-address {BR01_WAN}",
    ]
