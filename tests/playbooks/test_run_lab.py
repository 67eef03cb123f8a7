"""The five shipped playbooks run against the lab fleet over SSH, and what the CLI makes of them.

The default scenario's faults must be named on the right routers, the healthy tunnels get
nothing above info, every report format reads back, saved evidence re-diagnoses to the same
findings, and the exit codes tell the truth.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from lab.fleet import Fleet
from lab.inventory import write_inventory
from lab.network import Fault, FaultKind
from lab.scenario import load_scenario
from nornir_tasks.checks import registered_codes
from nornir_tasks.cli.main import main
from nornir_tasks.models.findings import Finding, Severity
from nornir_tasks.models.report import CheckOutcome
from nornir_tasks.playbooks.loader import load_playbook, parse_playbook
from nornir_tasks.playbooks.runner import PlaybookRun, RunOptions, run_playbook
from nornir_tasks.reports.schema import validate
from nornir_tasks.saved_evidence import save_evidence
from nornir_tasks.tasks.hosts import open_inventory
from tests.smtp.servers import LoopbackController, RelayHandler

pytestmark = pytest.mark.lab

HQ = "198.51.100.2"


def wan(n: int) -> str:
    return f"203.0.113.{4 * n + 2}"


def run(settled: tuple[Fleet, Path], name: str, **options: object) -> PlaybookRun:
    fleet, config = settled
    playbook = load_playbook(name, registered_codes())
    nr = open_inventory(config)
    try:
        options = {"sleep": fleet.advance, "clock": fleet.clock.now, **options}
        return run_playbook(nr, playbook, RunOptions(**options))  # type: ignore[arg-type]
    finally:
        nr.close_connections()


@pytest.fixture(scope="module")
def health(settled: tuple[Fleet, Path]) -> PlaybookRun:
    return run(settled, "health_check")


def named(findings: tuple[Finding, ...], spoke: int, code: str) -> list[str]:
    """The ends of HQ <-> BR<spoke> that carry a finding ``code`` about this tunnel."""
    ends = {(f"BR{spoke:02d}", HQ), ("HQ", wan(spoke))}
    return sorted(f.host for f in findings if f.code == code and (f.host, f.peer) in ends)


# (spoke, code, the ends allowed to name it): one end names it, or both do.
EXPECTED = [
    (2, "IPSEC_REPLAY_DROPS", {"BR02"}),
    (3, "IKE_P1_PSK_MISMATCH", {"BR03", "HQ"}),
    (4, "IPSEC_NOT_ENCRYPTING", {"HQ"}),
    (5, "IKE_P2_PROPOSAL_MISMATCH", {"BR05", "HQ"}),
    (6, "IPSEC_INVALID_SPI", {"HQ"}),
    (7, "IKE_P1_RETURN_PATH", {"HQ"}),
    (8, "IPSEC_NO_RETURN_TRAFFIC", {"BR08"}),
    (9, "IKE_P2_PROXY_MISMATCH", {"BR09", "HQ"}),
    (11, "CRYPTO_MAP_NOT_APPLIED", {"BR11"}),
    (12, "FAILOVER_PEER_REJECTS_BACKUP", {"BR12"}),
]


@pytest.mark.parametrize(
    ("spoke", "code", "ends"), EXPECTED, ids=[f"BR{n:02d}-{c}" for n, c, _ in EXPECTED]
)
def test_health_check_names_each_fault(
    health: PlaybookRun, spoke: int, code: str, ends: set[str]
) -> None:
    hosts = named(health.report.findings, spoke, code)
    assert hosts and set(hosts) <= ends, [(f.host, f.code, f.peer) for f in health.report.findings]
    serious = [f for f in health.report.findings if f.code == code and f.host in hosts]
    assert all(f.evidence and f.next_steps for f in serious)


def test_health_check_leaves_healthy_tunnels_alone(health: PlaybookRun) -> None:
    by_host = {h.host: h for h in health.report.hosts}
    for name in ("BR01", "BR10"):
        host = by_host[name]
        assert host.worst_severity() in (None, Severity.INFO), host.findings
        assert (host.tunnels_up, host.tunnels_total) == (1, 1)
        assert not host.failed_checks()
    assert by_host["BR07"].tunnels_up == 0  # the return-path victim is down, explained on HQ
    assert all(h.reached for h in health.report.hosts)


def test_health_check_reads_counters_over_two_polls(health: PlaybookRun) -> None:
    hq = health.fleet.host("HQ")
    assert hq is not None and hq.previous is not None and hq.interval_s == 10
    not_encrypting = next(f for f in health.report.findings if f.code == "IPSEC_NOT_ENCRYPTING")
    assert "Routing entry for 10.4.0.0/24" in not_encrypting.evidence  # the follow-up lookup


def test_health_check_asks_each_router_what_it_runs(health: PlaybookRun) -> None:
    """The default fleet is IKEv1 crypto maps only: no router is asked an IKEv2 command."""
    read = {c.host: [o.command for o in c.outputs] for c in health.collections}
    for host, commands in read.items():
        assert not [c for c in commands if "ikev2" in c], host
    assert {"show crypto isakmp sa", "show crypto map", "show crypto session"} <= set(read["HQ"])
    assert read["BR01"][0] == "show running-config"  # what it runs is read first


def test_audit_reads_config_only(settled: tuple[Fleet, Path]) -> None:
    report = run(settled, "audit").report
    codes = {(f.host, f.code) for f in report.findings}
    assert ("BR05", "IKE_P2_PROPOSAL_MISMATCH") in codes
    assert ("BR12", "FAILOVER_PEER_REJECTS_BACKUP") in codes
    assert not any(c.startswith("IPSEC_") for _, c in codes)  # not selected by the playbook
    assert report.tunnels_total == 0  # no IPsec table read: tunnel state unknown, not down
    serious = {f.host for f in report.findings if f.severity >= Severity.WARNING}
    assert {h.host for h in report.problem_hosts()} == serious


@pytest.fixture()
def own_lab(host_key: Path, tmp_path: Path) -> Iterator[tuple[Fleet, Path]]:
    """A fleet of its own, for a test that injects faults and moves the clock far."""
    fleet = Fleet(load_scenario("default"))
    fleet.start(key_path=host_key)
    try:
        fleet.advance(90)
        yield fleet, write_inventory(fleet, tmp_path / "own-inv")
    finally:
        fleet.stop()


def test_failover_check_passes_its_assertions_then_fails_them_with_isp1_down(
    own_lab: tuple[Fleet, Path],
) -> None:
    settled = own_lab
    fleet, _ = settled
    report = run(settled, "failover_check").report
    assert [h.host for h in report.hosts] == ["BR12", "HQ"]  # the hub: does it accept ISP2?
    assert report.tunnels_total == 0  # SA tables not collected: tunnel state unknown, not down
    assert [(f.host, f.code) for f in report.findings] == [("BR12", "FAILOVER_PEER_REJECTS_BACKUP")]
    assert not [c for c in report.checks if c.host == "HQ" and not c.name.isupper()]
    checks = {c.name: c for c in report.hosts[0].checks}
    assert checks["track 10 is Up"].outcome is CheckOutcome.PASS
    assert checks["default route via ISP1"].outcome is CheckOutcome.PASS
    assert checks["wait_until: probe reports OK"].outcome is CheckOutcome.PASS

    fleet.add_fault(Fault(FaultKind.ISP_DOWN, router="BR12", interface="GigabitEthernet1"))
    try:
        fleet.advance(60)
        report = run(settled, "failover_check").report
    finally:
        fleet.clear_faults()
        fleet.advance(60)
    checks = {c.name: c for c in report.hosts[0].checks}
    assert checks["track 10 is Up"].outcome is CheckOutcome.FAIL
    assert checks["default route via ISP1"].outcome is CheckOutcome.FAIL
    assert "gave up" in checks["wait_until: probe reports OK"].message
    assert any(f.code == "TRACK_DOWN" for f in report.findings)


# -- the command line -------------------------------------------------------------------------


def test_cli_run_writes_every_report_and_exits_1_on_critical(
    settled: tuple[Fleet, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, config = settled
    out, evidence = tmp_path / "out", tmp_path / "evidence"
    code = main(
        [
            "run",
            "health_check",
            "-i",
            str(config),
            "-o",
            str(out),
            "--save-evidence",
            str(evidence),
            "--poll-interval",
            "0",
            "-q",
        ]
    )
    assert code == 1
    document = json.loads((out / "report.json").read_text())
    validate(document)
    codes = {(f["host"], f["code"]) for f in document["findings"]}
    assert ("HQ", "IKE_P1_RETURN_PATH") in codes
    suites = ET.parse(out / "report.junit.xml").getroot()
    failures = [tc for tc in suites.iter("testcase") if tc.find("failure") is not None]
    assert any(tc.get("name") == "IKE_P1_RETURN_PATH" for tc in failures)
    html = (out / "report.html").read_text()
    assert "IKE_P1_RETURN_PATH" in html and "<svg" in html
    assert "Psk-7x" not in "".join(p.read_text() for p in evidence.rglob("*.txt"))

    # the saved evidence re-diagnoses to the same findings, without the devices
    capsys.readouterr()
    assert main(["diagnose", str(evidence), "--format", "json"]) == 1
    again = {(f["host"], f["code"]) for f in json.loads(capsys.readouterr().out)["findings"]}
    serious = {(f["host"], f["code"]) for f in document["findings"] if f["severity"] != "info"}
    assert serious <= again


def test_cli_exit_codes(
    settled: tuple[Fleet, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_inventory(settled[0], tmp_path / "inv")
    assert (
        main(["health", "-i", str(config), "--hosts", "BR01,BR10", "-q", "--poll-interval", "0"])
        == 0
    )
    assert main(["health", "-i", str(config), "--hosts", "BR11", "-q", "--poll-interval", "0"]) == 1
    assert (
        main(
            [
                "health",
                "-i",
                str(config),
                "--hosts",
                "BR11",
                "--fail-on",
                "critical",
                "--groups",
                "nonexistent",
                "-q",
                "--poll-interval",
                "0",
            ]
        )
        == 3
    )  # the selection matches nobody
    assert main(["run", str(tmp_path / "missing.yaml"), "-i", str(config)]) == 3
    triage = ["triage", "-i", str(config), "--no-debug", "-q", "--poll-interval", "0"]
    capsys.readouterr()
    assert main([*triage[:1], "BR11", *triage[1:-3], "--poll-interval", "0"]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("VERDICT: BR11 → 198.51.100.2: CRITICAL CRYPTO_MAP_NOT_APPLIED")
    assert main([*triage[:1], "BR10", *triage[1:]]) == 0
    assert main([*triage[:1], "NOPE", *triage[1:]]) == 3
    assert main([*triage[:1], "HQ", *triage[1:]]) == 3  # a hub: which tunnel?
    assert "Give --peer ADDRESS" in capsys.readouterr().err
    assert main([*triage[:1], "HQ", "--peer", wan(10), *triage[1:]]) == 0  # BR10, healthy
    hosts = yaml.safe_load((config.parent / "hosts.yaml").read_text())
    hosts["BR01"]["password"] = "wrong"
    (config.parent / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    assert (
        main(["health", "-i", str(config), "--hosts", "BR01,BR10", "-q", "--poll-interval", "0"])
        == 2
    )


def test_triage_debugs_both_ends_and_leaves_no_debug_running(
    settled: tuple[Fleet, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fleet, config = settled
    playbook = load_playbook("tunnel_triage", registered_codes())
    playbook = playbook.model_copy(
        update={"hosts": playbook.hosts.model_copy(update={"names": ["BR07", "HQ"]})}
    )
    nr = open_inventory(config)
    try:
        result = run_playbook(
            nr,
            playbook,
            RunOptions(
                sleep=fleet.advance,
                clock=fleet.clock.now,
                focus=frozenset({HQ, wan(7)}),
                debug_always=True,
                debug_seconds=25,
            ),
        )
    finally:
        nr.close_connections()
    assert {c.host for c in result.debug} == {"BR07", "HQ"}
    assert all(c.cleanup_verified for c in result.debug)
    assert not fleet.device("HQ").debugs and not fleet.device("BR07").debugs
    (finding,) = [f for f in result.report.findings if f.code == "IKE_P1_RETURN_PATH"]
    assert any("duplicate of a previous packet" in line for line in finding.evidence)
    # focus: HQ's other spokes are not in a triage of BR07
    assert {f.peer for f in result.report.findings} <= {HQ, wan(7), None}

    # the saved evidence carries the debug: re-diagnosed offline, the same verdict, same proof
    evidence = tmp_path / "evidence"
    save_evidence(result.collections, evidence, result.debug)
    assert (
        (evidence / "HQ" / "debug_crypto_isakmp.txt")
        .read_text()
        .startswith("HQ#debug crypto isakmp\n")
    )
    capsys.readouterr()
    assert main(["diagnose", str(evidence), "--format", "json"]) == 1
    again = json.loads(capsys.readouterr().out)["findings"]
    (offline,) = [f for f in again if f["code"] == "IKE_P1_RETURN_PATH"]
    assert any("duplicate of a previous packet" in line for line in offline["evidence"])


def test_smtp_relay_check_from_the_tool_and_the_router(
    settled: tuple[Fleet, Path], tmp_path: Path
) -> None:
    relay = LoopbackController(RelayHandler(allow_relay=True))
    relay.start()
    try:
        text = (Path("playbooks") / "smtp_relay_check.yaml").read_text()
        data = yaml.safe_load(text)
        data["smtp"]["relays"] = [{"host": "127.0.0.1", "port": relay.port}]
        playbook = parse_playbook(yaml.safe_dump(data), "smtp.yaml", registered_codes())
        fleet, config = settled
        nr = open_inventory(config)
        try:
            report = run_playbook(
                nr, playbook, RunOptions(sleep=fleet.advance, clock=fleet.clock.now)
            ).report
        finally:
            nr.close_connections()
    finally:
        relay.stop()
    open_relay = {(f.host, f.code) for f in report.findings if f.severity is Severity.CRITICAL}
    assert open_relay == {("tool", "SMTP_OPEN_RELAY"), ("BR12", "SMTP_OPEN_RELAY")}
    smtp_checks = [c for c in report.checks if c.name.startswith("smtp ")]
    assert {(c.host, c.outcome) for c in smtp_checks} == {
        ("tool", CheckOutcome.FAIL),
        ("BR12", CheckOutcome.FAIL),
    }


def test_the_symptom_end_points_to_the_cause(health: PlaybookRun) -> None:
    """BR07 only waits for MSG2; its row says where the cause is instead of looking clean."""
    (note,) = [f for f in health.report.findings if f.host == "BR07"]
    assert (note.code, note.severity, note.peer) == ("EXPLAINED_AT_PEER", Severity.INFO, HQ)
    assert "HQ: IKE_P1_RETURN_PATH" in note.evidence[0]
    assert note.next_steps == (f"vpndiag triage BR07 --peer {HQ}",)
    assert not [f for f in health.report.findings if f.host == "BR01"]  # healthy: no note


def test_cpu_threshold_flags_a_busy_router(settled: tuple[Fleet, Path]) -> None:
    fleet, _ = settled
    hq = fleet.device("HQ")
    fleet.call(lambda: setattr(hq, "cpu", (97, 91, 60)))
    try:
        report = run(settled, "health_check", poll_interval=0).report
    finally:
        fleet.call(lambda: setattr(hq, "cpu", None))
    (busy,) = [f for f in report.findings if f.code == "CPU_HIGH"]
    assert (busy.host, busy.severity) == ("HQ", Severity.WARNING)
    assert "91%" in busy.summary and "limit 80%" in busy.summary
    assert busy.evidence and "CPU utilization for five seconds: 97%" in busy.evidence[0]
