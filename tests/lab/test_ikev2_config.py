"""IKEv2 / sVTI configuration in the lab's config tree: sub-modes, nested keyring peers,
``no`` forms, and what ``lab.ikev2cfg`` reads from it."""

from __future__ import annotations

import ipaddress

from lab.configmode import ConfigContext, apply_line, load_config
from lab.ikev2cfg import DEFAULT_PROPOSAL, read_ikev2_config

CONFIG = """\
crypto ikev2 proposal PROP-1
 encryption aes-cbc-256
 integrity sha256
 group 14
crypto ikev2 policy POL-1
 proposal PROP-1
crypto ikev2 keyring KR-1
 peer BR21
  address 203.0.113.82
  pre-shared-key s3cret-21
 peer ANY
  address 0.0.0.0 0.0.0.0
  pre-shared-key wildcard
crypto ikev2 profile IKEV2-PROF
 match identity remote address 203.0.113.82 255.255.255.255
 authentication remote pre-share
 authentication local pre-share
 keyring local KR-1
 dpd 10 3 periodic
crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
 mode tunnel
crypto ipsec profile VTI-PROF
 set transform-set TS
 set ikev2-profile IKEV2-PROF
interface Tunnel21
 ip address 172.31.21.1 255.255.255.252
 tunnel source GigabitEthernet1
 tunnel mode ipsec ipv4
 tunnel destination 203.0.113.82
 tunnel protection ipsec profile VTI-PROF
"""


def test_load_keeps_keyring_peers_nested_and_reads_everything() -> None:
    tree, rejected = load_config(CONFIG)
    assert rejected == []
    body = tree.render_body()
    assert " peer BR21\n  address 203.0.113.82\n  pre-shared-key s3cret-21\n peer ANY\n" in body
    cfg = read_ikev2_config(tree)
    assert cfg.offered()[0].groups == (14,)
    profile = cfg.profile_for("203.0.113.82")
    assert profile is not None and profile.keyring == "KR-1" and profile.dpd == (10, 3)
    assert cfg.profile_for("203.0.113.90") is None
    assert cfg.key_for(profile, "203.0.113.82") == "s3cret-21"  # longest match, not wildcard
    assert cfg.ipsec_profiles["VTI-PROF"].ikev2_profile == "IKEV2-PROF"
    (vti,) = cfg.vtis()
    assert (vti.source, vti.destination, vti.protection) == (
        "GigabitEthernet1",
        "203.0.113.82",
        "VTI-PROF",
    )
    assert vti.head == "Tunnel21-head-0"


def test_config_mode_enters_and_leaves_the_peer_block() -> None:
    tree = load_config("hostname R\n")[0]
    ctx = ConfigContext()
    for line in (
        "crypto ikev2 keyring KR-2",
        "peer A",
        "address 192.0.2.1",
        "pre-shared-key one",
        "peer B",  # leaves peer A's block for the keyring, opens B's
        "address 192.0.2.2",
        "pre-shared-key two",
        "no peer A",
    ):
        assert apply_line(tree, ctx, line), line
    assert ctx.prompt_suffix() == "config-ikev2-keyring"  # "no peer A" is a keyring line
    ring = read_ikev2_config(tree).keyrings["KR-2"]
    assert ring == {"B": (ipaddress.IPv4Network("192.0.2.2/32"), "two")}
    assert apply_line(tree, ctx, "interface Tunnel1")  # a global line leaves both levels
    assert ctx.outer is None and ctx.prompt_suffix() == "config-if"


def test_no_forms_remove_tunnel_lines_and_sections() -> None:
    tree = load_config(CONFIG)[0]
    ctx = ConfigContext()
    for line in ("interface Tunnel21", "no tunnel protection ipsec profile VTI-PROF"):
        assert apply_line(tree, ctx, line)
    assert read_ikev2_config(tree).vtis() == ()
    for line in ("no crypto ikev2 policy POL-1", "no crypto ikev2 profile IKEV2-PROF"):
        assert apply_line(tree, ctx, line)
    cfg = read_ikev2_config(tree)
    assert cfg.offered() == (DEFAULT_PROPOSAL,) and cfg.profiles == {}
    assert "crypto ikev2 profile" not in tree.render_body()
