"""show running-config: the corpus failover configuration, IKEv2/VTI/EEM idioms, contract cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from nornir_tasks.models.config import RunningConfig
from nornir_tasks.models.failover import TrackKind
from nornir_tasks.parsers import ParseError, parse

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
CORPUS = "clarkson_ios_config_cryptomap_ezvpn_sla_track_failover"

FAILOVER = """\
Building configuration...

Current configuration : 2210 bytes
!
hostname BR1
!
aaa authorization commands 15 default group tacacs+ local
!
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
 lifetime 28800
crypto isakmp key 6 FLgBaJHXdYY_AcHZZMgQ_RhTDJXHUBAAB address 203.0.113.1 255.255.255.255 no-xauth
crypto isakmp key s3cr3t hostname hub.example.net
crypto isakmp keepalive 10 3 periodic
!
crypto ikev2 proposal P-AES
 encryption aes-cbc-256 aes-cbc-128
 integrity sha256
 group 14 19
crypto ikev2 policy POL
 proposal P-AES
 match address local 198.51.100.2
crypto ikev2 keyring KR
 peer HUB
  address 203.0.113.1
  pre-shared-key local 6 abcDEF
  pre-shared-key remote 6 ghiJKL
crypto ikev2 profile PROF
 match identity remote address 203.0.113.1 255.255.255.255
 identity local address 198.51.100.2
 authentication remote pre-share
 authentication local pre-share
 keyring local KR
 dpd 10 3 periodic
!
crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
 mode tunnel
crypto ipsec profile VTI
 set transform-set TS
 set pfs group14
 set ikev2-profile PROF
!
crypto map CMAP local-address GigabitEthernet0/0
crypto map CMAP 10 ipsec-isakmp
 set peer 203.0.113.1 default
 set peer 192.0.2.1
 set transform-set TS
 set pfs
 set security-association lifetime seconds 3600
 match address 101
!
interface Tunnel10
 description to HUB
 ip address 172.31.0.2 255.255.255.252
 tunnel source GigabitEthernet0/0
 tunnel destination 203.0.113.1
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile VTI
interface GigabitEthernet0/0
 ip address dhcp
 ip nat outside
 crypto map CMAP
interface GigabitEthernet0/1
 ip address 198.51.100.2 255.255.255.0
 ip address 198.51.100.9 255.255.255.0 secondary
 ip nat outside
 crypto map CMAP
 shutdown
interface GigabitEthernet0/2
 vrf forwarding LAN
 ip address 10.10.0.1 255.255.255.0
 ip nat inside
!
ip nat inside source list NAT-ACL interface GigabitEthernet0/0 overload
ip nat inside source static tcp 10.10.0.5 25 198.51.100.2 25 extendable
ip route 8.8.8.8 255.255.255.255 GigabitEthernet0/0 203.0.113.254
ip route 8.8.8.8 255.255.255.255 Null0 250
ip route 0.0.0.0 0.0.0.0 203.0.113.254 track 10
ip route 0.0.0.0 0.0.0.0 198.51.100.1 250 tag 7
ip route vrf LAN 10.20.0.0 255.255.0.0 172.31.0.1
!
ip access-list extended NAT-ACL
 10 deny   ip 10.10.0.0 0.0.255.255 10.20.0.0 0.0.255.255
 20 permit ip 10.10.0.0 0.0.255.255 any
 30 remark internet
access-list 101 permit ip 10.10.0.0 0.0.255.255 10.20.0.0 0.0.255.255
access-list 101 permit udp host 198.51.100.2 eq 500 host 203.0.113.1 eq 500
access-list 10 permit 10.10.0.0 0.0.255.255
!
ip sla 10
 icmp-echo 8.8.8.8 source-interface GigabitEthernet0/0
 threshold 1000
 timeout 1000
 frequency 5
ip sla schedule 10 life forever start-time now
ip sla 20
 tcp-connect 203.0.113.1 443 source-ip 198.51.100.2
ip sla schedule 20 life 3600 start-time after 00:05:00 ageout 600 recurring
!
track 10 ip sla 10 reachability
 delay down 15 up 60
track 20 interface GigabitEthernet0/1 line-protocol
track 30 list boolean or
 object 10
 object 20 not
!
route-map NAT-ISP1 permit 10
 match ip address NAT-ACL
 match interface GigabitEthernet0/0
!
event manager session cli username EEM-SVC
event manager applet ISP1-DOWN authorization bypass
 description fail over to ISP2
 event track 10 state down
 action 1.0 syslog msg "ISP1 down"
 action 2.0 cli command "enable"
 action 3.0 cli command "clear ip nat translation *"
!
banner motd ^C
interface Fake0
 crypto map NOT-CONFIG
^C
archive
 path flash:archive
 write-memory
ip scp server enable
file prompt quiet
end
"""


def _config(text: str) -> RunningConfig:
    result = parse("show running-config", text)
    assert isinstance(result, RunningConfig)
    return result


def test_corpus_configuration_matches_the_meta() -> None:
    config = _config((GOLDEN / CORPUS / "raw.txt").read_text())
    assert (config.hostname, config.version, config.complete) == ("R1", "15.0", True)
    (policy,) = config.isakmp_policies
    assert (policy.priority, policy.hash, policy.authentication, policy.group) == (
        100,
        "md5",
        "pre-share",
        2,
    )
    assert policy.encryption is None  # "default (not shown)"
    (ring,) = config.keyrings
    assert (ring.name, ring.peers[0].address) == ("VPN", "61.128.1.1")
    profiles = {p.name: p for p in config.isakmp_profiles}
    assert profiles["VPN"].keyrings == ("VPN",)
    assert profiles["VPN"].match_identities == ("address 61.128.1.1 255.255.255.255",)
    assert profiles["VPN"].local_address == "FastEthernet0/0"
    assert profiles["VPN2"].local_address == "FastEthernet0/1"
    assert profiles["EZVPN-DVTI"].match_identities == ("group global",)
    assert profiles["EZVPN-DVTI"].virtual_template == 1
    assert [(t.name, t.transforms) for t in config.transform_sets] == [
        ("VPN", ("esp-3des", "esp-sha-hmac")),
        ("EZVPN", ("esp-3des", "esp-sha-hmac")),
    ]
    maps = {m.name: m for m in config.crypto_maps}
    vpn1 = maps["VPN1"].entries[0]
    assert (vpn1.seq, vpn1.type, vpn1.peers, vpn1.transform_sets) == (
        10,
        "ipsec-isakmp",
        ("61.128.1.1",),
        ("VPN",),
    )
    assert (vpn1.match_address, vpn1.reverse_route) == ("PROXY-ACL", "static")
    assert maps["VPN1"].interfaces == ("FastEthernet0/0",)
    vpn2 = maps["VPN2"]
    assert [(e.seq, e.type, e.dynamic_map) for e in vpn2.entries] == [
        (1, "ipsec-isakmp", "EZVPN-DYNAMIC-MAP"),
        (10, "ipsec-isakmp", None),
    ]
    assert vpn2.interfaces == ("FastEthernet0/1",)
    assert maps["EZVPN-DYNAMIC-MAP"].dynamic
    assert [e.line for e in config.acls["PROXY-ACL"].entries] == [
        "permit ip 1.1.1.0 0.0.0.255 2.2.2.0 0.0.0.255"
    ]
    nat = config.acls["NAT"].entries
    assert (nat[0].action, nat[0].source, nat[0].destination) == (
        "deny",
        "1.1.1.0 0.0.0.255",
        "2.2.2.0 0.0.0.255",
    )
    assert nat[1].action == "permit"
    slas = config.ip_slas
    for entry_id, target, interface in (
        (1, "202.100.1.254", "FastEthernet0/0"),
        (2, "202.200.1.254", "FastEthernet0/1"),
    ):
        sla = slas[entry_id]
        assert (sla.type, sla.target, sla.source_interface) == ("icmp-echo", target, interface)
        assert sla.schedule is not None
        assert (sla.schedule.life, sla.schedule.start_time) == ("forever", "now")
    assert [(t.track_id, t.kind, t.object, t.mode) for t in config.tracks.values()] == [
        (1, TrackKind.IP_SLA, "1", "reachability"),
        (2, TrackKind.IP_SLA, "2", "reachability"),
    ]
    assert [r.line for r in config.static_routes][:3] == [
        "ip route 0.0.0.0 0.0.0.0 202.100.1.254 name ISP_1 track 1",
        "ip route 61.128.1.1 255.255.255.255 202.200.1.254 name IPSEC_ISP2 track 2",
        "ip route 0.0.0.0 0.0.0.0 202.200.1.254 100 permanent name ISP_2",
    ]
    isp2 = config.static_routes[2]
    assert (isp2.next_hop, isp2.distance, isp2.permanent, isp2.name) == (
        "202.200.1.254",
        100,
        True,
        "ISP_2",
    )
    assert config.static_routes[0].track == 1
    assert config.interfaces["Virtual-Template1"].tunnel_protection == "GLOBAL-EZVPN"


def test_failover_idioms() -> None:
    config = _config(FAILOVER)
    assert config.aaa_authorization_commands == ("15 default group tacacs+ local",)
    policy = config.isakmp_policies[0]
    assert (policy.encryption, policy.hash, policy.group, policy.lifetime_s) == (
        "aes 256",
        "sha256",
        14,
        28800,
    )
    typed, by_name = config.isakmp_keys
    assert (typed.key_type, typed.address, typed.mask, typed.no_xauth) == (
        6,
        "203.0.113.1",
        "255.255.255.255",
        True,
    )
    assert (by_name.key_type, by_name.hostname, by_name.address) == (0, "hub.example.net", None)
    assert config.isakmp_keepalive is not None
    assert (config.isakmp_keepalive.interval_s, config.isakmp_keepalive.mode) == (10, "periodic")
    proposal = config.ikev2_proposals[0]
    assert (proposal.encryption, proposal.group) == (("aes-cbc-256", "aes-cbc-128"), ("14", "19"))
    assert config.ikev2_policies[0].matches == ("address local 198.51.100.2",)
    peer = config.ikev2_keyrings[0].peers[0]
    assert (peer.name, peer.address, peer.key_types) == ("HUB", "203.0.113.1", (6, 6))
    profile = config.ikev2_profiles[0]
    assert profile.match_identities == ("remote address 203.0.113.1 255.255.255.255",)
    assert (profile.keyring, profile.dpd) == ("local KR", "10 3 periodic")
    assert config.transform_sets[0].mode == "tunnel"
    vti = config.ipsec_profiles[0]
    assert (vti.transform_sets, vti.pfs, vti.ikev2_profile) == (("TS",), "group14", "PROF")
    cmap = config.crypto_maps[0]
    assert (cmap.local_address, cmap.interfaces) == (
        "GigabitEthernet0/0",
        ("GigabitEthernet0/0", "GigabitEthernet0/1"),
    )
    entry = cmap.entries[0]
    assert (entry.peers, entry.pfs, entry.lifetime_s, entry.match_address) == (
        ("203.0.113.1", "192.0.2.1"),
        "group1",
        3600,
        "101",
    )


def test_interfaces_routes_acls_and_nat() -> None:
    config = _config(FAILOVER)
    tunnel = config.interfaces["Tunnel10"]
    assert (tunnel.description, tunnel.tunnel_source, tunnel.tunnel_destination) == (
        "to HUB",
        "GigabitEthernet0/0",
        "203.0.113.1",
    )
    assert (tunnel.tunnel_mode, tunnel.tunnel_protection) == ("ipsec ipv4", "VTI")
    wan1, wan2, lan = (config.interfaces[f"GigabitEthernet0/{i}"] for i in range(3))
    assert (wan1.dhcp, wan1.ip_address, wan1.nat, wan1.crypto_map) == (
        True,
        None,
        "outside",
        "CMAP",
    )
    assert (wan2.ip_address, wan2.shutdown) == ("198.51.100.2", True)
    assert (lan.vrf, lan.nat) == ("LAN", "inside")
    assert "Fake0" not in config.interfaces  # inside the banner
    pinned, null0, default, floating, vrf = config.static_routes
    assert (pinned.interface, pinned.next_hop) == ("GigabitEthernet0/0", "203.0.113.254")
    assert (null0.interface, null0.next_hop, null0.distance) == ("Null0", None, 250)
    assert (default.track, default.distance) == (10, None)
    assert (floating.distance, floating.tag) == (250, 7)
    assert (vrf.vrf, vrf.prefix, vrf.next_hop) == ("LAN", "10.20.0.0", "172.31.0.1")
    acl = config.acls["NAT-ACL"]
    assert [(e.seq, e.action) for e in acl.entries] == [
        (10, "deny"),
        (20, "permit"),
        (30, "remark"),
    ]
    numbered = config.acls["101"]
    assert numbered.kind == "extended"
    assert (numbered.entries[1].source, numbered.entries[1].destination) == (
        "host 198.51.100.2 eq 500",
        "host 203.0.113.1",
    )
    assert numbered.entries[1].remainder == "eq 500"
    assert config.acls["10"].kind == "standard"
    assert config.acls["10"].entries[0].source == "10.10.0.0 0.0.255.255"
    overload, static = config.nat_rules
    assert (overload.source_kind, overload.match, overload.interface, overload.overload) == (
        "list",
        "NAT-ACL",
        "GigabitEthernet0/0",
        True,
    )
    assert (static.local, static.global_address) == ("10.10.0.5", "198.51.100.2")


def test_sla_track_eem_and_management() -> None:
    config = _config(FAILOVER)
    probe = config.ip_slas[10]
    assert (probe.frequency_s, probe.timeout_ms, probe.threshold_ms) == (5, 1000, 1000)
    tcp = config.ip_slas[20]
    assert (tcp.type, tcp.target, tcp.port, tcp.source_ip) == (
        "tcp-connect",
        "203.0.113.1",
        443,
        "198.51.100.2",
    )
    assert tcp.schedule is not None
    assert (tcp.schedule.life, tcp.schedule.start_time) == ("3600", "after 00:05:00")
    assert (tcp.schedule.ageout, tcp.schedule.recurring) == (600, True)
    track = config.tracks[10]
    assert (track.delay_down_s, track.delay_up_s) == (15, 60)
    assert (config.tracks[20].kind, config.tracks[20].mode) == (
        TrackKind.INTERFACE,
        "line-protocol",
    )
    assert config.tracks[30].members == ("object 10", "object 20 not")
    (applet,) = config.eem_applets
    assert (applet.name, applet.options, applet.events) == (
        "ISP1-DOWN",
        "authorization bypass",
        ("track 10 state down",),
    )
    assert [(a.label, a.verb, a.args) for a in applet.actions][1] == (
        "2.0",
        "cli",
        'command "enable"',
    )
    assert (applet.description, config.eem_session_user) == ("fail over to ISP2", "EEM-SVC")
    assert config.route_maps[0].matches == ("ip address NAT-ACL", "interface GigabitEthernet0/0")
    assert (config.archive, config.archive_path) == (True, "flash:archive")
    assert (config.scp_server, config.file_prompt_quiet, config.complete) == (True, True, True)


def test_no_secret_reaches_the_model() -> None:
    from nornir_tasks.models import to_jsonable

    text = repr(to_jsonable(_config(FAILOVER)))
    for secret in ("FLgBaJHX", "s3cr3t", "abcDEF", "ghiJKL"):
        assert secret not in text
    corpus = repr(to_jsonable(_config((GOLDEN / CORPUS / "raw.txt").read_text())))
    assert (
        "testpc1" not in corpus and "'VPN'" in corpus
    )  # names stay, the key text "VPN" has no field


def test_contract_cases() -> None:
    empty = _config("")
    assert (empty.hostname, empty.interfaces, empty.complete) == (None, {}, False)
    with pytest.raises(ParseError):
        parse("show running-config", "% Invalid input detected at '^' marker.")
    cut = _config(FAILOVER[: FAILOVER.index("track 10 ip sla")])
    assert 10 in cut.ip_slas and not cut.tracks and not cut.complete
    assert (
        _config("show run | section ip sla\nip sla 1\n icmp-echo 8.8.8.8\n").ip_slas[1].type
        == "icmp-echo"
    )


def test_crlf_paging_and_echo_are_ignored() -> None:
    lines = FAILOVER.splitlines()
    lines[40] = " --More-- \b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b" + lines[40]
    noisy = "BR1#show running-config\r\n" + "\r\n".join(line + " " for line in lines) + "\r\nBR1#"
    assert _config(noisy) == _config(FAILOVER)


def test_startup_config_and_more_use_the_same_parser() -> None:
    assert _config(FAILOVER) == parse("show startup-config", FAILOVER)
    assert parse("more flash:backup.cfg", FAILOVER).hostname == "BR1"


# IOS aggressive-mode configuration, in the format of Cisco's documents:
# - Cisco Doc ID 20641 (the IOS 12.2(8)T "initiate aggressive mode" configuration example),
#   https://www.cisco.com/c/en/us/support/docs/security-vpn/
#   ipsec-negotiation-ike-protocols/20641-initaggr.html: RouterA's "show running-config" with
#   "crypto isakmp peer address X" and its "set aggressive-mode password" / "set
#   aggressive-mode client-endpoint ipv4-address Y" lines (addresses and key changed here);
# - Cisco IOS Security Command Reference (sec_c4): "crypto isakmp aggressive-mode disable"
#   (global, no arguments), "crypto isakmp peer {address | hostname}";
# - the ISAKMP profile command "initiate mode aggressive" (IOS Security Command Reference,
#   ISAKMP profile configuration mode).
AGGRESSIVE = """\
hostname SPOKE
!
crypto isakmp policy 1
 hash md5
 authentication pre-share
crypto isakmp keepalive 30 5
crypto isakmp aggressive-mode disable
!
crypto isakmp peer address 192.0.2.71
 set aggressive-mode password Am-Secret-1
 set aggressive-mode client-endpoint ipv4-address 192.0.2.70
crypto isakmp peer hostname hub.example.net
 set aggressive-mode password 6 Am-Secret-2
crypto isakmp peer address 192.0.2.99
 set aggressive-mode client-endpoint fqdn spoke.example.net
crypto isakmp profile AM-HUB
 keyring default
 match identity address 192.0.2.71 255.255.255.255
 initiate mode aggressive
crypto isakmp profile MM-HUB
 match identity address 192.0.2.72 255.255.255.255
!
crypto map mymap 1 ipsec-isakmp
 set peer 192.0.2.71
 set transform-set myset
 set isakmp-profile AM-HUB
 match address 101
end
"""


def test_aggressive_mode_peers_profiles_and_disable() -> None:
    config = _config(AGGRESSIVE)
    first, named, endpoint_only = config.isakmp_peers
    assert (first.address, first.hostname, first.aggressive_key_type) == ("192.0.2.71", None, 0)
    assert first.client_endpoint == "ipv4-address 192.0.2.70" and first.aggressive
    assert (named.address, named.hostname, named.aggressive_key_type) == (
        None,
        "hub.example.net",
        6,
    )
    assert (endpoint_only.aggressive_key_type, endpoint_only.client_endpoint) == (
        None,
        "fqdn spoke.example.net",
    )
    assert endpoint_only.aggressive  # either set line makes IOS initiate aggressive mode
    profiles = {p.name: p for p in config.isakmp_profiles}
    assert (profiles["AM-HUB"].initiate_mode, profiles["MM-HUB"].initiate_mode) == (
        "aggressive",
        None,
    )
    assert profiles["AM-HUB"].keyrings == ("default",)
    assert config.aggressive_mode_disabled
    assert config.crypto_maps[0].entries[0].isakmp_profile == "AM-HUB"
    assert not _config(FAILOVER).aggressive_mode_disabled and not _config(FAILOVER).isakmp_peers


def test_no_aggressive_mode_password_reaches_the_model() -> None:
    from nornir_tasks.models import to_jsonable

    text = repr(to_jsonable(_config(AGGRESSIVE)))
    assert "Am-Secret" not in text
