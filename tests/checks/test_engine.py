"""The engine itself: the register, evidence keys and polls, peer attribution, ordering."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from nornir_tasks.checks import (
    FleetEvidence,
    canonical,
    check,
    diagnose,
    host_evidence,
    registered_checks,
    registry,
)
from nornir_tasks.checks.evidence import HostEvidence
from nornir_tasks.checks.ike import Role
from nornir_tasks.models.collection import CommandOutput
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.models.logs import LogStream
from tests.checks.support import fleet, ipsec_flow, isakmp_table

REQUIRED = {
    "IKE_P1_NO_RESPONSE", "IKE_P1_RETURN_PATH", "IKE_P1_POLICY_MISMATCH", "IKE_P1_PSK_MISMATCH",
    "IKE_P1_PSK_MISSING", "IKE_P2_PROPOSAL_MISMATCH", "IKE_P2_PROXY_MISMATCH",
    "IPSEC_P2_NOT_ESTABLISHED", "IPSEC_NO_RETURN_TRAFFIC", "IPSEC_NOT_ENCRYPTING",
    "IPSEC_INVALID_SPI", "IPSEC_REPLAY_DROPS", "IKE_NO_SA", "CRYPTO_MAP_NOT_APPLIED",
    "CRYPTO_MAP_INCOMPLETE", "NO_INTERESTING_TRAFFIC", "IKE_WEAK_CRYPTO", "IKE_NO_DPD",
    "TUNNEL_FLAPPING", "TRACK_DOWN", "SLA_NOT_SCHEDULED", "SLA_PROBE_NOT_PINNED",
    "FAILOVER_PEER_REJECTS_BACKUP",
}  # fmt: skip


@pytest.fixture()
def scratch_register(monkeypatch: pytest.MonkeyPatch) -> None:
    """Checks registered by a test disappear after it (every rule module's are there first:
    one imported during the test would register into the copy and be lost after it)."""
    registry.load_all()
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))


def test_every_issue_code_has_a_registered_check() -> None:
    assert {c.code for c in registered_checks()} >= REQUIRED


@pytest.mark.usefixtures("scratch_register")
def test_a_code_registers_once() -> None:
    with pytest.raises(ValueError, match="already registered"):
        check("IKE_P1_NO_RESPONSE", needs=("show crypto isakmp sa",))(lambda h, f: iter(()))


def test_a_check_needs_commands() -> None:
    with pytest.raises(ValueError, match="needs at least one"):
        check("TEST_NO_NEEDS", needs=())


def test_every_code_is_documented() -> None:
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "findings.md").read_text()
    assert not [c.code for c in registered_checks() if f"### `{c.code}`" not in doc]


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("sh cry isa sa", "show crypto isakmp sa"),
        ("show crypto ipsec sa peer 10.1.1.1 detail", "show crypto ipsec sa peer 10.1.1.1 detail"),
        ("sh ip ro 10.4.0.1", "show ip route 10.4.0.1"),
        ("show logging | include CRYPTO", "show logging"),
        ("debug crypto isakmp", "debug crypto isakmp"),
        ("show running-config | section crypto", "show running-config"),
    ],
)
def test_canonical_command_keys(typed: str, key: str) -> None:
    assert canonical(typed) == key


def test_same_command_twice_is_two_polls_and_logs_merge() -> None:
    a = ipsec_flow("10.0.0.1", "10.0.0.2", "1.1.1.0/255.255.255.0", "2.2.2.0/255.255.255.0", 10, 10)
    b = ipsec_flow("10.0.0.1", "10.0.0.2", "1.1.1.0/255.255.255.0", "2.2.2.0/255.255.255.0", 20, 20)
    host = host_evidence(
        "R1",
        [
            CommandOutput("show crypto ipsec sa", a),
            CommandOutput("show logging", "*Nov 18 11:00:00.000: %SYS-5-CONFIG_I: Configured\n"),
            CommandOutput("sh cry ipsec sa", b),
            CommandOutput(
                "debug crypto isakmp", "ISAKMP:(0):found peer pre-shared key matching 10.0.0.2\n"
            ),
            CommandOutput("show crypto nonsense", "x"),
        ],
        interval_s=10,
    )
    (t,) = host.traffic
    assert (t.encaps.total, t.encaps.delta, t.by_delta) == (20, 10, True)
    assert set(host.outputs) == {"show crypto ipsec sa", "show logging", "debug crypto isakmp"}
    assert host.addresses == {"10.0.0.1"}
    assert len(host.problems) == 1 and "show crypto nonsense" in host.problems[0]
    assert sum(len(s.events) for s in host.models(LogStream)) == 2


def test_lines_without_an_address_are_attributed_to_their_exchange() -> None:
    log = (
        '*Nov 18 11:07:40.257: ISAKMP: (1003):deleting SA reason "Death by retransmission P1" state (R) MM_KEY_EXCH (peer 203.0.113.14)\n'
        "*Nov 18 11:07:40.257: ISAKMP: (0):retransmitting phase 1 MM_SA_SETUP...\n"
        '*Nov 18 11:07:40.257: ISAKMP: (0):deleting SA reason "Death by retransmission P1" state (R) MM_SA_SETUP (peer 203.0.113.30)\n'
        "*Nov 18 11:07:40.258: ISAKMP: (1008):received packet from 203.0.113.38 dport 500 sport 500 Global (R) QM_IDLE\n"
        "*Nov 18 11:07:40.259: IPSEC(validate_transform_proposal): proxy identities not supported\n"
        "*Nov 18 11:07:40.259: ISAKMP-ERROR: (1008):IPSec policy invalidated proposal with error 32\n"
    )
    host = host_evidence("HQ", [CommandOutput("show logging", log)])
    assert [e.peer for e in host.events] == [
        "203.0.113.14", "203.0.113.30", "203.0.113.30", "203.0.113.38", "203.0.113.38", "203.0.113.38",
    ]  # fmt: skip


def test_ike_roles_from_own_addresses_or_the_common_end() -> None:
    hub = host_evidence("HQ", [CommandOutput("show crypto isakmp sa", isakmp_table(
        ("198.51.100.2", "203.0.113.6", "QM_IDLE", 1001, "ACTIVE"),
        ("198.51.100.2", "203.0.113.30", "MM_SA_SETUP", 0, "ACTIVE"),
    ))])  # fmt: skip
    assert [(r.peer, r.role) for r in hub.ike] == [
        ("203.0.113.6", Role.RESPONDER),
        ("203.0.113.30", Role.RESPONDER),
    ]


def test_findings_are_sorted_by_severity_then_host() -> None:
    assert sorted([Severity.INFO, Severity.CRITICAL, Severity.WARNING]) == [
        Severity.INFO, Severity.WARNING, Severity.CRITICAL,
    ]  # fmt: skip
    weak = "hostname A\ncrypto isakmp policy 10\n encr 3des\nend\n"
    broken = "hostname B\ncrypto map VPN 10 ipsec-isakmp\n set peer 10.9.9.9\nend\n"
    found = diagnose(fleet(("B", broken), ("A", weak)))
    keys = [(-f.severity.rank, f.host, f.code) for f in found]
    assert keys == sorted(keys) and found[0].severity is Severity.CRITICAL and found[-1].host == "B"


def test_select_by_code_or_glob() -> None:
    text = "hostname A\ncrypto isakmp policy 10\n encr 3des\nend\n"
    assert {f.code for f in diagnose(fleet(("A", text)), ("IKE_WEAK*",))} == {"IKE_WEAK_CRYPTO"}
    assert {f.code for f in diagnose(fleet(("A", text)), ("ike_no_dpd",))} == {"IKE_NO_DPD"}


@pytest.mark.usefixtures("scratch_register")
def test_checks_are_skipped_without_their_commands() -> None:
    calls: list[str] = []

    @check("TEST_ONLY_WITH_TRACK", needs=("show track",))
    def only_track(host: HostEvidence, fleet_: FleetEvidence) -> Iterator[Finding]:
        calls.append(host.host)
        return iter(())

    diagnose(fleet(("A", "hostname A\nend\n")), ("TEST_ONLY_WITH_TRACK",))
    assert calls == []


@pytest.mark.usefixtures("scratch_register")
def test_a_check_yielding_another_code_is_a_bug() -> None:
    @check("TEST_WRONG_CODE", needs=("show running-config",))
    def wrong(host: HostEvidence, fleet_: FleetEvidence) -> Iterator[Finding]:
        yield Finding(
            "OTHER", Severity.INFO, host.host, None, "", "", (), (), Step.CONFIG, Source.CONFIG
        )

    with pytest.raises(ValueError, match="yielded a OTHER finding"):
        diagnose(fleet(("A", "hostname A\nend\n")), ("TEST_WRONG_CODE",))


def test_engine_and_splitter_import_no_device_io_or_terminal_code() -> None:
    code = (
        "import sys, nornir_tasks.checks, nornir_tasks.diagnose\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('nornir', 'netmiko', 'napalm', 'paramiko', 'asyncssh', 'rich', 'lab', 'click')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_evidence_from_a_live_collection_keeps_only_good_outputs() -> None:
    from nornir_tasks.checks import from_collection
    from nornir_tasks.models.collection import (
        CommandOutput,
        HostCollection,
        HostStatus,
        OutputStatus,
    )

    flow = ipsec_flow(
        "203.0.113.10", "203.0.113.1", "10.1.0.0/255.255.255.0", "10.0.0.0/255.255.255.0", 8, 0
    )
    before = ipsec_flow(
        "203.0.113.10", "203.0.113.1", "10.1.0.0/255.255.255.0", "10.0.0.0/255.255.255.0", 4, 0
    )
    now = HostCollection("BR01", HostStatus.PARTIAL, (
        CommandOutput("show crypto ipsec sa", flow, OutputStatus.OK),
        CommandOutput("show crypto isakmp sa", "IPv4 Crypto ISAKMP SA\ndst", OutputStatus.INCOMPLETE),
    ))  # fmt: skip
    earlier = HostCollection(
        "BR01", HostStatus.OK, (CommandOutput("show crypto ipsec sa", before, OutputStatus.OK),)
    )
    host = from_collection(now, earlier, interval_s=10)
    assert set(host.outputs) == {"show crypto ipsec sa"} and host.interval_s == 10
    (f,) = diagnose(FleetEvidence((host,)))
    assert f.code == "IPSEC_NO_RETURN_TRAFFIC" and "over 10 s between two polls" in f.cause
