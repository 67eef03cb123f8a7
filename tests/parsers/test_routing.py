"""show ip route <address> and show ip route: captures, static routes and contract cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from nornir_tasks.parsers import ParseError, parse

GOLDEN = Path(__file__).resolve().parent.parent / "golden"

STATIC_DEFAULT = """\
Routing entry for 0.0.0.0/0, supernet
  Known via "static", distance 1, metric 0, candidate default path
  Routing Descriptor Blocks:
  * 203.0.113.1
      Route metric is 0, traffic share count is 1
"""
STATIC_NULL0 = """\
Routing entry for 8.8.8.8/32
  Known via "static", distance 250, metric 0 (connected)
  Routing Descriptor Blocks:
  * directly connected, via Null0
      Route metric is 0, traffic share count is 1
"""


def _raw(case: str) -> str:
    return (GOLDEN / case / "raw.txt").read_text()


def test_static_default_via_next_hop() -> None:
    entry = parse("show ip route 0.0.0.0", STATIC_DEFAULT)
    assert (entry.found, entry.prefix, entry.protocol) == (True, "0.0.0.0/0", "static")
    assert (entry.distance, entry.metric, entry.candidate_default) == (1, 0, True)
    hop = entry.next_hops[0]
    assert (hop.address, hop.interface, hop.best, hop.metric) == ("203.0.113.1", None, True, 0)
    assert entry.complete


def test_directly_connected_hop() -> None:
    entry = parse("show ip route 8.8.8.8", STATIC_NULL0)
    assert entry.distance == 250
    hop = entry.next_hops[0]
    assert (hop.address, hop.interface) == (None, "Null0")


@pytest.mark.parametrize("reply", ["% Network not in table", "% Subnet not in table"])
def test_not_in_table(reply: str) -> None:
    entry = parse("show ip route 10.30.30.10", f"R1#show ip route 10.30.30.10\n{reply}\nR1#")
    assert (entry.found, entry.not_found_reason, entry.next_hops) == (False, reply, ())
    assert entry.complete


def test_captures_lookup() -> None:
    eigrp = parse("show ip route 192.168.154.0", _raw("genie_iosxe_route_lookup_eigrp"))
    assert (eigrp.prefix, eigrp.protocol, eigrp.distance, eigrp.metric) == (
        "192.168.154.0/24",
        "eigrp 1",
        130,
        10880,
    )
    assert eigrp.route_type == "internal"
    hop = eigrp.next_hops[0]
    assert (hop.address, hop.interface, hop.source, hop.age, hop.traffic_share) == (
        "192.168.151.2",
        "Vlan101",
        "192.168.151.2",
        "2w3d",
        1,
    )
    bgp = parse("show ip route 0.0.0.0", _raw("genie_iosxe_route_lookup_bgp_default_supernet"))
    assert (bgp.protocol, bgp.tag, bgp.route_type, bgp.candidate_default) == (
        "bgp 65161",
        65161,
        "external",
        True,
    )
    paths = parse("show ip route 0.0.0.0", _raw("genie_iosxe_route_lookup_three_paths"))
    assert [(h.address, h.best) for h in paths.next_hops] == [
        ("100.101.0.12", False),
        ("100.101.0.8", False),
        ("100.101.0.4", True),
    ]


def test_lookup_contract_cases() -> None:
    empty = parse("show ip route 1.1.1.1", "")
    assert (empty.found, empty.complete) == (False, True)
    with pytest.raises(ParseError):
        parse("show ip route 1.1.1.1", "% Invalid input detected at '^' marker.")
    with pytest.raises(ParseError):
        parse("show ip route 1.1.1.1", "Codes: L - local, C - connected, S - static")
    cut = parse("show ip route 0.0.0.0", STATIC_DEFAULT[: STATIC_DEFAULT.index("Routing Desc")])
    assert cut.found and cut.protocol == "static" and not cut.complete


def test_table_classic_capture() -> None:
    table = parse("show ip route", _raw("ntc_ios_route_table_classic_codes"))
    assert (table.gateway_of_last_resort, table.default_network) == ("194.0.0.2", "0.0.0.0")
    routes = {r.prefix: r for r in table.routes}
    assert len(table.routes) == 19
    assert [h.address for h in routes["1.1.1.1/32"].next_hops] == ["212.0.0.1", "192.168.0.1"]
    assert routes["2.2.2.0/24"].next_hops[0].interface == "FastEthernet0/0"
    default = routes["0.0.0.0/0"]
    assert (default.code, default.protocol, default.candidate_default) == ("O*E2", "O", True)
    assert (default.distance, default.metric) == (110, 1)
    assert (default.next_hops[0].address, default.next_hops[0].interface) == (
        "194.0.0.2",
        "FastEthernet0/0",
    )
    assert routes["4.4.0.0/16"].code == "O E2"
    assert table.complete


def test_table_static_default_and_local_routes() -> None:
    table = parse("show ip route", _raw("blog_iosxe_route_table_static_default_null0"))
    routes = {r.prefix: r for r in table.routes}
    default = routes["0.0.0.0/0"]
    assert (default.code, default.distance, default.metric) == ("S*", 1, 0)
    assert (default.next_hops[0].address, default.next_hops[0].interface) == (
        "10.10.20.254",
        "GigabitEthernet1",
    )
    assert routes["1.1.1.1/32"].next_hops[0].interface == "Null0"
    assert routes["10.10.20.48/32"].code == "L"
    assert table.gateway_of_last_resort == "10.10.20.254"


def test_table_wrapped_route_and_cut() -> None:
    text = """\
Gateway of last resort is not set

O     192.168.21.0/24
           [110/11] via 192.168.11.250, 23:31:02, GigabitEthernet1.11
           [110/11] via 192.168.11.204, 23:31:02, GigabitEthernet1.11
O     192.168.22.0/24
"""
    table = parse("show ip route", text)
    assert table.gateway_of_last_resort is None
    first = table.routes[0]
    assert (first.distance, first.metric, len(first.next_hops)) == (110, 11, 2)
    assert not table.complete  # the last route lost its wrapped next-hop line


def test_table_contract_cases() -> None:
    empty = parse("show ip route", "")
    assert (empty.routes, empty.complete) == ((), True)
    with pytest.raises(ParseError):
        parse("show ip route", "% Invalid input detected at '^' marker.")
    with pytest.raises(ParseError):
        parse("show ip route", "Routing entry for 0.0.0.0/0, supernet")


def test_crlf_paging_and_echo_are_ignored() -> None:
    raw = _raw("blog_iosxe_route_table_static_default_null0")
    lines = raw.splitlines()
    lines[20] = " --More-- \b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b" + lines[20]
    noisy = "\r\n".join(line + "  " for line in lines) + "\r\ncsr1000v-1#"
    assert parse("show ip route", noisy) == parse("show ip route", raw)


def test_table_of_a_device_without_ip_routing_is_its_default_gateway() -> None:
    """``show ip route`` on a switch with no ip routing prints the gateway and redirect cache."""
    table = parse("show ip route", _raw("genie_iosxe_route_lookup_no_ip_routing_default_gateway"))
    assert (table.gateway_of_last_resort, table.default_network) == ("172.27.147.1", "0.0.0.0")
    assert table.routes == () and table.complete
