"""ASA-only rules on configurations alone (pure): NAT before the crypto map, IKE not enabled,
the packet-tracer a triage sends."""

from __future__ import annotations

from nornir_tasks.checks.asa import ike_off_interfaces, tracer_commands, untranslated
from nornir_tasks.checks.compat import map_peers
from nornir_tasks.models.config import RunningConfig
from nornir_tasks.parsers import parse
from nornir_tasks.playbooks.readonly import refusal

BASE = """ASA Version 9.8(4)
hostname ASA2
interface GigabitEthernet0/1
 nameif inside
 ip address 10.32.0.1 255.255.255.0
object network LAN
 subnet 10.32.0.0 255.255.255.0
object network HQ-LAN
 subnet 10.30.0.0 255.255.255.0
access-list VPN-HQ extended permit ip object LAN {destination}
{exemption}object network LAN
 nat (inside,outside) dynamic interface
crypto ipsec ikev1 transform-set TS-HQ esp-aes-256 esp-sha-hmac
crypto map outside_map 10 match address VPN-HQ
crypto map outside_map 10 set peer 198.51.100.130
crypto map outside_map 10 set ikev1 transform-set TS-HQ
crypto map outside_map interface outside
{enable}crypto ikev1 policy 10
 encryption aes-256
: end
"""
EXEMPT = (
    "nat (inside,outside) source static LAN LAN destination static HQ-LAN HQ-LAN "
    "no-proxy-arp route-lookup\n"
)


def _config(
    exemption: str = "", destination: str = "object HQ-LAN", enable: str = ""
) -> RunningConfig:
    text = BASE.format(exemption=exemption, destination=destination, enable=enable)
    config = parse("show running-config", text)
    assert isinstance(config, RunningConfig) and config.complete
    return config


def test_object_pat_without_exemption_translates_the_tunnel_traffic() -> None:
    (u,) = untranslated(_config())
    assert u.rule.line == "nat (inside,outside) dynamic interface" and u.interface == "outside"
    assert u.acl_line.startswith("access-list VPN-HQ extended permit ip")


def test_an_identity_nat_above_the_pat_exempts_it() -> None:
    assert untranslated(_config(EXEMPT)) == []


def test_a_wider_acl_is_judged_on_its_probe_not_on_its_whole_range() -> None:
    # ACL to 10.30.0.0/16, exemption for 10.30.0.0/24: the probe 10.30.0.1 is exempt.
    wide = "10.30.0.0 255.255.0.0"
    assert untranslated(_config(EXEMPT, destination=wide)) == []


def test_ike_must_be_enabled_on_the_map_interface() -> None:
    (t,) = map_peers(_config(EXEMPT))
    assert ike_off_interfaces(_config(EXEMPT), t) == ["outside"]
    enabled = _config(EXEMPT, enable="crypto ikev1 enable outside\n")
    assert ike_off_interfaces(enabled, map_peers(enabled)[0]) == []


def test_triage_traces_one_host_behind_the_asa_and_only_read_only_forms() -> None:
    (command,) = tracer_commands(_config(), ["198.51.100.130"])
    assert command == "packet-tracer input inside icmp 10.32.0.2 8 0 10.30.0.1 detailed"
    assert refusal(command) is None
    assert tracer_commands(_config(), ["192.0.2.1"]) == ()
