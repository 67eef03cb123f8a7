"""A realistic run report, built by hand: the canonical return-path case, a PSK mismatch whose
evidence quotes configuration lines holding keys, an unreachable host and a healthy one.
"""

from __future__ import annotations

from nornir_tasks.models.collection import HostStatus
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.models.report import (
    CheckOutcome,
    CheckResult,
    HostReport,
    RunReport,
    TunnelPoint,
    TunnelStatus,
    check_results,
)

CODES = ("IKE_P1_RETURN_PATH", "IKE_P1_PSK_MISMATCH", "IPSEC_NO_RETURN_TRAFFIC", "IKE_NO_DPD")
# Secrets quoted in evidence: none may reach any report.
SECRETS = ("Sup3rS3cret", "KeyringS3cret", "QuotedS3cret", "PromptS3cret")
LONG_LINE = (
    "hub1: *Jul  1 06:00:02.123: ISAKMP:(1001): phase 1 packet is a duplicate of a previous "
    "packet. retransmitting phase 1 MM_SA_SETUP..."
)

RETURN_PATH = Finding(
    code="IKE_P1_RETURN_PATH",
    severity=Severity.CRITICAL,
    host="spoke1",
    peer="203.0.113.1",
    summary="Phase 1 stuck: hub1 answers but its replies never reach spoke1",
    cause=(
        "spoke1 stays in MM_NO_STATE while hub1 is in MM_SA_SETUP and sees duplicate first "
        "packets: MM2 is lost on the hub1 -> spoke1 path (routing, NAT or a filter)."
    ),
    evidence=(
        "203.0.113.1     198.51.100.2    MM_NO_STATE          0 ACTIVE",
        "hub1: 203.0.113.1     198.51.100.2    MM_SA_SETUP       1001 ACTIVE",
        LONG_LINE,
        "hub1: % Network not in table",
    ),
    next_steps=(
        "hub1# show ip route 198.51.100.2",
        "hub1# show ip cef exact-route 203.0.113.1 198.51.100.2",
        "spoke1# show access-lists (UDP 500/4500 inbound on the outside)",
    ),
    step=Step.IKE_PHASE1,
    source=Source.STATE,
)

PSK_MISMATCH = Finding(
    code="IKE_P1_PSK_MISMATCH",
    severity=Severity.CRITICAL,
    host="spoke2",
    peer="203.0.113.1",
    summary="Pre-shared keys differ between spoke2 and hub1 <both ends> [check]",
    cause="MM5 fails to decrypt: the keys configured for each other's address are not equal.",
    evidence=(
        "%CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from 203.0.113.1 failed its sanity check "
        "or is malformed",
        "crypto isakmp key Sup3rS3cret address 203.0.113.1",
        "hub1:  pre-shared-key address 198.51.100.3 key KeyringS3cret",
        '"crypto isakmp key 0 QuotedS3cret address 203.0.113.1"',
        "spoke2(config)#crypto isakmp key PromptS3cret address 203.0.113.1",
        "<script>alert(1)</script> & [bold]not markup[/bold] `tick` ```fence",
    ),
    next_steps=(
        "spoke2# show running-config | include crypto isakmp key",
        "hub1# show running-config | section crypto keyring",
    ),
    step=Step.IKE_PHASE1,
    source=Source.LOG,
)

NO_DPD = Finding(
    code="IKE_NO_DPD",
    severity=Severity.INFO,
    host="spoke1",
    peer=None,
    summary="No dead peer detection: a stale SA can black-hole traffic after a failback",
    cause="crypto isakmp keepalive is not configured.",
    evidence=(),
    next_steps=("crypto isakmp keepalive 10 3 periodic",),
    step=Step.CONFIG,
    source=Source.CONFIG,
)

QM_IDLE = CheckResult(
    "tunnel 203.0.113.1 QM_IDLE", "spoke1", CheckOutcome.FAIL, "state is MM_NO_STATE"
)
TRACK_SKIPPED = CheckResult("TRACK_DOWN", "hub1", CheckOutcome.SKIP, "no failover configured")


def _checks(host: str, findings: tuple[Finding, ...]) -> tuple[CheckResult, ...]:
    return check_results(host, CODES, findings)


def fleet_report() -> RunReport:
    spoke1 = (RETURN_PATH, NO_DPD)
    spoke2 = (PSK_MISMATCH,)
    unreached = tuple(
        CheckResult(code, "spoke3", CheckOutcome.ERROR, "not collected") for code in CODES
    )
    hosts = (
        HostReport("hub1", HostStatus.OK, None, 1, 3, (), (*_checks("hub1", ()), TRACK_SKIPPED), 1),
        HostReport(
            "spoke1", HostStatus.OK, None, 0, 1, spoke1, (*_checks("spoke1", spoke1), QM_IDLE), 1
        ),
        HostReport("spoke2", HostStatus.PARTIAL, None, 0, 1, spoke2, _checks("spoke2", spoke2)),
        HostReport(
            "spoke3",
            HostStatus.UNREACHABLE,
            "TCP connection to 127.0.0.1:2203 refused",
            0,
            0,
            (),
            unreached,
        ),
        HostReport("spoke4", HostStatus.OK, None, 1, 1, (), _checks("spoke4", ())),
    )
    history = (
        TunnelPoint("hub1", "198.51.100.2", TunnelStatus.UP, "2026-07-01T05:00:00Z"),
        TunnelPoint("hub1", "198.51.100.2", TunnelStatus.UP, "2026-07-01T05:30:00Z"),
        TunnelPoint("hub1", "198.51.100.2", TunnelStatus.NEGOTIATING, "2026-07-01T06:00:00Z"),
        TunnelPoint("hub1", "198.51.100.4", TunnelStatus.UP, "2026-07-01T05:00:00Z"),
        TunnelPoint("hub1", "198.51.100.4", TunnelStatus.UP, "2026-07-01T06:00:00Z"),
        TunnelPoint("spoke2", "203.0.113.1", TunnelStatus.UP, "2026-07-01T05:00:00Z"),
        TunnelPoint("spoke2", "203.0.113.1", TunnelStatus.DOWN, "2026-07-01T05:30:00Z"),
    )
    return RunReport(
        title="Fleet health check",
        playbook="health_check",
        started="2026-07-01T06:00:00Z",
        duration_s=12.34,
        tool_version="0.1.0",
        hosts=hosts,
        history=history,
    )


def healthy_report() -> RunReport:
    host = HostReport("hub1", HostStatus.OK, None, 2, 2, (), _checks("hub1", ()))
    return RunReport("Nightly", None, "2026-07-01T02:00:00Z", 3.0, "0.1.0", (host,))
