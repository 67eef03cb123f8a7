"""The families the fixture sweep left over 10 % unread (ping variants, show ip nhrp detail, a
show logging reload banner): every line of their real captures is read now, and the values
they carry are kept (the rest of each model is checked by test_golden against expected.json)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nornir_tasks.parsers import parse_result

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
CASES = {
    # genieparser iosxe Ping golden_output_3: extended ping, DF set, replies validated
    "genie_iosxe_ping_df_bit_validated_extended": ("df_bit", True),
    # genieparser iosxe PingIpv6 golden_output_2: refused by the router, nothing sent
    "genie_iosxe_ping_ipv6_no_valid_route": ("error", "No valid route for destination"),
    # genieparser iosxe PingIpv6 golden_output: one "Reply to request N" line per answer
    "genie_iosxe_ping_ipv6_multicast_verbose_replies": ("marks", "!!!!!"),
    # genieparser iosxe ShowIpNhrpDetail: "Preference: 255" on each entry
    "genie_iosxe_ip_nhrp_detail_preference_requester": ("entries", 255),
    # ntc-templates cisco_ios_show_logging_3: the image banner under %SYS-5-RESTART
    "ntc_ios_logging_restart_banner_c2900": ("events", "Compiled Mon 19-Sep-11 17:41"),
}


def _value(model: object, field: str) -> object:
    value = getattr(model, field)
    if field == "entries":
        return value[0].preference
    if field == "events":
        (restart,) = [e for e in value if e.mnemonic == "RESTART"]
        return restart.detail[-1][: len("Compiled Mon 19-Sep-11 17:41")]
    return value


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_line_is_read_and_its_value_kept(case: str) -> None:
    meta = yaml.safe_load((GOLDEN / case / "provenance.yaml").read_text())
    result = parse_result(meta["command"], (GOLDEN / case / "raw.txt").read_text())
    assert result.understood, result.unparsed
    field, expected = CASES[case]
    assert _value(result.value, field) == expected


def test_a_pending_request_names_its_requester() -> None:
    raw = (GOLDEN / "genie_iosxe_ip_nhrp_detail_preference_requester" / "raw.txt").read_text()
    entries = parse_result("show ip nhrp detail", raw).value.entries
    assert [(e.target, e.requester) for e in entries if e.requester] == [
        ("100.0.0.1/32", "100.0.0.2")
    ]
