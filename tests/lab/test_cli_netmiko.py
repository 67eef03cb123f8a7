"""The lab's IOS CLI as unmodified netmiko (cisco_ios) sees it, over real SSH."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any, cast

import pytest
from netmiko import BaseConnection, ConnectHandler, NetmikoAuthenticationException
from netmiko.exceptions import ConfigInvalidException, ReadTimeout

from lab.fleet import Fleet

pytestmark = pytest.mark.lab


def show(conn: BaseConnection, command: str) -> str:
    out = conn.send_command(command)
    assert isinstance(out, str)
    return out


@pytest.fixture()
def br01(lab: Fleet) -> Iterator[BaseConnection]:
    conn = ConnectHandler(**lab.connection("BR01"))
    conn.enable()
    yield conn
    conn.disconnect()


def test_prompts_and_enable(lab: Fleet) -> None:
    conn = ConnectHandler(**lab.connection("BR02"))
    assert conn.find_prompt() == "BR02>"
    conn.enable()
    assert conn.find_prompt() == "BR02#"
    conn.disconnect()


def test_abbreviations_give_the_same_output(br01: BaseConnection) -> None:
    full = show(br01, "show ip interface brief")
    assert "GigabitEthernet1       203.0.113.6" in full
    assert show(br01, "sh ip int br") == full
    assert show(br01, "sh run | i ^hostname") == "hostname BR01"


def test_invalid_incomplete_and_ambiguous(br01: BaseConnection) -> None:
    invalid = show(br01, "show ip routx")
    assert "% Invalid input detected at '^' marker." in invalid
    caret_line = invalid.splitlines()[0]
    # The caret sits under the bad word: prompt "BR01#" (5) + "show ip " (8).
    assert caret_line.index("^") == len("BR01#show ip ")
    assert show(br01, "show ip").strip() == "% Incomplete command."
    assert show(br01, "c").startswith('% Ambiguous command:  "c"')


def test_pipes(br01: BaseConnection) -> None:
    assert show(br01, "show running-config | include ^interface").splitlines() == [
        "interface GigabitEthernet1",
        "interface GigabitEthernet2",
    ]
    assert "description" not in show(br01, "show run | exclude description")
    begin = show(br01, "show running-config | begin ip access-list")
    assert begin.splitlines()[0] == "ip access-list extended VPN-HQ"
    section = show(br01, "show running-config | section crypto map")
    assert section.splitlines()[0] == "crypto map VPN 10 ipsec-isakmp"
    assert " set peer 198.51.100.2" in section
    assert "interface GigabitEthernet1" in section  # the interface carrying the map
    count = show(br01, "show running-config | count ^interface")
    assert count == "Number of lines which match regexp = 2"


def test_config_mode_sub_mode_prompts(br01: BaseConnection) -> None:
    out = br01.send_config_set(
        [
            "interface Loopback5",
            " ip address 5.5.5.5 255.255.255.255",
            "crypto isakmp policy 20",
            " encr aes",
            "ip sla 20",
            " icmp-echo 8.8.4.4 source-interface GigabitEthernet1",
            " frequency 10",
            "track 20 ip sla 20 reachability",
            " delay down 10 up 20",
            "event manager applet T20",
            " event track 20 state down",
            "route-map RM permit 10",
            " match ip address 101",
            "ip access-list extended ACL-T",
            " permit ip any any",
            "crypto map CM 10 ipsec-isakmp",
            " set peer 192.0.2.99",
            "crypto ipsec transform-set T2 esp-aes esp-sha-hmac",
            " mode tunnel",
        ]
    )
    for prompt in (
        "(config-if)#",
        "(config-isakmp)#",
        "(config-ip-sla)#",
        "(config-ip-sla-echo)#",
        "(config-track)#",
        "(config-applet)#",
        "(config-route-map)#",
        "(config-ext-nacl)#",
        "(config-crypto-map)#",
        "(cfg-crypto-trans)#",
    ):
        assert prompt in out, prompt
    running = show(br01, "show running-config | section ^ip sla 20")
    assert running.splitlines() == [
        "ip sla 20",
        " icmp-echo 8.8.4.4 source-interface GigabitEthernet1",
        " frequency 10",
    ]
    # A global command inside a sub-mode leaves it, as IOS does.
    br01.send_config_set(["interface Loopback5", "ip route 5.5.0.0 255.255.0.0 Null0"])
    assert "ip route 5.5.0.0 255.255.0.0 Null0" in show(br01, "show run | i ^ip route")
    assert "%SYS-5-CONFIG_I: Configured from console by vpndiag" in show(
        br01, "show logging | include CONFIG_I"
    )


def test_config_error_pattern_raises(br01: BaseConnection) -> None:
    with pytest.raises(ConfigInvalidException):
        br01.send_config_set(["interface Loopback6", "frobnicate now"], error_pattern=r"% Invalid")


def test_do_and_no_forms(br01: BaseConnection) -> None:
    out = br01.send_config_set(["interface Loopback8", " description temp", "do show clock"])
    assert " UTC " in out
    br01.send_config_set(["interface Loopback8", " no description"])
    assert show(br01, "show run | section Loopback8") == "interface Loopback8"
    br01.send_config_set(["no interface Loopback8"])
    assert "Loopback8" not in show(br01, "show running-config")


def test_write_memory_updates_startup(br01: BaseConnection) -> None:
    br01.send_config_set(["interface Loopback9", " description saved"])
    assert "Loopback9" not in show(br01, "show startup-config")
    assert "[OK]" in show(br01, "write memory")
    assert "Loopback9" in show(br01, "show startup-config")


def test_paging_when_length_is_not_zero(lab: Fleet) -> None:
    conn = ConnectHandler(**lab.connection("BR04"))
    conn.enable()
    show(conn, "terminal length 10")
    conn.write_channel("show running-config\n")
    first = conn.read_until_pattern(pattern=r" --More-- ")
    assert first.count("\n") <= 12
    conn.write_channel(" ")
    assert conn.read_until_pattern(pattern=r" --More-- ").count("\n") <= 11
    conn.write_channel("q")
    assert conn.read_until_pattern(pattern=r"BR04#").rstrip().endswith("BR04#")
    show(conn, "terminal length 0")
    assert "--More--" not in show(conn, "show running-config")
    conn.disconnect()


def test_wrong_password_fails_at_once(lab: Fleet) -> None:
    params = {**lab.connection("BR01"), "password": "not-it"}
    started = time.monotonic()
    with pytest.raises(NetmikoAuthenticationException):
        ConnectHandler(**params)
    assert time.monotonic() - started < 5


def test_wrong_enable_secret_is_an_error_not_a_hang(lab: Fleet) -> None:
    params = {**lab.connection("BR01"), "secret": "not-it", "read_timeout_override": 1}
    conn = ConnectHandler(**params)
    started = time.monotonic()
    with pytest.raises((ReadTimeout, ValueError)):
        conn.enable()
    assert time.monotonic() - started < 10
    conn.disconnect()


def test_legacy_ssh_device_with_paramiko_4(lab: Fleet) -> None:
    conn = ConnectHandler(**lab.connection("BR10"))
    transport = cast(Any, conn.remote_conn).get_transport()
    assert transport.remote_version == "SSH-2.0-Cisco-1.25"
    assert transport.host_key_type == "ssh-rsa"
    conn.enable()
    assert show(conn, "show run | i ^hostname") == "hostname BR10"
    conn.disconnect()


def test_modern_device_does_not_use_sha1(lab: Fleet) -> None:
    conn = ConnectHandler(**lab.connection("BR01"))
    transport = cast(Any, conn.remote_conn).get_transport()
    assert transport.host_key_type == "rsa-sha2-512"
    conn.disconnect()


@pytest.mark.parametrize("router", ["BR01", "BR10"])  # modern, and IOS 15.x's CBC offer
def test_the_lab_sends_no_ignore_packet_per_message(lab: Fleet, router: str) -> None:
    """IOS sends a command's output as channel data only; asyncssh's default puts an empty
    SSH_MSG_IGNORE before every packet, which doubled what a client reads per router."""
    conn = ConnectHandler(**lab.connection(router))
    packetizer = cast(Any, conn.remote_conn).get_transport().packetizer
    read, types = packetizer.read_message, []

    def read_message() -> tuple[int, Any]:
        ptype, message = read()
        types.append(ptype)
        return ptype, message

    packetizer.read_message = read_message
    conn.enable()
    assert "hostname" in show(conn, "show running-config")
    conn.disconnect()
    assert 94 in types and 2 not in types  # MSG_CHANNEL_DATA seen, MSG_IGNORE never
