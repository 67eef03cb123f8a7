"""show dmvpn / show ip nhrp beyond the golden cases: empty and legend-only output, an output
cut inside a wrapped IPv6 row, incomplete cache entries, lines no device prints, secrets."""

from __future__ import annotations

from nornir_tasks.models.dmvpn import DmvpnState, DmvpnTable, NhrpCache
from nornir_tasks.parsers import parse, parse_result
from nornir_tasks.parsers._secrets import mask_secrets

LEGEND = """Legend: Attrb --> S - Static, D - Dynamic, I - Incomplete
        N - NATed, L - Local, X - No Socket
        T1 - Route Installed, T2 - Nexthop-override
        C - CTS Capable
        # Ent --> Number of NHRP entries with same NBMA peer
        NHS Status: E --> Expecting Replies, R --> Responding, W --> Waiting
        UpDn Time --> Up or Down Time for a Tunnel
==========================================================================
"""


def test_empty_and_legend_only_outputs_are_no_tunnels() -> None:
    for text in ("", LEGEND):
        table = parse("show dmvpn", text)
        assert isinstance(table, DmvpnTable)
        assert (table.interfaces, table.sessions, table.complete) == ((), (), True)
    cache = parse("show ip nhrp", "")
    assert isinstance(cache, NhrpCache) and (cache.entries, cache.complete) == ((), True)


def test_wrapped_ipv6_row_cut_off_is_incomplete() -> None:
    text = (
        "Interface: Tunnel1, IPv4 NHRP Details\nType:Hub, NHRP Peers:1,\n\n"
        " # Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb\n"
        " ----- --------------- --------------- ----- -------- -----\n"
        "     1 2001:DB8:1201::122\n"
    )
    table = parse("show dmvpn", text)
    assert not table.complete and table.interfaces[0].peers == ()


def test_hub_rows_keyed_by_interface_and_nbma() -> None:
    text = LEGEND + (
        "\nInterface: Tunnel0, IPv4 NHRP Details \nType:Hub, NHRP Peers:2, \n\n"
        " # Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb\n"
        " ----- --------------- --------------- ----- -------- -----\n"
        "     1 UNKNOWN             172.30.0.13  NHRP    never    IX\n"
        "     1 203.0.113.130       172.30.0.11    UP 00:00:45     D\n"
    )
    peers = parse("show dmvpn", text).peers()
    assert [p.key for p in peers] == [("Tunnel0", None), ("Tunnel0", "203.0.113.130")]
    assert peers[0].incomplete and peers[0].state is DmvpnState.NHRP
    assert not peers[1].static and peers[1].state is DmvpnState.UP


def test_incomplete_cache_entry_and_unknown_lines() -> None:
    text = (
        "172.30.0.13/32 via 172.30.0.13\n   Tunnel0 created 00:00:45, expire 00:02:59\n"
        "   Type: incomplete, Flags: negative\n   Cache hits: 0\n"
        "this line is not NHRP\n"
    )
    result = parse_result("show ip nhrp", text)
    entry = result.value.entries[0]
    assert (entry.entry_type, entry.flags, entry.nbma, entry.expire) == (
        "incomplete", ("negative",), None, "00:02:59",
    )  # fmt: skip
    assert result.value.complete
    assert [line for _, line in result.unparsed] == ["this line is not NHRP"]


def test_nhrp_authentication_string_is_masked() -> None:
    masked = mask_secrets(" ip nhrp authentication NhrpKey9\n ip nhrp network-id 100\n")
    assert "NhrpKey9" not in masked and "ip nhrp network-id 100" in masked
