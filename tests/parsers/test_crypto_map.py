"""``show crypto map``: the values each golden case's provenance names, incomplete and applied."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nornir_tasks.models.crypto_map import CryptoMapTable, CryptoMapType, TransformSetRef
from nornir_tasks.parsers import ParseError, parse

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def _case(name: str) -> CryptoMapTable:
    meta = yaml.safe_load((GOLDEN / name / "provenance.yaml").read_text())
    table = parse(
        str(meta.get("parse_as") or meta["command"]), (GOLDEN / name / "raw.txt").read_text()
    )
    assert isinstance(table, CryptoMapTable)
    return table


def test_genie_ikev2_map_two_peers_applied() -> None:
    table = _case("genie_iosxe_crypto_map_ikev2_two_peers")
    assert table.complete
    (e,) = table.entries
    assert (e.address_family, e.name, e.seq, e.type) == (
        "IPv4",
        "ikev2-cryptomap",
        1,
        CryptoMapType.IPSEC_ISAKMP,
    )
    assert e.peers == ("172.20.249.12", "172.20.249.3")
    assert (e.ikev2_profile, e.access_list_ss_dynamic, e.access_list, e.current_peer) == (
        "ikev2profile",
        False,
        "102",
        "172.20.249.12",
    )
    assert (e.sa_lifetime_kb, e.sa_lifetime_sec) == (4608000, 3600)
    assert (e.dualstack, e.responder_only, e.pfs, e.mixed_mode) == (False, False, False, "Disabled")
    assert e.transform_sets == (TransformSetRef("aes256-sha1", ("esp-aes", "esp-sha-hmac")),)
    assert (e.interfaces, e.applied, e.incomplete) == (("Vlan1",), True, False)


def test_genie_incomplete_map_applied_nowhere() -> None:
    table = _case("genie_iosxe_crypto_map_incomplete")
    assert table.complete  # the output is whole; the *configuration* is incomplete
    (e,) = table.entries
    assert (e.address_family, e.name, e.seq, e.type) == (
        "IPv4",
        "VPN_To_Switch2",
        1,
        CryptoMapType.IPSEC_ISAKMP,
    )
    assert (e.incomplete, e.no_matching_address_list) == (True, False)
    assert e.peers == ("172.20.249.12",)
    assert (e.access_list_ss_dynamic, e.access_list) == (False, "101")
    assert (e.sa_lifetime_kb, e.sa_lifetime_sec) == (4608000, 3600)
    assert (e.dualstack, e.responder_only, e.pfs, e.mixed_mode) == (False, False, False, "Disabled")
    assert e.transform_sets == (TransformSetRef("default", ("esp-aes", "esp-sha-hmac")),)
    assert (e.interfaces, e.applied) == ((), False)


def test_genie_ipv6_manual_map_no_address_list_two_interfaces() -> None:
    (e,) = _case("genie_iosxe_crypto_map_ipv6_manual_no_match_two_interfaces").entries
    assert (e.name, e.seq, e.type, e.address_family) == (
        "sdsd",
        3,
        CryptoMapType.IPSEC_MANUAL,
        "IPv6",
    )
    assert (e.incomplete, e.no_matching_address_list, e.peers) == (True, True, ("2001::1",))
    assert e.access_list_ss_dynamic is False
    assert e.transform_sets == (TransformSetRef("default", ("esp-aes", "esp-sha-hmac")),)
    assert e.interfaces == ("TwoGigabitEthernet2/0/17", "TwoGigabitEthernet2/0/19")
    assert e.applied


# --- behaviour beyond the captures -------------------------------------------------------------

CLASSIC = """\
Crypto Map: "VPN" idb: GigabitEthernet0/0 local address: 203.0.113.1

Crypto Map "VPN" 10 ipsec-isakmp
        Peer = 203.0.113.10
        ISAKMP Profile: SITES
        Extended IP access list 110
            access-list 110 permit ip 192.168.0.0 0.0.0.255 192.168.1.0 0.0.0.255
            access-list 110 permit ip 192.168.0.0 0.0.0.255 192.168.2.0 0.0.0.255
        Current peer: 203.0.113.10
        Security association lifetime: 4608000 kilobytes/3600 seconds
        Responder-Only (Y/N): N
        PFS (Y/N): Y
        DH group:  group14
        Transform sets={
                tform:  { esp-256-aes esp-sha-hmac  } ,
        }
        Interfaces using crypto map VPN:
                GigabitEthernet0/0

Crypto Map "VPN" 65535 ipsec-isakmp
        Dynamic map template tag: DYN
        Interfaces using crypto map VPN:
                GigabitEthernet0/0
"""


def test_classic_layout_acl_entries_pfs_group_binding_and_dynamic_entry() -> None:
    table = parse("show crypto map", CLASSIC)
    assert table.complete
    (binding,) = table.bindings
    assert (binding.name, binding.interfaces, binding.local_address) == (
        "VPN",
        ("GigabitEthernet0/0",),
        "203.0.113.1",
    )
    static, dynamic = table.entries
    assert (static.address_family, static.isakmp_profile, static.access_list) == (
        None,
        "SITES",
        "110",
    )
    assert static.access_list_entries == (
        "access-list 110 permit ip 192.168.0.0 0.0.0.255 192.168.1.0 0.0.0.255",
        "access-list 110 permit ip 192.168.0.0 0.0.0.255 192.168.2.0 0.0.0.255",
    )
    assert (static.pfs, static.pfs_group) == (True, "group14")
    assert (dynamic.seq, dynamic.dynamic_map_template, dynamic.applied) == (65535, "DYN", True)


def test_cut_before_the_interfaces_line_is_flagged() -> None:
    text = CLASSIC[: CLASSIC.index("        Interfaces using crypto map VPN:")]
    table = parse("show crypto map", text)
    assert table.complete is False
    assert table.entries[0].transform_sets == (
        TransformSetRef("tform", ("esp-256-aes", "esp-sha-hmac")),
    )


def test_empty_noise_and_errors() -> None:
    assert parse("show crypto map", "") == CryptoMapTable(entries=(), complete=True)
    noisy = "R1#show crypto map\r\n" + CLASSIC.replace("\n", " \r\n") + "R1#"
    assert parse("sh cry map", noisy) == parse("show crypto map", CLASSIC)
    assert parse("show crypto map interface Gi0/0", CLASSIC) == parse("show crypto map", CLASSIC)
    with pytest.raises(ParseError, match="Invalid input"):
        parse("show crypto map", "% Invalid input detected at '^' marker.")
    with pytest.raises(ParseError):
        parse("show crypto map", "Codes: L - local, C - connected, S - static\n")
