"""The IKEv2 proposals an IOS-XE router and an ASA offer, read from their configurations
(``checks/ikev2_proposals``): what the lab's ASA10 and AHUB lack in common, and when no verdict
can be given (IOS-XE's smart default)."""

from __future__ import annotations

from nornir_tasks.checks.ikev2_proposals import disjoint, map_peers, offered
from nornir_tasks.models.config import RunningConfig
from nornir_tasks.parsers import parse

IOS = """hostname AHUB
crypto ikev2 proposal PROP-ASA
 encryption aes-cbc-256
 integrity sha256
 group 14
crypto ikev2 proposal UNUSED
 encryption aes-cbc-128
 integrity sha1
 group 21
crypto ikev2 policy POL-ASA
 proposal PROP-ASA
crypto map ASAVPN 100 ipsec-isakmp
 set peer 203.0.113.230
 set transform-set TS-ASA
 set ikev2-profile PROF-ASA
 match address ASA10-VPN
"""
ASA = """ASA Version 9.15(1)1
hostname ASA10
crypto ipsec ikev2 ipsec-proposal PROP-HQ
 protocol esp encryption aes-256
 protocol esp integrity sha-1
crypto map outside_map 10 match address VPN-HQ
crypto map outside_map 10 set peer 198.51.100.194
crypto map outside_map 10 set ikev2 ipsec-proposal PROP-HQ
crypto map outside_map interface outside
crypto ikev2 policy 10
 encryption aes-256
 integrity sha256
 group {group}
 prf sha256
crypto ikev2 enable outside
: end
"""


def _config(text: str) -> RunningConfig:
    parsed = parse("show running-config", text)
    assert isinstance(parsed, RunningConfig)
    return parsed


def test_a_dh_group_no_proposal_shares_is_named_with_each_end() -> None:
    hub, asa = _config(IOS), _config(ASA.format(group=21))
    mine, theirs = offered(asa), offered(hub)
    assert mine and theirs
    assert [p.name for p in theirs] == ["PROP-ASA"]  # only what the policy names
    assert disjoint(mine, theirs, ("ASA10", "AHUB")) == ["DH group ASA10 21, AHUB 14"]
    assert map_peers(asa) == ["198.51.100.194"] and map_peers(hub) == ["203.0.113.230"]


def test_proposals_that_agree_and_the_smart_default_give_no_verdict() -> None:
    hub, asa = _config(IOS), _config(ASA.format(group="21 14"))
    mine, theirs = offered(asa), offered(hub)
    assert mine and theirs and disjoint(mine, theirs, ("ASA10", "AHUB")) == []
    no_policy = _config(IOS.replace("crypto ikev2 policy POL-ASA\n proposal PROP-ASA\n", ""))
    assert offered(no_policy) is None  # IOS-XE's smart default: release-dependent, not judged
