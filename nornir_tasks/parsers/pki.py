"""``show crypto pki certificates [TRUSTPOINT]`` and ``show clock`` (IOS / IOS-XE).

Sample (genieparser's C3850 capture, tests/golden/genie_iosxe_pki_certificates_c3850_sudi)::

    Certificate
      Status: Available
      Certificate Serial Number (hex): 793B572700000003750B
      Certificate Usage: General Purpose
      Issuer:
        cn=Cisco Manufacturing CA SHA2
        o=Cisco
      Subject:
        Name: WS-C3850-24P-0057D21BC800
        cn=WS-C3850-24P-0057D21BC800
      CRL Distribution Points:
        http://www.cisco.com/security/pki/crl/cmca2.crl
      Validity Date:
        start date: 00:34:52 UTC Nov 20 2015
        end   date: 00:44:52 UTC Nov 20 2025
        renew date: 09:19:52 UTC Apr 10 2023
      Associated Trustpoints: CISCO_IDEVID_SUDI
      Storage: nvram:IOS-Self-Sig#1.cer

    CA Certificate
      ...

A pending enrolment (a lab write-up's capture) indents its fields one space more and says
``Status: Pending``, ``Key Usage:`` and ``Associated Trustpoint:``. ``show clock``
(genieparser's captures; the lab's leading ``*``)::

    *18:56:04.554 EST Mon Oct 17 2016
"""

from __future__ import annotations

import re
from typing import Any

from nornir_tasks.models.pki import PkiCertificate, PkiCertificateTable, RouterClock
from nornir_tasks.parsers._common import table_lines
from nornir_tasks.parsers._unparsed import skip
from nornir_tasks.parsers.registry import parser

COMMAND = "show crypto pki certificates"

# Certificate / CA Certificate / Router Self-Signed Certificate / RA Signature Certificate
_TITLE = re.compile(r"^((?:[\w-]+ )*Certificate)\s*$")
# Status: Available  /  Certificate Serial Number (hex): 02  /  Associated Trustpoints: A B
_FIELD = re.compile(r"^([A-Za-z][\w ()-]*?)\s*:\s*(.*?)\s*$")
_SINGLE = {
    "Status": "status",
    "Certificate Serial Number (hex)": "serial",
    "Certificate Serial Number": "serial",
    "Certificate Usage": "usage",
    "Key Usage": "usage",
    "Storage": "storage",
    "start date": "start",
    "end date": "end",
    "renew date": "renew",
}
# Issuer: / Subject: / CRL Distribution Points: / Validity Date: open a list of value lines
_LISTS = {"Issuer": "issuer", "Subject": "subject", "CRL Distribution Points": "crl"}


_TRUSTPOINTS = ("Associated Trustpoints", "Associated Trustpoint")
# a subject's own "Name:" / "Serial Number:" / "IP Address:" lines belong to its list
_SUBJECT_FIELDS = ("Name", "Serial Number", "IP Address")


def _known(name: str) -> bool:
    return (
        name in _SINGLE
        or name in _LISTS
        or name in _TRUSTPOINTS
        or name == "Validity Date"
        or name.startswith("Certificate Request Fingerprint")
    )


class _Block:
    def __init__(self, kind: str, title: str) -> None:
        self.values: dict[str, Any] = {"kind": kind}
        self.lists: dict[str, list[str]] = {"issuer": [], "subject": [], "crl": []}
        self.open: str | None = None
        self.lines = [title]

    def add(self, line: str) -> bool:
        """Read one line of the block; False when it means nothing here."""
        m = _FIELD.match(line)
        name = " ".join(m[1].split()) if m else ""
        if m and _known(name):
            self.open = None
            self._field(name, m[2])
        elif (
            m is None
            or m[2].startswith("//")
            or (self.open == "subject" and name in _SUBJECT_FIELDS)
        ):
            if self.open is None:
                return False
            self.lists[self.open].append(line)  # "cn=...", "Name: R15", a CRL's URL
        else:
            return False  # an unknown "Field: value" line (a newer release's), not kept
        self.lines.append(line)
        return True

    def _field(self, name: str, value: str) -> None:
        if name in _SINGLE and value:
            self.values[_SINGLE[name]] = value
        elif name in _TRUSTPOINTS:
            self.values["trustpoints"] = tuple(value.split())
        elif name in _LISTS and not value:
            self.open = _LISTS[name]
        # "Validity Date:" opens the dates; a pending request's fingerprints are not kept

    def build(self) -> PkiCertificate:
        return PkiCertificate(
            **self.values,
            issuer=tuple(self.lists["issuer"]),
            subject=tuple(self.lists["subject"]),
            crl_distribution_points=tuple(self.lists["crl"]),
            lines=tuple(self.lines),
        )


@parser("show crypto pki certificates ...")
def parse_pki_certificates(text: str) -> PkiCertificateTable:
    blocks: list[_Block] = []
    for raw in table_lines(COMMAND, text):
        line = raw.strip()
        if m := _TITLE.match(line):
            blocks.append(_Block(m[1], line))
            continue
        if not blocks:
            skip(raw)
            continue
        if not blocks[-1].add(line):
            skip(raw)
    return PkiCertificateTable(tuple(b.build() for b in blocks))


# *18:56:04.554 EST Mon Oct 17 2016   (".": synchronised once, "*": not authoritative). The
# "Load for five secs" / "Time source is" header lines are exec timestamps, dropped before.
_CLOCK = re.compile(r"^([*.]?)(\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\s+\S+.*\d{4})$")


@parser("show clock")
def parse_clock(text: str) -> RouterClock:
    found = RouterClock("", False)
    for raw in table_lines("show clock", text):
        line = raw.strip()
        if m := _CLOCK.match(line):
            found = RouterClock(m[2], m[1] == "", line)
        else:
            skip(raw)
    return found
