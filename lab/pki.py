"""PKI in a router's running configuration: ``crypto pki trustpoint`` and the certificates of
its ``crypto pki certificate chain`` (real X.509 DER in IOS's hex lines, decoded with the
``cryptography`` package that paramiko already needs).

The lab reads names, serials, key usage and validity dates from them and compares the dates
with the lab clock; it never checks a signature or a private key (none is stored). The
scenario's certificates were made for the lab: a root CA ``cn=Lab Root CA, o=vpndiag`` and
one certificate per router (``hostname=NAME.lab.vpndiag.test``), RSA 2048, SHA-256.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtensionOID, NameOID, ObjectIdentifier

from lab.configtree import ConfigTree, Node

_UNSTRUCTURED_NAME = ObjectIdentifier("1.2.840.113549.1.9.2")  # IOS prints it "hostname="
_SHORT = {
    NameOID.COMMON_NAME: "cn",
    NameOID.ORGANIZATION_NAME: "o",
    NameOID.ORGANIZATIONAL_UNIT_NAME: "ou",
    NameOID.LOCALITY_NAME: "l",
    NameOID.STATE_OR_PROVINCE_NAME: "st",
    NameOID.COUNTRY_NAME: "c",
    NameOID.EMAIL_ADDRESS: "e",
    NameOID.SERIAL_NUMBER: "serialNumber",
    _UNSTRUCTURED_NAME: "hostname",
}
_HEX = re.compile(r"^[0-9a-fA-F ]+$")


@dataclass(frozen=True)
class LabCertificate:
    """A certificate of a trustpoint, as ``show crypto pki certificates`` needs it."""

    trustpoint: str
    serial: str  # hex, as the chain names it ("0C", "01")
    ca: bool
    subject: tuple[str, ...]  # "hostname=V12.lab.vpndiag.test", "cn=Lab Root CA", "o=vpndiag"
    issuer: tuple[str, ...]
    hostname: str | None  # the subject's unstructured name ("Name: ..." in the output)
    not_before: datetime  # UTC
    not_after: datetime
    usage: str  # "General Purpose" (signing and encryption) or "Signature"
    cdps: tuple[str, ...] = ()  # CRL distribution point URLs (none in the lab's certificates)
    der: bytes = b""  # the certificate as the chain holds it (for its fingerprints)

    def expired(self, wall: float) -> bool:
        return wall >= self.not_after.timestamp()

    def not_yet_valid(self, wall: float) -> bool:
        return wall < self.not_before.timestamp()


@dataclass(frozen=True)
class Trustpoint:
    """``crypto pki trustpoint NAME``: how it enrols and checks revocation."""

    name: str
    enrollment_url: str | None  # "enrollment url http://..." (SCEP); None: terminal, pkcs12
    revocation: tuple[str, ...]  # "revocation-check crl none" -> ("crl", "none"); () unset


@dataclass(frozen=True)
class PkiConfig:
    trustpoints: tuple[str, ...]
    certificates: tuple[LabCertificate, ...]
    settings: tuple[Trustpoint, ...] = ()

    def trustpoint(self, name: str | None) -> Trustpoint | None:
        return next((t for t in self.settings if t.name == name), None)

    def identity(self, trustpoint: str | None) -> LabCertificate | None:
        """The router's own certificate in ``trustpoint``."""
        return next((c for c in self.certificates if c.trustpoint == trustpoint and not c.ca), None)

    def ca(self, trustpoint: str | None) -> LabCertificate | None:
        return next((c for c in self.certificates if c.trustpoint == trustpoint and c.ca), None)


def _names(name: x509.Name) -> tuple[str, ...]:
    """``cn=...`` lines, most specific first, as IOS prints a name (the DER order reversed)."""
    return tuple(
        f"{_SHORT.get(a.oid, a.oid.dotted_string)}={a.value!s}" for a in reversed(list(name))
    )


def _usage(cert: x509.Certificate) -> str:
    try:
        usage = cert.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
    except x509.ExtensionNotFound:
        return "General Purpose"
    assert isinstance(usage, x509.KeyUsage)
    return "General Purpose" if usage.key_encipherment else "Signature"


def _certificate(trustpoint: str, node: Node) -> LabCertificate | None:
    """``certificate [ca] SERIAL`` and its hex lines (the ``quit`` line ends them)."""
    words = node.line.split()
    text = "".join(c.line for c in node.children if _HEX.match(c.line.strip()))
    try:
        cert = x509.load_der_x509_certificate(bytes.fromhex(text.replace(" ", "")))
    except ValueError:
        return None  # not a certificate IOS would have accepted either
    hostname = cert.subject.get_attributes_for_oid(_UNSTRUCTURED_NAME)
    return LabCertificate(
        trustpoint,
        words[-1].upper(),
        words[1] == "ca",
        _names(cert.subject),
        _names(cert.issuer),
        str(hostname[0].value) if hostname else None,
        cert.not_valid_before_utc,
        cert.not_valid_after_utc,
        _usage(cert),
        _cdps(cert),
        cert.public_bytes(Encoding.DER),
    )


def _cdps(cert: x509.Certificate) -> tuple[str, ...]:
    try:
        points = cert.extensions.get_extension_for_oid(ExtensionOID.CRL_DISTRIBUTION_POINTS).value
    except x509.ExtensionNotFound:
        return ()
    assert isinstance(points, x509.CRLDistributionPoints)
    names = (n for p in points for n in (p.full_name or ()))
    return tuple(str(n.value) for n in names if isinstance(n, x509.UniformResourceIdentifier))


def _trustpoint(name: str, node: Node) -> Trustpoint:
    url: str | None = None
    revocation: tuple[str, ...] = ()
    for child in node.children:
        w = child.line.split()
        if w[:2] == ["enrollment", "url"] and len(w) > 2:
            url = w[2]
        elif w[:1] == ["revocation-check"]:
            revocation = tuple(w[1:])
    return Trustpoint(name, url, revocation)


def read_pki_config(tree: ConfigTree) -> PkiConfig:
    trustpoints: list[str] = []
    settings: list[Trustpoint] = []
    certs: list[LabCertificate] = []
    for node in tree.sections():
        w = node.line.split()
        if w[:3] == ["crypto", "pki", "trustpoint"] and len(w) > 3:
            trustpoints.append(w[3])
            settings.append(_trustpoint(w[3], node))
        elif w[:4] == ["crypto", "pki", "certificate", "chain"] and len(w) > 4:
            found = (_certificate(w[4], c) for c in node.children if c.line.startswith("cert"))
            certs += [c for c in found if c is not None]
    return PkiConfig(tuple(trustpoints), tuple(certs), tuple(settings))


def ios_date(when: datetime) -> str:
    """``00:44:52 UTC Nov 20 2025`` (the day not zero-padded: ``Jan 1 2020``)."""
    utc = when.astimezone(UTC)
    return f"{utc:%H:%M:%S} UTC {utc:%b} {utc.day} {utc.year}"
