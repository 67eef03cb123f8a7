"""``show crypto pki trustpoints [TRUSTPOINT] status`` and ``show crypto pki crls``.

Layout of the trustpoint status from an engineer's capture of a C9200L (IOS-XE 17.x) after a
PKCS#12 import (code index file 12440769983)::

    Trustpoint TEST:
      Issuing CA certificate configured:
        Subject Name:
         cn=c9200.example.com
        Fingerprint MD5: 5ECAF77E 82DECF83 DFEE5CC5 FE6A0E58
        Fingerprint SHA1: E09655FB 63A8F216 F50C1F42 9263665A 563075BD
      Router General Purpose certificate configured:
        ...
      State:
        Keys generated ............. Yes (General Purpose, non-exportable)
        Issuing CA authenticated ....... Yes
        Certificate request(s) ..... Yes

(a name of several parts comma-joined, as ``show crypto pki crls`` prints its issuer in a
C8000v lab capture, code index file 44745045678). The lab never holds a CRL (no CA server, no
HTTP), and no capture of an empty ``show crypto pki crls`` was found: it prints nothing.
"""

from __future__ import annotations

import hashlib

from lab.pki import LabCertificate, PkiConfig


def _fingerprint(data: bytes, algorithm: str) -> str:
    digest = hashlib.new(algorithm, data).hexdigest().upper()
    return " ".join(digest[i : i + 8] for i in range(0, len(digest), 8)) + " "


def _certificate(title: str, cert: LabCertificate) -> list[str]:
    return [
        f"  {title} configured:",
        "    Subject Name:",
        "     " + ",".join(cert.subject),
        f"    Fingerprint MD5: {_fingerprint(cert.der, 'md5')}",
        f"    Fingerprint SHA1: {_fingerprint(cert.der, 'sha1')}",
    ]


def _trustpoint(pki: PkiConfig, name: str) -> list[str]:
    ca, mine = pki.ca(name), pki.identity(name)
    out = [f"Trustpoint {name}:"]
    if ca is not None:
        out += _certificate("Issuing CA certificate", ca)
    if mine is not None:
        out += _certificate(f"Router {mine.usage} certificate", mine)
    yes = {True: "Yes", False: "No"}
    out += [
        "  State:",
        "    Keys generated ............. Yes (General Purpose, non-exportable)",
        f"    Issuing CA authenticated ....... {yes[ca is not None]}",
        f"    Certificate request(s) ..... {yes[mine is not None]}",
        "",
    ]
    return out


def trustpoints_status(pki: PkiConfig, trustpoint: str | None) -> str:
    out: list[str] = []
    for name in (t for t in pki.trustpoints if trustpoint in (None, t)):
        out += _trustpoint(pki, name)
    return "\n".join(out) + ("\n" if out else "")
