"""Data-plane rules: both ends' encaps/decaps, deltas between polls, SPIs, replay, noise."""

from __future__ import annotations

from nornir_tasks.models.findings import Severity, Source
from tests.checks.support import codes, fleet, ipsec_flow, run, session

A, B = "203.0.113.34", "198.51.100.2"  # a spoke and the hub
A_LAN, B_LAN = "10.8.0.0/255.255.255.0", "10.0.0.0/255.255.255.0"


# The command typed twice (the second time abbreviated): two runs even when nothing moved; the
# same text pasted twice would be one reading (``parsers.repeats``).
POLLS = ("show crypto ipsec sa", "sh cry ipsec sa")


def spoke(enc: tuple[int, int], dec: tuple[int, int]) -> str:
    """Two polls of the spoke's flow: (encaps, decaps) before and now."""
    polls = [ipsec_flow(A, B, A_LAN, B_LAN, e, d) for e, d in zip(enc, dec, strict=True)]
    return session("BR08", *zip(POLLS, polls, strict=True))


def hub(
    enc: tuple[int, int],
    dec: tuple[int, int],
    extra: tuple[tuple[str, str], ...] = (),
    spi_out: int | None = 0x199950D8,
) -> str:
    polls = [
        ipsec_flow(B, A, B_LAN, A_LAN, e, d, spi_out=spi_out, spi_in=0x2818E811)
        for e, d in zip(enc, dec, strict=True)
    ]
    return session("HQ", *zip(POLLS, polls, strict=True), *extra)


def test_healthy_two_way_traffic_has_no_finding() -> None:
    assert (
        run(fleet(("BR08", spoke((100, 140), (100, 140))), ("HQ", hub((100, 140), (100, 140)))))
        == []
    )


def test_esp_lost_on_the_path_from_a_to_b() -> None:
    found = run(fleet(("BR08", spoke((127, 173), (0, 0))), ("HQ", hub((0, 0), (0, 0)))))
    assert [(f.code, f.host) for f in found] == [("IPSEC_NO_RETURN_TRAFFIC", "BR08")]
    f = found[0]
    assert "ESP lost BR08->HQ" in f.summary and "ESP lost BR08->HQ" in f.cause
    assert "#pkts encaps: 127, #pkts encrypt: 127, #pkts digest: 127" in f.evidence  # first poll
    assert "#pkts encaps: 173, #pkts encrypt: 173, #pkts digest: 173" in f.evidence  # second poll
    assert "HQ: #pkts decaps: 0, #pkts decrypt: 0, #pkts verify: 0" in f.evidence


def test_peer_that_does_not_route_back_is_named_with_its_route() -> None:
    route = (
        "Routing entry for 10.8.0.0/24\n"
        '  Known via "static", distance 1, metric 0\n'
        "  Routing Descriptor Blocks:\n"
        "  * 10.0.0.254\n"
        "      Route metric is 0, traffic share count is 1\n"
    )
    config = (
        "hostname HQ\ninterface GigabitEthernet1\n ip address 198.51.100.2 255.255.255.252\n"
        " crypto map VPN\ninterface GigabitEthernet2\n ip address 10.0.0.1 255.255.255.0\nend\n"
    )
    hq = hub(
        (0, 0),
        (120, 152),
        extra=(("show ip route 10.8.0.1", route), ("show running-config", config)),
    )
    found = run(fleet(("BR08", spoke((124, 164), (0, 0))), ("HQ", hq)))
    assert [(f.code, f.host) for f in found] == [("IPSEC_NOT_ENCRYPTING", "HQ")]
    f = found[0]
    assert "* 10.0.0.254" in f.evidence
    assert "out of GigabitEthernet2, not the crypto-map interface GigabitEthernet1" in f.cause
    assert any(e.startswith("BR08: #pkts encaps: 164") for e in f.evidence)


def test_esp_lost_on_the_way_back() -> None:
    found = run(fleet(("BR08", spoke((100, 140), (0, 0))), ("HQ", hub((100, 140), (100, 140)))))
    assert [(f.code, f.host) for f in found] == [("IPSEC_NO_RETURN_TRAFFIC", "BR08")]
    assert "ESP lost HQ->BR08" in found[0].cause


def test_a_counter_that_stopped_is_not_one_that_never_moved() -> None:
    stopped = run(fleet(("BR06", spoke((126, 169), (30, 30)))))
    assert [f.code for f in stopped] == ["IPSEC_NO_RETURN_TRAFFIC"]
    assert "stopped moving at 30" in stopped[0].cause and "between two polls" in stopped[0].cause
    # the same totals from one poll prove nothing: decaps did move at some point
    one_poll = session("BR06", ("show crypto ipsec sa", ipsec_flow(A, B, A_LAN, B_LAN, 169, 30)))
    assert run(fleet(("BR06", one_poll))) == []


def test_one_poll_falls_back_to_totals_and_says_so() -> None:
    one_poll = session("spoke1", ("show crypto ipsec sa", ipsec_flow(A, B, A_LAN, B_LAN, 4, 0)))
    (f,) = run(fleet(("spoke1", one_poll)))
    assert (
        f.code == "IPSEC_NO_RETURN_TRAFFIC"
        and "single poll" in f.cause
        and "never moved" in f.cause
    )


def test_peer_without_the_sa_is_an_invalid_spi_on_the_peer_not_a_path_loss() -> None:
    hq = hub((0, 0), (0, 0), spi_out=None)
    found = run(fleet(("BR06", spoke((126, 169), (30, 30))), ("HQ", hq)))
    assert [(f.code, f.host, f.source) for f in found] == [
        ("IPSEC_INVALID_SPI", "HQ", Source.STATE)
    ]
    assert "BR08: current outbound spi: 0x2818E811(672720913)" in found[0].evidence


def test_invalid_spi_syslog_with_the_sender_still_using_the_spi() -> None:
    log = (
        "*Nov 18 11:07:00.105: %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid "
        "spi for destaddr=198.51.100.2, prot=50, spi=0x2818E811(672720913), srcaddr=203.0.113.34, "
        "input interface=GigabitEthernet1\n"
    )
    found = run(
        fleet(
            ("BR06", spoke((126, 169), (30, 30))),
            ("HQ", hub((0, 0), (0, 0), extra=(("show logging", log),), spi_out=None)),
        )
    )
    (f,) = found
    assert (f.code, f.severity, f.source) == ("IPSEC_INVALID_SPI", Severity.CRITICAL, Source.LOG)
    assert "0x2818E811" in f.cause


def test_single_invalid_spi_message_alone_is_a_warning() -> None:
    log = (
        "*Oct 24 04:31:10.058: %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi "
        "for destaddr=61.128.1.1, prot=50, spi=0x3EA71AED(1051138797), srcaddr=103.1.1.1, input interface=GigabitEthernet1\n"
    )
    (f,) = run(fleet(("HQ", log)))
    assert (f.code, f.severity, f.peer) == ("IPSEC_INVALID_SPI", Severity.WARNING, "103.1.1.1")


def test_replay_drops_from_detail_deltas() -> None:
    polls = [
        ipsec_flow(A, B, A_LAN, B_LAN, 122, 110, replay_failed=12),
        ipsec_flow(A, B, A_LAN, B_LAN, 160, 144, replay_failed=16),
    ]
    (f,) = run(
        fleet(("BR02", session("BR02", *(("show crypto ipsec sa detail", p) for p in polls))))
    )
    assert f.code == "IPSEC_REPLAY_DROPS" and f.severity is Severity.CRITICAL
    assert "##pkts replay failed (rcv): 16" in f.evidence and "4 packets" in f.summary


def test_a_replay_drop_in_millions_of_packets_is_noise() -> None:
    text = session(
        "R1",
        (
            "show crypto ipsec sa detail",
            ipsec_flow(A, B, A_LAN, B_LAN, 9_000_000, 12_013_064, replay_failed=1),
        ),
    )
    (f,) = run(fleet(("R1", text)))
    assert (f.code, f.severity) == ("IPSEC_REPLAY_DROPS", Severity.INFO)


def errors(before: int, now: int, dec: tuple[int, int]) -> str:
    polls = [
        ipsec_flow(A, B, A_LAN, B_LAN, e, d, send_errors=n)
        for e, d, n in zip((1000, 2000), dec, (before, now), strict=True)
    ]
    return session("BR08", *(("show crypto ipsec sa", p) for p in polls))


def test_a_few_send_errors_with_two_way_traffic_are_not_critical() -> None:
    found = run(fleet(("BR08", errors(0, 3, (1000, 2000)))))
    assert [(f.code, f.severity) for f in found] == [("IPSEC_SEND_ERRORS", Severity.INFO)]


def test_send_errors_that_stopped_are_history() -> None:
    assert run(fleet(("BR08", errors(3, 3, (1000, 2000))))) == []


def test_send_errors_on_a_one_way_tunnel_are_a_warning_beside_the_real_finding() -> None:
    found = run(fleet(("BR08", errors(0, 50, (0, 0)))))
    assert codes(found) == {"IPSEC_NO_RETURN_TRAFFIC", "IPSEC_SEND_ERRORS"}
    assert next(f for f in found if f.code == "IPSEC_SEND_ERRORS").severity is Severity.WARNING
