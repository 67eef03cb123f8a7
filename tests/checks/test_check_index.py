"""The check index (``checks/_index.py``) is what the rule modules register, and ``diagnose``
imports only the rule modules and models a paste can feed (the start of ``vpndiag diagnose``,
docs/performance.md) with the findings importing everything gives."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from nornir_tasks.checks import RULE_MODULES, addresses, model_names, registry
from nornir_tasks.checks._index import NEEDS_BY_MODULE
from nornir_tasks.diagnose import Capture, fleet_from_captures

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "nornir_tasks.checks."
IPSEC_ONLY = ROOT / "tests/golden/blog_iosxe_ipsec_sa_send_errors_no_sa/raw.txt"


def needs_by_module() -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = {}
    for chk in registry.registered_checks():
        module = chk.fn.__module__
        if module.startswith(PACKAGE):  # not a test's own registration
            found.setdefault(module.removeprefix(PACKAGE), set()).update(chk.needs)
    return {module: tuple(sorted(needs)) for module, needs in sorted(found.items())}


def test_the_index_is_what_the_rule_modules_register() -> None:
    actual = needs_by_module()
    table = "\n".join(f"    {m!r}: {n!r}," for m, n in actual.items()).replace("'", '"')
    assert actual == NEEDS_BY_MODULE, f"checks/_index.py should read:\n{{\n{table}\n}}"
    assert set(NEEDS_BY_MODULE) <= set(RULE_MODULES)


def test_a_rule_module_the_index_does_not_know_is_always_imported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(registry, "NEEDS_BY_MODULE", {"coverage": ("*",)})
    assert f"{PACKAGE}phase1" in registry.modules_for([])
    assert f"{PACKAGE}coverage" not in registry.modules_for([])


def test_the_models_evidence_names_exist() -> None:
    """The checks recognise some models by ``module.Class`` instead of importing them."""
    names = (model_names.RUNNING_CONFIG, model_names.VPN_SESSIONS, model_names.CRYPTO_MAP)
    refs = tuple(ref.name for ref in model_names.MODELS)
    for name in (*names, model_names.CRYPTO_SESSIONS, *refs, *addresses.ADDRESS_READERS):
        module, _, cls = name.rpartition(".")
        kind = getattr(importlib.import_module(module), cls)
        assert f"{kind.__module__}.{kind.__qualname__}" == name


PROBE = """
import json, sys
from nornir_tasks.checks import registry
from nornir_tasks.cli.main import main
if sys.argv[1] == "all":
    registry.load_all()
code = main(["diagnose", "--format", "json", *sys.argv[2:]])
loaded = sorted(m for m in sys.modules if m.startswith("nornir_tasks."))
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


def _fresh_diagnose(mode: str, *paths: Path) -> tuple[int, object, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode, *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], json.loads(done.stdout), set(report["loaded"])


def test_a_paste_of_sa_counters_imports_only_what_it_can_feed() -> None:
    code, findings, loaded = _fresh_diagnose("lazy", IPSEC_ONLY)
    all_code, all_findings, all_loaded = _fresh_diagnose("all", IPSEC_ONLY)
    assert (code, findings) == (all_code, all_findings)
    assert findings, "the capture shows send errors: a finding is expected"
    # The configuration (43 dataclasses), ASA session and run-report models: a check that
    # needs TunnelStatus imports it from models.tunnel_status, not models.report. And the
    # models the checks look up by name (``model_names.Model``): a check that imports one
    # to ask for it creates its dataclasses on every paste.
    heavy = {"config", "failover", "vpn_sessiondb", "report", "crypto_map", "crypto_session"}
    heavy |= {"ikev2", "dmvpn", "interfaces", "routing", "pki", "packet_tracer"}
    assert not {f"nornir_tasks.models.{m}" for m in heavy} & loaded
    assert f"{PACKAGE}phase2" in loaded and f"{PACKAGE}failover" not in loaded
    assert len(loaded) < len(all_loaded)


def test_every_check_that_applies_to_a_golden_paste_is_in_a_module_diagnose_imports() -> None:
    """What ``diagnose`` runs is what every rule module would run, paste by paste (and for
    the lab's captures of both ends of a fault, read together)."""
    checks = registry.registered_checks()
    pastes = sorted((ROOT / "tests/golden").glob("*/raw.txt"))
    assert len(pastes) > 100
    tickets = [[Capture(p.parent.name, p.read_text())] for p in pastes]
    for fault in sorted((ROOT / "tests/checks/captures").glob("*/")):
        tickets.append([Capture(f.stem, f.read_text()) for f in sorted(fault.glob("*.txt"))])
    for ticket in tickets:
        fleet, _ = fleet_from_captures(ticket)
        applies = {c.fn.__module__ for c in checks if any(map(c.applies_to, fleet.hosts))}
        assert applies <= set(registry.modules_for(fleet.hosts)), ticket[0].name
