"""Phase-1 rules on real-format text: IOS and ASA states, both ends, the debug that proves it."""

from __future__ import annotations

from nornir_tasks.models.findings import Severity, Source
from tests.checks.support import codes, fleet, isakmp_table, run, session

HUB, SPOKE = "198.51.100.2", "203.0.113.30"
HUB_IF = "interface GigabitEthernet1\n ip address 198.51.100.2 255.255.255.252\n"
SPOKE_IF = "interface GigabitEthernet1\n ip address 203.0.113.30 255.255.255.252\n"
BRIEF_HUB = (
    "Interface              IP-Address      OK? Method Status                Protocol\n"
    "GigabitEthernet1       198.51.100.2    YES manual up                    up\n"
)
BRIEF_SPOKE = BRIEF_HUB.replace("198.51.100.2   ", "203.0.113.30   ")
ROUTE = (
    "Routing entry for 0.0.0.0/0, supernet\n"
    '  Known via "static", distance 1, metric 0, candidate default path\n'
    "  Routing Descriptor Blocks:\n"
    "  * 198.51.100.1\n"
    "      Route metric is 0, traffic share count is 1\n"
)


def asa_isakmp(peer: str, role: str, state: str) -> str:
    """ASA ``show crypto isakmp sa`` block layout (tests/golden/lab_asa_isakmp_sa_l2l_no_ikev2)."""
    return (
        "\nIKEv1 SAs:\n\n   Active SA: 1\n    Rekey SA: 0 (A tunnel will report 1 Active and 1 "
        "Rekey SA during rekey)\nTotal IKE SA: 1\n\n"
        f"1   IKE Peer: {peer}\n    Type    : L2L             Role    : {role} \n"
        f"    Rekey   : no              State   : {state} \n\nThere are no IKEv2 SAs\n"
    )


def test_initiator_stuck_in_mm_no_state_two_polls_is_critical() -> None:
    table = isakmp_table((HUB, SPOKE, "MM_NO_STATE", 0, "ACTIVE"))
    text = session("BR07", ("show crypto isakmp sa", table), ("show ip int brief", BRIEF_SPOKE))
    text += session("BR07", ("sh cry isa sa", table))
    (f,) = run(fleet(("BR07", text)), "IKE_P1_NO_RESPONSE")
    assert (f.host, f.peer, f.severity, f.source) == ("BR07", HUB, Severity.CRITICAL, Source.STATE)
    assert "198.51.100.2    203.0.113.30    MM_NO_STATE          0 ACTIVE" in f.evidence
    assert f"ping {HUB} source <crypto-map interface>" in f.next_steps


def test_one_snapshot_of_mm_no_state_is_a_warning_that_says_so() -> None:
    table = isakmp_table((HUB, SPOKE, "MM_NO_STATE", 0, "ACTIVE"))
    (f,) = run(
        fleet(("BR07", session("BR07", ("show crypto isakmp sa", table)))), "IKE_P1_NO_RESPONSE"
    )
    assert f.severity is Severity.WARNING and "one snapshot" in f.summary


def test_deleted_rows_alone_are_history_not_a_stuck_sa() -> None:
    table = isakmp_table((HUB, SPOKE, "MM_NO_STATE", 0, "ACTIVE (deleted)"))
    assert not run(fleet(("BR07", session("BR07", ("show crypto isakmp sa", table)))))


def test_both_ends_ios_states_make_one_return_path_finding_on_the_responder() -> None:
    spoke = session(
        "BR07",
        ("show crypto isakmp sa", isakmp_table((HUB, SPOKE, "MM_NO_STATE", 0, "ACTIVE"))),
        ("show ip interface brief", BRIEF_SPOKE),
    )
    hub = session(
        "HQ",
        ("show crypto isakmp sa", isakmp_table((HUB, SPOKE, "MM_SA_SETUP", 0, "ACTIVE"))),
        ("show ip interface brief", BRIEF_HUB),
        (f"show ip route {SPOKE}", ROUTE),
    )
    found = run(fleet(("BR07", spoke), ("HQ", hub)))
    assert [(f.code, f.host, f.peer) for f in found] == [("IKE_P1_RETURN_PATH", "HQ", SPOKE)]
    f = found[0]
    assert f.severity is Severity.CRITICAL
    assert "Routing entry for 0.0.0.0/0, supernet" in f.evidence and "* 198.51.100.1" in f.evidence
    assert any(e.startswith("BR07: 198.51.100.2") and "MM_NO_STATE" in e for e in f.evidence)
    assert "HQ -> BR07" in f.cause


def test_both_ends_asa_states_msg2_and_msg3() -> None:
    initiator = session(
        "ASA1",
        ("show crypto isakmp sa", asa_isakmp(HUB, "initiator", "MM_WAIT_MSG2")),
        ("show ip int brief", BRIEF_SPOKE),
    )
    responder = session(
        "ASA2",
        ("show crypto isakmp sa", asa_isakmp(SPOKE, "responder", "MM_WAIT_MSG3")),
        ("show ip int brief", BRIEF_HUB),
    )
    found = run(fleet(("ASA1", initiator), ("ASA2", responder)))
    assert [(f.code, f.host) for f in found] == [("IKE_P1_RETURN_PATH", "ASA2")]
    assert "1   IKE Peer: 203.0.113.30" in found[0].evidence


def test_asa_initiator_alone_is_no_response() -> None:
    text = session("ASA1", ("show crypto ikev1 sa", asa_isakmp(HUB, "initiator", "MM_WAIT_MSG2")))
    assert codes(run(fleet(("ASA1", text)))) == {"IKE_P1_NO_RESPONSE"}


def test_responder_without_any_sa_makes_it_no_response_naming_the_silent_end() -> None:
    spoke = session(
        "BR07",
        ("show crypto isakmp sa", isakmp_table((HUB, SPOKE, "MM_NO_STATE", 0, "ACTIVE"))),
        ("show ip interface brief", BRIEF_SPOKE),
    )
    hub = session(
        "HQ", ("show crypto isakmp sa", isakmp_table()), ("show ip interface brief", BRIEF_HUB)
    )
    (f,) = run(fleet(("BR07", spoke), ("HQ", hub)), "IKE_P1_NO_RESPONSE")
    assert "HQ has no phase-1 SA with BR07" in f.cause


def test_responder_alone_with_duplicate_first_packets_is_return_path() -> None:
    log = (
        "*Nov 18 11:07:10.096: ISAKMP: (0):received packet from 203.0.113.30 dport 500 sport 500 Global (R) MM_SA_SETUP\n"
        "*Nov 18 11:07:10.096: ISAKMP: (0):phase 1 packet is a duplicate of a previous packet.\n"
        "*Nov 18 11:07:10.096: ISAKMP: (0):retransmitting due to retransmit phase 1\n"
        "*Nov 18 11:07:10.096: ISAKMP: (0):retransmitting phase 1 MM_SA_SETUP...\n"
    )
    (f,) = run(fleet(("HQ", log)), "IKE_P1_RETURN_PATH")
    assert (f.peer, f.severity, f.source) == (SPOKE, Severity.CRITICAL, Source.DEBUG)
    assert (
        "*Nov 18 11:07:10.096: ISAKMP: (0):phase 1 packet is a duplicate of a previous packet."
        in f.evidence
    )


def test_asa_duplicate_first_packet_detected() -> None:
    log = "Jan 24 09:02:46 [IKEv1]: IP = 10.9.9.9, Duplicate first packet detected.  Ignoring packet.\n"
    (f,) = run(fleet(("ASA2", log)), "IKE_P1_RETURN_PATH")
    assert f.peer == "10.9.9.9"


def test_policy_iteration_is_not_a_failure() -> None:
    log = (
        "ISAKMP:(0):Checking ISAKMP transform 2 against priority 3 policy\n"
        "ISAKMP:      encryption 3DES-CBC\n"
        "ISAKMP:(0):found peer pre-shared key matching 77.77.77.77\n"
        "ISAKMP:(0):Encryption algorithm offered does not match policy!\n"
        "ISAKMP:(0):atts are not acceptable. Next payload is 0\n"
        "ISAKMP:(0):Checking ISAKMP transform 2 against priority 5 policy\n"
        "ISAKMP:(0):atts are acceptable. Next payload is 0\n"
    )
    found = run(fleet(("R1", log)))
    assert [(f.code, f.severity) for f in found] == [("IKE_POLICY_ITERATION", Severity.INFO)]


def test_policy_refused_by_the_responder() -> None:
    log = (
        "*Nov 18 11:07:10.066: ISAKMP: (0):received packet from 203.0.113.6 dport 500 sport 500 Global (N) NEW SA\n"
        "*Nov 18 11:07:10.066: ISAKMP: (0):Checking ISAKMP transform 1 against priority 10 policy\n"
        "*Nov 18 11:07:10.066: ISAKMP: (0):      encryption 3DES\n"
        "*Nov 18 11:07:10.066: ISAKMP: (0):Encryption algorithm offered does not match policy!\n"
        "*Nov 18 11:07:10.066: ISAKMP: (0):atts are not acceptable. Next payload is 3\n"
        "*Nov 18 11:07:10.066: ISAKMP-ERROR: (0):phase 1 SA policy not acceptable! (local 198.51.100.2 remote 203.0.113.6)\n"
        "*Nov 18 11:07:10.066: ISAKMP: (0):Sending NOTIFY NO_PROPOSAL_CHOSEN protocol 1\n"
        "*Nov 18 11:07:10.066: %CRYPTO-6-IKMP_MODE_FAILURE: Processing of Main mode failed with peer at 203.0.113.6\n"
    )
    found = run(fleet(("HQ", log)))
    assert codes(found) == {"IKE_P1_POLICY_MISMATCH"}  # not a phase-2 refusal (protocol 1)
    assert "encryption" in found[0].summary and found[0].severity is Severity.CRITICAL


def test_psk_mismatch_from_the_responders_syslog_alone() -> None:
    log = (
        "*Nov 18 11:06:40.094: %CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from 203.0.113.14 failed its sanity check or is malformed\n"
        "*Nov 18 11:06:50.094: %CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from 203.0.113.14 failed its sanity check or is malformed\n"
    )
    (f,) = run(fleet(("HQ", log)))
    assert (f.code, f.peer, f.source) == ("IKE_P1_PSK_MISMATCH", "203.0.113.14", Source.LOG)


def test_psk_mismatch_state_on_both_ends_quotes_both() -> None:
    spoke = session(
        "BR03",
        (
            "show crypto isakmp sa",
            isakmp_table((HUB, "203.0.113.14", "MM_KEY_EXCH", 1002, "ACTIVE")),
        ),
        ("show ip int brief", BRIEF_SPOKE.replace("203.0.113.30", "203.0.113.14")),
    )
    hub = session(
        "HQ",
        (
            "show crypto isakmp sa",
            isakmp_table((HUB, "203.0.113.14", "MM_KEY_EXCH", 1011, "ACTIVE")),
        ),
        (
            "show logging",
            "*Nov 18 11:06:40.094: %CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from 203.0.113.14 failed its sanity check or is malformed\n",
        ),
    )
    found = run(fleet(("BR03", spoke), ("HQ", hub)), "IKE_P1_PSK_MISMATCH")
    assert {(f.host, f.severity) for f in found} == {
        ("BR03", Severity.CRITICAL),
        ("HQ", Severity.CRITICAL),
    }
    br03 = next(f for f in found if f.host == "BR03")
    assert any(e.startswith("HQ: ") and "IKMP_BAD_MESSAGE" in e for e in br03.evidence)


# -- aggressive mode, one end only (tests/checks/test_aggressive_live.py reads both ends live) --

AG_DISABLED = (
    "*Nov 18 11:06:40.069: %CRYPTO-5-IKMP_AG_MODE_DISABLED: Unable to initiate or respond to "
    "Aggressive Mode while disabled\n"
)


def test_responder_alone_waiting_for_am3_is_a_key_mismatch_not_a_return_path() -> None:
    """HQ sent AM2 and sees AM1 again: BR07 rejected AM2 (keys) or never got it; one finding."""
    table = isakmp_table((HUB, SPOKE, "AG_INIT_EXCH", 1002, "ACTIVE"))
    log = (
        "*Nov 18 11:07:50.053: ISAKMP: (1002):received packet from 203.0.113.30 dport 500 "
        "sport 500 Global (R) AG_INIT_EXCH\n"
        "*Nov 18 11:07:50.053: ISAKMP: (1002):phase 1 packet is a duplicate of a previous packet.\n"
        "*Nov 18 11:07:50.054: ISAKMP: (1002):retransmitting phase 1 AG_INIT_EXCH...\n"
    )
    text = session(
        "HQ",
        ("show crypto isakmp sa", table),
        ("show ip int brief", BRIEF_HUB),
        ("show logging", log),
    )
    found = run(fleet(("HQ", text)))
    assert [(f.code, f.host, f.peer, f.severity) for f in found if f.severity > Severity.INFO] == [
        ("IKE_P1_PSK_MISMATCH", "HQ", SPOKE, Severity.CRITICAL)
    ]
    assert "AG_NO_STATE" in found[0].cause and "return path" in found[0].cause


def test_initiator_alone_in_ag_no_state_hints_at_a_refusing_peer() -> None:
    table = isakmp_table((HUB, SPOKE, "AG_NO_STATE", 0, "ACTIVE"))
    text = session("BR07", ("show crypto isakmp sa", table), ("show ip int brief", BRIEF_SPOKE))
    text += session("BR07", ("sh cry isa sa", table))
    (f,) = run(fleet(("BR07", text)), "IKE_P1_NO_RESPONSE")
    assert "aggressive-mode AM1" in f.summary
    assert "crypto isakmp aggressive-mode disable" in f.cause


def test_refusal_syslog_alone_is_a_warning_without_a_peer() -> None:
    config = "hostname HQ\ncrypto isakmp aggressive-mode disable\n" + HUB_IF + "end\n"
    text = session("HQ", ("show running-config", config), ("show logging", AG_DISABLED))
    (f,) = run(fleet(("HQ", text)), "IKE_P1_AGGRESSIVE_REFUSED")
    assert (f.peer, f.severity) == (None, Severity.WARNING)
    assert "crypto isakmp aggressive-mode disable" in f.evidence


def test_refusal_from_both_configurations() -> None:
    """A spoke whose profile initiates aggressive mode, a hub that disables it: no live state."""
    hub = (
        "hostname HQ\ncrypto isakmp aggressive-mode disable\n"
        f"crypto isakmp key K address {SPOKE}\n"
        f"crypto map VPN 10 ipsec-isakmp\n set peer {SPOKE}\n" + HUB_IF + " crypto map VPN\nend\n"
    )
    spoke = (
        "hostname BR07\n"
        f"crypto isakmp profile AM\n match identity address {HUB} 255.255.255.255\n"
        " initiate mode aggressive\n"
        f"crypto isakmp key K address {HUB}\n"
        f"crypto map VPN 10 ipsec-isakmp\n set peer {HUB}\n set isakmp-profile AM\n"
        + SPOKE_IF
        + " crypto map VPN\nend\n"
    )
    found = run(
        fleet(
            ("HQ", session("HQ", ("show running-config", hub))),
            ("BR07", session("BR07", ("show running-config", spoke))),
        ),
        "IKE_P1_AGGRESSIVE_REFUSED",
    )
    assert [(f.host, f.peer, f.severity, f.source) for f in found] == [
        ("HQ", SPOKE, Severity.CRITICAL, Source.CONFIG)
    ]
    assert "BR07: initiate mode aggressive" in found[0].evidence
