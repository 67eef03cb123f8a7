"""IKEv2 diagnosis on the lab's ``flexvpn`` scenario, both ends read together over real SSH.

The lab prints ``debug crypto ikev2`` in IOS-XE's wording; its spokes fail the three ways the
scenario describes (V02 proposal, V03 pre-shared key, V04 answers lost on the way back).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lab.fleet import Fleet
from lab.scenario import load_scenario
from nornir_tasks.models.findings import Finding
from tests.checks.support import fleet, run
from tests.lab.labcli import cli

pytestmark = pytest.mark.lab

COMMANDS = ("show logging", "show crypto ikev2 sa", "show ip interface brief")
ROUTERS = ("HUB2", "V02", "V03", "V04")


@pytest.fixture(scope="module")
def findings(host_key: Path) -> Iterator[list[Finding]]:
    lab = Fleet(load_scenario("flexvpn"))
    lab.start(key_path=host_key)

    def debug_everywhere() -> None:
        for device in lab.devices.values():
            device.debugs.add("ikev2")

    lab.call(debug_everywhere)
    lab.advance(90)  # V04 retransmits, then gives up
    try:
        pastes = []
        for router in ROUTERS:
            outputs = cli(lab, router, *COMMANDS)
            text = "\n".join(f"{router}#{c}\n{o}" for c, o in zip(COMMANDS, outputs, strict=True))
            pastes.append((router, text))
        yield run(fleet(*pastes))
    finally:
        lab.stop()


def _about(findings: list[Finding], code: str, host: str) -> list[Finding]:
    return [f for f in findings if f.code == code and f.host == host]


def test_proposal_mismatch_is_named_on_both_ends(findings: list[Finding]) -> None:
    (spoke,) = _about(findings, "IKEV2_PROPOSAL_MISMATCH", "V02")
    assert spoke.peer == "198.51.100.66"
    assert any("Failed to find a matching policy" in line for line in spoke.evidence)
    # the hub's own refusal is quoted on the spoke's finding
    assert any(line.startswith("HUB2: ") for line in spoke.evidence)
    assert _about(findings, "IKEV2_PROPOSAL_MISMATCH", "HUB2")


def test_psk_mismatch_is_an_authentication_failure(findings: list[Finding]) -> None:
    (spoke,) = _about(findings, "IKEV2_AUTH_FAILED", "V03")
    assert spoke.peer == "198.51.100.66"
    assert any("AUTHENTICATION_FAILED" in line for line in spoke.evidence)


def test_answers_lost_on_the_way_back_are_the_return_path(findings: list[Finding]) -> None:
    (spoke,) = _about(findings, "IKEV2_NO_RESPONSE", "V04")
    assert spoke.summary.endswith("(return path)")
    assert "return path" in spoke.cause
    assert any(line.startswith("HUB2: ") and "Received Packet" in line for line in spoke.evidence)
