"""``show crypto session [detail]``: the values each golden case's provenance names."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nornir_tasks.models.crypto_session import CryptoSessionTable, IkeSaStatus, SessionStatus
from nornir_tasks.parsers import ParseError, parse

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def _case(name: str) -> CryptoSessionTable:
    meta = yaml.safe_load((GOLDEN / name / "provenance.yaml").read_text())
    table = parse(
        str(meta.get("parse_as") or meta["command"]), (GOLDEN / name / "raw.txt").read_text()
    )
    assert isinstance(table, CryptoSessionTable)
    return table


def test_genie_ikev2_tunnel_session() -> None:
    table = _case("genie_iosxe_crypto_session_ikev2")
    assert table.complete
    (s,) = table.sessions
    assert (s.interface, s.profile, s.status, s.peer, s.peer_port) == (
        "Tunnel0",
        "polaris-test",
        SessionStatus.UP_ACTIVE,
        "1.1.1.1",
        500,
    )
    (ike,) = s.ike_sas
    assert (ike.version, ike.session_id, ike.local, ike.local_port) == ("IKEv2", 3, "2.2.2.2", 500)
    assert (ike.remote, ike.remote_port, ike.status) == ("1.1.1.1", 500, IkeSaStatus.ACTIVE)
    (flow,) = s.ipsec_flows
    assert (flow.flow, flow.active_sas, flow.origin) == (
        "permit 47 host 2.2.2.2 host 1.1.1.1",
        2,
        "crypto map",
    )


def test_genie_ezvpn_virtual_access() -> None:
    table = _case("genie_iosxe_crypto_session_ezvpn_va")
    assert table.complete
    (s,) = table.sessions
    assert (s.interface, s.username, s.profile, s.group, s.assigned_address) == (
        "Virtual-Access2",
        "cisco",
        "prof",
        "easy",
        "10.3.3.4",
    )
    assert (s.status, s.peer, s.peer_port) == (SessionStatus.UP_ACTIVE, "10.1.1.2", 500)
    assert [
        (i.version, i.local, i.local_port, i.remote, i.remote_port, i.status) for i in s.ike_sas
    ] == [
        ("IKE", "10.1.1.1", 500, "10.1.1.2", 500, IkeSaStatus.ACTIVE),
        ("IKE", "10.1.1.1", 500, "10.1.1.2", 500, IkeSaStatus.INACTIVE),
    ]
    (flow,) = s.ipsec_flows
    assert (flow.flow, flow.active_sas, flow.origin) == (
        "permit ip 0.0.0.0/0.0.0.0 host 3.3.3.4",
        2,
        "crypto map",
    )


def test_genie_detail_down_then_down_negotiating() -> None:
    table = _case("genie_iosxe_crypto_session_detail_down_negotiating")
    assert table.complete
    down, negotiating = table.sessions
    assert (down.interface, down.status, down.peer, down.peer_port) == (
        "Tunnel3111",
        SessionStatus.DOWN,
        "192.168.1.1",
        500,
    )
    # Genie normalises "(none)" to "none"; we keep the device's word.
    assert (down.fvrf, down.ivrf, down.desc, down.phase1_id) == (
        "(none)",
        "inner",
        "(none)",
        "(none)",
    )
    assert [f.flow for f in down.ipsec_flows] == [
        "permit ip 100.75.0.0/255.255.255.192 192.168.25.0/255.255.255.128",
        "permit ip host 100.74.10.1 192.168.25.0/255.255.255.128",
        "permit ip 100.75.0.0/255.255.255.192 192.168.26.0/255.255.255.0",
        "permit ip host 100.74.10.1 192.168.26.0/255.255.255.0",
        "permit ip 100.75.0.0/255.255.255.192 192.168.25.0/255.255.255.0",
        "permit ip host 100.74.10.1 192.168.25.0/255.255.255.0",
    ]
    assert {f.active_sas for f in down.ipsec_flows} == {0}
    assert down.ike_sas == ()
    assert (negotiating.interface, negotiating.profile, negotiating.status) == (
        "Tunnel3111",
        "ISAKMP-inner-LOC_A",
        SessionStatus.DOWN_NEGOTIATING,
    )
    assert (negotiating.fvrf, negotiating.ivrf) == ("(none)", "(none)")
    assert len(negotiating.ike_sas) == 2
    for ike in negotiating.ike_sas:
        assert (ike.version, ike.session_id, ike.local, ike.local_port) == (
            "IKEv1",
            0,
            "94.140.184.80",
            500,
        )
        assert (ike.remote, ike.remote_port, ike.status, ike.capabilities) == (
            "192.168.1.1",
            500,
            IkeSaStatus.INACTIVE,
            "(none)",
        )
        assert (ike.conn_id, ike.lifetime) == (0, "0")


def test_ntc_detail_three_tunnels() -> None:
    table = _case("ntc_ios_crypto_session_detail_down_negotiating_and_up")
    assert table.complete
    t1201, t1101, t2201 = table.sessions
    assert (t1201.interface, t1201.status, t1201.peer, t1201.peer_port) == (
        "Tunnel1201",
        SessionStatus.DOWN_NEGOTIATING,
        "10.161.255.14",
        500,
    )
    assert [i.status for i in t1201.ike_sas] == [IkeSaStatus.INACTIVE, IkeSaStatus.INACTIVE]
    assert t1201.ipsec_flows[0].active_sas == 0
    assert (t1101.uptime, t1101.status, t1101.peer, t1101.peer_port, t1101.phase1_id) == (
        "7w0d",
        SessionStatus.UP_ACTIVE,
        "192.168.0.1",
        4500,
        "SOME_DEVICE1234.1pc.com",
    )
    (ike,) = t1101.ike_sas
    assert (ike.capabilities, ike.conn_id, ike.lifetime) == ("DN", 2913, "09:03:41")
    (flow,) = t1101.ipsec_flows
    assert (flow.active_sas, flow.inbound_pkts_decrypted, flow.outbound_pkts_encrypted) == (
        2,
        15344097,
        18074395,
    )
    assert (flow.inbound_life_kb, flow.inbound_life_sec) == (4236992, 615)
    assert (t2201.interface, t2201.status, t2201.peer) == (
        "Tunnel2201",
        SessionStatus.DOWN_NEGOTIATING,
        "10.163.255.14",
    )


def test_ntc_detail_ikev2_fvrf_and_inbound_drops() -> None:
    (s,) = _case("ntc_ios_crypto_session_detail_ikev2_inbound_drops").sessions
    assert (s.interface, s.profile, s.uptime, s.status) == (
        "Tunnel11",
        "IKEV2_PFL_AES_GCM256",
        "11:12:24",
        SessionStatus.UP_ACTIVE,
    )
    assert (s.peer, s.peer_port, s.fvrf, s.ivrf) == ("21.16.95.23", 4500, "INET", "(none)")
    (ike,) = s.ike_sas
    assert (ike.session_id, ike.version, ike.remote, ike.conn_id) == (
        70,
        "IKEv2",
        "21.61.95.23",
        4,
    )
    (flow,) = s.ipsec_flows
    assert flow.flow == "permit ip 0.0.0.0/0.0.0.0 0.0.0.0/0.0.0.0"
    assert (flow.inbound_pkts_decrypted, flow.inbound_drops, flow.outbound_pkts_encrypted) == (
        4033155813,
        33920,
        1326659675,
    )


def test_genie_detail_up_active_two_ike_sas() -> None:
    (s,) = _case("genie_iosxe_crypto_session_detail_up_active_gre").sessions
    assert (s.interface, s.uptime, s.status, s.peer) == (
        "Tunnel13",
        "6d00h",
        SessionStatus.UP_ACTIVE,
        "11.0.1.1",
    )
    assert [i.conn_id for i in s.ike_sas] == [1002, 1001]
    (flow,) = s.ipsec_flows
    assert (flow.active_sas, flow.inbound_pkts_decrypted, flow.outbound_pkts_encrypted) == (
        4,
        46,
        36933108,
    )
    assert (flow.outbound_life_kb, flow.outbound_life_sec) == (3934761, 3544)


# --- behaviour beyond the captures -------------------------------------------------------------

DETAIL = (GOLDEN / "genie_iosxe_crypto_session_detail_down_negotiating" / "raw.txt").read_text()


def test_cut_inside_the_last_flow_is_flagged() -> None:
    text = DETAIL[: DETAIL.rindex("        Outbound:")]
    assert parse("show crypto session detail", text).complete is False


def test_cut_before_session_status_is_flagged() -> None:
    assert parse("show crypto session", "Interface: Tunnel0\n").complete is False


def test_unknown_status_keeps_its_text() -> None:
    text = "Interface: Tunnel9\nSession status: UP-SOMETHING\nPeer: 10.0.0.9 port 500\n"
    (s,) = parse("show crypto session", text).sessions
    assert (s.status, s.status_text) == (SessionStatus.UNKNOWN, "UP-SOMETHING")


def test_empty_noise_and_errors() -> None:
    assert parse("show crypto session", "") == CryptoSessionTable(sessions=(), complete=True)
    assert parse("show crypto session", "Crypto session current status\n").sessions == ()
    noisy = "R1#show crypto session detail\r\n" + DETAIL.replace("\n", "  \r\n")
    assert parse("sh cry sess det", noisy) == parse("show crypto session detail", DETAIL)
    with pytest.raises(ParseError, match="Invalid input"):
        parse("show crypto session", "              ^\n% Invalid input detected at '^' marker.\n")
    with pytest.raises(ParseError):
        parse(
            "show crypto session", "interface: Tunnel0\n    Crypto map tag: x, local addr 1.1.1.1\n"
        )


def test_ipv6_ikev2_sa_line_wrapped_before_remote() -> None:
    """IOS-XE wraps an IPv6 'IKEv2 SA: local X' line; 'remote Y Active' follows on its own."""
    raw = (GOLDEN / "genie_iosxe_crypto_session_interface_detail_ipv6_peer" / "raw.txt").read_text()
    table = parse("show crypto session interface Tunnel2 detail", raw)
    (sa,) = table.sessions[0].ike_sas
    assert (sa.version, sa.session_id) == ("IKEv2", 395)
    assert (sa.local, sa.remote, sa.remote_port, sa.status_text) == (
        "2001:101:0:1::1",
        "2001:101:0:1::2",
        500,
        "Active",
    )
    assert (sa.conn_id, sa.lifetime) == (1, "23:29:35")
    assert table.complete
    cut = raw[: raw.index("          remote 2001")]
    assert not parse("show crypto session detail", cut).complete


def test_kb_volume_rekey_disabled_lifetime() -> None:
    raw = (GOLDEN / "genie_ios_crypto_session_detail_gre_isakmp_profile" / "raw.txt").read_text()
    flow = parse("show crypto session detail", raw).sessions[0].ipsec_flows[0]
    assert (flow.inbound_pkts_decrypted, flow.inbound_life_kb, flow.inbound_life_sec) == (
        449282,
        None,
        3060,
    )
    assert flow.outbound_pkts_encrypted == 772730
