"""``show crypto ipsec sa``: the values each golden case's provenance names, checked one by one."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from nornir_tasks.models.ipsec import Ident, IpsecSaTable, SaDirection
from nornir_tasks.parsers import ParseError, parse

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def _case(name: str) -> IpsecSaTable:
    meta = yaml.safe_load((GOLDEN / name / "provenance.yaml").read_text())
    table = parse(
        str(meta.get("parse_as") or meta["command"]), (GOLDEN / name / "raw.txt").read_text()
    )
    assert isinstance(table, IpsecSaTable)
    return table


def test_clarkson_gre_esp_null_transport() -> None:
    table = _case("clarkson_ios_ipsec_sa_gre_esp_null_15_2")
    assert table.complete
    (flow,) = table.flows
    assert (flow.interface, flow.crypto_map_tag, flow.local_addr) == (
        "Tunnel102",
        "Tunnel102-head-0",
        "202.100.1.1",
    )
    assert flow.local_ident == Ident("202.100.1.1", "255.255.255.255", 47, 0)
    assert flow.remote_ident == Ident("61.128.1.1", "255.255.255.255", 47, 0)
    assert (flow.current_peer, flow.peer_port) == ("61.128.1.1", 500)
    assert (flow.pkts_encaps, flow.pkts_decaps) == (60, 59)
    assert (flow.send_errors, flow.recv_errors) == (0, 0)
    assert (flow.path_mtu, flow.ip_mtu_idb, flow.plaintext_mtu) == (1500, "Ethernet1/0", None)
    assert flow.current_outbound_spi == "0x5461156C(1415648620)"
    assert flow.pfs is False
    inbound = flow.sas[0]
    assert inbound.direction is SaDirection.INBOUND
    assert inbound.spi == "0xA55B8EDD(2774240989)"
    assert inbound.transform == "esp-null esp-md5-hmac"
    assert inbound.in_use_settings == ("Transport",)
    assert (inbound.conn_id, inbound.flow_id) == (130, "130")
    assert (inbound.remaining_lifetime_kb, inbound.remaining_lifetime_sec) == (4339831, 3297)
    assert (inbound.iv_size_bytes, inbound.status) == (0, "ACTIVE(ACTIVE)")
    outbound = flow.sas[1]
    assert outbound.direction is SaDirection.OUTBOUND
    assert (outbound.spi, outbound.conn_id, outbound.flow_id) == (
        "0x5461156C(1415648620)",
        129,
        "129",
    )
    assert outbound.status == "ACTIVE(ACTIVE)"


def test_genie_crypto_map_two_idents_and_tunnel() -> None:
    table = _case("genie_iosxe_ipsec_sa_cryptomap_and_tunnel")
    assert table.complete
    first, second, tunnel = table.flows
    assert (first.interface, first.crypto_map_tag, first.local_addr) == (
        "GigabitEthernet3",
        "vpn-crypto-map",
        "1.1.1.2",
    )
    assert first.local_ident == Ident("20.20.20.0", "255.255.255.0", 0, 0)
    assert first.remote_ident == Ident("10.10.10.0", "255.255.255.0", 0, 0)
    assert (first.current_peer, first.peer_port) == ("1.1.1.1", 500)
    assert (first.pkts_encaps, first.pkts_decaps, first.pkts_decrypt, first.pkts_verify) == (
        4,
        4,
        4,
        4,
    )
    assert (first.send_errors, first.recv_errors, first.plaintext_mtu, first.path_mtu) == (
        0,
        0,
        1438,
        1500,
    )
    assert first.current_outbound_spi == "0x397C36EE(964441838)"
    assert (first.pfs, first.dh_group) == (False, "none")
    inbound = first.sas[0]
    assert (inbound.spi, inbound.conn_id, inbound.transform) == (
        "0x658F7C11(1703902225)",
        2076,
        "esp-256-aes esp-sha256-hmac",
    )
    assert (inbound.remaining_lifetime_kb, inbound.remaining_lifetime_sec) == (4607999, 83191)
    assert inbound.status == "ACTIVE(ACTIVE)"
    outbound = first.sas[1]
    assert (outbound.spi, outbound.conn_id, outbound.status) == (
        "0x397C36EE(964441838)",
        2075,
        "ACTIVE(ACTIVE)",
    )
    # The second proxy pair of the same crypto map has no SAs: phase 2 never came up for it.
    assert second.interface == "GigabitEthernet3"
    assert second.local_ident == Ident("40.40.40.0", "255.255.255.0", 0, 0)
    assert second.remote_ident == Ident("30.30.30.0", "255.255.255.0", 0, 0)
    assert (second.current_peer, second.pkts_encaps, second.pkts_decaps) == ("1.1.1.1", 0, 0)
    assert (second.current_outbound_spi, second.current_outbound_spi_value) == ("0x0(0)", 0)
    assert second.sas == ()
    assert (tunnel.interface, tunnel.crypto_map_tag, tunnel.local_addr) == (
        "Tunnel0",
        "Tunnel0-head-0",
        "2.2.2.2",
    )
    assert tunnel.local_ident == Ident("0.0.0.0", "0.0.0.0", 0, 0)
    assert (tunnel.current_peer, tunnel.pkts_encaps, tunnel.pkts_decaps) == ("2.2.2.1", 0, 0)
    assert (tunnel.ip_mtu_idb, tunnel.current_outbound_spi) == (
        "GigabitEthernet5",
        "0x2E8482F8(780436216)",
    )
    t_in, t_out = tunnel.sas
    assert (t_in.spi, t_in.conn_id, t_in.remaining_lifetime_kb, t_in.remaining_lifetime_sec) == (
        "0xA54D38A4(2773301412)",
        2077,
        4608000,
        3237,
    )
    assert (t_out.spi, t_out.conn_id, t_out.status) == (
        "0x2E8482F8(780436216)",
        2078,
        "ACTIVE(ACTIVE)",
    )


def test_genie_detail_cat9k_gcm_all_error_counters_zero() -> None:
    table = _case("genie_iosxe_ipsec_sa_detail_cat9k_gcm")
    assert table.complete
    (flow,) = table.flows
    assert (flow.interface, flow.crypto_map_tag, flow.local_addr) == (
        "Tunnel2",
        "Tunnel2-head-0",
        "70.70.70.70",
    )
    assert flow.local_ident == flow.remote_ident == Ident("0.0.0.0", "0.0.0.0", 0, 0)
    assert (flow.current_peer, flow.peer_port) == ("71.71.71.71", 500)
    assert (flow.pkts_encaps, flow.pkts_encrypt, flow.pkts_digest) == (4, 4, 4)
    assert (flow.pkts_decaps, flow.pkts_decrypt, flow.pkts_verify) == (12, 915, 915)
    errors = (
        flow.pkts_no_sa_send,
        flow.pkts_invalid_sa_rcv,
        flow.pkts_encaps_failed_send,
        flow.pkts_decaps_failed_rcv,
        flow.pkts_invalid_prot_recv,
        flow.pkts_verify_failed,
        flow.pkts_invalid_identity_recv,
        flow.pkts_invalid_len_rcv,
        flow.pkts_replay_rollover_send,
        flow.pkts_replay_rollover_rcv,
        flow.pkts_replay_failed,
        flow.pkts_internal_err_send,
        flow.pkts_internal_err_recv,
    )
    assert errors == (0,) * len(errors)
    assert (flow.plaintext_mtu, flow.path_mtu, flow.ip_mtu_idb) == (
        1446,
        1500,
        "FourHundredGigE1/0/33",
    )
    assert (flow.current_outbound_spi, flow.pfs) == ("0xBFD0E7BA(3218139066)", False)
    inbound, outbound = flow.sas
    assert (inbound.spi, inbound.transform, inbound.in_use_settings) == (
        "0x50A0FB1C(1352727324)",
        "esp-gcm",
        ("Tunnel", "esn"),
    )
    assert (inbound.conn_id, inbound.flow_id, inbound.initiator) == (
        2210,
        "CAT9K-BIGBANG:210",
        True,
    )
    assert (inbound.remaining_lifetime_kb, inbound.remaining_lifetime_sec) == (3, 92)
    assert (inbound.iv_size_bytes, inbound.status) == (8, "ACTIVE(ACTIVE)")
    assert (outbound.spi, outbound.transform, outbound.conn_id, outbound.flow_id) == (
        "0xBFD0E7BA(3218139066)",
        "esp-gcm",
        2209,
        "CAT9K-BIGBANG:209",
    )
    assert (outbound.remaining_lifetime_kb, outbound.remaining_lifetime_sec) == (0, 92)
    assert outbound.status == "ACTIVE(ACTIVE)"


def test_lab_spoke_encaps_without_decaps_cut_inside_inbound_sa() -> None:
    table = _case("lab_iosxe_ipsec_sa_encaps_no_decaps_spoke")
    assert table.complete is False  # the write-up stops after the first inbound spi line
    (flow,) = table.flows
    assert flow.complete is False
    assert (flow.interface, flow.crypto_map_tag, flow.local_addr) == (
        "Ethernet0/0",
        "outside_map",
        "203.0.113.10",
    )
    assert flow.local_ident == Ident("192.168.1.0", "255.255.255.0", 0, 0)
    assert flow.remote_ident == Ident("192.168.0.0", "255.255.255.0", 0, 0)
    assert (flow.current_peer, flow.peer_port) == ("203.0.113.1", 500)
    assert (flow.pkts_encaps, flow.pkts_decaps, flow.send_errors, flow.recv_errors) == (
        4,
        0,
        0,
        0,
    )
    assert (flow.plaintext_mtu, flow.current_outbound_spi, flow.pfs) == (
        1438,
        "0xB2C0867D(2998961789)",
        False,
    )
    (inbound,) = flow.sas  # kept, not dropped, although its block was cut off
    assert (inbound.direction, inbound.spi) == (SaDirection.INBOUND, "0xDA9E8DCA(3667824074)")
    assert inbound.status is None


def test_ntc_asa_ra_and_l2l_natt() -> None:
    table = _case("ntc_asa_ipsec_sa_ra_and_l2l_natt")
    assert table.complete
    ra, busy, idle = table.flows
    assert (ra.interface, ra.crypto_map_tag, ra.crypto_map_seq, ra.local_addr) == (
        "outside2",
        "def",
        None,
        "10.132.0.17",
    )
    assert ra.local_ident == Ident("0.0.0.0", "0.0.0.0", 0, 0)
    assert ra.remote_ident == Ident("172.20.0.21", "255.255.255.255", 0, 0)
    assert (ra.current_peer, ra.dynamic_peer) == ("172.20.0.21", "10.135.1.5")
    assert (ra.pkts_encaps, ra.pkts_decaps) == (0, 1145)
    assert (ra.pre_frag_successes, ra.pre_frag_failures, ra.fragments_created) == (2, 1, 10)
    assert (ra.pmtus_sent, ra.pmtus_rcvd, ra.send_errors, ra.recv_errors) == (5, 2, 0, 0)
    assert (ra.path_mtu, ra.ipsec_overhead, ra.current_outbound_spi) == (1500, 60, "DC15BF68")
    ra_in, ra_out = ra.sas
    assert (ra_in.spi_value, ra_in.spi) == (0x1E8246FC, "0x1E8246FC (511854332)")
    assert ra_in.spi_value == 511854332
    assert (ra_in.transform, ra_in.in_use_settings) == ("esp-3des esp-md5-hmac", ("RA", "Tunnel"))
    assert (ra_in.conn_id, ra_in.remaining_lifetime_sec, ra_in.remaining_lifetime_kb) == (
        3,
        548,
        None,
    )
    assert (ra_out.spi_value, ra_out.conn_id, ra_out.remaining_lifetime_sec) == (
        3692412776,
        3,
        548,
    )
    assert ra_out.in_use_settings == ("RA", "Tunnel")

    assert (busy.interface, busy.crypto_map_tag, busy.crypto_map_seq, busy.local_addr) == (
        "COLO",
        "COLO-MAP",
        2,
        "172.16.248.119",
    )
    assert busy.local_ident == Ident("172.16.122.32", "255.255.255.240", 0, 0)
    assert busy.remote_ident == Ident("172.30.1.153", "255.255.255.255", 0, 0)
    assert busy.current_peer == "8.8.8.8"
    assert (busy.pkts_encaps, busy.pkts_decaps, busy.pkts_not_compressed) == (
        13915315,
        23606461,
        13915315,
    )
    assert (busy.local_crypto_endpt, busy.local_crypto_port) == ("172.16.248.119", 4500)
    assert (busy.remote_crypto_endpt, busy.remote_crypto_port) == ("8.8.8.8", 4500)
    assert (busy.ipsec_overhead, busy.current_inbound_spi, busy.current_outbound_spi) == (
        82,
        "32F752FF",
        "50023DDC",
    )
    b_in, b_out = busy.sas
    assert (b_in.spi_value, b_in.conn_id) == (855069439, 159694848)
    assert b_in.transform == "esp-aes-256 esp-md5-hmac no compression"
    assert b_in.in_use_settings == ("L2L", "Tunnel", "NAT-T-Encaps", "IKEv1")
    assert (b_in.remaining_lifetime_kb, b_in.remaining_lifetime_sec) == (2699423, 25461)
    assert (b_out.spi_value, b_out.conn_id) == (1342324188, 159694848)
    assert (b_out.remaining_lifetime_kb, b_out.remaining_lifetime_sec) == (3892153, 25461)

    assert (idle.crypto_map_tag, idle.crypto_map_seq, idle.local_addr) == (
        "COLO-MAP",
        3,
        "172.20.248.119",
    )
    assert idle.local_ident == Ident("172.20.122.32", "255.255.255.240", 0, 0)
    assert idle.remote_ident == Ident("10.160.4.0", "255.255.255.0", 0, 0)
    assert (idle.current_peer, idle.pkts_encaps, idle.pkts_decaps) == ("8.8.4.4", 0, 0)
    assert (idle.ipsec_overhead, idle.current_inbound_spi, idle.current_outbound_spi) == (
        74,
        "6A7391E0",
        "EA40155F",
    )
    i_in, i_out = idle.sas
    assert (i_in.spi_value, i_in.conn_id, i_in.in_use_settings) == (
        1785958880,
        14376960,
        ("L2L", "Tunnel", "IKEv1"),
    )
    assert (i_in.remaining_lifetime_kb, i_in.remaining_lifetime_sec) == (2038431743, 70749)
    assert (i_out.spi_value, i_out.conn_id) == (3930068319, 14376960)
    assert (i_out.remaining_lifetime_kb, i_out.remaining_lifetime_sec) == (2038431743, 70749)


def test_ntc_detail_natt_two_tunnels_with_a_replay_failure() -> None:
    table = _case("ntc_ios_ipsec_sa_detail_two_tunnels_natt")
    assert table.complete
    one, two = table.flows
    assert (one.crypto_map_tag, one.local_addr, one.current_peer, one.peer_port) == (
        "Tunnel1-head-0",
        "1.2.3.4",
        "2.2.2.2",
        4500,
    )
    assert (one.pkts_encaps, one.pkts_decaps, one.pkts_replay_failed) == (4981028, 4112421, 0)
    assert (one.ip_mtu_idb, one.plaintext_mtu) == ("GigabitEthernet8", 1442)
    inbound = one.sas[0]
    assert (inbound.spi, inbound.in_use_settings, inbound.flow_id) == (
        "0xABCD1234(2882343476)",
        ("Transport UDP-Encaps",),
        "Onboard VPN:124",
    )
    assert (inbound.replay_window_size, inbound.remaining_lifetime_kb) == (1024, 4332650)
    assert inbound.remaining_lifetime_sec == 3205
    assert (two.current_peer, two.pkts_encaps, two.pkts_decaps) == ("3.3.3.3", 13133657, 12013064)
    assert two.pkts_replay_failed == 1
    assert [sa.conn_id for sa in two.sas if sa.direction is SaDirection.OUTBOUND] == [456]


def test_ntc_detail_rekey_overlap_keeps_every_sa() -> None:
    table = _case("ntc_ios_ipsec_sa_detail_rekey_two_sas_per_direction")
    two = table.flows[1]
    inbound = [sa for sa in two.sas if sa.direction is SaDirection.INBOUND]
    outbound = [sa for sa in two.sas if sa.direction is SaDirection.OUTBOUND]
    assert [sa.spi for sa in inbound] == ["0x1234DCBA(4321567890)", "0x4321FFFF(1126301695)"]
    assert [sa.conn_id for sa in outbound] == [456, 459]
    assert inbound[1].transform == "esp-256-aes esp-md5-hmac"
    # The decimal in the test author's anonymised SPI is wrong; the hex is authoritative.
    assert inbound[0].spi_value == 0x1234DCBA


def test_lab_asa_encaps_without_decaps_cut_before_sas() -> None:
    table = _case("lab_asa_ipsec_sa_encaps_no_decaps_cut")
    assert table.complete is False
    (flow,) = table.flows
    assert (flow.interface, flow.crypto_map_tag, flow.crypto_map_seq, flow.local_addr) == (
        "outside",
        "outside_map",
        10,
        "203.0.113.20",
    )
    assert flow.protected_vrf == "Global"
    assert flow.access_list == (
        "access-list asa-router-vpn extended permit ip 192.168.2.0 255.255.255.0 "
        "192.168.0.0 255.255.255.0"
    )
    assert flow.local_ident == Ident("192.168.2.0", "255.255.255.0", 0, 0)
    assert flow.remote_ident == Ident("192.168.0.0", "255.255.255.0", 0, 0)
    assert flow.current_peer == "203.0.113.1"
    assert (flow.pkts_encaps, flow.pkts_decaps, flow.pkts_not_compressed) == (14, 0, 14)
    assert (flow.send_errors, flow.recv_errors) == (0, 0)
    assert (flow.local_crypto_endpt, flow.local_crypto_port) == ("203.0.113.20", 0)
    assert (flow.ipsec_overhead, flow.df_policy) == (74, "copy-df")
    assert flow.other_counters["pkts_not_offload_decrypted"] == 0


def test_lab_peer_filter_no_sa_cut_at_more_prompt() -> None:
    table = _case("lab_iosxe_ipsec_sa_peer_no_sa_more_prompt")
    assert table.complete is False
    (flow,) = table.flows
    assert (flow.interface, flow.crypto_map_tag, flow.local_addr) == (
        "Ethernet0/0",
        "outside_map",
        "203.0.113.1",
    )
    assert (flow.current_peer, flow.peer_port, flow.remote_crypto_endpt) == (
        "203.0.113.10",
        500,
        "203.0.113.20",
    )
    assert (flow.pkts_encaps, flow.pkts_decaps) == (0, 0)
    assert (flow.current_outbound_spi, flow.current_outbound_spi_value, flow.pfs) == (
        "0x0(0)",
        0,
        False,
    )
    assert flow.sas == ()


# --- behaviour beyond the captures -------------------------------------------------------------

PLAIN = (GOLDEN / "clarkson_ios_ipsec_sa_gre_esp_null_15_2" / "raw.txt").read_text()


def test_empty_output_and_echo_only_are_an_empty_complete_table() -> None:
    assert parse("show crypto ipsec sa", "") == IpsecSaTable(flows=(), complete=True)
    assert parse("show crypto ipsec sa", "R1#show crypto ipsec sa\r\nR1#") == IpsecSaTable(
        flows=(), complete=True
    )
    assert parse("show crypto ipsec sa", "There are no ipsec sas\n").flows == ()
    assert parse("show crypto ipsec sa", "\nNo SAs found\n").flows == ()


def test_invalid_input_raises_parse_error_naming_the_command() -> None:
    text = "R1#show crypto ipsec sa detal\n                          ^\n% Invalid input detected at '^' marker.\n"
    with pytest.raises(ParseError) as err:
        parse("show crypto ipsec sa", text)
    assert err.value.command == "show crypto ipsec sa"
    assert "Invalid input" in err.value.line


def test_foreign_output_raises_naming_the_first_line() -> None:
    with pytest.raises(ParseError) as err:
        parse("show crypto ipsec sa", "IPv4 Crypto ISAKMP SA\ndst src state conn-id status\n")
    assert err.value.line == "IPv4 Crypto ISAKMP SA"


def test_crlf_more_and_trailing_spaces_change_nothing() -> None:
    clean = parse("show crypto ipsec sa", PLAIN)
    lines = PLAIN.split("\n")
    noisy = "\r\n".join(line + "   " for line in lines[:20])
    noisy += "\r\n --More-- \x08\x08\x08\x08\x08\x08\x08\x08\x08\x08" + "\r\n".join(lines[20:])
    assert parse("sh cry ipsec sa", noisy) == clean


def test_cut_inside_an_outbound_sa_is_flagged_and_keeps_the_partial_sa() -> None:
    cut = PLAIN[: PLAIN.index("conn id: 129")]
    table = parse("show crypto ipsec sa", cut)
    assert table.complete is False
    outbound = table.flows[0].sas[-1]
    assert (outbound.direction, outbound.spi, outbound.conn_id) == (
        SaDirection.OUTBOUND,
        "0x5461156C(1415648620)",
        None,
    )


def test_cut_right_after_an_interface_line_is_flagged() -> None:
    text = PLAIN + "\ninterface: Tunnel103\n"
    assert parse("show crypto ipsec sa", text).complete is False


def test_every_line_prefix_of_a_capture_parses_or_raises_parse_error() -> None:
    lines = PLAIN.split("\n")
    for n in range(len(lines)):
        try:
            table = parse("show crypto ipsec sa", "\n".join(lines[:n]))
        except ParseError:
            continue
        if n < len(lines) - 2:
            assert table.complete is False or table.flows == (), n


@pytest.mark.parametrize(
    "command",
    [
        "show crypto ipsec sa",
        "show crypto ipsec sa detail",
        "sh cry ips sa det",
        "show crypto ipsec sa peer 203.0.113.20",
        "show crypto ipsec sa peer 203.0.113.20 detail",
        "show crypto ipsec sa interface Tunnel0",
        "show crypto ipsec sa | begin interface",
    ],
)
def test_command_variants_resolve_to_the_same_parser(command: str) -> None:
    assert parse(command, PLAIN) == parse("show crypto ipsec sa", PLAIN)


def test_unknown_counter_labels_are_kept_not_dropped() -> None:
    text = PLAIN.replace("#send errors 0", "#pkts brand new (rcv): 7, #send errors 0")
    flow = parse("show crypto ipsec sa", text).flows[0]
    assert flow.other_counters == {"pkts_brand_new_rcv": 7}
    assert flow.send_errors == 0


@pytest.mark.parametrize(
    "name",
    [
        "genie_iosxe_ipsec_sa_cryptomap_and_tunnel",
        "ntc_asa_ipsec_sa_ra_and_l2l_natt",
        "lab_iosxe_ipsec_sa_encaps_no_decaps_spoke",
    ],
)
def test_fast_built_models_equal_init_built_ones_and_stay_frozen(name: str) -> None:
    for flow in _case(name).flows:
        assert dataclasses.replace(flow) == flow
        assert repr(dataclasses.replace(flow)) == repr(flow)
        for sa in flow.sas:
            assert dataclasses.replace(sa) == sa
        with pytest.raises(dataclasses.FrozenInstanceError):
            flow.pkts_encaps = 1  # type: ignore[misc]


def test_iosxe_17_pqc_ipv6_endpoints_and_lifetime_in_words() -> None:
    """17.x lines: PQC after the DH group, IPv6 endpoints one per line, 'ipv6 mtu', a lifetime
    in hours and minutes when volume rekey is disabled."""
    raw = (GOLDEN / "genie_iosxe_ipsec_sa_detail_ipv6_tunnel" / "raw.txt").read_text()
    flow = parse("show crypto ipsec sa detail", raw).flows[0]
    assert (flow.dh_group, flow.pqc_key_exchange) == ("none", "ML-KEM-1024")
    assert (flow.local_crypto_endpt, flow.remote_crypto_endpt) == (
        "2001:DB8:1101::131",
        "2001:DB8:1202::123",
    )
    assert (flow.ip_mtu, flow.ip_mtu_idb) == (1500, "TenGigabitEthernet0/0/1")
    raw = (GOLDEN / "genie_iosxe_ipsec_sa_peer" / "raw.txt").read_text()
    sa = parse("show crypto ipsec sa peer 17.0.1.1", raw).flows[0].sas[0]
    assert (sa.flow_id, sa.remaining_lifetime_sec, sa.remaining_lifetime_kb) == (
        "HW:16001",
        4200,
        None,
    )
