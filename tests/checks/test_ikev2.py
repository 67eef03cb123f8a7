"""IKEv2 diagnosis and the contradictions of issue 13, on real captures (tests/golden)."""

from __future__ import annotations

from nornir_tasks.checks.decaps import dropped_after_decaps
from nornir_tasks.checks.flows import Count, Traffic
from nornir_tasks.models.findings import Finding, Severity
from nornir_tasks.models.ipsec import IpsecFlow
from tests.checks.support import GOLDEN, fleet, run


def _diagnose(case: str, host: str = "R") -> list[Finding]:
    return run(fleet((host, (GOLDEN / case / "raw.txt").read_text())))


def _only(findings: list[Finding], code: str) -> Finding:
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, [(f.code, f.host) for f in findings]
    return found[0]


def test_child_sa_refused_in_ike_auth_is_not_an_ike_sa_or_ikev1_finding() -> None:
    findings = _diagnose("repo_iosxe_debug_ikev2_child_no_proposal_chosen")
    child = _only(findings, "IKEV2_CHILD_PROPOSAL_MISMATCH")
    assert child.peer == "FC00:123:123:123::1" and child.severity is Severity.CRITICAL
    assert "IKEv2 IKE_AUTH Exchange RESPONSE" in child.evidence
    assert "VID IDr AUTH NOTIFY(NO_PROPOSAL_CHOSEN)" in child.evidence
    # the IKE SA was agreed: neither the IKE-SA code nor the IKEv1 quick-mode codes apply
    assert {f.code for f in findings} == {"IKEV2_CHILD_PROPOSAL_MISMATCH"}


def test_ike_sa_init_without_answer_is_no_response() -> None:
    findings = _diagnose("repo_iosxe_debug_ikev2_sa_init_no_response")
    # the debug above the engineer's "XE-R4#undebug all" is XE-R4's: one router, one finding
    f = _only(findings, "IKEV2_NO_RESPONSE")
    assert (f.host, f.peer, f.severity) == ("XE-R4", "FC00:123:123:123::1", Severity.CRITICAL)
    assert "IKEv2 IKE_SA_INIT Exchange REQUEST" in f.evidence
    assert any("Initial exchange failed" in line for line in f.evidence)


_GAVE_UP = "IKEv2-ERROR:(SESSION ID = 7,SA ID = 1):Initial exchange failed: Initial exchange failed"


def test_a_failure_line_with_no_peer_is_not_a_second_tunnel_beside_a_named_one() -> None:
    # session 7's requests were sent before the capture began: its end names no peer
    raw = (GOLDEN / "repo_iosxe_debug_ikev2_sa_init_no_response" / "raw.txt").read_text()
    pasted = raw.split("XE-R4")[0] + _GAVE_UP + "\n"
    f = _only(run(fleet(("R", pasted))), "IKEV2_NO_RESPONSE")
    assert f.peer == "FC00:123:123:123::1"


def test_a_failure_line_alone_is_reported_for_an_unknown_peer() -> None:
    f = _only(run(fleet(("R", _GAVE_UP + "\n"))), "IKEV2_NO_RESPONSE")
    assert f.peer is None and any("Initial exchange failed" in line for line in f.evidence)


def test_asa_responder_without_a_matching_policy_quotes_both_policy_lists() -> None:
    f = _only(_diagnose("blog_asa_ikev2_debug_no_matching_policy"), "IKEV2_PROPOSAL_MISMATCH")
    assert f.peer is None  # the ASA's protocol debug names no address
    assert "IKEv2-PROTO-1: (16): Failed to find a matching policy" in f.evidence
    assert (
        "Proposal 1: AES-CBC-256 SHA384 SHA384 DH_GROUP_2048_MODP_256_PRIME/Group 24" in f.evidence
    )
    azure = _diagnose("readme_asa_azure_ikev2_no_matching_policy")
    assert {f.code for f in azure} == {"IKEV2_PROPOSAL_MISMATCH"}


def test_identity_matching_no_profile_names_the_identity() -> None:
    f = _only(_diagnose("cisco_ios_ikev2_debug_profile_not_found_dn"), "IKEV2_NO_PROFILE")
    assert "'hostname=asa.cisco.com' (DER ASN1 DN)" in f.cause
    assert "Nov 30 22:49:14.468: IKEv2:% IKEv2 profile not found" in f.evidence


def test_asa_peer_id_check_is_an_identity_authentication_failure() -> None:
    findings = _diagnose("cisco_asa_ikev2_debug_peer_id_check_failed_san")
    f = _only(findings, "IKEV2_AUTH_FAILED")
    # the L2L tunnel group is named by the peer's address: the lines are attributed to it
    assert f.peer == "172.16.1.1" and f.summary.endswith("(peer identity)")
    assert "IKEv2-PLAT-1: Peer ID check failed" in f.evidence
    assert "certificate" in f.cause
    assert "IKEV2_NO_PROFILE" not in {x.code for x in findings}


def test_send_errors_without_sa_are_phase_2_never_up_not_idle() -> None:
    findings = _diagnose("blog_iosxe_ipsec_sa_send_errors_no_sa", "spoke2")
    assert {f.code for f in findings} == {"IPSEC_P2_NOT_ESTABLISHED"}
    f = findings[0]
    assert f.peer == "203.0.113.1" and f.severity is Severity.CRITICAL
    assert "#send errors 15, #recv errors 0" in f.evidence
    assert "the errors are that traffic" in f.cause


def test_esp_dropped_after_decapsulation_is_the_inner_packet_finding() -> None:
    findings = _diagnose("tunnelsup_asa_ipsec_sa_peer_recv_errors_402116", "ASA")
    f = _only(findings, "IPSEC_INNER_PACKET_MISMATCH")
    assert f.peer == "93.184.216.34" and f.severity is Severity.CRITICAL
    assert "from 10.14.155.11 to 10.10.10.11" in f.cause
    assert "IPSEC_NOT_ENCRYPTING" not in {x.code for x in findings}


def test_dropped_after_decaps_reads_the_counters() -> None:
    # the counters of the TunnelsUP capture (decaps 105, decrypt 0, recv errors 105)
    flow = IpsecFlow(interface="outside", pkts_decaps=105, pkts_decrypt=0)
    dropped = Traffic(
        flow, None, Count(0, None), Count(105, None), Count(0, None), Count(105, None), None, None
    )
    healthy = Traffic(
        flow, None, Count(0, None), Count(105, None), Count(0, None), Count(1, None), None, None
    )
    assert dropped_after_decaps(dropped) and not dropped_after_decaps(healthy)


def test_messages_pasted_on_one_line_give_the_same_findings() -> None:
    text = (GOLDEN / "tunnelsup_asa_syslog_aws_no_matching_crypto_map" / "raw.txt").read_text()
    separate = run(fleet(("ASA", text)))
    joined = run(fleet(("ASA", " ".join(text.splitlines()))))
    assert [(f.code, f.peer, f.evidence) for f in joined] == [
        (f.code, f.peer, f.evidence) for f in separate
    ]
    assert {f.code for f in joined} == {"IKE_P2_PROXY_MISMATCH"}


def test_a_config_name_with_regex_characters_does_not_crash_the_diagnosis() -> None:
    # bench/fuzz.py --seed 7 found it (case 1545): a mutated "set peer" address reached
    # re.compile unescaped when the finding quoted its configuration line
    import random

    from tests import fuzzing

    pool = fuzzing.samples()
    rng = random.Random("7:1545")
    sample = pool[rng.randrange(len(pool))]
    text = fuzzing.mutate(rng, sample.text)
    other = rng.choice(pool) if rng.random() < 0.3 else None
    fuzzing.run_diagnose(sample, text, other)
