"""IKEv1 aggressive mode diagnosed live by the health playbook (HQ and one branch over SSH).

BR01 starts aggressive mode toward HQ, configured as ``tests/lab/test_ike_aggressive.py`` does:
an ISAKMP profile with ``initiate mode aggressive`` on its crypto map entry, or a ``crypto
isakmp peer address`` block whose ``set aggressive-mode password`` is its only key for HQ.
A healthy pair must be up with nothing above info; a key mismatch is named on the initiator
(the end that rejects AM2); ``crypto isakmp aggressive-mode disable`` on HQ is named on HQ. No
aggressive-mode key is ever quoted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from lab.fleet import Fleet
from lab.scenario import Scenario, load_scenario
from nornir_tasks.models import to_jsonable
from nornir_tasks.models.findings import Finding, Severity
from nornir_tasks.playbooks.runner import PlaybookRun
from tests.checks.test_lab_faults_live import health, shown

pytestmark = pytest.mark.lab

HQ, BR01 = "198.51.100.2", "203.0.113.6"
KEY, WRONG_KEY = "Br01-Psk-7x", "Am-Wrong-Psk-9z"
GLOBAL_KEY = f"crypto isakmp key {KEY} address {HQ}\n"
PROFILE = (
    "crypto isakmp profile AM-HQ\n"
    f" match identity address {HQ} 255.255.255.255\n"
    " initiate mode aggressive\n"
)


@dataclass(frozen=True)
class Case:
    """How BR01 asks for aggressive mode, and what HQ does about it."""

    peer_block: bool = False  # key in ``crypto isakmp peer`` (else a profile + global key)
    br01_key: str = KEY
    hq_disables: bool = False
    debug: bool = False

    def scenario(self) -> Scenario:
        scenario = load_scenario("default")
        scenario.faults = []
        scenario.routers = [r for r in scenario.routers if r.name in ("HQ", "BR01")]
        hq, br01 = (next(r for r in scenario.routers if r.name == n) for n in ("HQ", "BR01"))
        assert GLOBAL_KEY in br01.config and "crypto isakmp keepalive" in hq.config
        if self.peer_block:
            block = (
                f"crypto isakmp peer address {HQ}\n"
                f" set aggressive-mode password {self.br01_key}\n"
                f" set aggressive-mode client-endpoint ipv4-address {BR01}\n"
            )
            br01.config = br01.config.replace(GLOBAL_KEY, block)
        else:
            key = GLOBAL_KEY.replace(KEY, self.br01_key)
            br01.config = br01.config.replace(GLOBAL_KEY, key + PROFILE)
            assert " match address VPN-HQ\n" in br01.config
            br01.config = br01.config.replace(
                " match address VPN-HQ\n", " match address VPN-HQ\n set isakmp-profile AM-HQ\n"
            )
        if self.hq_disables:
            hq.config = hq.config.replace(
                "crypto isakmp keepalive",
                "crypto isakmp aggressive-mode disable\ncrypto isakmp keepalive",
                1,
            )
        return scenario


def diagnose_live(case: Case, make: Callable[[Scenario], Fleet], tmp_path: Path) -> PlaybookRun:
    fleet = make(case.scenario())
    if case.debug:  # the debug adds the lines that tell the causes apart (and a trap: duplicates)

        def on() -> None:
            for name in ("HQ", "BR01"):
                fleet.device(name).debugs.update({"isakmp", "ipsec"})

        fleet.call(on)
    fleet.advance(75)  # AM1 + 5 retransmits 10 s apart, then a new attempt
    run = health(fleet, tmp_path)
    assert_no_key_quoted(run)
    return run


def assert_no_key_quoted(run: PlaybookRun) -> None:
    text = json.dumps(to_jsonable(run.report.findings))
    for key in (KEY, WRONG_KEY):
        assert key not in text


def about_the_tunnel(findings: tuple[Finding, ...]) -> list[Finding]:
    ends = {("HQ", BR01), ("BR01", HQ)}
    return [f for f in findings if (f.host, f.peer) in ends]


def above_info(findings: tuple[Finding, ...]) -> list[tuple[str, str, str | None, str]]:
    return shown(tuple(f for f in findings if f.severity > Severity.INFO))


@pytest.mark.parametrize("peer_block", [False, True], ids=["profile", "isakmp-peer-password"])
def test_healthy_aggressive_pair_is_up_with_nothing_above_info(
    peer_block: bool, fleet_factory: Callable[[Scenario], Fleet], tmp_path: Path
) -> None:
    run = diagnose_live(Case(peer_block=peer_block), fleet_factory, tmp_path)
    by_host = {h.host: h for h in run.report.hosts}
    assert (by_host["BR01"].tunnels_up, by_host["BR01"].tunnels_total) == (1, 1)
    assert by_host["HQ"].tunnels_up == 1
    # No false IKE_P1_PSK_MISSING: the aggressive-mode password is BR01's key for HQ.
    assert above_info(run.report.findings) == []


def test_key_mismatch_is_named_on_the_initiator_as_aggressive_mode(
    fleet_factory: Callable[[Scenario], Fleet], tmp_path: Path
) -> None:
    run = diagnose_live(Case(br01_key=WRONG_KEY, debug=True), fleet_factory, tmp_path)
    findings = run.report.findings
    assert above_info(findings) == [("BR01", "IKE_P1_PSK_MISMATCH", HQ, "critical")]
    (mismatch,) = [f for f in findings if f.code == "IKE_P1_PSK_MISMATCH"]
    assert "aggressive mode" in mismatch.summary and "AM2" in mismatch.cause
    quoted = "\n".join(mismatch.evidence)
    assert f"{HQ}    {BR01}     AG_INIT_EXCH" in quoted  # BR01's row
    assert f"HQ: {HQ}    {BR01}     AG_INIT_EXCH" in quoted  # and HQ's, waiting for AM3
    assert f"Hash payload verification failed with peer {HQ}" in quoted
    assert f"Processing of Aggressive mode failed with peer at {HQ}" in quoted
    # Neither a policy mismatch (AM2 came back) nor a return path (HQ's duplicates are AM1
    # resent after BR01 rejected AM2); HQ points at BR01.
    assert {(f.host, f.code) for f in about_the_tunnel(findings)} == {
        ("BR01", "IKE_P1_PSK_MISMATCH"),
        ("HQ", "EXPLAINED_AT_PEER"),
    }


def test_responder_refusing_aggressive_mode_is_named_on_the_responder(
    fleet_factory: Callable[[Scenario], Fleet], tmp_path: Path
) -> None:
    run = diagnose_live(Case(hq_disables=True), fleet_factory, tmp_path)
    findings = run.report.findings
    assert above_info(findings) == [("HQ", "IKE_P1_AGGRESSIVE_REFUSED", BR01, "critical")]
    (refused,) = [f for f in findings if f.code == "IKE_P1_AGGRESSIVE_REFUSED"]
    assert "crypto isakmp aggressive-mode disable" in refused.evidence
    assert any("%CRYPTO-5-IKMP_AG_MODE_DISABLED" in line for line in refused.evidence)
    assert f"BR01: {HQ}    {BR01}     AG_NO_STATE          0 ACTIVE" in refused.evidence
    assert "crypto isakmp aggressive-mode disable" in refused.cause
    # BR01 only waits in AG_NO_STATE: no IKE_P1_NO_RESPONSE, a pointer to HQ instead.
    notes = [f for f in about_the_tunnel(findings) if f.host == "BR01"]
    assert [(f.code, f.severity) for f in notes] == [("EXPLAINED_AT_PEER", Severity.INFO)]
    assert {h.host: h.tunnels_up for h in run.report.hosts}["BR01"] == 0
