"""Per-router command choice: what a router runs (its running configuration) decides which
``collect.when`` commands it is asked."""

from __future__ import annotations

import pytest

from nornir_tasks.models.collection import CommandOutput, OutputStatus
from nornir_tasks.parsers import parse
from nornir_tasks.playbooks.features import commands_for, feature, features_of
from nornir_tasks.playbooks.loader import PlaybookError, load_playbook, parse_playbook

IKEV1_BRANCH = """hostname BR
crypto isakmp policy 10
 encryption aes 256
 authentication pre-share
 group 14
crypto isakmp key Secret-x address 198.51.100.1
crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
crypto map VPN 10 ipsec-isakmp
 set peer 198.51.100.1
 set transform-set TS
 match address 101
interface GigabitEthernet1
 ip address 203.0.113.2 255.255.255.252
 crypto map VPN
end
"""

# A hub with a legacy crypto map and IKEv2 static VTIs side by side.
MIXED_HUB = """hostname HUB
crypto isakmp policy 10
 authentication pre-share
crypto ikev2 proposal PROP
 encryption aes-cbc-256
 integrity sha256
 group 14
crypto ikev2 profile SPOKES
 match identity remote address 203.0.113.70 255.255.255.255
 authentication remote pre-share
 authentication local pre-share
crypto ipsec profile VTI
 set ikev2-profile SPOKES
crypto map VPN 10 ipsec-isakmp
 set peer 192.0.2.9
 match address 101
interface Tunnel1
 ip address 172.31.1.1 255.255.255.252
 tunnel source GigabitEthernet1
 tunnel mode ipsec ipv4
 tunnel destination 203.0.113.70
 tunnel protection ipsec profile VTI
interface Tunnel9
 tunnel mode gre multipoint
end
"""

WHEN = {
    "crypto_map": ["show crypto isakmp sa", "show crypto map", "show crypto ipsec sa"],
    "ikev2": ["show crypto ikev2 sa"],
    "tunnel_protection": ["show crypto ipsec sa", "show crypto session"],
}


def config_output(text: str) -> CommandOutput:
    return CommandOutput(
        "show running-config", text, OutputStatus.OK, parse("show running-config", text)
    )


def test_an_ikev1_branch_is_not_asked_ikev2_commands() -> None:
    assert features_of(parse("show running-config", IKEV1_BRANCH)) == {"crypto_map", "ikev1"}
    asked = commands_for(WHEN, [config_output(IKEV1_BRANCH)])
    assert asked == ("show crypto isakmp sa", "show crypto map", "show crypto ipsec sa")


def test_a_mixed_hub_is_read_completely_each_command_once() -> None:
    shown = features_of(parse("show running-config", MIXED_HUB))
    assert {"crypto_map", "ikev1", "ikev2", "tunnel", "tunnel_protection", "dmvpn"} <= shown
    asked = commands_for(WHEN, [config_output(MIXED_HUB)])
    assert asked == (
        "show crypto isakmp sa",
        "show crypto map",
        "show crypto ipsec sa",
        "show crypto ikev2 sa",
        "show crypto session",
    )


def test_without_a_readable_configuration_every_when_command_is_read() -> None:
    cut = CommandOutput("show running-config", "hostname X\n", OutputStatus.INCOMPLETE)
    assert set(commands_for(WHEN, [cut])) == {c for cs in WHEN.values() for c in cs}
    assert set(commands_for(WHEN, [])) == {c for cs in WHEN.values() for c in cs}


def test_a_feature_name_is_registered_once() -> None:
    with pytest.raises(ValueError, match="already registered"):
        feature("ikev2")(lambda config: True)


def test_the_health_playbook_chooses_by_feature() -> None:
    playbook = load_playbook("health_check", ["*"])
    assert "show running-config" in playbook.collect.commands
    assert "show crypto ikev2 sa" not in playbook.collect.commands
    assert "show crypto ikev2 sa" in playbook.collect.when["ikev2"]


def test_an_unknown_feature_is_an_input_error() -> None:
    text = "name: x\ncollect:\n  when:\n    mpls: [show crypto ikev2 sa]\n"
    with pytest.raises(PlaybookError, match="unknown feature mpls"):
        parse_playbook(text, "x.yaml", ["*"])


def test_a_when_command_must_be_read_only() -> None:
    text = "name: x\ncollect:\n  when:\n    ikev2: [clear crypto ikev2 sa]\n"
    with pytest.raises(PlaybookError, match="when"):
        parse_playbook(text, "x.yaml", ["*"])


def test_an_asa_configuration_shows_its_features_like_an_ios_one() -> None:
    from nornir_tasks.models.collection import CommandOutput, OutputStatus
    from nornir_tasks.parsers import parse
    from nornir_tasks.playbooks.features import commands_for

    text = (
        "ASA Version 9.8(4)\nhostname ASA1\n"
        "crypto ipsec ikev1 transform-set TS esp-aes-256 esp-sha-hmac\n"
        "crypto map CMAP 10 match address VPN\ncrypto map CMAP 10 set peer 198.51.100.2\n"
        "crypto map CMAP 10 set ikev1 transform-set TS\ncrypto map CMAP interface outside\n"
        "crypto ikev1 enable outside\ncrypto ikev1 policy 10\n encryption aes-256\n: end\n"
    )
    config = CommandOutput(
        "show running-config", text, OutputStatus.OK, parse("show running-config", text)
    )
    when = {"crypto_map": ["show crypto isakmp sa"], "ikev2": ["show crypto ikev2 sa"]}
    assert commands_for(when, [config]) == ("show crypto isakmp sa",)


def test_an_asa_running_ikev2_is_asked_its_ikev2_state_in_its_own_commands() -> None:
    """An ASA with ``crypto ikev2 policy`` and an IKEv2 map entry (the lab's ASA8) gets
    ``show crypto ikev2 sa``; the IOS exchange counters it has no layout for are skipped."""
    from nornir_tasks.models.collection import CommandOutput, OutputStatus
    from nornir_tasks.parsers import parse
    from nornir_tasks.playbooks.features import commands_for
    from nornir_tasks.tasks.platforms import plan_commands

    text = (
        "ASA Version 9.15(1)1\nhostname ASA8\n"
        "crypto ipsec ikev2 ipsec-proposal P\n protocol esp encryption aes-256\n"
        "crypto map CMAP 10 match address VPN\ncrypto map CMAP 10 set peer 198.51.100.194\n"
        "crypto map CMAP 10 set ikev2 ipsec-proposal P\ncrypto map CMAP interface outside\n"
        "crypto ikev2 policy 10\n encryption aes-256\n integrity sha256\n"
        "crypto ikev2 enable outside\n: end\n"
    )
    parsed = parse("show running-config", text)
    config = CommandOutput("show running-config", text, OutputStatus.OK, parsed)
    when = {
        "crypto_map": ["show crypto ipsec sa"],
        "ikev1": ["show crypto isakmp sa"],
        "ikev2": ["show crypto ikev2 sa", "show crypto ikev2 stats exchange"],
    }
    wanted = commands_for(when, [config])
    assert wanted == (
        "show crypto ipsec sa",
        "show crypto ikev2 sa",
        "show crypto ikev2 stats exchange",
    )
    plan = plan_commands("cisco_asa", wanted)
    assert "show crypto ikev2 sa" in plan.run and "show crypto isakmp sa" not in plan.run
    assert plan.skipped == ("show crypto ikev2 stats exchange",)
    entry = parsed.crypto_maps[0].entries[0]
    assert entry.ikev2_profile == "198.51.100.194"  # the IKEv2 entry, named by its tunnel group


# An IOS router whose crypto map entries all name an IKEv2 profile, with no ISAKMP configuration
# (the lab's HUB2); and one whose entry names none and relies on IOS's default ISAKMP policies.
IKEV2_MAP = """hostname H
crypto ikev2 profile P
 match identity remote address 192.0.2.9 255.255.255.255
crypto map VPN 10 ipsec-isakmp
 set peer 192.0.2.9
 set ikev2-profile P
 match address 101
crypto map VPN 20 ipsec-isakmp dynamic DYN
crypto dynamic-map DYN 10
 set ikev2-profile P
end
"""


def test_an_ios_crypto_map_asks_the_ike_tables_of_the_versions_its_entries_use() -> None:
    assert features_of(parse("show running-config", IKEV2_MAP)) == {"crypto_map", "ikev2"}
    default_policies = IKEV2_MAP.replace(" set ikev2-profile P\n match", " match")
    shown = features_of(parse("show running-config", default_policies))
    assert {"ikev1", "ikev2"} <= shown


def test_an_asa_is_asked_an_ike_table_only_where_that_version_is_enabled() -> None:
    """An ASA answers IKEv1 (IKEv2) only on interfaces with 'crypto ikev1 (ikev2) enable':
    without one its SA table is empty by construction, whatever else is configured."""
    text = (
        "ASA Version 9.8(4)\nhostname ASA4\n"
        "crypto map CMAP 10 match address VPN\ncrypto map CMAP 10 set peer 198.51.100.2\n"
        "crypto map CMAP 10 set ikev1 transform-set TS\ncrypto map CMAP interface outside\n"
        "crypto ikev1 policy 10\n encryption aes-256\n"
        "crypto ikev2 policy 10\n encryption aes-256\n: end\n"
    )
    assert features_of(parse("show running-config", text)) == {"crypto_map"}
    enabled = text.replace(": end", "crypto ikev2 enable outside\n: end")
    assert features_of(parse("show running-config", enabled)) == {"crypto_map", "ikev2"}
