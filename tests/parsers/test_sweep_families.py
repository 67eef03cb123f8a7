"""Layout families that other projects' public fixtures showed we misread (bench/fixture_sweep.py).

One real capture per family, in tests/golden with its provenance; each test names the family,
so a regression says which kind of output broke, not which file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from nornir_tasks.checks import diagnose
from nornir_tasks.diagnose import Capture, fleet_from_captures, split_capture
from nornir_tasks.models.cpu import CpuUsage
from nornir_tasks.models.failover import SlaActivity, SlaConfigurationTable, SlaSummary
from nornir_tasks.models.routing import RouteLookup, RouteTable
from nornir_tasks.parsers import ParseResult, parse_result

GOLDEN = Path(__file__).resolve().parent.parent / "golden"

# case -> the lines (text) left unparsed; every other line must be read
UNDERSTOOD = {
    # pyATS's own log line above the echoed command is not device output
    "genie_iosxe_route_table_flag_column_replicated": {
        "943:  +++ PE1 with alias 'a': executing command 'show ip route' +++"
    },
    "genie_iosxe_cpu_sorted_per_core_no_percent": set(),
    "genie_iosxe_route_lookup_ospf_mpls_repair_paths": set(),
    "genie_iosxe_route_lookup_bgp_default_supernet": set(),
    "genie_iosxe_route_lookup_three_paths": set(),
    "genie_iosxe_route_lookup_no_ip_routing_default_gateway": set(),
    "genie_iosxe_route_table_isis_codes_lowercase_second_part": set(),
    "genie_iosxe_route_table_sdwan_nat_dia_default": set(),
    "genie_iosxe_route_table_static_second_connected_path": set(),
    "genie_iosxe_logging_timestamped_non_syslog_lines": set(),
    "ntc_ios_route_table_all_vrfs_routing_table_headers": set(),
    "genie_iosxe_ip_sla_configuration_two_entries": set(),
    "genie_iosxe_ip_sla_summary_state_column_ipv6": set(),
}


def _result(case: str) -> ParseResult[Any]:
    meta = yaml.safe_load((GOLDEN / case / "provenance.yaml").read_text())
    command = str(meta.get("parse_as") or meta["command"])
    return parse_result(command, (GOLDEN / case / "raw.txt").read_text())


@pytest.mark.parametrize("case", sorted(UNDERSTOOD))
def test_every_line_of_the_family_is_read(case: str) -> None:
    result = _result(case)
    assert {text.strip() for _, text in result.unparsed} == UNDERSTOOD[case]


def test_route_flag_column_and_next_hop_vrf() -> None:
    table = _result("genie_iosxe_route_table_flag_column_replicated").value
    assert isinstance(table, RouteTable)
    routes = {r.prefix: r for r in table.routes}
    assert routes["10.34.0.1/32"].code == "S %"
    assert routes["10.34.0.1/32"].protocol == "S"
    assert routes["10.34.0.2/32"].next_hops[0].interface == "Loopback0"
    replicated = routes["10.55.0.0/24"]  # B   +    10.55.0.0 [20/0] via 10.144.0.1 (red), 00:00:09
    assert (replicated.code, replicated.distance) == ("B +", 20)
    assert replicated.next_hops[0].address == "10.144.0.1"
    assert replicated.next_hops[0].age == "00:00:09"


def test_cpu_per_core_lines_give_the_busiest_core() -> None:
    usage = _result("genie_iosxe_cpu_sorted_per_core_no_percent").value
    assert isinstance(usage, CpuUsage)
    assert (usage.five_seconds, usage.one_minute, usage.five_minutes) == (11, 16, 15)
    assert usage.processes[0].name == "iosd"
    assert usage.processes[0].five_seconds == 4.52


def test_sla_configuration_keeps_unmodelled_keys_and_reads_section_titles() -> None:
    table = _result("genie_iosxe_ip_sla_configuration_two_entries").value
    assert isinstance(table, SlaConfigurationTable)
    assert table.entries[1].other["Verify data"] == "No"
    assert table.entries[2].other["Number of history Buckets kept"] == "20"
    assert table.entries[1].threshold_ms == 2000


def test_sla_summary_state_column() -> None:
    summary = _result("genie_iosxe_ip_sla_summary_state_column_ipv6").value
    assert isinstance(summary, SlaSummary)
    # 102   tcp-connect   192.0.2.2    Active    -      NoConnection  22:49:53 PST Tue May 3 2011
    entry = summary.entries[102]
    assert entry.activity is SlaActivity.ACTIVE
    assert (entry.rtt_stats, entry.return_code) == ("-", "NoConnection")
    assert entry.last_run == "22:49:53 PST Tue May 3 2011"
    assert summary.entries[100].rtt_ms == 100.0


def _config_excerpt() -> tuple[str, str]:
    """A real configuration and the part ``show running-config | begin track`` would print
    up to the static routes: no header, no ACLs, no final "end"."""
    whole = (GOLDEN / "clarkson_ios_config_cryptomap_ezvpn_sla_track_failover/raw.txt").read_text()
    lines = whole.splitlines()
    start = lines.index("track 1 ip sla 1 reachability")
    end = next(i for i, line in enumerate(lines) if line.startswith("ip access-list extended"))
    return whole, "\n".join(lines[start:end])


def test_a_configuration_excerpt_is_recognised_without_its_header() -> None:
    whole, excerpt = _config_excerpt()
    assert [b.command for b in split_capture(excerpt, "R1")] == ["show running-config"]
    # show run | section access-list: the ACLs alone
    lines = whole.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("ip access-list extended"))
    acls = "\n".join(lines[start : start + 9])
    assert [b.command for b in split_capture(acls, "R1")] == ["show running-config"]


def test_an_excerpt_makes_no_claim_of_absence() -> None:
    whole, excerpt = _config_excerpt()
    codes = {f.code for f in diagnose(fleet_from_captures([Capture("R1", whole)])[0])}
    assert "IKE_NO_DPD" in codes  # the whole configuration shows no keepalive
    findings = diagnose(fleet_from_captures([Capture("R1", excerpt)])[0])
    # the ACL PROXY-ACL and "crypto isakmp keepalive" may be outside the excerpt
    assert not [f for f in findings if "not defined" in f.summary or f.code == "IKE_NO_DPD"]
    assert "IKE_WEAK_CRYPTO" in {f.code for f in findings}  # what the excerpt shows still counts


def test_route_tables_of_several_vrfs_keep_each_route_s_vrf() -> None:
    table = _result("ntc_ios_route_table_all_vrfs_routing_table_headers").value
    assert isinstance(table, RouteTable)
    by_vrf = {(r.vrf, r.prefix) for r in table.routes}
    assert ("CODE-DAVE-INSIDE", "0.0.0.0/0") in by_vrf
    assert ("CODE-DAVE-OUTSIDE", "0.0.0.0/0") in by_vrf
    assert all(r.vrf in ("CODE-DAVE-INSIDE", "CODE-DAVE-OUTSIDE") for r in table.routes)


def test_ipsec_sas_alone_do_not_make_a_vti_down() -> None:
    # Two GRE tunnels with tunnel protection, IPsec SAs and millions of packets each way, and
    # no phase-1 output pasted: an IPsec SA exists only after IKE came up.
    text = (GOLDEN / "ntc_ios_ipsec_sa_detail_gre_natt_4500/raw.txt").read_text()
    codes = {f.code for f in diagnose(fleet_from_captures([Capture("R1", text)])[0])}
    assert "IKEV2_VTI_DOWN" not in codes
    assert "IPSEC_REPLAY_DROPS" in codes  # ##pkts replay failed (rcv): 1 is still read


def test_route_lookup_detail_lines_and_the_default_gateway_of_a_switch() -> None:
    lookup = _result("genie_iosxe_route_lookup_ospf_mpls_repair_paths").value
    assert isinstance(lookup, RouteLookup)
    # four paths, each followed by MPLS label / MPLS Flags / Repair Path lines
    assert [h.address for h in lookup.next_hops] == [
        "192.168.0.1",
        "192.168.0.2",
        "192.168.0.3",
        "192.168.0.4",
    ]
    assert [h.metric for h in lookup.next_hops] == [5, 3, 1, 2]
    switch = _result("genie_iosxe_route_lookup_no_ip_routing_default_gateway").value
    assert isinstance(switch, RouteLookup)
    assert switch.found and switch.next_hops[0].address == "172.27.147.1"


def test_route_codes_with_lower_case_parts_and_paths_on_their_own_line() -> None:
    isis = _result("genie_iosxe_route_table_isis_codes_lowercase_second_part").value
    assert isinstance(isis, RouteTable)
    assert {r.code for r in isis.routes} >= {"i ia", "i L1", "i*L1"}
    dia = _result("genie_iosxe_route_table_sdwan_nat_dia_default").value
    assert isinstance(dia, RouteTable)
    default = next(r for r in dia.routes if r.prefix == "0.0.0.0/0")
    assert (default.code, default.distance, default.next_hops[0].interface) == ("n*Nd", 6, "Null0")
    ecmp = _result("genie_iosxe_route_table_static_second_connected_path").value
    assert isinstance(ecmp, RouteTable)
    route = next(r for r in ecmp.routes if r.prefix == "10.36.3.3/32")
    assert [h.interface for h in route.next_hops] == ["GigabitEthernet0/3", "GigabitEthernet0/2"]


def test_indented_acl_lines_of_asa_ipsec_sa_are_not_a_configuration() -> None:
    # "      access-list 2 extended permit ip ..." under each ASA crypto map flow
    text = (GOLDEN / "ntc_asa_ipsec_sa_ra_and_l2l_natt/raw.txt").read_text()
    assert [b.command for b in split_capture(text, "ASA1")] == ["show crypto ipsec sa"]


def test_a_no_ip_routing_lookup_pasted_bare_is_recognised() -> None:
    text = (GOLDEN / "genie_iosxe_route_lookup_no_ip_routing_default_gateway/raw.txt").read_text()
    assert [b.command for b in split_capture(text, "SW1")] == ["show ip route"]
