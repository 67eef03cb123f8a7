"""The relay's certificate after STARTTLS: subject, issuer, expiry and days left (pure)."""

from __future__ import annotations

import datetime as dt

from nornir_tasks.models.smtp import TlsInfo


def certificate_info(der: bytes, now: dt.datetime, version: str = "", cipher: str = "") -> TlsInfo:
    """Read a DER certificate; ``days_left`` is whole days, negative once expired."""
    # Imported here: x509 costs every run that could test SMTP ≈ 20 ms of start (performance.md).
    from cryptography import x509

    cert = x509.load_der_x509_certificate(der)
    not_after = cert.not_valid_after_utc
    return TlsInfo(
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        not_after=not_after.date().isoformat(),
        days_left=(not_after - now).days,
        version=version,
        cipher=cipher,
    )
