"""IKEv2 ``rsa-sig`` authentication: the CERT payload and its checks (``pki trustpoint``).

An end whose IKEv2 profile says ``authentication local rsa-sig`` sends its trustpoint's
certificate with IKE_AUTH; one that says ``authentication remote rsa-sig`` checks the peer's:
present, issued by the CA of one of its verifying trustpoints (``pki trustpoint X [verify]``; a
plain ``pki trustpoint X`` signs and verifies), and valid at the lab clock. The lab does no real
signature: the certificate is data (``lab.pki``).

Wording from real captures: ``My authentication method is 'RSA'`` / ``Peer's authentication
method is 'RSA'`` (the PSK forms of ``repo_iosxe_debug_ikev2_child_no_proposal_chosen``, RSA as
a Cisco IKEv2 ASA-to-IOS certificate example prints it, code index file 70794207695), from
the same example the failure lines ``: Platform errors``, ``Verify cert failed`` and
``Verification of peer's authentication data FAILED``; the syslog ``%PKI-3-CERTIFICATE_INVALID_EXPIRED:
Certificate chain validation has failed. The certificate (SN: ...) has expired. Validity period
ended on ...`` from an engineer's capture of an expired controller certificate (code index file
58299924695, wrapped there over three lines, one line here). IOS-XE's ``debug crypto pki``
lines between them (for an issuer no trustpoint holds, the same example's ``CRYPTO_PKI: Unable
to locate cert record by issuername`` / ``No trust point for cert issuer, looking up cert
chain`` / ``No suitable trustpoints found``) are not printed (the lab has no ``debug crypto pki``). The IKE_AUTH payload
order with certificates (``IDi CERT CERTREQ AUTH``) is RFC 7296's: no IOS-XE capture of it was
found.

Revocation (``revocation-check crl`` on the verifying end's trustpoint): the lab has no CA
server and no HTTP, so a CRL is never fetched. IOS then refuses the certificate unless the
methods go on to ``none`` (``revocation-check crl none``: Cisco's PKI guide, "if the router
does not have the applicable CRL and is unable to obtain one, the router rejects the
certificate of the peer"). The syslog is an engineer's capture of an IOS-XE 17.3 router
(code index file 25711808864)::

    %PKI-3-CRL_FETCH_FAIL: CRL fetch for trustpoint DNAC-CA failed
                          Reason : Enrollment URL not configured.

the reason printed when the certificate names no distribution point and the trustpoint no
enrollment URL (the lab's case: ``enrollment terminal``); no capture of the reason for an
unreachable URL was found, so with a URL the lab prints the first line only. The capture
repeats it every 25 minutes, not per negotiation: the lab logs it at most every 5 minutes.
"""

from __future__ import annotations

from lab.crypto.context import CryptoContext
from lab.crypto.ikev2msg import V2Wire
from lab.device import Device
from lab.ikev2cfg import Ikev2Profile
from lab.pki import LabCertificate, PkiConfig, Trustpoint, ios_date, read_pki_config
from lab.sadb import Ikev2Sa

AUTH_REQUEST_CERT = (
    " VID IDi CERT CERTREQ AUTH SA TSi TSr NOTIFY(INITIAL_CONTACT) NOTIFY(SET_WINDOW_SIZE) "
    "NOTIFY(ESP_TFC_NO_SUPPORT) NOTIFY(NON_FIRST_FRAGS) "
)
AUTH_RESPONSE_CERT = (
    " VID IDr CERT AUTH SA TSi TSr NOTIFY(SET_WINDOW_SIZE) NOTIFY(ESP_TFC_NO_SUPPORT) "
    "NOTIFY(NON_FIRST_FRAGS) "
)
RSA = "rsa-sig"
CRL_LOG_EVERY = 300.0  # lab seconds between two CRL_FETCH_FAIL lines of one trustpoint


def pki_of(device: Device) -> PkiConfig:
    return device.memo("pki", None, lambda: read_pki_config(device.running))


def signs(prof: Ikev2Profile | None) -> bool:
    return prof is not None and prof.auth_local == RSA


def auth_names(prof: Ikev2Profile | None) -> tuple[str, str]:
    """``Auth sign`` / ``Auth verify`` of ``show crypto ikev2 sa``: RSA for rsa-sig, else PSK."""
    local, remote = (prof.auth_local, prof.auth_remote) if prof else (None, None)
    return ("RSA" if local == RSA else "PSK", "RSA" if remote == RSA else "PSK")


def own_certificate(device: Device, prof: Ikev2Profile | None) -> LabCertificate | None:
    """The certificate this end sends (``authentication local rsa-sig``), if it has one."""
    return pki_of(device).identity(prof.trustpoint) if signs(prof) and prof else None


class CertCheck:
    """The checks of a peer's certificate, with the lines IOS-XE logs for them."""

    def __init__(self, ctx: CryptoContext, wire: V2Wire) -> None:
        self.ctx = ctx
        self.wire = wire

    def verify(
        self, device: Device, sa: Ikev2Sa, prof: Ikev2Profile, cert: LabCertificate | None
    ) -> bool:
        """``authentication remote rsa-sig``: the peer's certificate is trusted and valid now."""
        log = self.wire.log
        log(device, sa, "Peer's authentication method is 'RSA'")
        log(device, sa, "Verify peer's authentication data")
        point = self._trusting(device, prof, cert)
        valid = point is not None and self._current(device, cert)
        if not valid or not self._revocation_checked(device, point, cert):
            log(device, sa, ": Platform errors")
            log(device, sa, "Verify cert failed")
            log(device, sa, "Verification of peer's authentication data FAILED")
            return False
        log(device, sa, "Verification of peer's authenctication data PASSED")
        return True

    def _revocation_checked(
        self, device: Device, name: str | None, cert: LabCertificate | None
    ) -> bool:
        """``revocation-check crl [none]``: no CRL can be fetched in the lab."""
        point = pki_of(device).trustpoint(name)
        if point is None or point.revocation[:1] != ("crl",) or cert is None:
            return True  # unset: the lab checks only what the configuration says
        self._crl_fetch_failed(device, point, cert)
        return "none" in point.revocation[1:]

    def _crl_fetch_failed(self, device: Device, point: Trustpoint, cert: LabCertificate) -> None:
        last: dict[str, float] = device.memo("pki.crl_fetch_log", None, dict)
        now = self.ctx.clock.now()
        if now - last.get(point.name, -CRL_LOG_EVERY) < CRL_LOG_EVERY:
            return
        last[point.name] = now
        line = f"%PKI-3-CRL_FETCH_FAIL: CRL fetch for trustpoint {point.name} failed"
        if not cert.cdps and point.enrollment_url is None:
            line += "\n" + " " * 22 + "Reason : Enrollment URL not configured."
        device.log(line)

    def _trusting(
        self, device: Device, prof: Ikev2Profile, cert: LabCertificate | None
    ) -> str | None:
        """The verifying trustpoint whose CA issued ``cert`` (None: no trustpoint for it)."""
        pki = pki_of(device)
        for name in prof.verifiers:
            ca = pki.ca(name)
            if cert is not None and ca is not None and cert.issuer == ca.subject:
                return name
        return None

    def _current(self, device: Device, cert: LabCertificate | None) -> bool:
        wall = self.ctx.clock.wall()
        if cert is None or cert.not_yet_valid(wall):
            return False
        if cert.expired(wall):
            device.log(
                "%PKI-3-CERTIFICATE_INVALID_EXPIRED: Certificate chain validation has failed. "
                f"The certificate (SN: {cert.serial}) has expired. Validity period ended on "
                f"{ios_date(cert.not_after)}"
            )
            return False
        return True
