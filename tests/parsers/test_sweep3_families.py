"""Families the third sweep of public outputs showed we misread (docs/parsers.md, sweep 3).

Each test is one kind of output or paste, on a real capture in tests/golden (provenance there)
or a line quoted from a public file named beside it.
"""

from __future__ import annotations

from pathlib import Path

from nornir_tasks.checks import diagnose
from nornir_tasks.diagnose import Capture, fleet_from_captures
from nornir_tasks.models.config import RunningConfig
from nornir_tasks.models.failover import TrackKind
from nornir_tasks.models.ipsec import IpsecSaTable
from nornir_tasks.parsers import parse, parse_result

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def _raw(case: str) -> str:
    return (GOLDEN / case / "raw.txt").read_text()


def test_asa_access_list_line_opens_the_next_flow_without_map_tag_lines() -> None:
    """An ASA paste cut of its 'Crypto map tag' lines: the 'access-list' line printed before a
    flow's idents belongs to that flow, not to the one before it; an ident line that lost its
    closing bracket is still read."""
    result = parse_result(
        "show crypto ipsec sa", _raw("ciscoforum_asa_ipsec_sa_no_map_tag_truncated_ident")
    )
    table = result.value
    assert isinstance(table, IpsecSaTable)
    assert result.unparsed_count == 0
    first, second = table.flows
    assert first.access_list is None
    assert first.remote_ident is not None and first.remote_ident.addr == "200.122.164.0"
    assert second.access_list is not None and "outside_1_cryptomap" in second.access_list
    assert second.remote_ident is not None and second.remote_ident.addr == "200.122.164.165"
    assert [s.spi_value for s in second.sas] == [2803255961, 4003767679]


def test_weak_transform_of_a_flow_without_peer_is_worded_without_none() -> None:
    fleet, _ = fleet_from_captures(
        [Capture("ASA", _raw("ciscoforum_asa_ipsec_sa_no_map_tag_truncated_ident"))]
    )
    weak = [f for f in diagnose(fleet) if f.code == "IKE_WEAK_CRYPTO"]
    assert weak and not any("None" in line for f in weak for line in f.evidence)


def test_track_ip_route_as_typed_with_prefix_length() -> None:
    # The line of a change script for a Cisco 891 (code index file id 10371056343): IOS takes
    # "A.B.C.D/len" and prints it back with a mask; pastes of what was typed keep the slash.
    text = "hostname R891\n!\ntrack 10 ip route 0.0.0.0/0 reachability\n!\n"
    config = parse("show running-config", text)
    assert isinstance(config, RunningConfig)
    track = config.tracks[10]
    assert (track.kind, track.object, track.mode) == (
        TrackKind.IP_ROUTE,
        "0.0.0.0/0",
        "reachability",
    )


def test_asa_cant_find_valid_tunnel_group_names_the_missing_key_with_asa_steps() -> None:
    case = "notes_asa_ikev1_cant_find_valid_tunnel_group"
    fleet, _ = fleet_from_captures([Capture("ASA", _raw(case))])
    found = [f for f in diagnose(fleet) if f.code == "IKE_P1_PSK_MISSING"]
    assert [f.peer for f in found] == ["31.204.98.143"]
    steps = " ".join(found[0].next_steps)
    assert "tunnel-group 31.204.98.143" in steps and "crypto isakmp key" not in steps


def _block(raw: str, command: str) -> str:
    """The lines under ``RT01# <command>`` up to the next prompt."""
    lines = raw.splitlines()
    start = lines.index(f"RT01# {command}") + 1
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("RT01# "))
    return "\n".join(lines[start:end]) + "\n"


def test_include_filtered_ipsec_sa_keeps_each_peer_with_its_own_counters() -> None:
    """'| include peer|encaps|decaps' keeps no ident line: each current_peer opens its flow."""
    command = "show crypto ipsec sa | include peer|encaps|decaps|in use settings"
    raw = _block(_raw("faultlab_iosxe_dmvpn_hub_spoke_without_tunnel_protection"), command)
    table = parse(command, raw)
    assert isinstance(table, IpsecSaTable)
    got = [(f.current_peer, f.pkts_encaps, f.pkts_decaps) for f in table.flows]
    assert got == [("198.51.100.10", 29, 27), ("198.51.100.6", 27, 27)]


def test_cleartext_gre_names_the_unprotected_spoke_and_nothing_else() -> None:
    case = "faultlab_iosxe_dmvpn_hub_spoke_without_tunnel_protection"
    fleet, _ = fleet_from_captures([Capture("RT01", _raw(case))])
    got = {(f.code, str(f.severity), f.peer) for f in diagnose(fleet)}
    # the two spokes whose counters move through the filtered output are not "phase 2 down"
    assert got == {("IPSEC_CLEARTEXT_RECEIVED", "critical", "198.51.100.2")}


# A GET VPN group member as configured in a lab write-up (Chinese GETVPN notes, code index
# file id 39749019756, the GM-X block verbatim): a 'gdoi' map entry has no peer, ACL or
# transform set of its own, all come from the key server.
GETVPN_GM = """\
crypto isakmp policy 10
 authentication pre-share
crypto isakmp key 0 cisco address 202.100.1.1
crypto isakmp key 0 cisco address 202.100.1.2
crypto gdoi group mygroup
 identity number 66666
 server address ipv4 202.100.1.1
 server address ipv4 202.100.1.2
crypto map cisco 10 gdoi
 set group mygroup
interface FastEthernet1/0
 crypto map cisco
"""


def test_get_vpn_gdoi_map_entry_is_not_incomplete() -> None:
    fleet, _ = fleet_from_captures([Capture("GM1", GETVPN_GM)])
    assert "CRYPTO_MAP_INCOMPLETE" not in {f.code for f in diagnose(fleet)}


def test_asa_aggressive_mode_wait_msg2_in_a_syslog_relay_line_is_no_response() -> None:
    """'HOST:514 : local7.debug %PIX-7-715065: ... AM Initiator FSM error history': the ASA's
    aggressive-mode states are AM_*, not IOS's AG_*."""
    case = "siem_pix_syslog_relay_am_initiator_fsm_no_response"
    fleet, _ = fleet_from_captures([Capture("PIX", _raw(case))])
    found = [f for f in diagnose(fleet) if f.code == "IKE_P1_NO_RESPONSE"]
    assert [f.peer for f in found] == ["78.187.139.180"]
    assert "aggressive" in found[0].cause


def test_dmvpn_detail_session_peer_from_an_ipsec_flow_after_fvrf_on_one_line() -> None:
    """IOS 15.x prints 'fvrf: (none),   IPSEC FLOW: permit 47 host A host B' on one line."""
    from nornir_tasks.models.dmvpn import DmvpnTable

    table = parse("show dmvpn detail", _raw("otus_ios_dmvpn_detail_hub_fvrf_ipsec_flow_one_line"))
    assert isinstance(table, DmvpnTable)
    assert [(s.peer, s.local, s.pkts_decaps) for s in table.sessions] == [
        ("172.16.5.30", "172.16.5.5", 47),
        ("172.16.5.38", "172.16.5.5", 36),
    ]


def test_stale_ike_message_followed_by_the_session_up_is_info() -> None:
    """An Easy VPN client logs IKMP_NO_SA while it connects, then EZVPN_CONNECTION_UP."""
    case = "blog_ios_ezvpn_client_ikmp_no_sa_then_connection_up"
    fleet, _ = fleet_from_captures([Capture("RA2", _raw(case))])
    got = [(f.code, str(f.severity), f.peer) for f in diagnose(fleet)]
    assert got == [("IKE_NO_SA", "info", "10.1.1.1")]


def test_annotated_paste_marks_are_not_read_and_counters_name_the_one_peer() -> None:
    """★ marks, a '↑ ...' pointer line and a '← ...' remark are the author's, not the router's;
    counters filtered to '| include pkts' belong to the one IKEv2 peer in the paste."""
    from nornir_tasks.parsers.cleaning import clean_device_text

    raw = _raw("lab_cn_ios_ikev2_ready_esp_blocked_annotated")
    cleaned = clean_device_text(raw)
    assert "\u2605" not in cleaned and "\u2191" not in cleaned and "\u2190" not in cleaned
    assert len(cleaned.splitlines()) == len(raw.splitlines())
    fleet, _ = fleet_from_captures([Capture("R1", raw)])
    found = [
        (f.code, str(f.severity), f.peer) for f in diagnose(fleet) if f.code.startswith("IPSEC")
    ]
    assert found == [("IPSEC_NO_RETURN_TRAFFIC", "critical", "203.2.2.2")]


def test_configuration_typed_at_the_prompt_is_read_as_configuration() -> None:
    """'CR1(config)#crypto isakmp policy 10' / 'CR1(config-isakmp)#hash md5' / 'exit' /
    'int fa0/1': what was typed, prompts included, is the configuration."""
    raw = _raw("blog_ios_ha_crypto_config_typed_with_prompts")
    config = parse("show running-config", raw)
    assert isinstance(config, RunningConfig)
    policy = config.isakmp_policies[0]
    assert (policy.priority, policy.encryption, policy.hash, policy.group) == (10, "aes", "md5", 2)
    assert config.interfaces["fa0/1"].crypto_map == "stat-cmap"
    fleet, problems = fleet_from_captures([Capture("CR1", raw)])
    assert not problems
    assert "IKE_WEAK_CRYPTO" in {f.code for f in diagnose(fleet)}  # md5, DH group 2


def test_a_key_typed_at_the_prompt_is_masked() -> None:
    from nornir_tasks.parsers._secrets import mask_secrets

    typed = "CR1(config)#crypto isakmp key hakey123 address 0.0.0.0 0.0.0.0 no-xauth\n"
    sub = "R1(config-keyring)# pre-shared-key address 61.128.1.1 key VPN\n"
    assert mask_secrets(typed) == typed.replace("hakey123", "<removed>")
    assert mask_secrets(sub) == sub.replace("key VPN", "key <removed>")


# An ASA configured at the prompt, as a Portuguese lab write-up gives it (code index file id
# 28262058006, FW 1 block; the key masked as the repository masks keys).
ASA_TYPED = """\
ciscoasa(config)# crypto ikev1 policy 10
ciscoasa(config-ikev1-policy)# encryption aes
ciscoasa(config-ikev1-policy)# hash sha
ciscoasa(config-ikev1-policy)# authentication pre-share
ciscoasa(config-ikev1-policy)# group 2
ciscoasa(config-ikev1-policy)# lifetime 86400
ciscoasa(config)# crypto ipsec ikev1 transform-set ESP_SET esp-aes esp-sha-hmac
ciscoasa(config)# tunnel-group 10.0.0.2 type ipsec-l2l
ciscoasa(config)# tunnel-group 10.0.0.2 ipsec-attributes
ciscoasa(config-tunnel-ipsec)# ikev1 pre-shared-key <removed>
ciscoasa(config)# crypto map MY_MAP 10 match address VPN_ACL
ciscoasa(config)# crypto map MY_MAP 10 set peer 10.0.0.2
ciscoasa(config)# crypto map MY_MAP 10 set ikev1 transform-set ESP_SET
ciscoasa(config)# crypto map MY_MAP interface outside
ciscoasa(config)# crypto ikev1 enable outside
"""


def test_an_asa_configuration_typed_at_the_prompt_is_read_as_an_asa_one() -> None:
    config = parse("show running-config", ASA_TYPED)
    assert isinstance(config, RunningConfig)
    assert config.platform == "asa"
    entry = config.crypto_maps[0].entries[0]
    assert (entry.peers, entry.transform_sets, entry.match_address) == (
        ("10.0.0.2",),
        ("ESP_SET",),
        "VPN_ACL",
    )
    assert [g.name for g in config.tunnel_groups] == ["10.0.0.2"]
