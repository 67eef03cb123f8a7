"""A peer's certificate issued by a CA the verifying end has no trustpoint for
(IKEV2_CERT_UNTRUSTED).

IOS verifies a peer's certificate with the trustpoints of its IKEv2 profile (``pki trustpoint X``
or ``... verify``); when none holds the CA that issued it, IKE_AUTH fails and nothing is logged
without ``debug crypto pki transactions``, whose lines are (Cisco's IKEv2 ASA-to-IOS
certificate example, code index file 70794207695)::

    CRYPTO_PKI: Unable to locate cert record by issuername
    CRYPTO_PKI: No trust point for cert issuer, looking up cert chain
    CRYPTO_PKI: (A16A8) No suitable trustpoints found
    IKEv2:(SESSION ID = 14607,SA ID = 68):Verify cert failed

So the state of both ends says it: the ``Issuer:`` of the certificate the peer signs with (its
``show crypto pki certificates``) against the ``Subject:`` of the CA certificates of this end's
verifying trustpoints. The finding is on the end that cannot verify (it lacks a trustpoint for
the peer's CA: ``crypto pki authenticate`` one, or the peer re-enrols with this end's CA). Pure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from nornir_tasks.checks.evidence import FleetEvidence, HostEvidence
from nornir_tasks.checks.model_names import PKI_CERTIFICATES
from nornir_tasks.checks.peers import other_end
from nornir_tasks.checks.quote import config_lines, tag, unique
from nornir_tasks.models.findings import Finding, Severity, Source, Step

if TYPE_CHECKING:
    from nornir_tasks.models.pki import PkiCertificate

CODE = "IKEV2_CERT_UNTRUSTED"
# trustpoint -> peers, from a host's configuration (``checks.pki``)
PeersBy = Callable[[HostEvidence], Mapping[str, Sequence[str]]]


def _name(lines: Sequence[str]) -> frozenset[str]:
    """A distinguished name as a set of its ``x=y`` parts (``Name:`` lines are not part)."""
    return frozenset(x.strip() for x in lines if "=" in x and not x.strip().startswith("Name:"))


def _certificates(host: HostEvidence) -> tuple[PkiCertificate, ...]:
    table = host.first(PKI_CERTIFICATES)
    return table.certificates if table is not None else ()


def _signed_with(
    other: HostEvidence, toward: HostEvidence, signing: PeersBy
) -> PkiCertificate | None:
    """The certificate ``other`` sends ``toward``: its own in the trustpoint it signs with."""
    points = [t for t, peers in signing(other).items() if set(peers) & toward.addresses]
    mine = [c for c in _certificates(other) if not c.is_ca and set(c.trustpoints) & set(points)]
    return mine[0] if mine else None


def untrusted(
    host: HostEvidence,
    fleet: FleetEvidence,
    verifying: PeersBy,
    signing: PeersBy,
    down: Callable[[str], bool],
) -> Iterator[Finding]:
    """Per tunnel peer in the fleet: its certificate's issuer matches no CA this end trusts."""
    cas = [c for c in _certificates(host) if c.is_ca]
    for trustpoint, peers in verifying(host).items():
        mine = [c for c in cas if trustpoint in c.trustpoints]
        trusted = {_name(c.subject) for c in mine}
        for peer in dict.fromkeys(peers):
            other = other_end(fleet, host, peer)
            cert = _signed_with(other, host, signing) if other is not None else None
            if other is None or cert is None or not cert.issuer or _name(cert.issuer) in trusted:
                continue
            yield _finding(host, other, peer, trustpoint, cert, mine, down(peer))


def _quoted(cert: PkiCertificate, part: str) -> list[str]:
    """The block's title, serial, ``part`` (``Issuer`` or ``Subject``) and trustpoints."""
    keep = ("Certificate", "CA Certificate", "Certificate Serial", "Associated")
    out: list[str] = []
    section = ""
    for line in (ln.strip() for ln in cert.lines):
        if line.endswith(":") and "=" not in line:
            section = line
        title = line.startswith(keep) and "Usage" not in line
        if title or line == f"{part}:" or (section == f"{part}:" and "=" in line):
            out.append(line)
    return out


def _cause(me: str, other: str, trustpoint: str, issuer: str, held: str) -> str:
    return (
        f"{other} authenticates with a certificate issued by {issuer}, and {me} verifies peers "
        f"with trustpoint {trustpoint}, whose CA is {held}. No trustpoint of {me}'s IKEv2 "
        f"profile holds {other}'s CA, so IOS cannot build a chain to its certificate ('No trust "
        "point for cert issuer' in debug crypto pki, 'Verify cert failed' in debug crypto "
        f"ikev2) and IKE_AUTH fails on every negotiation. Authenticate that CA on {me} (a "
        f"trustpoint with its certificate, listed in the profile) or enrol {other} with {me}'s CA."
    )


def _finding(
    host: HostEvidence,
    other: HostEvidence,
    peer: str,
    trustpoint: str,
    cert: PkiCertificate,
    cas: Sequence[PkiCertificate],
    broken: bool,
) -> Finding:
    issuer = ",".join(cert.issuer)
    held = "; ".join(",".join(c.subject) for c in cas) or "no CA certificate"
    return Finding(
        code=CODE,
        severity=Severity.CRITICAL if broken else Severity.WARNING,
        host=host.host,
        peer=peer,
        summary=f"no trustpoint for {other.host}'s CA ({issuer}): its certificate is refused",
        cause=_cause(host.host, other.host, trustpoint, issuer, held),
        evidence=unique(
            [
                *tag(_quoted(cert, "Issuer"), other, host.host),
                *(line for c in cas for line in _quoted(c, "Subject")),
                *config_lines(host, rf"^\s*pki trustpoint {trustpoint}\b"),
            ],
            16,
        ),
        next_steps=(
            f"show crypto pki trustpoints status  (the CAs {host.host} trusts)",
            f"on {other.host}: show crypto pki certificates  (Issuer of its own certificate)",
            "crypto pki trustpoint NEW-CA ; enrollment terminal ; crypto pki authenticate NEW-CA",
            "pki trustpoint NEW-CA verify  (under the IKEv2 profile)",
            "debug crypto pki transactions ; debug crypto ikev2  (No trust point for cert issuer)",
        ),
        step=Step.IKE_PHASE1,
        source=Source.STATE,
    )
