"""The lab's faults, diagnosed from captures of both ends (tests/checks/captures, see capture.py).

Each fault of the lab-protocols issue must be named on the right router with the right code
and cause; the healthy tunnels of the same fleet get nothing above info; and with one end
only, the finding falls back to what that end alone can prove.
"""

from __future__ import annotations

from functools import cache

import pytest

from nornir_tasks.models.findings import Finding, Severity, Source
from tests.checks.support import lab_fleet, run

HQ = "198.51.100.2"


def wan(n: int) -> str:
    return f"203.0.113.{4 * n + 2}"


@cache
def findings(scenario: str, *hosts: str) -> tuple[Finding, ...]:
    return tuple(run(lab_fleet(scenario, *hosts)))


def found(scenario: str, host: str, code: str, peer: str | None, *hosts: str) -> list[Finding]:
    return [
        f
        for f in findings(scenario, *hosts)
        if f.host == host and f.code == code and (peer is None or f.peer == peer)
    ]


# fault, scenario, router, code, peer, words the cause must say
FAULTS = [
    ("1 peer unreachable", "fault1", "BR01", "IKE_P1_NO_RESPONSE", HQ, "never heard back"),
    ("2 return path", "default", "HQ", "IKE_P1_RETURN_PATH", wan(7), "HQ -> BR07"),
    ("3 phase-1 policy", "fault3", "HQ", "IKE_P1_POLICY_MISMATCH", wan(1), "encryption"),
    ("4 PSK mismatch (initiator)", "default", "BR03", "IKE_P1_PSK_MISMATCH", HQ, "keys differ"),
    ("4 PSK mismatch (responder)", "default", "HQ", "IKE_P1_PSK_MISMATCH", wan(3), "keys differ"),
    ("5 no key", "fault5", "BR01", "IKE_P1_PSK_MISSING", HQ, "no pre-shared key"),
    ("6 transform set", "default", "HQ", "IKE_P2_PROPOSAL_MISMATCH", wan(5), "error 256"),
    (
        "6 transform set (initiator)",
        "default",
        "BR05",
        "IKE_P2_PROPOSAL_MISMATCH",
        HQ,
        "transform set",
    ),
    ("7 ACL not mirrored", "default", "HQ", "IKE_P2_PROXY_MISMATCH", wan(9), "error 32"),
    (
        "7 ACL not mirrored (initiator)",
        "default",
        "BR09",
        "IKE_P2_PROXY_MISMATCH",
        HQ,
        "not mirror",
    ),
    ("8 ESP lost one way", "default", "BR08", "IPSEC_NO_RETURN_TRAFFIC", HQ, "ESP lost BR08->HQ"),
    (
        "9 no route back into the tunnel",
        "default",
        "HQ",
        "IPSEC_NOT_ENCRYPTING",
        wan(4),
        "GigabitEthernet2",
    ),
    ("10 SAs out of sync", "default", "HQ", "IPSEC_INVALID_SPI", wan(6), "0x91E74EF5"),
    ("11 anti-replay drops", "default", "BR02", "IPSEC_REPLAY_DROPS", HQ, "anti-replay window"),
    ("12 crypto map not applied", "default", "BR11", "CRYPTO_MAP_NOT_APPLIED", HQ, "no interface"),
    (
        "13 backup ISP unknown to the hub",
        "default",
        "BR12",
        "FAILOVER_PEER_REJECTS_BACKUP",
        HQ,
        "192.0.2.2",
    ),
]


@pytest.mark.parametrize(
    ("scenario", "router", "code", "peer", "words"),
    [f[1:] for f in FAULTS],
    ids=[f[0] for f in FAULTS],
)
def test_fault_is_named_on_the_right_router(
    scenario: str, router: str, code: str, peer: str, words: str
) -> None:
    hits = found(scenario, router, code, peer)
    assert hits, [(f.host, f.code, f.peer) for f in findings(scenario)]
    assert any(words in f.cause or words in f.summary for f in hits), [f.cause for f in hits]
    assert all(f.evidence and f.next_steps for f in hits)
    assert max(f.severity for f in hits) >= Severity.WARNING


@pytest.mark.parametrize("router", ["BR01", "BR10"])
def test_healthy_tunnels_get_nothing_above_info(router: str) -> None:
    assert [f for f in findings("default") if f.host == router and f.severity > Severity.INFO] == []


def test_dual_isp_router_is_only_warned_about_its_latent_failover() -> None:
    mine = [f for f in findings("default") if f.host == "BR12"]
    assert [(f.code, f.severity) for f in mine] == [
        ("FAILOVER_PEER_REJECTS_BACKUP", Severity.WARNING)
    ]


def test_each_fault_is_reported_once_per_cause() -> None:
    """Cross-peer reading: the end that is only a symptom gets no second finding."""
    default = findings("default")
    # the initiator of the return-path case (its two identical polls are read once: info)
    assert not [f for f in default if f.host == "BR07" and f.code != "OUTPUT_REPEATED"]
    assert not [f for f in default if f.host == "BR04"]  # HQ does not encrypt back (fault 9)
    assert not [f for f in default if f.host == "BR06"]  # HQ lost the SAs (fault 10)
    assert not found("fault3", "BR01", "IKE_P1_NO_RESPONSE", HQ)  # HQ refuses the policy


def test_return_path_quotes_both_ends_and_the_responders_route() -> None:
    (f,) = found("default", "HQ", "IKE_P1_RETURN_PATH", wan(7))
    assert f.severity is Severity.CRITICAL
    assert "198.51.100.2    203.0.113.30    MM_SA_SETUP          0 ACTIVE" in f.evidence
    assert any(
        e.startswith("BR07: 198.51.100.2    203.0.113.30    MM_NO_STATE") for e in f.evidence
    )
    assert any("phase 1 packet is a duplicate of a previous packet" in e for e in f.evidence)
    assert "Routing entry for 0.0.0.0/0, supernet" in f.evidence
    assert f"show ip route {wan(7)}" in f.next_steps


def test_not_encrypting_quotes_the_route_that_leaves_the_tunnel() -> None:
    (f,) = found("default", "HQ", "IPSEC_NOT_ENCRYPTING", wan(4))
    assert "Routing entry for 10.4.0.0/24" in f.evidence
    assert "* 10.0.0.254" in f.evidence
    assert "show ip route 10.4.0.1" in f.next_steps
    assert "between two polls" in f.cause


def test_config_compatibility_names_the_same_faults() -> None:
    default = findings("default")
    config = {(f.host, f.code) for f in default if f.source is Source.CONFIG}
    assert ("BR05", "IKE_P2_PROPOSAL_MISMATCH") in config
    assert ("BR09", "IKE_P2_PROXY_MISMATCH") in config
    assert ("BR12", "FAILOVER_PEER_REJECTS_BACKUP") in config
    assert ("BR01", "IKE_P1_POLICY_MISMATCH") in {
        (f.host, f.code) for f in findings("fault3") if f.source is Source.CONFIG
    }


def test_no_secret_is_ever_quoted() -> None:
    every = [
        line for s in ("default", "fault3", "fault5") for f in findings(s) for line in f.evidence
    ]
    assert not [line for line in every if "Psk-7x" in line]


# One end only: what that end alone proves.
ALONE = [
    ("BR07", "IKE_P1_NO_RESPONSE"),  # with HQ: IKE_P1_RETURN_PATH on HQ
    ("BR04", "IPSEC_NO_RETURN_TRAFFIC"),  # with HQ: IPSEC_NOT_ENCRYPTING on HQ
    ("BR06", "IPSEC_NO_RETURN_TRAFFIC"),  # with HQ: IPSEC_INVALID_SPI on HQ
    ("BR09", "IKE_P2_PROPOSAL_MISMATCH"),  # the reason (proxy ids) is only in HQ's debug
    ("HQ", "IKE_P1_RETURN_PATH"),  # duplicates of MSG1 prove it without BR07
]


@pytest.mark.parametrize(("router", "code"), ALONE, ids=[a[0] for a in ALONE])
def test_one_end_alone(router: str, code: str) -> None:
    assert found("default", router, code, None, router)
