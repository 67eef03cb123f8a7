"""mask_secrets: every secret form is masked, nothing else changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from nornir_tasks.parsers import parse
from nornir_tasks.parsers._secrets import MASK, mask_secrets

GOLDEN = Path(__file__).resolve().parent.parent / "golden"

CASES = [
    (
        "crypto isakmp key 6 FLgBaJHX address 203.0.113.1",
        "crypto isakmp key 6 <removed> address 203.0.113.1",
    ),
    (
        "crypto isakmp key cisco123 address 203.0.113.1",
        "crypto isakmp key <removed> address 203.0.113.1",
    ),
    ("crypto isakmp key 6 address 1.1.1.1", "crypto isakmp key <removed> address 1.1.1.1"),
    (
        "crypto isakmp key 0 s3 hostname h.example",
        "crypto isakmp key 0 <removed> hostname h.example",
    ),
    (
        "  pre-shared-key address 61.128.1.1 key VPN",
        "  pre-shared-key address 61.128.1.1 key <removed>",
    ),
    (
        " pre-shared-key address 10.0.0.0 255.0.0.0 key 6 abc",
        " pre-shared-key address 10.0.0.0 255.0.0.0 key 6 <removed>",
    ),
    ("  pre-shared-key local 6 abc", "  pre-shared-key local 6 <removed>"),
    ("  pre-shared-key remote cisco", "  pre-shared-key remote <removed>"),
    (" ikev1 pre-shared-key asa-secret", " ikev1 pre-shared-key <removed>"),
    (" set aggressive-mode password Br01-Psk", " set aggressive-mode password <removed>"),
    (" set aggressive-mode password 6 AbC", " set aggressive-mode password 6 <removed>"),
    (" set aggressive-mode password 6", " set aggressive-mode password <removed>"),
    (
        "username admin privilege 15 secret 9 $9$abc",
        "username admin privilege 15 secret 9 <removed>",
    ),
    ("username bob password 0 bob", "username bob password 0 <removed>"),
    ("enable secret 5 $1$xyz", "enable secret 5 <removed>"),
    ("enable password cisco", "enable password <removed>"),
    ("  key-string 7 045802150C2E", "  key-string 7 <removed>"),
    (
        " standby 1 authentication md5 key-string s3",
        " standby 1 authentication md5 key-string <removed>",
    ),
    ("snmp-server community public RO 10", "snmp-server community <removed> RO 10"),
    (
        "snmp-server host 10.1.1.1 version 2c comm2",
        "snmp-server host 10.1.1.1 version 2c <removed>",
    ),
    (
        "snmp-server user u1 g1 v3 auth sha ap priv aes 128 pp",
        "snmp-server user u1 g1 v3 auth sha <removed> priv aes 128 <removed>",
    ),
    ("tacacs-server host 10.1.1.1 key tkey", "tacacs-server host 10.1.1.1 key <removed>"),
    ("radius-server key 7 0822455D0A16", "radius-server key 7 <removed>"),
    (" key 7 0822455D0A16", " key 7 <removed>"),
    (" key cisco", " key <removed>"),
    (" password 7 0822455D0A16", " password 7 <removed>"),
    (" neighbor 10.1.1.1 password 7 bgpkey", " neighbor 10.1.1.1 password 7 <removed>"),
    (" ip ospf message-digest-key 1 md5 ok", " ip ospf message-digest-key 1 md5 <removed>"),
]
UNCHANGED = [
    "key chain K",
    " key 1",
    " description key to the city",
    "crypto isakmp policy 10",
    " authentication pre-share",
    "crypto keyring VPN",
    "ip route 0.0.0.0 0.0.0.0 203.0.113.1 track 10",
]


@pytest.mark.parametrize(("line", "masked"), CASES)
def test_secret_forms_are_masked(line: str, masked: str) -> None:
    assert mask_secrets(line + "\r\n") == masked + "\r\n"
    assert mask_secrets(masked) == masked  # idempotent


@pytest.mark.parametrize("line", UNCHANGED)
def test_other_lines_are_untouched(line: str) -> None:
    assert mask_secrets(line) == line


def test_corpus_configuration_keeps_its_meaning() -> None:
    raw = (
        GOLDEN / "clarkson_ios_config_cryptomap_ezvpn_sla_track_failover" / "raw.txt"
    ).read_text()
    masked = mask_secrets(raw)
    changed = [(a, b) for a, b in zip(raw.splitlines(), masked.splitlines(), strict=True) if a != b]
    assert len(changed) == 6  # 2 usernames, 1 keyring PSK, 3 EzVPN group keys
    assert all(b.endswith(MASK) for _, b in changed)
    assert " key cisco" not in masked and "testpc1 password 0 testpc1" not in masked
    assert parse("show running-config", masked) == parse("show running-config", raw)
