"""The check register and ``diagnose``: evidence in, findings out.

A check is a pure function registered under one finding code::

    @check("IKE_P1_NO_RESPONSE", needs=ISAKMP + LOGS)
    def no_response(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]: ...

``needs`` lists canonical commands (globs allowed); the check runs on every host that has at
least one of them and is skipped on the others. It yields findings of its own code only.

Two kinds complete the others: an ``implied`` check runs whenever any check is selected (a
playbook threshold), and one that ``reads_findings`` runs in a second pass with the first
pass's findings in ``fleet.findings`` (a pointer to a cause found on the other end).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from nornir_tasks.checks.evidence import FleetEvidence, HostEvidence
from nornir_tasks.models.findings import Finding, finding_order

CheckFn = Callable[[HostEvidence, FleetEvidence], Iterable[Finding]]
F = TypeVar("F", bound=CheckFn)


@dataclass(frozen=True)
class Check:
    code: str
    needs: tuple[str, ...]
    fn: CheckFn
    implied: bool = False  # runs whenever any check is selected
    reads_findings: bool = False  # second pass: reads the other checks' findings

    @property
    def where(self) -> str:
        """``module:function`` of the check, for listings."""
        return f"{self.fn.__module__}:{self.fn.__name__}"

    def wanted(self, select: Sequence[str]) -> bool:
        return _selected(self.code, select) or (self.implied and bool(select))

    def applies_to(self, host: HostEvidence) -> bool:
        return any(host.has(need) for need in self.needs)


_REGISTRY: dict[str, Check] = {}


def check(
    code: str, needs: Sequence[str], implied: bool = False, reads_findings: bool = False
) -> Callable[[F], F]:
    """Register ``fn`` as the check of ``code``; a second registration of a code raises."""
    if not needs:
        raise ValueError(f"check {code!r} needs at least one command")

    def register(fn: F) -> F:
        if code in _REGISTRY:
            raise ValueError(f"check {code!r} is already registered")
        _REGISTRY[code] = Check(code, tuple(needs), fn, implied, reads_findings)
        return fn

    return register


def registered_checks() -> list[Check]:
    """Every registered check, by code."""
    return [_REGISTRY[code] for code in sorted(_REGISTRY)]


def registered_count() -> int:
    """How many checks are registered (a key for caches of selections)."""
    return len(_REGISTRY)


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


def _pass(fleet: FleetEvidence, checks: Sequence[Check]) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[Finding] = set()  # a list look-up per finding was quadratic in the fleet
    for chk in checks:
        for host in fleet.hosts:
            if not chk.applies_to(host):
                continue
            for f in _run(chk, host, fleet):
                if f not in seen:
                    seen.add(f)
                    findings.append(f)
    return findings


def diagnose(
    fleet: FleetEvidence, select: Sequence[str] = ("*",), second_pass: bool = False
) -> list[Finding]:
    """Run the selected checks (codes or globs like ``IKE_*``) on every host of the fleet;
    with ``second_pass`` (the playbook runner), then those that read the others' findings.

    Findings come back in the one finding order (``models.findings.finding_order``).
    """
    wanted = [c for c in registered_checks() if c.wanted(select)]
    first = _pass(fleet, [c for c in wanted if not c.reads_findings])
    later = [c for c in wanted if c.reads_findings] if second_pass else []
    second = _pass(replace(fleet, findings=tuple(first)), later) if later else []
    return sorted(first + second, key=finding_order)
