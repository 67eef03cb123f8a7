"""The lab's IKE/IPsec faults, read on both ends over SSH the way an engineer would.

Each test follows one fault of the lab-protocols issue: the state tables, counters, debug
and syslog lines on the initiator and the responder.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pytest

from lab.fleet import Fleet
from lab.scenario import FaultSpec, Scenario, load_scenario
from tests.lab.labcli import cli, one

pytestmark = pytest.mark.lab

HQ_WAN = "198.51.100.2"


def wan(n: int) -> str:
    return f"203.0.113.{4 * n + 2}"


def isakmp_rows(text: str) -> dict[tuple[str, str], tuple[str, str]]:
    """{(dst, src): (state, status)} from ``show crypto isakmp sa``."""
    rows = {}
    for line in text.splitlines():
        m = re.match(r"^(\S+)\s+(\S+)\s+(\S+)\s+(\d+)\s+(ACTIVE.*)$", line)
        if m and m.group(1) != "dst":
            rows[(m.group(1), m.group(2))] = (m.group(3), m.group(5))
    return rows


def counters(text: str) -> tuple[int, int]:
    enc = re.search(r"#pkts encaps: (\d+)", text)
    dec = re.search(r"#pkts decaps: (\d+)", text)
    assert enc and dec, text
    return int(enc.group(1)), int(dec.group(1))


def peer_block(ipsec_sa: str, remote_lan: str) -> str:
    """The ident block of ``show crypto ipsec sa`` for the flow to ``remote_lan``."""
    blocks = ipsec_sa.split("   protected vrf:")
    return next(b for b in blocks if f"remote ident (addr/mask/prot/port): ({remote_lan}/" in b)


@pytest.fixture(scope="module")
def faulty(host_key: Path) -> Iterator[Fleet]:
    """The default fleet with its injected faults, debug on everywhere, 60 s into its life."""
    fleet = Fleet(load_scenario("default"))
    fleet.start(key_path=host_key)
    fleet.advance(25)

    def debug_everywhere() -> None:
        for device in fleet.devices.values():
            device.debugs.update({"isakmp", "ipsec"})

    fleet.call(debug_everywhere)
    fleet.advance(35)
    yield fleet
    fleet.stop()


def test_healthy_tunnel_is_up_both_ways(faulty: Fleet) -> None:
    br01 = isakmp_rows(one(faulty, "BR01", "show crypto isakmp sa"))
    assert br01[(HQ_WAN, wan(1))] == ("QM_IDLE", "ACTIVE")
    hq = isakmp_rows(one(faulty, "HQ", "show crypto isakmp sa"))
    assert hq[(HQ_WAN, wan(1))] == ("QM_IDLE", "ACTIVE")
    first = counters(one(faulty, "BR01", "show crypto ipsec sa"))
    faulty.advance(10)
    second = counters(one(faulty, "BR01", "show crypto ipsec sa"))
    assert second[0] > first[0] and second[1] > first[1]
    session = one(faulty, "BR01", "show crypto session")
    assert "Session status: UP-ACTIVE" in session


def test_fault2_return_path_broken(faulty: Fleet) -> None:
    br07 = isakmp_rows(one(faulty, "BR07", "show crypto isakmp sa"))
    assert br07[(HQ_WAN, wan(7))][0] == "MM_NO_STATE"
    hq_sa, hq_log = cli(faulty, "HQ", "show crypto isakmp sa", "show logging")
    assert isakmp_rows(hq_sa)[(HQ_WAN, wan(7))][0] == "MM_SA_SETUP"
    assert "phase 1 packet is a duplicate of a previous packet." in hq_log
    assert "retransmitting phase 1 MM_SA_SETUP..." in hq_log
    br07_log = one(faulty, "BR07", "show logging")
    assert "retransmitting phase 1 MM_NO_STATE..." in br07_log


def test_fault4_psk_mismatch(faulty: Fleet) -> None:
    br03 = isakmp_rows(one(faulty, "BR03", "show crypto isakmp sa"))
    assert br03[(HQ_WAN, wan(3))][0] == "MM_KEY_EXCH"
    hq_log = one(faulty, "HQ", "show logging | include IKMP_BAD_MESSAGE")
    assert (
        f"%CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from {wan(3)} failed its sanity check" in hq_log
    )
    assert "retransmitting phase 1 MM_KEY_EXCH" in one(faulty, "BR03", "show logging")


def test_fault6_transform_mismatch(faulty: Fleet) -> None:
    br05 = isakmp_rows(one(faulty, "BR05", "show crypto isakmp sa"))
    assert br05[(HQ_WAN, wan(5))][0] == "QM_IDLE"
    assert "current outbound spi: 0x0(0)" in one(faulty, "BR05", "show crypto ipsec sa")
    hq_log = one(faulty, "HQ", "show logging")
    assert f"phase 2 SA policy not acceptable! (local {HQ_WAN} remote {wan(5)})" in hq_log
    assert "IPSec policy invalidated proposal with error 256" in hq_log
    assert "processing NOTIFY PROPOSAL_NOT_CHOSEN protocol 3" in one(faulty, "BR05", "show logging")
    assert "Session status: UP-IDLE" in one(faulty, "BR05", "show crypto session")


def test_fault7_acl_not_mirrored(faulty: Fleet) -> None:
    hq_log = one(faulty, "HQ", "show logging")
    assert "IPSEC(validate_transform_proposal): proxy identities not supported" in hq_log
    assert f"phase 2 SA policy not acceptable! (local {HQ_WAN} remote {wan(9)})" in hq_log
    assert "IPSec policy invalidated proposal with error 32" in hq_log


def test_fault8_esp_dropped_one_way(faulty: Fleet) -> None:
    enc, dec = counters(one(faulty, "BR08", "show crypto ipsec sa"))
    assert enc > 0 and dec == 0
    hq = peer_block(one(faulty, "HQ", "show crypto ipsec sa"), "10.8.0.0")
    assert counters(hq) == (0, 0)


def test_fault9_peer_has_no_return_route_into_the_tunnel(faulty: Fleet) -> None:
    enc, dec = counters(one(faulty, "BR04", "show crypto ipsec sa"))
    assert enc > 0 and dec == 0
    hq_enc, hq_dec = counters(peer_block(one(faulty, "HQ", "show crypto ipsec sa"), "10.4.0.0"))
    assert hq_dec > 0 and hq_enc == 0
    route = one(faulty, "HQ", "show ip route 10.4.0.1")
    assert "* 10.0.0.254" in route


def test_fault10_sas_out_of_sync(faulty: Fleet) -> None:
    hq_log = one(faulty, "HQ", "show logging | include RECVD_PKT_INV_SPI")
    assert "%CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi" in hq_log
    assert f"srcaddr={wan(6)}" in hq_log
    enc, _ = counters(one(faulty, "BR06", "show crypto ipsec sa"))
    assert enc > 0


def test_fault11_replay_drops(faulty: Fleet) -> None:
    detail = one(faulty, "BR02", "show crypto ipsec sa detail")
    failed = re.search(r"##pkts replay failed \(rcv\): (\d+)", detail)
    assert failed and int(failed.group(1)) > 0
    assert "%CRYPTO-4-PKT_REPLAY_ERR: decrypt: replay check failed" in one(
        faulty, "BR02", "show logging"
    )


def test_fault12_crypto_map_not_applied(faulty: Fleet) -> None:
    assert isakmp_rows(one(faulty, "BR11", "show crypto isakmp sa")) == {}
    cmap = one(faulty, "BR11", "show crypto map")
    assert cmap.rstrip().endswith("Interfaces using crypto map VPN:")
    assert one(faulty, "BR11", "show crypto ipsec sa").strip() == ""


def _variant(mutate: Callable[[Scenario], None], faults: list[FaultSpec] | None = None) -> Scenario:
    scenario = load_scenario("default")
    scenario.faults = faults or []
    mutate(scenario)
    return scenario


def _only(*names: str) -> Callable[[Scenario], None]:
    """Keep just the routers ``names`` (and their links) in the scenario."""

    def keep(scenario: Scenario) -> None:
        scenario.routers = [r for r in scenario.routers if r.name in names]
        scenario.links = [k for k in scenario.links if {k.a, k.b} <= set(names)]

    return keep


def _router(scenario: Scenario, name: str) -> int:
    return next(i for i, r in enumerate(scenario.routers) if r.name == name)


def _edit(scenario: Scenario, name: str, old: str, new: str) -> None:
    router = scenario.routers[_router(scenario, name)]
    assert old in router.config
    router.config = router.config.replace(old, new)


def test_fault1_peer_unreachable(fleet_factory: Callable[[Scenario], Fleet]) -> None:
    faults = [
        FaultSpec(kind="drop", src="BR01", dst="HQ", protocol="ike"),
        FaultSpec(kind="drop", src="HQ", dst="BR01", protocol="ike"),
    ]
    fleet = fleet_factory(_variant(lambda s: None, faults))
    fleet.call(lambda: fleet.device("BR01").debugs.add("isakmp"))
    fleet.advance(70)
    br01 = isakmp_rows(one(fleet, "BR01", "show crypto isakmp sa"))
    assert br01[(HQ_WAN, wan(1))][0] == "MM_NO_STATE"
    log = one(fleet, "BR01", "show logging")
    assert "retransmitting phase 1 MM_NO_STATE..." in log
    assert 'deleting SA reason "Death by retransmission P1"' in log
    assert (HQ_WAN, wan(1)) not in isakmp_rows(one(fleet, "HQ", "show crypto isakmp sa"))


def test_fault3_phase1_policy_mismatch(fleet_factory: Callable[[Scenario], Fleet]) -> None:
    fleet = fleet_factory(_variant(lambda s: _edit(s, "BR01", " encr aes 256\n", " encr 3des\n")))
    fleet.call(lambda: fleet.device("HQ").debugs.add("isakmp"))
    fleet.advance(15)
    log = one(fleet, "HQ", "show logging")
    assert "Encryption algorithm offered does not match policy!" in log
    assert "atts are not acceptable. Next payload is 3" in log
    assert f"phase 1 SA policy not acceptable! (local {HQ_WAN} remote {wan(1)})" in log
    assert (
        f"%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Main mode failed with peer at {wan(1)}" in log
    )
    br01 = isakmp_rows(one(fleet, "BR01", "show crypto isakmp sa"))
    assert br01[(HQ_WAN, wan(1))][0] == "MM_NO_STATE"


def test_fault5_no_key_for_the_peer(fleet_factory: Callable[[Scenario], Fleet]) -> None:
    fleet = fleet_factory(
        _variant(
            lambda s: _edit(s, "BR01", f"crypto isakmp key Br01-Psk-7x address {HQ_WAN}\n", "")
        )
    )
    fleet.call(lambda: fleet.device("BR01").debugs.add("isakmp"))
    fleet.advance(10)
    log = one(fleet, "BR01", "show logging")
    assert f"ISAKMP-ERROR: (0):No pre-shared key with {HQ_WAN}!" in log
    assert isakmp_rows(one(fleet, "BR01", "show crypto isakmp sa")) == {}


def test_interesting_traffic_starts_ike(fleet_factory: Callable[[Scenario], Fleet]) -> None:
    scenario = load_scenario("default")
    scenario.faults = []
    for router in scenario.routers:
        router.role = "hub" if router.name != "HQ" else router.role  # no background traffic
    fleet = fleet_factory(scenario)
    fleet.advance(10)
    assert isakmp_rows(one(fleet, "BR01", "show crypto isakmp sa")) == {}
    ping = one(fleet, "BR01", "ping 10.0.0.1 source GigabitEthernet2")
    assert ".!!!!" in ping and "Success rate is 80 percent (4/5)" in ping
    assert (
        isakmp_rows(one(fleet, "BR01", "show crypto isakmp sa"))[(HQ_WAN, wan(1))][0] == "QM_IDLE"
    )


def test_debug_commands_and_show_debugging(faulty: Fleet) -> None:
    out = cli(
        faulty,
        "BR10",
        "debug crypto condition peer ipv4 198.51.100.2",
        "debug crypto isakmp",
        "show debugging",
        "undebug all",
        "no debug crypto condition all",
        "show debugging",
    )
    assert out[1] == "Crypto ISAKMP debugging is on"
    assert "Crypto ISAKMP debugging is on" in out[2]
    assert "Crypto conditional debug: peer ipv4 198.51.100.2" in out[2]
    assert "debugging is on" not in out[5]
    assert "Conditional Debug Global State: Stop" in out[5]


def test_healthy_pair_stays_healthy_across_rekeys(
    fleet_factory: Callable[[Scenario], Fleet],
) -> None:
    # The pair alone: three lab hours of all 13 routers cost several seconds of CPU.
    fleet = fleet_factory(_variant(_only("HQ", "BR01")))
    fleet.advance(30)
    spi_before = re.findall(
        r"current outbound spi: (\S+)", one(fleet, "BR01", "show crypto ipsec sa")
    )
    fleet.advance(3 * 3600)
    ipsec = one(fleet, "BR01", "show crypto ipsec sa")
    spi_after = re.findall(r"current outbound spi: (\S+)", ipsec)
    assert spi_before != spi_after and spi_after != ["0x0(0)"]
    assert (
        isakmp_rows(one(fleet, "BR01", "show crypto isakmp sa"))[(HQ_WAN, wan(1))][0] == "QM_IDLE"
    )
    enc, dec = counters(ipsec)
    assert enc > 0 and dec > 0
    assert "Success rate is 100 percent" in one(fleet, "BR01", "ping 10.0.0.1 source Gi2")


def _hq_spis(fleet: Fleet) -> list[tuple[str, int]]:
    state = fleet.device("HQ").crypto
    return sorted((key, sa.spi_in) for key, sa in state.ipsec.items())


def test_runs_are_repeatable_with_a_seed(fleet_factory: Callable[[Scenario], Fleet]) -> None:
    spis = []
    for _ in range(2):
        fleet = fleet_factory(_variant(lambda s: None))
        fleet.advance(30)
        spis.append(fleet.call(partial(_hq_spis, fleet)))
    assert spis[0] and spis[0] == spis[1]
