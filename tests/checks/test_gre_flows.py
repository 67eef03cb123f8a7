"""GRE over IPsec flows (real capture: tests/golden/clarkson_ios_ipsec_sa_gre_esp_null_15_2,
IOS 15.2 ``Tunnel102-head-0`` protecting protocol 47 between the tunnel endpoints) are a tunnel
interface's, like a VTI's: their proxy is the far endpoint, not a network behind it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from nornir_tasks.checks import host_evidence
from nornir_tasks.checks.flows import gre_tunnel, remote_network
from nornir_tasks.checks.tunnels import follow_up_routes, tunnel_state, vti_peers
from nornir_tasks.models.collection import CommandOutput, OutputStatus
from nornir_tasks.models.ipsec import IpsecSaTable
from nornir_tasks.models.report import TunnelStatus
from nornir_tasks.parsers import parse

GOLDEN = Path(__file__).parents[1] / "golden"
RAW = (GOLDEN / "clarkson_ios_ipsec_sa_gre_esp_null_15_2" / "raw.txt").read_text()
# the same router and log file (provenance there): its IKEv2 SA with the far end, READY
IKEV2 = (GOLDEN / "clarkson_ios_ikev2_sa_no_prf_15_2" / "raw.txt").read_text()


def _output(command: str, raw: str) -> CommandOutput:
    return CommandOutput(command, raw.split("\n", 1)[1], OutputStatus.OK)  # past the prompt


def test_a_gre_flow_protects_the_endpoints_not_a_network() -> None:
    table = parse("show crypto ipsec sa", RAW)
    assert isinstance(table, IpsecSaTable)
    (flow,) = table.flows
    assert gre_tunnel(flow) and remote_network(flow) is None
    # the same proxies on a crypto map entry (an ACL 'permit gre host A host B') are a flow
    # of a crypto map: the network behind the proxy is what it protects
    mapped = replace(flow, crypto_map_tag="VPN")
    assert not gre_tunnel(mapped) and str(remote_network(mapped)) == "61.128.1.1/32"


def test_an_up_gre_tunnel_is_a_tunnel_peer_and_asks_no_route_for_its_proxy() -> None:
    """Up (IKEv2 READY, an SA pair): a single poll's counters do not count as moving, and
    the flow's proxy (the peer's /32) is not looked up as if it were the remote LAN."""
    outputs = [_output("show crypto ikev2 sa", IKEV2), _output("show crypto ipsec sa", RAW)]
    host = host_evidence("SITE_A", outputs)
    assert vti_peers(host) == ["61.128.1.1"]
    assert tunnel_state(host, "61.128.1.1") is TunnelStatus.UP
    assert follow_up_routes(host) == ()
