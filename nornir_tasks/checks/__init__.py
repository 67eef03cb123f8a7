"""The diagnosis engine: pure checks over parsed evidence, registered by finding code.

    from nornir_tasks.checks import FleetEvidence, diagnose, host_evidence
    from nornir_tasks.models.collection import CommandOutput

    hq = host_evidence("HQ", [CommandOutput("show crypto isakmp sa", text), ...])
    findings = diagnose(fleet_evidence([hq, br07]), select=("IKE_*",))

Every rule module of this package registers its checks on import; ``diagnose`` imports those
its hosts' outputs can feed (``_index``), the listings all of them. A new rule module goes in
``RULE_MODULES`` and in ``_index.py`` (``tests/checks/test_check_index.py`` prints its entry).
"""

from __future__ import annotations

from nornir_tasks.checks.evidence import (
    FleetEvidence,
    HostEvidence,
    canonical,
    fleet_evidence,
    from_collection,
    host_evidence,
)
from nornir_tasks.checks.registry import (
    Check,
    check,
    diagnose,
    registered_checks,
    registered_codes,
)

RULE_MODULES = (
    "asa",
    "phase1",
    "phase1_keys",
    "phase1_policy",
    "phase2",
    "dataplane",
    "invalid_spi",
    "replay",
    "cleartext",
    "cryptomap",
    "unrouted",
    "compat",
    "hygiene",
    "failover",
    "termination",
    "noise",
    "coverage",
    "ikev2",
    "ikev2_path",
    "ikev2_natt",
    "pki",
    "vti",
    "vti_routes",
    "vti_mtu",
    "tunnel_admin",
    "decaps",
    "thresholds",
    "dmvpn",
    "pointers",  # reads the others' findings: second pass
)

__all__ = [
    "Check",
    "FleetEvidence",
    "HostEvidence",
    "canonical",
    "check",
    "diagnose",
    "fleet_evidence",
    "from_collection",
    "host_evidence",
    "registered_checks",
    "registered_codes",
]
