"""PKI certificates (``show crypto pki certificates``) and the router's clock (``show clock``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# 00:44:52 UTC Nov 20 2025 / 18:56:04.554 EST Mon Oct 17 2016 / 05:26:38.035 UTC+2 Wed JAN 4 2019
_WHEN = re.compile(
    r"(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?\s+\S+\s+(?:[A-Za-z]{3}\s+)?([A-Za-z]{3})\s+(\d{1,2})\s+(\d{4})"
)


def local_time(text: str | None) -> datetime | None:
    """The wall time a router printed, in its own time zone (naive: a certificate's dates and
    ``show clock`` on one router are printed in the same zone, so they compare as they are)."""
    m = _WHEN.search(text or "")
    if m is None or m[4].lower() not in _MONTHS:
        return None
    try:
        return datetime(
            int(m[6]), _MONTHS.index(m[4].lower()) + 1, int(m[5]), int(m[1]), int(m[2]), int(m[3])
        )
    except ValueError:
        return None


@dataclass(frozen=True)
class PkiCertificate:
    """One block of ``show crypto pki certificates``, its values as printed."""

    kind: str  # "Certificate", "CA Certificate", "Router Self-Signed Certificate"
    status: str | None = None  # "Available", "Pending" (an enrolment not granted yet)
    serial: str | None = None  # hex, as printed
    usage: str | None = None  # "General Purpose", "Signature" (a request's "Key Usage")
    issuer: tuple[str, ...] = ()  # "cn=Cisco Root CA M2", "o=Cisco"
    subject: tuple[str, ...] = ()  # "Name: R15", "hostname=R15", "cn=R15"
    crl_distribution_points: tuple[str, ...] = ()
    start: str | None = None  # "00:34:52 UTC Nov 20 2015"
    end: str | None = None
    renew: str | None = None
    trustpoints: tuple[str, ...] = ()
    storage: str | None = None
    lines: tuple[str, ...] = ()  # the block as printed (evidence)

    @property
    def is_ca(self) -> bool:
        return self.kind.startswith("CA ")

    @property
    def ends_at(self) -> datetime | None:
        return local_time(self.end)


@dataclass(frozen=True)
class PkiCertificateTable:
    certificates: tuple[PkiCertificate, ...]


@dataclass(frozen=True)
class RouterClock:
    """``show clock``: ``*11:06:40.123 UTC Wed Nov 18 2026`` (``*``: not authoritative,
    ``.``: was synchronised, lost since)."""

    time: str
    authoritative: bool
    line: str = ""

    @property
    def now(self) -> datetime | None:
        return local_time(self.time)
