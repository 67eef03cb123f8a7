"""Offline configuration checks: both ends' running configs, and single-config lint."""

from __future__ import annotations

from nornir_tasks.models.findings import Severity, Source
from tests.checks.support import codes, fleet, run, session

HUB, SPOKE = "198.51.100.2", "203.0.113.50"


def hub_config(
    policy: str = " encr aes 256\n hash sha256\n authentication pre-share\n group 14\n",
    keys: str = f"crypto isakmp key Br12-Psk-7x address {SPOKE}\n",
    transform: str = "esp-aes 256 esp-sha256-hmac",
    pfs: str = "",
    acl: str = " permit ip 10.0.0.0 0.0.0.255 10.12.0.0 0.0.0.255\n",
    keepalive: str = "crypto isakmp keepalive 10 3 periodic\n",
) -> str:
    return (
        "hostname HQ\n!\ncrypto isakmp policy 10\n"
        + policy
        + keepalive
        + keys
        + f"!\ncrypto ipsec transform-set TS {transform}\n mode tunnel\n!\n"
        + f"crypto map VPN 120 ipsec-isakmp\n set peer {SPOKE}\n set transform-set TS\n{pfs}"
        + " match address VPN-BR12\n!\n"
        + f"interface GigabitEthernet1\n ip address {HUB} 255.255.255.252\n crypto map VPN\n!\n"
        + "interface GigabitEthernet2\n ip address 10.0.0.1 255.255.255.0\n!\n"
        + "ip route 0.0.0.0 0.0.0.0 198.51.100.1\n!\n"
        + "ip access-list extended VPN-BR12\n"
        + acl
        + "!\nend\n"
    )


def spoke_config(backup: bool = False, extra: str = "", sla: str | None = None) -> str:
    isp2 = (
        "interface GigabitEthernet3\n ip address 192.0.2.2 255.255.255.252\n crypto map VPN\n!\n"
        if backup
        else ""
    )
    probe = sla if sla is not None else ""
    return (
        "hostname BR12\n!\ncrypto isakmp policy 10\n encr aes 256\n hash sha256\n"
        " authentication pre-share\n group 14\ncrypto isakmp keepalive 10 3 periodic\n"
        f"crypto isakmp key Br12-Psk-7x address {HUB}\n!\n"
        "crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac\n mode tunnel\n!\n"
        f"crypto map VPN 10 ipsec-isakmp\n set peer {HUB}\n set transform-set TS\n match address VPN-HQ\n!\n"
        f"interface GigabitEthernet1\n ip address {SPOKE} 255.255.255.252\n crypto map VPN\n!\n"
        "interface GigabitEthernet2\n ip address 10.12.0.1 255.255.255.0\n!\n"
        + isp2
        + probe
        + "ip route 0.0.0.0 0.0.0.0 203.0.113.49 track 10\n"
        + ("ip route 0.0.0.0 0.0.0.0 192.0.2.1 250\n" if backup else "")
        + extra
        + "!\nip access-list extended VPN-HQ\n permit ip 10.12.0.0 0.0.0.255 10.0.0.0 0.0.0.255\n!\nend\n"
    )


def config_findings(hub: str, spoke: str) -> list[tuple[str, str, Severity]]:
    found = run(fleet(("HQ", hub), ("BR12", spoke)))
    assert all(f.source is Source.CONFIG for f in found)
    return [(f.code, f.host, f.severity) for f in found]


def test_compatible_pair_has_no_finding() -> None:
    assert config_findings(hub_config(), spoke_config()) == []


def test_no_common_phase1_policy() -> None:
    found = config_findings(
        hub_config(policy=" encr 3des\n hash sha\n authentication pre-share\n group 2\n"),
        spoke_config(),
    )
    assert ("IKE_P1_POLICY_MISMATCH", "BR12", Severity.CRITICAL) in found  # reported on the spoke
    assert ("IKE_WEAK_CRYPTO", "HQ", Severity.WARNING) in found


def test_missing_key_for_the_address_the_spoke_uses() -> None:
    found = config_findings(
        hub_config(keys="crypto isakmp key X address 203.0.113.99\n"), spoke_config()
    )
    assert ("IKE_P1_PSK_MISSING", "HQ", Severity.CRITICAL) in found


def test_wildcard_key_covers_every_peer() -> None:
    assert (
        config_findings(
            hub_config(keys="crypto isakmp key X address 0.0.0.0 0.0.0.0\n"), spoke_config()
        )
        == []
    )


def test_transform_sets_without_intersection() -> None:
    found = config_findings(hub_config(transform="esp-3des esp-md5-hmac"), spoke_config())
    assert ("IKE_P2_PROPOSAL_MISMATCH", "BR12", Severity.CRITICAL) in found


def test_pfs_on_one_end_only_is_a_warning() -> None:
    found = config_findings(hub_config(pfs=" set pfs group14\n"), spoke_config())
    assert found == [("IKE_P2_PROPOSAL_MISMATCH", "BR12", Severity.WARNING)]


def test_crypto_acls_not_mirrored() -> None:
    found = config_findings(
        hub_config(acl=" permit ip 10.0.0.0 0.0.255.255 10.12.0.0 0.0.0.255\n"), spoke_config()
    )
    assert found == [("IKE_P2_PROXY_MISMATCH", "BR12", Severity.CRITICAL)]


def test_backup_isp_address_unknown_to_the_hub() -> None:
    (f,) = run(fleet(("HQ", hub_config()), ("BR12", spoke_config(backup=True))))
    assert (f.code, f.host, f.peer, f.severity) == (
        "FAILOVER_PEER_REJECTS_BACKUP",
        "BR12",
        HUB,
        Severity.WARNING,
    )
    assert "HQ: crypto isakmp key <removed> address 203.0.113.50" in f.evidence
    assert "no pre-shared key for 192.0.2.2" in f.cause and "no crypto map entry" in f.cause


def test_backup_accepted_by_a_hub_with_a_key_and_a_peer_entry() -> None:
    keys = f"crypto isakmp key K address {SPOKE}\ncrypto isakmp key K address 192.0.2.2\n"
    hub = hub_config(keys=keys).replace(
        f" set peer {SPOKE}\n", f" set peer {SPOKE}\n set peer 192.0.2.2\n"
    )
    assert config_findings(hub, spoke_config(backup=True)) == []


def test_crypto_acl_destination_routed_out_of_the_lan() -> None:
    hub = hub_config().replace(
        "ip route 0.0.0.0", "ip route 10.12.0.0 255.255.255.0 10.0.0.254\nip route 0.0.0.0"
    )
    found = run(fleet(("HQ", hub), ("BR12", spoke_config())))
    (f,) = [f for f in found if f.code == "IPSEC_NOT_ENCRYPTING"]
    assert f.host == "HQ" and "ip route 10.12.0.0 255.255.255.0 10.0.0.254" in f.evidence


def test_single_config_lint() -> None:
    config = hub_config(keepalive="").replace(" crypto map VPN\n", "")
    found = run(fleet(("HQ", config)))
    assert codes(found) == {"CRYPTO_MAP_NOT_APPLIED", "IKE_NO_DPD"}


def test_incomplete_crypto_map_entry() -> None:
    config = hub_config().replace(" match address VPN-BR12\n", "")
    (f,) = [f for f in run(fleet(("HQ", config))) if f.code == "CRYPTO_MAP_INCOMPLETE"]
    assert "match address" in f.summary and "crypto map VPN 120 ipsec-isakmp" in f.evidence


def test_set_peer_that_is_nobody() -> None:
    spoke = spoke_config().replace(f" set peer {HUB}\n", " set peer 198.51.100.99\n")
    found = run(fleet(("HQ", hub_config()), ("BR12", spoke)))
    assert ("CRYPTO_PEER_NOT_FOUND", "BR12") in {(f.code, f.host) for f in found}


SLA = (
    "ip sla 10\n icmp-echo 8.8.8.8 source-interface GigabitEthernet1\n threshold 1000\n"
    " timeout 1000\n frequency 5\n{schedule}track 10 ip sla 10 reachability\n delay down 15 up 60\n"
)


def test_failover_probe_pinned_and_scheduled_is_clean() -> None:
    sla = SLA.format(schedule="ip sla schedule 10 life forever start-time now\n")
    pins = "ip route 8.8.8.8 255.255.255.255 GigabitEthernet1 203.0.113.49\n"
    keys = f"crypto isakmp key K address {SPOKE}\ncrypto isakmp key K address 192.0.2.2\n"
    hub = hub_config(keys=keys).replace(
        f" set peer {SPOKE}\n", f" set peer {SPOKE}\n set peer 192.0.2.2\n"
    )
    assert config_findings(hub, spoke_config(backup=True, extra=pins, sla=sla)) == []


def test_unscheduled_sla_behind_a_track_is_critical() -> None:
    found = run(fleet(("BR12", spoke_config(sla=SLA.format(schedule="")))))
    (f,) = [f for f in found if f.code == "SLA_NOT_SCHEDULED"]
    assert f.severity is Severity.CRITICAL and "no 'ip sla schedule' line" in f.summary


def test_probe_not_pinned_with_two_default_routes() -> None:
    sla = SLA.format(schedule="ip sla schedule 10 life forever start-time now\n")
    found = run(fleet(("BR12", spoke_config(backup=True, sla=sla))))
    (f,) = [f for f in found if f.code == "SLA_PROBE_NOT_PINNED"]
    assert "ip route 8.8.8.8 255.255.255.255 GigabitEthernet1 <primary next hop>" in f.next_steps


ROUTE_VIA_ISP2 = """Routing entry for 0.0.0.0/0, supernet
  Known via "static", distance 250, metric 0, candidate default path
  Routing Descriptor Blocks:
  * 192.0.2.1
      Route metric is 0, traffic share count is 1
"""
PINNED_PROBE = (
    "ip sla 10\n icmp-echo 8.8.8.8 source-interface GigabitEthernet1\n frequency 5\n"
    "ip sla schedule 10 life forever start-time now\ntrack 10 ip sla 10 reachability\n"
)


def test_failed_over_branch_is_judged_by_its_configured_primary() -> None:
    """Once failed over, the route printed for the hub leaves by ISP2: ISP2 is still the backup,
    the pinned probe is still pinned, and the hub's refusal is a missing key, not a policy."""
    spoke = spoke_config(
        backup=True,
        sla=PINNED_PROBE,
        extra="ip route 8.8.8.8 255.255.255.255 GigabitEthernet1 203.0.113.49\n",
    )
    refused = (
        "*Nov 18 11:09:40.056: %CRYPTO-6-IKMP_MODE_FAILURE: Processing of Main mode failed "
        "with peer at 192.0.2.2\n"
    )
    found = run(
        fleet(
            ("HQ", session("HQ", ("show running-config", hub_config()), ("show logging", refused))),
            (
                "BR12",
                session(
                    "BR12", ("show running-config", spoke), (f"show ip route {HUB}", ROUTE_VIA_ISP2)
                ),
            ),
        )
    )
    assert {(f.host, f.code, f.peer) for f in found} == {
        ("BR12", "FAILOVER_PEER_REJECTS_BACKUP", HUB),
        ("HQ", "IKE_P1_PSK_MISSING", "192.0.2.2"),
    }, [(f.host, f.code, f.peer) for f in found]
    backup = next(f for f in found if f.code == "FAILOVER_PEER_REJECTS_BACKUP")
    assert backup.severity is Severity.CRITICAL and "The backup is in use now" in backup.cause
    assert f"from {SPOKE} normally and from 192.0.2.2 after failover" in backup.cause


def _aggressive_peer(lines: str) -> str:
    """The spoke's key for the hub moved into a ``crypto isakmp peer`` block (Cisco doc 20641)."""
    return spoke_config().replace(
        f"crypto isakmp key Br12-Psk-7x address {HUB}\n",
        f"crypto isakmp peer address {HUB}\n{lines}",
    )


def test_aggressive_mode_password_is_the_key_for_its_peer() -> None:
    with_password = _aggressive_peer(" set aggressive-mode password Br12-Psk-7x\n")
    assert config_findings(hub_config(), with_password) == []
    endpoint_only = _aggressive_peer(f" set aggressive-mode client-endpoint ipv4-address {SPOKE}\n")
    assert ("IKE_P1_PSK_MISSING", "BR12", Severity.CRITICAL) in config_findings(
        hub_config(), endpoint_only
    )
