"""The JSON report read back: parsed, validated against its schema, every field present."""

from __future__ import annotations

import copy
import json
from typing import Any

from nornir_tasks.models import to_jsonable
from nornir_tasks.reports.json_report import finding_to_dict, findings_document, render_json
from nornir_tasks.reports.schema import REPORT_SCHEMA, SCHEMA_ID, validate
from tests.reports.sample import NO_DPD, RETURN_PATH, fleet_report, healthy_report

DIAGNOSE_KEYS = {
    "code",
    "severity",
    "host",
    "peer",
    "summary",
    "cause",
    "evidence",
    "next_steps",
    "step",
}


def _load() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(render_json(fleet_report()))
    return data


def test_report_validates_against_its_schema() -> None:
    data = _load()
    assert data["schema"] == SCHEMA_ID == "vpndiag.report/1"
    assert validate(data) == []
    assert validate(json.loads(render_json(healthy_report()))) == []


def test_validator_rejects_what_the_schema_forbids() -> None:
    data = _load()
    broken = copy.deepcopy(data)
    del broken["hosts"][0]["tunnels_up"]
    broken["findings"][0]["severity"] = "fatal"
    broken["summary"]["hosts"] = -1
    broken["hosts"][1]["extra"] = True
    broken["duration_s"] = "12"
    broken["findings"][0]["evidence"].append(3)
    errors = validate(broken)
    assert "$.hosts[0]: missing 'tunnels_up'" in errors
    assert any(e.startswith("$.findings[0].severity: 'fatal'") for e in errors)
    assert any(e.startswith("$.summary.hosts: -1 is below 0") for e in errors)
    assert "$.hosts[1]: unexpected 'extra'" in errors
    assert any(e.startswith("$.duration_s: '12' is not of type number") for e in errors)
    assert any(e.startswith("$.findings[0].evidence[4]: 3") for e in errors)
    assert validate({**data, "schema": "vpndiag.report/2"}) != []
    assert validate({**data, "duration_s": True}) != []  # a bool is no number in JSON


def test_run_fields_and_summary() -> None:
    data = _load()
    assert data["title"] == "Fleet health check"
    assert data["playbook"] == "health_check"
    assert data["started"] == "2026-07-01T06:00:00Z"
    assert data["duration_s"] == 12.34
    assert data["summary"] == {
        "hosts": 5,
        "hosts_reached": 4,
        "hosts_failed": 1,
        "tunnels_up": 2,
        "tunnels_negotiating": 2,
        "tunnels_down": 2,
        "tunnels_total": 6,
        "worst_severity": "critical",
        "findings": {"critical": 2, "warning": 0, "info": 1},
        "checks": {"PASS": 14, "FAIL": 3, "ERROR": 4, "SKIP": 1},
    }


def test_hosts_carry_status_error_findings_and_checks() -> None:
    hosts = {h["host"]: h for h in _load()["hosts"]}
    assert hosts["spoke3"]["status"] == "unreachable"
    assert hosts["spoke3"]["error"] == "TCP connection to 127.0.0.1:2203 refused"
    assert hosts["spoke3"]["worst_severity"] is None
    assert [f["code"] for f in hosts["spoke1"]["findings"]] == ["IKE_P1_RETURN_PATH", "IKE_NO_DPD"]
    assert hosts["spoke1"]["checks"][-1] == {
        "name": "tunnel 203.0.113.1 QM_IDLE",
        "host": "spoke1",
        "outcome": "FAIL",
        "message": "state is MM_NO_STATE",
    }
    assert hosts["hub1"]["tunnels_negotiating"] == 1


def test_flat_findings_match_the_diagnose_document() -> None:
    data = _load()
    flat = data["findings"]
    assert [f["code"] for f in flat] == ["IKE_P1_RETURN_PATH", "IKE_P1_PSK_MISMATCH", "IKE_NO_DPD"]
    for finding in flat:
        assert set(finding) >= DIAGNOSE_KEYS
    assert flat[0]["evidence"] == list(RETURN_PATH.evidence)
    assert flat[0]["step"] == "ike_phase1"
    document = findings_document(fleet_report().findings)
    assert document["findings"] == flat
    assert list(document) == ["findings"]


def test_finding_shape_is_the_model_shape() -> None:
    # vpndiag diagnose may serialise with to_jsonable: both give the same object
    assert finding_to_dict(RETURN_PATH) == to_jsonable(RETURN_PATH)
    assert finding_to_dict(NO_DPD)["peer"] is None


def test_history_points() -> None:
    history = _load()["history"]
    assert history[2] == {
        "host": "hub1",
        "peer": "198.51.100.2",
        "state": "negotiating",
        "at": "2026-07-01T06:00:00Z",
    }


def test_schema_lists_every_emitted_key() -> None:
    # additionalProperties false everywhere: a key added to the output must be added here
    assert REPORT_SCHEMA["additionalProperties"] is False
    assert set(REPORT_SCHEMA["required"]) == set(_load())
