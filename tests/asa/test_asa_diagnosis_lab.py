"""The ASA scenario over real SSH: each ASA fault is named on the ASA that has it, the healthy
ASA gets nothing above info, triage traces a packet on the ASA, and an ASA debug is bounded
and cleaned up like an IOS one. One fleet for the module (lab/scenarios/asa.yaml)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lab.faults import Fault, FaultKind
from lab.fleet import Fleet
from nornir_tasks.checks import registered_codes
from nornir_tasks.cli import exit_codes
from nornir_tasks.cli.main import main
from nornir_tasks.ledger import DEBUG, Ledger
from nornir_tasks.models.collection import HostStatus
from nornir_tasks.models.debug import DebugCapture
from nornir_tasks.models.findings import Severity, Source
from nornir_tasks.models.tunnel_status import TunnelKind, TunnelStatus
from nornir_tasks.playbooks.loader import load_playbook
from nornir_tasks.playbooks.runner import RunOptions, run_playbook
from nornir_tasks.tasks.debug import capture_debug
from nornir_tasks.tasks.debug_dialect import asa_is_clean
from nornir_tasks.tasks.hosts import open_inventory
from tests.history.lab_runs import record, report_json, tunnels
from tests.lab.labcli import nornir_for, one
from tests.lab_fleet import settled

pytestmark = pytest.mark.lab

# Each faulty ASA and the code that names its lab_note's cause (critical, on that ASA).
CAUSES = {
    "ASA2": "ASA_NAT_NOT_EXEMPT",
    "ASA3": "IKE_P1_PSK_MISSING",
    "ASA4": "ASA_IKE_NOT_ENABLED",
    "ASA5": "CRYPTO_MAP_NOT_APPLIED",
    "ASA6": "IKE_P2_PROPOSAL_MISMATCH",
    "ASA7": "IKE_P2_PROXY_MISMATCH",
    "ASA9": "IKEV2_AUTH_FAILED",  # IKEv2: the ASA's 750003 lines, no counters on an ASA
    "ASA10": "IKEV2_PROPOSAL_MISMATCH",  # IKEv2: both ends' proposals, no log line at all
}


@pytest.fixture(scope="module")
def asa_fleet(
    host_key: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Fleet, Path]]:
    yield from settled("asa", host_key, tmp_path_factory.mktemp("asa-inv"), 90)


def _wan(fleet: Fleet, name: str) -> str:
    return str(next(r for r in fleet.scenario.routers if r.name == name).data["wan_ip"])


def _run(argv: list[str], out: Path) -> tuple[int, dict[str, Any]]:
    code = main([*argv, "--format", "json", "-o", str(out)])
    return code, json.loads(out.read_text())


@pytest.fixture(scope="module")
def health_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("health")


@pytest.fixture(scope="module")
def health(asa_fleet: tuple[Fleet, Path], health_out: Path) -> tuple[int, dict[str, Any]]:
    """One health run over the fleet, read by several tests (its raw outputs in ``ev``)."""
    _, inventory = asa_fleet
    argv = ["health", "-i", str(inventory), "--poll-interval", "0"]
    return _run([*argv, "--save-evidence", str(health_out / "ev")], health_out / "h.json")


def _asked(evidence: Path, host: str) -> set[str]:
    """The commands ``host`` was sent, from the prompt line of each saved output."""
    files = (evidence / host).glob("*.txt")
    return {f.read_text().split("\n", 1)[0].split("#", 1)[1] for f in files if f.stem[0] != "_"}


def _by_host(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {h["host"]: h.get("findings", []) for h in report["hosts"]}


def test_health_names_each_asa_fault_on_its_asa(health: tuple[int, dict[str, Any]]) -> None:
    code, report = health
    assert code == exit_codes.FINDINGS
    assert {h["host"]: h["status"] for h in report["hosts"]} == dict.fromkeys(
        ["AHUB", *(f"ASA{n}" for n in range(1, 11))], "ok"
    )
    found = _by_host(report)
    for asa, cause in CAUSES.items():
        critical = {f["code"] for f in found[asa] if f["severity"] == "critical"}
        assert cause in critical, (asa, found[asa])
    for healthy in ("ASA1", "ASA8"):  # IKEv1 and IKEv2
        assert all(f["severity"] == "info" for f in found[healthy]), found[healthy]
    # The IOS hub is the symptom end of every ASA fault: nothing critical there, and its end of
    # the IKEv2 tunnel points at the ASA (one tunnel, read from both ends).
    assert not [f for f in found["AHUB"] if f["severity"] == "critical"], found["AHUB"]
    pointer = {f["peer"]: f["summary"] for f in found["AHUB"] if f["code"] == "EXPLAINED_AT_PEER"}
    assert pointer["203.0.113.226"] == "the cause is on ASA9: IKEV2_AUTH_FAILED"
    assert pointer["203.0.113.230"] == "the cause is on ASA10: IKEV2_PROPOSAL_MISMATCH"
    (proposals,) = [f for f in found["ASA10"] if f["code"] == "IKEV2_PROPOSAL_MISMATCH"]
    assert "(DH group ASA10 21, AHUB 14)" in proposals["cause"]
    assert {"group 21", "AHUB: group 14"} <= set(proposals["evidence"])


def test_an_asa_is_asked_the_sa_table_of_each_ike_version_it_runs_only(
    health: tuple[int, dict[str, Any]], health_out: Path
) -> None:
    """An IKEv2-only ASA (no 'crypto ikev1 enable') is not asked 'show crypto ikev1 sa', an
    IKEv1-only one not 'show crypto ikev2 sa'; ASA4's IKEv1 is enabled nowhere (its fault), so
    its empty IKEv1 table is not read either and its cause still comes from its
    configuration. No host is partial: nothing in the report is 'unsupported'."""
    _, report = health
    asked = {h: _asked(health_out / "ev", h) for h in ("ASA1", "ASA4", "ASA8", "ASA10", "AHUB")}
    assert "show crypto ikev1 sa" in asked["ASA1"] and "show crypto ikev2 sa" not in asked["ASA1"]
    for ikev2_only in ("ASA8", "ASA10"):
        assert "show crypto ikev2 sa" in asked[ikev2_only]
        assert "show crypto ikev1 sa" not in asked[ikev2_only]
    assert not {"show crypto ikev1 sa", "show crypto ikev2 sa"} & asked["ASA4"]
    assert {"show crypto isakmp sa", "show crypto ikev2 sa"} <= asked["AHUB"]  # both versions
    assert all(h["error"] is None for h in report["hosts"]), report["hosts"]


def test_asa_findings_quote_the_asa_lines(health: tuple[int, dict[str, Any]]) -> None:
    _, report = health
    found = {(f["host"], f["code"]): f for fs in _by_host(report).values() for f in fs}
    assert (
        "crypto map outside_map interface outside"
        in found["ASA4", "ASA_IKE_NOT_ENABLED"]["evidence"]
    )
    assert "tunnel-group HQ type ipsec-l2l" in found["ASA3", "IKE_P1_PSK_MISSING"]["evidence"]
    nat = found["ASA2", "ASA_NAT_NOT_EXEMPT"]["evidence"]
    assert "nat (inside,outside) dynamic interface" in nat
    assert not any("Psk" in line for f in found.values() for line in f["evidence"])


def test_triage_traces_the_tunnel_packet_on_the_asa(
    asa_fleet: tuple[Fleet, Path], tmp_path: Path
) -> None:
    _, inventory = asa_fleet
    argv = ["triage", "ASA2", "-i", str(inventory), "--no-debug", "--poll-interval", "0"]
    code, report = _run(argv, tmp_path / "t.json")
    assert code == exit_codes.FINDINGS
    found = {f["code"]: f for f in _by_host(report)["ASA2"]}
    tracer = found["ASA_PACKET_TRACER"]
    assert tracer["severity"] == "info" and "source translated by NAT" in tracer["summary"]
    assert tracer["next_steps"] == [
        "packet-tracer input inside icmp 10.32.0.2 8 0 10.30.0.1 detailed"
    ]
    assert any(
        line.startswith("Dynamic translate 10.32.0.2/")
        for line in found["ASA_NAT_NOT_EXEMPT"]["evidence"]
    )


def test_asa_conditional_debug_is_bounded_recorded_and_cleaned_up(
    asa_fleet: tuple[Fleet, Path], tmp_path: Path
) -> None:
    fleet, _ = asa_fleet
    hub = _wan(fleet, "AHUB")
    ledger = Ledger(tmp_path / "ledger")
    nr = nornir_for(fleet, tmp_path / "inv", ("ASA6",))
    waits: list[float] = []

    def wait(seconds: float) -> None:
        waits.append(seconds)
        fleet.advance(12)

    result = nr.run(task=capture_debug, peer=hub, seconds=20, wait=wait, ledger=ledger)
    nr.close_connections()
    capture = result["ASA6"][0].result
    assert isinstance(capture, DebugCapture), result["ASA6"][0].exception
    assert waits == [20] and capture.cleanup_verified and capture.error is None
    assert capture.kinds == ("ikev1 127", "ipsec 127")
    record = capture.record()
    assert record is not None and record.conditions == (f"peer {hub}",)
    assert any("[IKEv1" in line and hub in line for line in capture.lines), capture.lines
    assert ledger.get(DEBUG, "ASA6") is None  # verified clean: the entry is closed
    assert asa_is_clean(one(fleet, "ASA6", "show debug"))


def test_triage_debugs_ikev2_on_the_asa_and_names_the_key_mismatch(
    asa_fleet: tuple[Fleet, Path],
) -> None:
    """ASA9 (IKEv2 keys differ from AHUB's): triage debugs IKEv2 on both ends, the ASA in its
    own dialect, and names the cause on the ASA. The debug window passes on the lab clock (a
    retry each way every 10 s), so it costs no wall time."""
    fleet, inventory = asa_fleet
    playbook = load_playbook("tunnel_triage", registered_codes())
    hosts = playbook.hosts.model_copy(update={"names": ["ASA9", "AHUB"]})
    options = RunOptions(
        sleep=fleet.advance,
        clock=fleet.clock.now,
        poll_interval=0,
        focus=frozenset({_wan(fleet, "AHUB"), _wan(fleet, "ASA9")}),
        debug_seconds=25,
        debug_always=True,
    )
    nr = open_inventory(inventory)
    try:
        result = run_playbook(nr, playbook.model_copy(update={"hosts": hosts}), options)
    finally:
        nr.close_connections()
    # every output read whole: the hub's 'show crypto session detail' has the IKEv2 map entries'
    # Capabilities/connid lines (the detail layout), so its parser takes it as complete
    assert {c.host: c.status for c in result.collections} == dict.fromkeys(
        ["ASA9", "AHUB"], HostStatus.OK
    )
    read = {c.host: {o.command for o in c.outputs} for c in result.collections}
    assert "show crypto ikev2 sa" in read["ASA9"] and "show crypto ikev1 sa" not in read["ASA9"]
    assert "show crypto isakmp sa" in read["AHUB"]  # the hub runs both versions
    debugs = {c.host: c for c in result.debug}
    assert "ikev2 protocol 127" in debugs["ASA9"].kinds, debugs
    assert all(c.cleanup_verified for c in debugs.values())
    found = [f for f in result.report.findings if f.host == "ASA9"]
    cause = [f for f in found if f.code == "IKEV2_AUTH_FAILED" and f.source is Source.DEBUG]
    assert cause and cause[0].severity is Severity.CRITICAL, found
    assert any(e.startswith("IKEv2-PROTO-3: (") and e.endswith("): Verify auth failed")
               for e in cause[0].evidence), cause[0].evidence  # fmt: skip
    assert cause[0].peer == _wan(fleet, "AHUB")  # the ASA's lines name no peer: the condition's
    # the ASA's own lines are in its dialect; the hub's (tagged "AHUB: ") in IOS-XE's
    assert all("SESSION ID =" not in e for e in cause[0].evidence if not e.startswith("AHUB: "))


def test_history_records_asa_tunnels_ikev1_and_ikev2_and_drift_names_the_one_down(
    asa_fleet: tuple[Fleet, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Last in the module: two recorded health checks around ASA1's tunnel cleared on a path
    that then drops everything between ASA1 and AHUB. Both ends of each ASA tunnel are in the
    history under the peer address, IKEv1 (MM_ACTIVE / QM_IDLE) and IKEv2 (READY) alike."""
    fleet, inventory = asa_fleet
    db, hosts = tmp_path / "history.db", ["AHUB", "ASA1", "ASA8", "ASA9"]
    hub, asa1, asa8 = (_wan(fleet, n) for n in ("AHUB", "ASA1", "ASA8"))
    before = record(inventory, db, tmp_path / "a", hosts)
    fleet.add_fault(Fault(FaultKind.DROP, src="ASA1", dst="AHUB"))
    fleet.add_fault(Fault(FaultKind.DROP, src="AHUB", dst="ASA1"))
    try:
        one(fleet, "ASA1", "clear crypto ikev1 sa")
        one(fleet, "AHUB", f"clear crypto session remote {asa1}")
        fleet.advance(30)
        after = record(inventory, db, tmp_path / "b", hosts)
    finally:
        fleet.clear_faults()

    first, second = tunnels(db, before), tunnels(db, after)
    seen = {k: (t.kind, t.state, t.phase1) for k, t in first.items()}
    up = TunnelStatus.UP
    assert seen[("ASA1", hub)] == (TunnelKind.CRYPTO_MAP, up, "MM_ACTIVE")
    assert seen[("AHUB", asa1)] == (TunnelKind.CRYPTO_MAP, up, "QM_IDLE")
    assert seen[("ASA8", hub)] == (TunnelKind.CRYPTO_MAP, up, "READY")  # IKEv2 on the ASA
    assert seen[("AHUB", asa8)] == (TunnelKind.CRYPTO_MAP, up, "READY")
    assert seen[("ASA9", hub)][1] is not up  # IKEv2 keys differ: listed, never up
    sites = {_wan(fleet, r.name) for r in fleet.scenario.routers if r.name.startswith("ASA")}
    assert {k[1] for k in first if k[0] == "AHUB"} == sites  # every ASA site's map entry
    assert first.keys() == second.keys()

    capsys.readouterr()
    assert main(["audit", "diff", "--db", str(db)]) == exit_codes.FINDINGS
    out = capsys.readouterr().out
    down = out.split("tunnels down (critical)")[1].split("\n\n")[0]
    assert sorted(line.strip() for line in down.strip().splitlines()) == [
        f"AHUB -> {asa1} (crypto map): up -> {second[('AHUB', asa1)].state}",
        f"ASA1 -> {hub} (crypto map): up -> {second[('ASA1', hub)].state}",
    ]
    history = report_json(tmp_path / "b")["history"]
    assert {(p["host"], p["peer"]) for p in history} == set(first)
