"""show ip interface brief: captures and contract cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from nornir_tasks.models.interfaces import LinkStatus
from nornir_tasks.parsers import ParseError, parse

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
COMMAND = "show ip interface brief"


def _raw(case: str) -> str:
    return (GOLDEN / case / "raw.txt").read_text()


def test_ios_capture_with_admin_down() -> None:
    table = parse(COMMAND, _raw("ntc_ios_ip_interface_brief_admin_down"))
    assert list(table.interfaces)[:2] == ["Ethernet0/0", "Ethernet0/0.11"]
    sub = table.interfaces["Ethernet0/0.11"]
    assert (sub.ip_address, sub.ok, sub.method, sub.status, sub.protocol) == (
        "10.0.1.38",
        True,
        "NVRAM",
        LinkStatus.UP,
        "up",
    )
    down = table.interfaces["Ethernet0/2"]
    assert (down.ip_address, down.status, down.protocol) == (None, LinkStatus.ADMIN_DOWN, "down")
    assert len(table.interfaces) == 6 and table.complete


def test_iosxe_capture_misaligned_columns() -> None:
    table = parse("sh ip int br", _raw("genie_iosxe_ip_interface_brief_sdwan"))
    assert len(table.interfaces) == 21
    te = table.interfaces["Te0/0/5"]
    assert (te.ip_address, te.method, te.status, te.protocol) == (
        None,
        "unset",
        LinkStatus.DOWN,
        "down",
    )
    assert table.interfaces["ucse1/0/0"].status is LinkStatus.ADMIN_DOWN
    assert table.interfaces["Tunnel2000000002"].ip_address == "192.168.166.1"


def test_contract_cases() -> None:
    empty = parse(COMMAND, "")
    assert (dict(empty.interfaces), empty.complete) == ({}, True)
    with pytest.raises(ParseError):
        parse(COMMAND, "% Invalid input detected at '^' marker.")
    with pytest.raises(ParseError):
        parse(COMMAND, "Track 1\n  IP SLA 1 reachability")
    raw = _raw("ntc_ios_ip_interface_brief_admin_down")
    cut = parse(COMMAND, raw[: raw.rindex("YES") + 5])
    assert "Loopback0" not in cut.interfaces and not cut.complete


def test_crlf_paging_and_echo_are_ignored() -> None:
    raw = _raw("ntc_ios_ip_interface_brief_admin_down")
    lines = raw.splitlines()
    lines[3] = " --More-- \b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b" + lines[3]
    noisy = "R1#show ip interface brief\r\n" + "\r\n".join(lines) + "\r\nR1#"
    assert parse(COMMAND, noisy) == parse(COMMAND, raw)
