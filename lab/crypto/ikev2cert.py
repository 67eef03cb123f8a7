"""IKEv2 ``rsa-sig`` authentication: the CERT payload and its checks (``pki trustpoint``).

An end whose IKEv2 profile says ``authentication local rsa-sig`` sends its trustpoint's
certificate with IKE_AUTH; one that says ``authentication remote rsa-sig`` checks the peer's:
present, issued by its trustpoint's CA, and valid at the lab clock. The lab does no real
signature: the certificate is data (``lab.pki``).

Wording from real captures: ``My authentication method is 'RSA'`` / ``Peer's authentication
method is 'RSA'`` (the PSK forms of ``repo_iosxe_debug_ikev2_child_no_proposal_chosen``, RSA as
a Cisco IKEv2 ASA-to-IOS certificate example prints it, code index file 70794207695), from
the same example the failure lines ``: Platform errors``, ``Verify cert failed`` and
``Verification of peer's authentication data FAILED``; the syslog ``%PKI-3-CERTIFICATE_INVALID_EXPIRED:
Certificate chain validation has failed. The certificate (SN: ...) has expired. Validity period
ended on ...`` from an engineer's capture of an expired controller certificate (code index file
58299924695, wrapped there over three lines, one line here). IOS-XE's ``debug crypto pki``
lines between them are not printed (the lab has no ``debug crypto pki``). The IKE_AUTH payload
order with certificates (``IDi CERT CERTREQ AUTH``) is RFC 7296's: no IOS-XE capture of it was
found.
"""

from __future__ import annotations

from lab.crypto.context import CryptoContext
from lab.crypto.ikev2msg import V2Wire
from lab.device import Device
from lab.ikev2cfg import Ikev2Profile
from lab.pki import LabCertificate, PkiConfig, ios_date, read_pki_config
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
        if not self._trusted(device, prof, cert) or not self._current(device, cert):
            log(device, sa, ": Platform errors")
            log(device, sa, "Verify cert failed")
            log(device, sa, "Verification of peer's authentication data FAILED")
            return False
        log(device, sa, "Verification of peer's authenctication data PASSED")
        return True

    def _trusted(self, device: Device, prof: Ikev2Profile, cert: LabCertificate | None) -> bool:
        ca = pki_of(device).ca(prof.trustpoint)
        return cert is not None and ca is not None and cert.issuer == ca.subject

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
