"""Certificate dates against the router's clock, on real captures (``checks/pki.py``).

genieparser's CSR1000v self-signed certificate (end date Jan 1 2020) and its C3850 SUDI
certificate (end date Nov 20 2025) under an IKEv2 profile that authenticates with them; the
clock is the router's ``show clock`` in the same paste.
"""

from __future__ import annotations

from nornir_tasks.models.findings import Severity
from tests.checks.support import GOLDEN, fleet, run

CONFIG = """hostname R1
crypto ikev2 profile PROF
 match identity remote address 192.0.2.2 255.255.255.255
 authentication remote rsa-sig
 authentication local rsa-sig
 pki trustpoint {tp}
crypto ipsec profile VTI
 set ikev2-profile PROF
interface Tunnel0
 ip address 172.31.0.1 255.255.255.252
 tunnel source GigabitEthernet1
 tunnel mode ipsec ipv4
 tunnel destination 192.0.2.2
 tunnel protection ipsec profile VTI
"""


def _paste(case: str, trustpoint: str, clock: str) -> str:
    certs = (GOLDEN / case / "raw.txt").read_text()
    return (
        f"R1#show running-config\n{CONFIG.format(tp=trustpoint)}end\n"
        f"R1#show crypto pki certificates\n{certs}\nR1#show clock\n{clock}\n"
    )


def test_an_expired_certificate_of_an_rsa_sig_profile_is_critical() -> None:
    paste = _paste(
        "genie_iosxe_pki_certificates_csr1000_self_signed",
        "TP-self-signed-4146203551",
        "*10:00:00.000 UTC Mon Mar 2 2020",
    )
    (found,) = run(fleet(("R1", paste)), "IKEV2_CERT_EXPIRED")
    assert (found.severity, found.peer) == (Severity.CRITICAL, "192.0.2.2")
    assert "end   date: 00:00:00 UTC Jan 1 2020" in found.evidence
    assert "expired 61 days ago" in found.summary


def test_a_certificate_ending_within_30_days_is_a_warning_and_later_ones_are_quiet() -> None:
    case, tp = "genie_iosxe_pki_certificates_c3850_sudi", "CISCO_IDEVID_SUDI"
    soon = fleet(("R1", _paste(case, tp, "*09:00:00.000 UTC Sat Nov 1 2025")))
    (found,) = run(soon, "IKEV2_CERT_EXPIRING")
    assert found.severity is Severity.WARNING and "expires in 18 days" in found.summary
    assert not run(soon, "IKEV2_CERT_EXPIRED")  # the CA (2037) is fine
    later = fleet(("R1", _paste(case, tp, "*09:00:00.000 UTC Wed Jan 1 2025")))
    assert not [f for f in run(later) if f.code.startswith("IKEV2_CERT")]


def test_a_trustpoint_no_ikev2_profile_uses_is_not_judged() -> None:
    paste = _paste(
        "genie_iosxe_pki_certificates_csr1000_self_signed",
        "OTHER-TP",
        "*10:00:00 UTC Mon Mar 2 2020",
    )
    assert not [f for f in run(fleet(("R1", paste))) if f.code.startswith("IKEV2_CERT")]


# An IOS-XE 17.3 router's log (an engineer's capture, code index file 25711808864): the CRL of
# trustpoint DNAC-CA cannot be fetched, its reason on an indented second line.
CRL_LOG = """May 31 03:18:34: %SYS-6-LOGOUT: User dnacenter has exited tty session 1(10.93.141.45)
May 31 03:29:35: %PKI-3-CRL_FETCH_FAIL: CRL fetch for trustpoint DNAC-CA failed
                      Reason : Enrollment URL not configured.
May 31 03:46:12: %SYS-6-LOGOUT: User dnacenter has exited tty session 1(10.93.141.45)
"""


def _crl_paste(revocation: str, trustpoint: str = "DNAC-CA") -> str:
    config = CONFIG.format(tp=trustpoint)
    point = f"crypto pki trustpoint DNAC-CA\n enrollment terminal\n revocation-check {revocation}\n"
    return f"R1#show running-config\n{point}{config}end\nR1#show logging\n{CRL_LOG}"


def test_a_crl_that_cannot_be_fetched_under_revocation_check_crl_is_critical() -> None:
    (found,) = run(fleet(("R1", _crl_paste("crl"))), "IKEV2_CRL_UNAVAILABLE")
    assert (found.severity, found.peer) == (Severity.CRITICAL, "192.0.2.2")
    assert "(Enrollment URL not configured)" in found.cause
    assert found.evidence[:2] == (
        "May 31 03:29:35: %PKI-3-CRL_FETCH_FAIL: CRL fetch for trustpoint DNAC-CA failed",
        "Reason : Enrollment URL not configured.",
    )
    assert "revocation-check crl" in found.evidence
    assert "show crypto pki crls  (is a CRL of the peer's issuer held?)" in found.next_steps


def test_a_crl_fetch_failure_is_quiet_when_a_missing_crl_is_accepted_or_ipsec_does_not_use_it() -> (
    None
):
    assert not run(fleet(("R1", _crl_paste("crl none"))), "IKEV2_CRL_UNAVAILABLE")
    assert not run(fleet(("R1", _crl_paste("none"))), "IKEV2_CRL_UNAVAILABLE")
    # the capture's own router: DNAC-CA serves the controller, no IKEv2 profile verifies with it
    assert not run(fleet(("R1", _crl_paste("crl", "OTHER-TP"))), "IKEV2_CRL_UNAVAILABLE")


def _end(name: str, me: str, peer: str, trustpoint: str, certs_case: str) -> str:
    """An rsa-sig VTI end: its address, the profile's trustpoint, a real certificate capture."""
    config = CONFIG.format(tp=trustpoint).replace("192.0.2.2", peer).replace("R1", name)
    certs = (GOLDEN / certs_case / "raw.txt").read_text()
    return (
        f"{name}#show running-config\n{config}interface GigabitEthernet1\n"
        f" ip address {me} 255.255.255.252\nend\n"
        f"{name}#show crypto pki certificates\n{certs}\n"
    )


SUDI, SUDI_TP = "genie_iosxe_pki_certificates_c3850_sudi", "CISCO_IDEVID_SUDI"
R14CA, R14CA_TP = "code_ios_pki_certificates_ca_first_pending_request", "VPN"


def test_a_peer_certificate_from_a_ca_no_trustpoint_holds_is_named_on_the_verifying_end() -> None:
    """R1 trusts cn=R14CA only; R2 signs with its SUDI (issued by cn=Cisco Manufacturing CA
    SHA2,o=Cisco): R1 cannot verify it. R2 trusts that CA and is quiet."""
    r1 = _end("R1", "192.0.2.1", "192.0.2.2", R14CA_TP, R14CA)
    r2 = _end("R2", "192.0.2.2", "192.0.2.1", SUDI_TP, SUDI)
    found = run(fleet(("R1", r1), ("R2", r2)), "IKEV2_CERT_UNTRUSTED")
    assert [(f.host, f.peer, f.severity) for f in found] == [("R1", "192.0.2.2", Severity.CRITICAL)]
    assert "(cn=Cisco Manufacturing CA SHA2,o=Cisco)" in found[0].summary
    assert {"R2: cn=Cisco Manufacturing CA SHA2", "cn=R14CA"} <= set(found[0].evidence)


def test_a_peer_certificate_from_a_trusted_ca_is_quiet() -> None:
    r1 = _end("R1", "192.0.2.1", "192.0.2.2", SUDI_TP, SUDI)
    r2 = _end("R2", "192.0.2.2", "192.0.2.1", SUDI_TP, SUDI)
    assert not run(fleet(("R1", r1), ("R2", r2)), "IKEV2_CERT_UNTRUSTED")
