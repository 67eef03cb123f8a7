"""ASA show vpn-sessiondb (summary) and [detail] l2l: values off the real captures, contract cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from nornir_tasks.models.crypto_session import SessionStatus
from nornir_tasks.models.vpn_sessiondb import VpnSessionSummary, VpnSessionTable, as_crypto_sessions
from nornir_tasks.parsers import ParseError, parse

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def _raw(case: str) -> str:
    return (GOLDEN / case / "raw.txt").read_text()


def _l2l(case: str, command: str = "show vpn-sessiondb detail l2l") -> VpnSessionTable:
    table = parse(command, _raw(case))
    assert isinstance(table, VpnSessionTable)
    return table


def test_summary_site_to_site_rows_and_totals() -> None:
    summary = parse("show vpn-sessiondb", _raw("ntc_asa_vpn_sessiondb_summary_site_to_site"))
    assert isinstance(summary, VpnSessionSummary)
    s2s, ikev2, ikev1 = summary.sessions
    assert (s2s.name, s2s.active, s2s.cumulative, s2s.peak) == ("Site-to-Site VPN", 99, 3506999, 99)
    assert (ikev2.name, ikev2.parent, ikev2.active) == ("IKEv2 IPsec", "Site-to-Site VPN", 9)
    assert ikev1.parent == "Site-to-Site VPN"
    assert (summary.total_active_inactive, summary.total_cumulative) == (99, 3506999)
    assert (summary.capacity, summary.load_percent) == (750, 2)
    assert [t.name for t in summary.tunnels] == ["IKEv1", "IKEv2", "IPsec", "IPsecOverNatT"]
    assert (summary.tunnels_total_active, summary.tunnels_total_cumulative) == (99, 351999)
    assert summary.complete


def test_summary_inactive_column_and_doubled_newlines() -> None:
    summary = parse(
        "sh vpn-sessiondb summary", _raw("genie_asa_vpn_sessiondb_summary_inactive_sessions")
    )
    assert summary.sessions[0].inactive == 355
    assert summary.load_percent == 41
    doubled = parse(
        "show vpn-sessiondb summary", _raw("genie_asa_vpn_sessiondb_summary_echo_blank_lines")
    )
    assert [r.name for r in doubled.sessions] == ["Clientless VPN", "Browser"]
    assert doubled.tunnels_total_cumulative == 1


def test_detail_old_layout_session_ids_and_counters() -> None:
    table = _l2l("ntc_asa_vpn_sessiondb_detail_l2l_ikev1_two_ipsec")
    assert len(table.sessions) == 3
    first = table.sessions[0]
    assert (first.peer, first.bytes_rx, first.duration) == ("172.16.0.1", 875049248, "6:16:26")
    assert first.tunnel_counts == {"IKE": 1, "IPSec": 2}
    ike, ipsec2, ipsec3 = first.tunnels
    assert (ike.kind, ike.tunnel_id, ike.rekey_left_sec) == ("IKE", "1", 63814)
    assert ike.fields["Auth Mode"] == "preSharedKeys"
    assert (ipsec2.pkts_tx, ipsec2.pkts_rx, ipsec3.bytes_rx) == (1635314, 37526, 872409912)
    assert table.sessions[1].tunnels == ()


def test_detail_ikev2_natt_per_protocol_encryption() -> None:
    table = _l2l("ntc_asa_vpn_sessiondb_detail_l2l_ikev2_natt_gcm")
    first = table.sessions[0]
    assert first.connection == "DefaultL2LGroup"
    assert first.encryption == "IKEv2: (1)AES-GCM-256  IPsecOverNatT: (1)AES-GCM-256"
    ike, natt = first.tunnels
    assert (ike.kind, ike.tunnel_id, ike.fields["PRF"], ike.fields["D/H Group"]) == (
        "IKEv2",
        "26386.1",
        "SHA512",
        "21",
    )
    assert (natt.kind, natt.bytes_tx, natt.pkts_rx) == ("IPsecOverNatT", 1280775975169, 1363147628)


def test_l2l_summary_without_blank_lines_and_object_names() -> None:
    table = _l2l("code_asa_vpn_sessiondb_l2l_three_peers_no_blank_lines", "sh vpn-sessiondb l2l")
    assert [s.peer for s in table.sessions] == ["3.23.33.1", "4.36.73.2", "6.5.137.3"]
    assert table.sessions[2].bytes_rx == 85711
    named = _l2l("ntc_asa_vpn_sessiondb_detail_l2l_ikev1_unindented")
    assert named.sessions[0].peer == "Fujitsu-SydAX"
    assert [t.tunnel_id for t in named.sessions[0].tunnels] == [
        "382305.1",
        "382305.2",
        "382305.434",
    ]


def test_l2l_maps_into_the_crypto_session_model() -> None:
    sessions = as_crypto_sessions(_l2l("ntc_asa_vpn_sessiondb_detail_l2l_ike_ipsec_nac")).sessions
    first = sessions[1]
    assert (first.peer, first.status) == ("169.254.104.1", SessionStatus.UP_ACTIVE)
    assert [sa.version for sa in first.ike_sas] == ["IKE"]
    assert first.ipsec_flows[0].outbound_pkts_encrypted is not None


def test_cut_session_is_incomplete() -> None:
    text = _raw("code_asa_vpn_sessiondb_l2l_three_peers_no_blank_lines")
    cut = text[: text.rindex("Duration")]
    table = parse("show vpn-sessiondb l2l", cut)
    assert len(table.sessions) == 3 and not table.complete


@pytest.mark.parametrize(
    "command",
    ["show vpn-sessiondb l2l", "show vpn-sessiondb detail l2l", "show vpn-sessiondb summary"],
)
def test_empty_and_no_sessions(command: str) -> None:
    assert parse(command, "").complete
    assert parse(command, "INFO: There are presently no active sessions\n").complete


@pytest.mark.parametrize("command", ["show vpn-sessiondb l2l", "show vpn-sessiondb summary"])
def test_foreign_text_raises(command: str) -> None:
    with pytest.raises(ParseError):
        parse(command, "IPv4 Crypto ISAKMP SA\ndst src state conn-id status\n")
    with pytest.raises(ParseError):
        parse(command, "% Invalid input detected at '^' marker.\n")
