"""Playbooks are validated on load: errors name the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from nornir_tasks.models import to_jsonable
from nornir_tasks.models.ipsec import IpsecSaTable
from nornir_tasks.parsers import parse
from nornir_tasks.playbooks.assertions import evaluate, select
from nornir_tasks.playbooks.loader import SHIPPED, PlaybookError, parse_playbook
from nornir_tasks.playbooks.model import Assertion

CODES = {"IKE_P1_NO_RESPONSE", "IKE_P1_RETURN_PATH", "IPSEC_NO_RETURN_TRAFFIC", "TRACK_DOWN"}


def _error(text: str) -> str:
    with pytest.raises(PlaybookError) as err:
        parse_playbook(text, "pb.yaml", CODES)
    return str(err.value)


def test_unknown_key_names_file_line_and_field() -> None:
    msg = _error("name: x\ncollect:\n  commands: []\n  pol_interval: 5\n")
    assert msg == "pb.yaml:4: collect.pol_interval: Extra inputs are not permitted"


def test_wrong_type_names_the_field() -> None:
    msg = _error("name: x\ncollect:\n  poll_interval: soon\n")
    assert msg.startswith("pb.yaml:3: collect.poll_interval: Input should be a valid number")


def test_unknown_check_code_is_refused_before_any_device_is_touched() -> None:
    msg = _error("name: x\nchecks:\n  - IKE_*\n  - IKE_P1_NO_RESPONSE\n  - IKE_P9_WHATEVER\n")
    assert msg == "pb.yaml:5: checks.2: unknown check code or pattern 'IKE_P9_WHATEVER'"


def test_assertion_needs_exactly_one_test() -> None:
    msg = _error("name: x\nassertions:\n  - name: a\n    command: show clock\n")
    assert msg.startswith("pb.yaml:3: assertions.0: Value error, needs one test")
    msg = _error(
        "name: x\nassertions:\n  - name: a\n    command: c\n    contains: a\n    regex: b\n"
    )
    assert "more than one test: contains, regex" in msg


def test_bad_yaml_names_the_line() -> None:
    assert _error("name: x\nchecks: [IKE_*\n").startswith("pb.yaml:3: not valid YAML")


@pytest.mark.parametrize("path", sorted(SHIPPED.glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_playbooks_are_valid(path: Path) -> None:
    from nornir_tasks.checks import registered_codes

    playbook = parse_playbook(path.read_text(), str(path), registered_codes())
    assert playbook.name == path.stem


IPSEC = """interface: GigabitEthernet1
    Crypto map tag: VPN, local addr 203.0.113.6

   protected vrf: (none)
   local  ident (addr/mask/prot/port): (10.1.0.0/255.255.255.0/0/0)
   remote ident (addr/mask/prot/port): (10.0.0.0/255.255.255.0/0/0)
   current_peer 198.51.100.2 port 500
     PERMIT, flags={origin_is_acl,}
    #pkts encaps: 62, #pkts encrypt: 62, #pkts digest: 62
    #pkts decaps: 0, #pkts decrypt: 0, #pkts verify: 0
    #pkts compressed: 0, #pkts decompressed: 0
    #pkts not compressed: 0, #pkts compr. failed: 0
    #pkts not decompressed: 0, #pkts decompress failed: 0
    #send errors 0, #recv errors 0

     local crypto endpt.: 203.0.113.6, remote crypto endpt.: 198.51.100.2
     plaintext mtu 1438, path mtu 1500, ip mtu 1500, ip mtu idb GigabitEthernet1
     current outbound spi: 0x7513270E(1964189454)
     PFS (Y/N): N, DH group: none
"""


def test_path_assertions_on_parsed_output() -> None:
    parsed = parse("show crypto ipsec sa", IPSEC)
    assert isinstance(parsed, IpsecSaTable)
    assert select(to_jsonable(parsed), "flows[*].current_peer") == ["198.51.100.2"]
    assert select(to_jsonable(parsed), "flows[0].pkts_encaps") == [62]
    moving = Assertion.model_validate(
        {
            "name": "decaps",
            "command": "show crypto ipsec sa",
            "path": "flows[*].pkts_decaps",
            "gt": 0,
        }
    )
    outcome, message = evaluate(moving, IPSEC, parsed, {})
    assert outcome == "FAIL" and "= [0]" in message
    missing = Assertion.model_validate(
        {"name": "x", "command": "show crypto ipsec sa", "path": "flows[*].nope", "equal": 1}
    )
    assert evaluate(missing, IPSEC, parsed, {}) == ("FAIL", "nothing at 'flows[*].nope'")
    peer = Assertion.model_validate(
        {
            "name": "peer",
            "command": "show crypto ipsec sa",
            "contains": "current_peer {value}",
            "value_from": "data.hub_ip",
        }
    )
    assert evaluate(peer, IPSEC, parsed, {"hub_ip": "198.51.100.2"})[0] == "PASS"
    assert evaluate(peer, IPSEC, parsed, {"hub_ip": "192.0.2.9"})[0] == "FAIL"
    absent = Assertion.model_validate({"name": "n", "command": "c", "!contains": "MM_NO_STATE"})
    assert evaluate(absent, IPSEC, parsed, {})[0] == "PASS"
    assert evaluate(absent, None, None, {})[0] == "ERROR"


def test_thresholds_are_typed() -> None:
    assert "pb.yaml:3: thresholds.cpu_pct" in _error("name: x\nthresholds:\n  cpu_pct: 80\n")
    assert "thresholds.cpu_percent" in _error("name: x\nthresholds:\n  cpu_percent: 180\n")
