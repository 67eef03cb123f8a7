"""The check register and ``diagnose``: evidence in, findings out.

A check is a pure function registered under one finding code::

    @check("IKE_P1_NO_RESPONSE", needs=ISAKMP + LOGS)
    def no_response(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]: ...

``needs`` lists canonical commands (globs allowed); the check runs on every host that has at
least one of them and is skipped on the others. It yields findings of its own code only.

Two kinds complete the others: an ``implied`` check runs whenever any check is selected (a
playbook threshold), and one that ``reads_findings`` runs in a second pass with the first
pass's findings in ``fleet.findings`` (a pointer to a cause found on the other end).

Rule modules are imported on demand: ``_index.NEEDS_BY_MODULE`` names what each module's
checks need, and ``diagnose`` imports only the modules whose checks apply to some host (all
of them cost ``vpndiag diagnose`` about a third of its start). A rule module of
``RULE_MODULES`` missing from the index is always imported: slow, never lost; a test keeps
the index equal to what the modules register. The listings import every module.
"""

from __future__ import annotations

import fnmatch
import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from nornir_tasks.checks._index import NEEDS_BY_MODULE
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


def _rule_modules() -> tuple[str, ...]:
    from nornir_tasks.checks import RULE_MODULES  # the package imports this module

    return tuple(f"nornir_tasks.checks.{name}" for name in RULE_MODULES)


def load_all() -> None:
    """Import every rule module (what ``diagnose``'s on-demand imports avoid)."""
    global _ALL_LOADED
    if not _ALL_LOADED:
        for module in _rule_modules():
            importlib.import_module(module)
        _ALL_LOADED = True


_ALL_LOADED = False


def modules_for(hosts: Sequence[HostEvidence]) -> list[str]:
    """The rule modules with a check that applies to one of ``hosts`` (and every rule module
    the index does not know)."""
    wanted = [
        f"nornir_tasks.checks.{module}"
        for module, needs in NEEDS_BY_MODULE.items()
        if any(host.has(need) for host in hosts for need in needs)
    ]
    indexed = {f"nornir_tasks.checks.{module}" for module in NEEDS_BY_MODULE}
    return wanted + [m for m in _rule_modules() if m not in indexed]


def _checks() -> list[Check]:
    # A snapshot: another thread may be importing a rule module that registers more.
    found = tuple(_REGISTRY.items())
    return [chk for _, chk in sorted(found)]


def registered_checks() -> list[Check]:
    """Every registered check, by code (every rule module imported first)."""
    load_all()
    return _checks()


def registered_count() -> int:
    """How many checks are registered (a key for caches of selections)."""
    load_all()
    return len(_REGISTRY)


def registered_codes() -> list[str]:
    """Every registered finding code, sorted (for validating ``--select`` / playbook patterns)."""
    return [chk.code for chk in registered_checks()]


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
    for module in modules_for(fleet.hosts):
        # Not a ``sys.modules`` test: a module another thread is importing is there half
        # registered; ``import_module`` waits for it to finish.
        importlib.import_module(module)
    wanted = [c for c in _checks() if c.wanted(select)]
    first = _pass(fleet, [c for c in wanted if not c.reads_findings])
    later = [c for c in wanted if c.reads_findings] if second_pass else []
    second = _pass(replace(fleet, findings=tuple(first)), later) if later else []
    return sorted(first + second, key=finding_order)
