"""``show crypto ikev2 sa [detail]``: the values each golden case's provenance names."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nornir_tasks.models.ikev2 import Ikev2ExchangeStats, Ikev2SaTable, Ikev2Status
from nornir_tasks.parsers import ParseError, parse

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def _case(name: str) -> Ikev2SaTable:
    meta = yaml.safe_load((GOLDEN / name / "provenance.yaml").read_text())
    table = parse(
        str(meta.get("parse_as") or meta["command"]), (GOLDEN / name / "raw.txt").read_text()
    )
    assert isinstance(table, Ikev2SaTable)
    return table


def test_clarkson_15_2_layout_without_prf() -> None:
    table = _case("clarkson_ios_ikev2_sa_no_prf_15_2")
    assert table.complete
    (sa,) = table.sas
    assert (sa.tunnel_id, sa.local, sa.local_port, sa.remote, sa.remote_port) == (
        1,
        "202.100.1.1",
        500,
        "61.128.1.1",
        500,
    )
    assert (sa.fvrf, sa.ivrf, sa.status, sa.ipv6) == ("none", "none", Ikev2Status.READY, False)
    assert (sa.encr, sa.keysize, sa.prf, sa.hash, sa.dh_group) == (
        "AES-CBC",
        256,
        None,
        "SHA512",
        5,
    )
    assert (sa.auth_sign, sa.auth_verify, sa.lifetime_sec, sa.active_time_sec) == (
        "PSK",
        "PSK",
        86400,
        298,
    )


def test_genie_ready_with_empty_ipv6_section() -> None:
    table = _case("genie_iosxe_ikev2_sa_ready")
    assert table.complete
    (sa,) = table.sas
    assert (sa.tunnel_id, sa.local, sa.local_port, sa.remote, sa.remote_port) == (
        1,
        "66.66.66.1",
        500,
        "66.66.66.2",
        500,
    )
    assert (sa.fvrf, sa.ivrf, sa.status, sa.ipv6) == ("none", "none", Ikev2Status.READY, False)
    assert (sa.encr, sa.keysize, sa.prf, sa.hash, sa.dh_group) == (
        "AES-CBC",
        128,
        "SHA1",
        "SHA96",
        16,
    )
    assert (sa.auth_sign, sa.auth_verify, sa.lifetime_sec, sa.active_time_sec) == (
        "PSK",
        "PSK",
        86400,
        735,
    )


def test_genie_detail_flexvpn_client() -> None:
    table = _case("genie_iosxe_ikev2_sa_detail_flexvpn")
    assert table.complete
    (sa,) = table.sas
    assert (sa.tunnel_id, sa.local, sa.remote, sa.fvrf, sa.ivrf, sa.status) == (
        973,
        "92.1.121.1",
        "22.1.1.2",
        "none",
        "121",
        Ikev2Status.READY,
    )
    assert (sa.local_port, sa.remote_port) == (500, 500)
    assert (sa.encr, sa.keysize, sa.prf, sa.hash, sa.dh_group) == (
        "AES-CBC",
        256,
        "SHA256",
        "SHA256",
        19,
    )
    assert (sa.auth_sign, sa.auth_verify, sa.lifetime_sec, sa.active_time_sec) == (
        "PSK",
        "PSK",
        86400,
        12689,
    )
    assert (sa.ce_id, sa.session_id, sa.status_description) == (76468, 17155, "Negotiation done")
    assert (sa.local_spi, sa.remote_spi) == ("000D3669857A0F82", "E0419B1DB02DE6AE")
    assert (sa.local_id, sa.remote_id) == ("user2621@cisco.com", "22.1.1.2")
    assert (sa.local_req_msg_id, sa.remote_req_msg_id) == (214, 6)
    assert (sa.local_next_msg_id, sa.remote_next_msg_id) == (214, 6)
    assert (sa.local_req_queued, sa.remote_req_queued) == (214, 6)
    assert (sa.local_window, sa.remote_window) == (5, 5)
    assert (sa.dpd_interval_sec, sa.dpd_retry) == (60, 3)
    assert sa.fragmentation == "not  configured"  # the device's double space, kept
    assert (sa.dynamic_route_update, sa.extended_authentication) == ("enabled", "not configured")
    assert (sa.nat_t, sa.cts_sgt, sa.initiator, sa.pushed_ip) == (
        "not detected",
        "disabled",
        True,
        "8.1.9.4",
    )
    assert sa.remote_subnets == (
        "10.0.0.0 255.0.0.0",
        "13.0.0.0 255.0.0.0",
        "17.0.0.0 255.0.0.0",
        "23.0.0.0 255.0.0.0",
        "19.0.0.0 255.0.0.0",
    )


def test_genie_ipv6_layout_with_pqc() -> None:
    table = _case("genie_iosxe_ikev2_sa_ipv6_pqc")
    assert table.complete
    one, two = table.sas
    assert (one.tunnel_id, one.local, one.local_port, one.remote, one.ipv6) == (
        1,
        "2001:DB8:1101::131",
        500,
        "2001:DB8:1201::122",
        True,
    )
    assert (one.fvrf, one.ivrf, one.status, one.encr, one.keysize, one.prf) == (
        "none",
        "none",
        Ikev2Status.READY,
        "AES-CBC",
        256,
        "SHA512",
    )
    assert (one.dh_group, one.pqc_key_exchange, one.lifetime_sec, one.active_time_sec) == (
        21,
        "ML-KEM-1024",
        86400,
        218,
    )
    assert (one.session_id, one.local_spi) == (3, "4CF87E32B25302C0")
    assert (two.tunnel_id, two.remote, two.active_time_sec, two.session_id) == (
        2,
        "2001:DB8:1202::123",
        207,
        4,
    )


def test_genie_natt_unindented() -> None:
    (sa,) = _case("genie_iosxe_ikev2_sa_natt_unindented").sas
    assert (sa.tunnel_id, sa.local, sa.local_port, sa.remote, sa.remote_port, sa.status) == (
        3,
        "30.30.30.30",
        4500,
        "20.20.20.20",
        4500,
        Ikev2Status.READY,
    )
    assert (sa.keysize, sa.prf, sa.hash, sa.dh_group, sa.active_time_sec) == (
        128,
        "SHA1",
        "SHA96",
        16,
        20942,
    )
    assert (sa.session_id, sa.remote_spi) == (5206, "1298FDE074BD724C")


def test_genie_asa_layout_with_child_sas() -> None:
    table = _case("genie_asa_ikev2_sa_two_child_sas")
    assert table.complete
    (sa,) = table.sas
    assert (sa.tunnel_id, sa.local, sa.remote, sa.status, sa.role) == (
        3686011,
        "2001:db8:2:1::1",
        "2001:db8:2:1::2",
        Ikev2Status.READY,
        "INITIATOR",
    )
    assert (sa.session_id, sa.session_status, sa.encr, sa.dh_group) == (1, "UP-ACTIVE", "3DES", 2)
    assert (sa.lifetime_sec, sa.active_time_sec) == (43200, 880)
    assert [(c.esp_spi_in, c.esp_spi_out) for c in sa.child_sas] == [
        ("0xbe064bdc", "0x5db6eff3"),
        ("0x69b865f8", "0x978dbbe5"),
    ]
    assert sa.child_sas[0].remote_selector == (
        "2001:db8:3:2::/0 - 2001:db8:3:2:ffff:ffff:ffff:ffff/65535"
    )


# --- behaviour beyond the captures -------------------------------------------------------------

DETAIL = (GOLDEN / "genie_iosxe_ikev2_sa_detail_flexvpn" / "raw.txt").read_text()
PLAIN = (GOLDEN / "clarkson_ios_ikev2_sa_no_prf_15_2" / "raw.txt").read_text()


def test_row_cut_mid_columns_is_flagged() -> None:
    text = " IPv4 Crypto IKEv2  SA\n\nTunnel-id Local  Remote  fvrf/ivrf  Status\n1  10.0.0.1/500  10.0.0.2/500\n"
    table = parse("show crypto ikev2 sa", text)
    assert table.complete is False
    assert (table.sas[0].local, table.sas[0].remote, table.sas[0].status) == (
        "10.0.0.1",
        "10.0.0.2",
        None,
    )


def test_detail_cut_before_initiator_line_is_flagged() -> None:
    text = DETAIL[: DETAIL.index("      Initiator of SA")]
    assert parse("show crypto ikev2 sa detail", text).complete is False


def test_in_negotiation_status() -> None:
    text = PLAIN.replace("READY  ", "IN-NEG ")
    (sa,) = parse("show crypto ikev2 sa", text).sas
    assert (sa.status, sa.status_text) == (Ikev2Status.IN_NEG, "IN-NEG")


def test_empty_noise_and_errors() -> None:
    assert parse("show crypto ikev2 sa", "") == Ikev2SaTable(sas=(), complete=True)
    empty = " IPv4 Crypto IKEv2  SA \n\n IPv6 Crypto IKEv2  SA \n\n"
    assert parse("show crypto ikev2 sa", empty) == Ikev2SaTable(sas=(), complete=True)
    noisy = PLAIN.replace("\n", "\r\n")
    assert parse("sh cry ikev2 sa", noisy) == parse("show crypto ikev2 sa", PLAIN)
    with pytest.raises(ParseError, match="Invalid input"):
        parse("show crypto ikev2 sa", "% Invalid input detected at '^' marker.\n")
    with pytest.raises(ParseError):
        parse("show crypto ikev2 sa", "IPv4 Crypto ISAKMP SA\n")


def test_asa_session_counts_and_detail_session_line() -> None:
    raw = (GOLDEN / "code_asa_ikev2_sa_detail_vti_gcm" / "raw.txt").read_text()
    (sa,) = parse("show crypto ikev2 sa detail", raw).sas
    assert (sa.tunnel_id, sa.role, sa.session_id, sa.session_status) == (
        1738689761,
        "INITIATOR",
        100,
        "UP-ACTIVE",
    )
    assert (sa.ike_count, sa.child_count, sa.encr, sa.hash) == (1, 1, "AES-GCM", "N/A")
    two = parse(
        "show crypto ikev2 sa",
        (GOLDEN / "genie_asa_ikev2_sa_two_child_sas" / "raw.txt").read_text(),
    )
    assert two.sas[0].child_count == 2


def test_iosxe_17_quantum_safe_peer_type_and_sys_ids() -> None:
    raw = (
        GOLDEN / "genie_iosxe_ikev2_sa_detail_unindented_quantum_resistance" / "raw.txt"
    ).read_text()
    sa = parse("show crypto ikev2 sa detail", raw).sas[0]
    assert (sa.quantum_safe, sa.peer_type) == ("Quantum Resistance Enabled", "Other")
    assert (sa.local_sys_id, sa.remote_sys_id) == ("sks1", "sks2")
    raw = (GOLDEN / "genie_iosxe_ikev2_sa_detail_ipv6_split_lines" / "raw.txt").read_text()
    sa = parse("show crypto ikev2 sa detail", raw).sas[0]
    assert (sa.quantum_safe, sa.peer_type) == (
        "Quantum-safe Encryption using PQC: ML-KEM-1024",
        "IOS-XE",
    )


def test_stats_exchange_values_genieparser_names() -> None:
    stats = parse(
        "show crypto ikev2 stats exchange",
        (GOLDEN / "genie_iosxe_ikev2_stats_exchange" / "raw.txt").read_text(),
    )
    assert isinstance(stats, Ikev2ExchangeStats)
    init, npc, dpd = (stats.row(n) for n in ("IKE_SA_INIT", "NO_PROPOSAL_CHOSEN", "DPD"))
    assert init and (init.tx_req, init.tx_res, init.rx_req, init.rx_res) == (8618, 0, 0, 5206)
    assert npc and npc.section == "error_notify" and npc.rx_res == 5203
    assert dpd and dpd.section == "other_notify" and (dpd.tx_res, dpd.rx_req) == (79170, 79170)
    assert stats.other == (("NAT_INSIDE", 3), ("NO_NAT", 5203))
    assert len(stats.rows) == 15


def test_stats_exchange_with_retransmission_columns_keeps_the_first_four() -> None:
    text = (
        "EXCHANGE/NOTIFY TX(REQ) TX(RES) RX(REQ) RX(RES) RTX(REQ) RTX(RES) RRX(REQ) RRX(RES)\n"
        "EXCHANGES\nIKE_SA_INIT          8     11     11      8     0    0    0    0\n"
        "ERROR NOTIFY\nAUTHENTICATION_FAILED 0 3 0 0 0 0 0 0\n"
    )
    stats = parse("show crypto ikev2 stats exchange", text)
    auth = stats.row("AUTHENTICATION_FAILED")
    assert auth is not None and auth.tx_res == 3 and auth.section == "error_notify"
    assert stats.row("IKE_SA_INIT") is not None and stats.row("TS_UNACCEPTABLE") is None


def test_stats_exchange_rejects_another_commands_error() -> None:
    with pytest.raises(ParseError):
        parse("show crypto ikev2 stats exchange", "% Invalid input detected at '^' marker.\n")
