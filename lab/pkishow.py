"""``show crypto pki certificates [TRUSTPOINT]``, from the certificates of the running config.

Layout copied from real captures: an IOS router's enrolled certificate and its CA (a lab
write-up, code index file 10028578880: two-space indentation, ``Issuer:`` / ``Subject:``
without a trailing space, ``Name:`` then ``hostname=`` for a router, ``Storage:
nvram:R14CA#1CA.cer`` for a CA), genieparser's C3850 / CSR1000v captures (``end   date:``
with three spaces, ``Storage: nvram:IOS-Self-Sig#1.cer``). ``Status: Available`` stays as it
is when a certificate expires: IOS says so only through the dates. The storage file names
follow the captures' pattern (the issuer's name, ``#``, the serial, ``CA`` for a CA); the
lab's own are made up. ``verbose`` adds key and fingerprint lines on IOS; no capture of them
was found, so the lab prints the same blocks for it.
"""

from __future__ import annotations

from lab.pki import LabCertificate, PkiConfig, ios_date


def _storage(cert: LabCertificate) -> str:
    issuer = next((n[3:] for n in cert.issuer if n.startswith("cn=")), "cert")
    stem = "".join(ch for ch in issuer if ch.isalnum())[:12]
    return f"nvram:{stem}#{cert.serial.lstrip('0') or '0'}{'CA' if cert.ca else ''}.cer"


def _block(cert: LabCertificate) -> list[str]:
    subject = [f"    Name: {cert.hostname}"] if cert.hostname else []
    return [
        "CA Certificate" if cert.ca else "Certificate",
        "  Status: Available",
        f"  Certificate Serial Number (hex): {cert.serial}",
        f"  Certificate Usage: {cert.usage}",
        "  Issuer:",
        *(f"    {n}" for n in cert.issuer),
        "  Subject:",
        *subject,
        *(f"    {n}" for n in cert.subject),
        "  Validity Date:",
        f"    start date: {ios_date(cert.not_before)}",
        f"    end   date: {ios_date(cert.not_after)}",
        f"  Associated Trustpoints: {cert.trustpoint}",
        f"  Storage: {_storage(cert)}",
        "",
    ]


def pki_certificates(pki: PkiConfig, trustpoint: str | None) -> str:
    """The router's certificates first, then the CAs', as the captures order them."""
    chosen = [c for c in pki.certificates if trustpoint in (None, c.trustpoint)]
    out: list[str] = []
    for cert in sorted(chosen, key=lambda c: c.ca):
        out += _block(cert)
    return "\n".join(out) + ("\n" if out else "")
