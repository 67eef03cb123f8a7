"""A CRL that cannot be fetched under ``revocation-check crl`` (IKEV2_CRL_UNAVAILABLE).

IOS checks a peer's certificate against a CRL when the trustpoint it verifies with says
``revocation-check crl``; if no CRL is cached and none can be fetched (the certificate's CRL
distribution point unreachable, or none and no enrollment URL for SCEP GetCRL), it refuses the
certificate, unless the methods go on to ``none``. The router logs, e.g. (an IOS-XE 17.3
capture, code index file 25711808864)::

    %PKI-3-CRL_FETCH_FAIL: CRL fetch for trustpoint DNAC-CA failed
                          Reason : Enrollment URL not configured.

The finding is on the router whose trustpoint cannot get its CRL, for the tunnels that verify
peers with it (IKEv2 profiles with ``authentication remote rsa-sig`` and ``pki trustpoint``):
critical when one of them is not up, a warning while they all still are. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from nornir_tasks.checks.evidence import HostEvidence
from nornir_tasks.checks.quote import config_lines, unique
from nornir_tasks.models.findings import Finding, Severity, Source, Step

CODE = "IKEV2_CRL_UNAVAILABLE"
# *Nov 18 11:06:40.119: %PKI-3-CRL_FETCH_FAIL: CRL fetch for trustpoint LAB-CA failed
_FETCH_FAIL = re.compile(r"%PKI-3-CRL_FETCH_FAIL: CRL fetch for trustpoint (\S+) failed")
#                       Reason : Enrollment URL not configured.
_REASON = re.compile(r"^\s+Reason\s*:\s*(.+?)\s*$")
# revocation-check crl none
_REVOCATION = re.compile(r"^\s*revocation-check\s+(.+)$")


def fetch_failures(host: HostEvidence) -> dict[str, list[str]]:
    """trustpoint -> its ``CRL_FETCH_FAIL`` lines in the log, each with its Reason line."""
    found: dict[str, list[str]] = {}
    for _, text in host.raw_of("show logging"):
        lines = text.splitlines()
        for i, line in enumerate(lines):
            m = _FETCH_FAIL.search(line)
            if m is None:
                continue
            reason = lines[i + 1] if i + 1 < len(lines) and _REASON.match(lines[i + 1]) else ""
            found.setdefault(m[1], []).extend(x.strip() for x in (line, reason) if x)
    return found


def _trustpoint_block(host: HostEvidence, name: str) -> list[str]:
    return config_lines(host, rf"^crypto pki trustpoint {re.escape(name)}\s*$", children=True)


def refuses_without_crl(block: Sequence[str]) -> bool:
    """``revocation-check crl`` with no ``none`` after it: no CRL, no certificate."""
    methods = next((m[1].split() for line in block if (m := _REVOCATION.match(line))), [])
    return methods[:1] == ["crl"] and "none" not in methods[1:]


def crl_findings(
    host: HostEvidence, verifying: Mapping[str, Sequence[str]], down: Callable[[str], bool]
) -> list[Finding]:
    """``verifying``: trustpoint -> the peers whose certificates it verifies; ``down``: a
    tunnel to that peer is not up."""
    out: list[Finding] = []
    for name, lines in fetch_failures(host).items():
        block = _trustpoint_block(host, name)
        if name not in verifying or not refuses_without_crl(block):
            continue
        peers = list(verifying[name])
        broken = [p for p in peers if down(p)]
        peer = (broken or peers)[0] if peers else None
        out.append(_finding(host, name, peer, bool(broken), lines, block))
    return out


def _reason(lines: Sequence[str]) -> str:
    reasons = [m[1] for line in lines if (m := _REASON.match(" " + line))]
    return f" ({reasons[-1].rstrip('.')})" if reasons else ""


def _finding(
    host: HostEvidence,
    name: str,
    peer: str | None,
    broken: bool,
    lines: Sequence[str],
    block: Sequence[str],
) -> Finding:
    profile = config_lines(host, rf"^\s*pki trustpoint {re.escape(name)}\b")
    return Finding(
        code=CODE,
        severity=Severity.CRITICAL if broken else Severity.WARNING,
        host=host.host,
        peer=peer,
        summary=f"no CRL for trustpoint {name}: revocation-check crl refuses the peer's certificate",
        cause=(
            f"{host.host}'s trustpoint {name} checks revocation against a CRL ('revocation-check "
            f"crl', no 'none' after it) and the CRL cannot be fetched{_reason(lines)}. Without "
            "it IOS refuses every peer certificate it verifies with this trustpoint, so each "
            "IKE_AUTH fails ('Verify cert failed') and the tunnel never comes up. Make the CRL "
            "reachable (the CRL distribution point of the peer's certificate, or an enrollment "
            "URL for SCEP GetCRL), or accept a missing CRL with 'revocation-check crl none'."
        ),
        evidence=unique([*lines[-4:], *block, *profile], 14),
        next_steps=(
            "show crypto pki crls  (is a CRL of the peer's issuer held?)",
            f"show crypto pki trustpoints {name} status",
            "show crypto pki certificates verbose  (the peer's CRL distribution point)",
            f"crypto pki crl request {name}  (fetch it now: the reason is logged if it fails)",
            f"crypto pki trustpoint {name} ; revocation-check crl none  (accept a missing CRL)",
        ),
        step=Step.IKE_PHASE1,
        source=Source.STATE,
    )
