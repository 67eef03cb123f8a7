"""Phase-2 rules: the responder's reason, the initiator borrowing it, and state-only cases."""

from __future__ import annotations

from nornir_tasks.models.findings import Severity, Source
from tests.checks.support import codes, fleet, ipsec_flow, isakmp_table, run, session

HUB, SPOKE = "198.51.100.2", "203.0.113.38"
BRIEF = (
    "Interface              IP-Address      OK? Method Status                Protocol\n"
    "GigabitEthernet1       {}    YES manual up                    up\n"
)
# HQ's debug refusing BR09's proxy identities (lab fault 7, tests/lab/test_ike_faults.py)
HUB_PROXY = (
    "*Nov 18 11:07:10.108: ISAKMP: (1008):received packet from 203.0.113.38 dport 500 sport 500 Global (R) QM_IDLE\n"
    "*Nov 18 11:07:10.108: ISAKMP: (1008):Checking IPSec proposal 1\n"
    "*Nov 18 11:07:10.108: ISAKMP: (1008):atts are acceptable.\n"
    "*Nov 18 11:07:10.108: IPSEC(validate_transform_proposal): proxy identities not supported\n"
    "*Nov 18 11:07:10.108: ISAKMP-ERROR: (1008):IPSec policy invalidated proposal with error 32\n"
    "*Nov 18 11:07:10.108: ISAKMP-ERROR: (1008):phase 2 SA policy not acceptable! (local 198.51.100.2 remote 203.0.113.38)\n"
    "*Nov 18 11:07:10.108: ISAKMP: (1008):Sending NOTIFY PROPOSAL_NOT_CHOSEN protocol 3\n"
)
SPOKE_REFUSED = (
    "*Nov 18 11:07:10.108: ISAKMP: (1001):sending packet to 198.51.100.2 my_port 500 peer_port 500 (I) QM_IDLE\n"
    "*Nov 18 11:07:10.108: ISAKMP: (1001):processing NOTIFY PROPOSAL_NOT_CHOSEN protocol 3\n"
    '*Nov 18 11:07:10.108: ISAKMP-ERROR: (1001):deleting node 1326652084 error TRUE reason "Delete Larval"\n'
)


def test_responder_refusing_proxy_ids() -> None:
    (f,) = run(fleet(("HQ", HUB_PROXY)))
    assert (f.code, f.peer, f.source) == ("IKE_P2_PROXY_MISMATCH", SPOKE, Source.DEBUG)
    assert (
        "*Nov 18 11:07:10.108: IPSEC(validate_transform_proposal): proxy identities not supported"
        in f.evidence
    )


def test_initiator_alone_cannot_tell_proxy_from_transform() -> None:
    (f,) = run(fleet(("BR09", SPOKE_REFUSED)))
    assert f.code == "IKE_P2_PROPOSAL_MISMATCH" and "The peer's debug says which" in f.cause


def test_initiator_borrows_the_responders_reason() -> None:
    spoke = SPOKE_REFUSED + "BR09#show ip interface brief\n" + BRIEF.format("203.0.113.38")
    hub = HUB_PROXY + "HQ#show ip interface brief\n" + BRIEF.format("198.51.100.2")
    found = run(fleet(("BR09", spoke), ("HQ", hub)))
    assert {(f.code, f.host) for f in found} == {
        ("IKE_P2_PROXY_MISMATCH", "BR09"),
        ("IKE_P2_PROXY_MISMATCH", "HQ"),
    }
    br09 = next(f for f in found if f.host == "BR09")
    assert any(e.startswith("HQ: ") and "error 32" in e for e in br09.evidence)


def test_pfs_mismatch_debug_with_misleading_keepalive_message() -> None:
    log = (
        "ISAKMP:(9577):SA has been authenticated with 77.77.77.77\n"
        "ISAKMP (0:9577): received packet from 77.77.77.77 dport 500 sport 500 Global (I) QM_IDLE\n"
        "ISAKMP:(9577): processing NOTIFY PROPOSAL_NOT_CHOSEN protocol 3\n"
        "ISAKMP:(9577):peer does not do paranoid keepalives.\n"
    )
    (f,) = run(fleet(("R1", log)))
    assert f.code == "IKE_P2_PROPOSAL_MISMATCH"
    assert "ISAKMP:(9577):peer does not do paranoid keepalives." in f.evidence
    assert "misleading" in f.cause


def qm_idle_without_sa(host: str, local: str, peer: str, lan: str, remote: str) -> str:
    table = isakmp_table((HUB, SPOKE, "QM_IDLE", 1001, "ACTIVE"))
    flow = ipsec_flow(local, peer, lan, remote, 0, 0, spi_out=None)
    return session(
        host,
        ("show crypto isakmp sa", table),
        ("show crypto ipsec sa", flow),
        ("show ip int brief", BRIEF.format(local)),
    )


def test_phase1_up_without_ipsec_sa_on_both_polls_is_critical() -> None:
    text = qm_idle_without_sa(
        "BR09", SPOKE, HUB, "10.9.0.0/255.255.255.0", "10.0.0.0/255.255.255.0"
    )
    text += session(  # typed again: a second run, even if nothing changed
        "BR09",
        (
            "sh cry ipsec sa",
            ipsec_flow(
                SPOKE, HUB, "10.9.0.0/255.255.255.0", "10.0.0.0/255.255.255.0", 0, 0, spi_out=None
            ),
        ),
    )
    (f,) = run(fleet(("BR09", text)))
    assert (f.code, f.severity) == ("IPSEC_P2_NOT_ESTABLISHED", Severity.CRITICAL)
    assert "current outbound spi: 0x0(0)" in f.evidence


def test_flows_that_do_not_mirror_on_both_ends_are_a_proxy_mismatch() -> None:
    spoke = qm_idle_without_sa("BR09", SPOKE, HUB, "10.9.0.0/255.255.255.0", "10.0.0.0/255.255.0.0")
    hub = qm_idle_without_sa("HQ", HUB, SPOKE, "10.0.0.0/255.255.255.0", "10.9.0.0/255.255.255.0")
    found = run(fleet(("BR09", spoke), ("HQ", hub)))
    assert [(f.code, f.host, f.source) for f in found] == [
        ("IKE_P2_PROXY_MISMATCH", "BR09", Source.STATE)
    ]
    assert "remote ident (addr/mask/prot/port): (10.0.0.0/255.255.0.0/0/0)" in found[0].evidence


def test_mirrored_flows_without_sa_stay_p2_not_established() -> None:
    spoke = qm_idle_without_sa(
        "BR09", SPOKE, HUB, "10.9.0.0/255.255.255.0", "10.0.0.0/255.255.255.0"
    )
    hub = qm_idle_without_sa("HQ", HUB, SPOKE, "10.0.0.0/255.255.255.0", "10.9.0.0/255.255.255.0")
    assert codes(run(fleet(("BR09", spoke), ("HQ", hub)))) == {"IPSEC_P2_NOT_ESTABLISHED"}
