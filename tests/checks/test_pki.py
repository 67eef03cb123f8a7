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
