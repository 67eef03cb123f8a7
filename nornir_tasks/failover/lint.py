"""Failover lint: the field guide's EEM + IP SLA pitfalls (§6.2) as findings, before a push.

Pure: configuration text (and the change about to be merged) in, findings out. Each rule is
registered under one code in ``LINT_RULES`` (a second registration raises); the codes are
separate from the diagnosis checks because they read configuration only and judge a plan, and
they are listed in ``docs/failover.md``. Findings use the ``vpndiag diagnose`` format.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from nornir_tasks.failover.lint_base import (
    LINT_RULES,
    LintContext,
    LintTarget,
    Rule,
    Wans,
    default_routes,
    lint_codes,
    lint_rule,
    lint_target,
    quote,
    route_interface,
    wans_of,
)
from nornir_tasks.models.findings import Finding, finding_order

__all__ = [
    "LINT_RULES",
    "LintContext",
    "LintTarget",
    "Rule",
    "Wans",
    "default_routes",
    "lint",
    "lint_codes",
    "lint_rule",
    "lint_target",
    "quote",
    "route_interface",
    "wans_of",
]

# Each rule module registers its rules on import; imported in this order, LINT_RULES keeps the
# order the rules had in one module (lint() and the listings sort by code anyway).
for _module in ("lint_sla", "lint_routes", "lint_eem", "lint_crypto"):
    importlib.import_module(f"nornir_tasks.failover.{_module}")


def lint(target: LintTarget, peers: Sequence[LintTarget] = ()) -> list[Finding]:
    """Every rule on ``target``; ``peers`` are the other routers' configs (VPN peer checks)."""
    ctx = LintContext(target, wans_of(target.config, target.spec), tuple(peers))
    found: list[Finding] = []
    for code in lint_codes():
        for finding in LINT_RULES[code](ctx):
            if finding.code != code:
                raise ValueError(f"lint rule {code} yielded a {finding.code} finding")
            found.append(finding)
    return sorted(found, key=finding_order)
