"""The check register and ``diagnose``: evidence in, findings out.

A check is a pure function registered under one finding code::

    @check("IKE_P1_NO_RESPONSE", needs=ISAKMP + LOGS)
    def no_response(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]: ...

``needs`` lists canonical commands (globs allowed); the check runs on every host that has at
least one of them and is skipped on the others. It yields findings of its own code only.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from nornir_tasks.checks.evidence import FleetEvidence, HostEvidence
from nornir_tasks.models.findings import Finding

CheckFn = Callable[[HostEvidence, FleetEvidence], Iterable[Finding]]
F = TypeVar("F", bound=CheckFn)


@dataclass(frozen=True)
class Check:
    code: str
    needs: tuple[str, ...]
    fn: CheckFn

    def applies_to(self, host: HostEvidence) -> bool:
        return any(host.has(need) for need in self.needs)


_REGISTRY: dict[str, Check] = {}


def check(code: str, needs: Sequence[str]) -> Callable[[F], F]:
    """Register ``fn`` as the check of ``code``; a second registration of a code raises."""
    if not needs:
        raise ValueError(f"check {code!r} needs at least one command")

    def register(fn: F) -> F:
        if code in _REGISTRY:
            raise ValueError(f"check {code!r} is already registered")
        _REGISTRY[code] = Check(code, tuple(needs), fn)
        return fn

    return register


def registered_checks() -> list[Check]:
    """Every registered check, by code."""
    return [_REGISTRY[code] for code in sorted(_REGISTRY)]


def registered_codes() -> list[str]:
    """Every registered finding code, sorted (for validating ``--select`` / playbook patterns)."""
    return sorted(_REGISTRY)


def _selected(code: str, select: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(code, pattern.upper()) for pattern in select)


def _run(chk: Check, host: HostEvidence, fleet: FleetEvidence) -> list[Finding]:
    found = list(chk.fn(host, fleet))
    for finding in found:
        if finding.code != chk.code:
            raise ValueError(f"check {chk.code} yielded a {finding.code} finding")
    return found


def sort_key(finding: Finding) -> tuple[int, str, str, str]:
    return (-finding.severity.rank, finding.host, finding.code, finding.peer or "")


def diagnose(fleet: FleetEvidence, select: Sequence[str] = ("*",)) -> list[Finding]:
    """Run the selected checks (codes or globs like ``IKE_*``) on every host of the fleet.

    Findings come back sorted by severity (critical first), then host, code and peer.
    """
    findings: list[Finding] = []
    for chk in registered_checks():
        if not _selected(chk.code, select):
            continue
        for host in fleet.hosts:
            if chk.applies_to(host):
                findings.extend(f for f in _run(chk, host, fleet) if f not in findings)
    return sorted(findings, key=sort_key)
