"""The JSON report's schema (``vpndiag.report/1``, JSON Schema 2020-12) and a small validator.

The validator covers the keywords the schema uses (type, enum, const, properties, required,
additionalProperties, items, minimum, $ref to $defs): enough to check a report without adding
a dependency. Documented field by field in ``docs/reports.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nornir_tasks.models.collection import HostStatus
from nornir_tasks.models.debug import DebugOrigin
from nornir_tasks.models.findings import Severity, Step
from nornir_tasks.models.report import CheckOutcome, TunnelStatus

SCHEMA_ID = "vpndiag.report/1"

_STR: dict[str, Any] = {"type": "string"}
_STR_OR_NULL: dict[str, Any] = {"type": ["string", "null"]}
_COUNT: dict[str, Any] = {"type": "integer", "minimum": 0}
_LINES: dict[str, Any] = {"type": "array", "items": _STR}
_SEVERITY_OR_NULL: dict[str, Any] = {"enum": [*(s.value for s in Severity), None]}


def _object(properties: Mapping[str, Any]) -> dict[str, Any]:
    """A closed object: every property required, no other property allowed."""
    return {
        "type": "object",
        "properties": dict(properties),
        "required": list(properties),
        "additionalProperties": False,
    }


FINDING_SCHEMA = _object(
    {
        "code": _STR,
        "severity": {"enum": [s.value for s in Severity]},
        "host": _STR,
        "peer": _STR_OR_NULL,
        "summary": _STR,
        "cause": _STR,
        "evidence": _LINES,
        "next_steps": _LINES,
        "step": {"enum": [s.value for s in Step]},
        "source": _STR,
    }
)

CHECK_SCHEMA = _object(
    {
        "name": _STR,
        "host": _STR,
        "outcome": {"enum": [o.value for o in CheckOutcome]},
        "message": _STR,
    }
)

HOST_SCHEMA = _object(
    {
        "host": _STR,
        "status": {"enum": [s.value for s in HostStatus]},
        "error": _STR_OR_NULL,
        "tunnels_up": _COUNT,
        "tunnels_negotiating": _COUNT,
        "tunnels_down": _COUNT,
        "tunnels_total": _COUNT,
        "worst_severity": _SEVERITY_OR_NULL,
        "findings": {"type": "array", "items": {"$ref": "#/$defs/finding"}},
        "checks": {"type": "array", "items": {"$ref": "#/$defs/check"}},
    }
)

TUNNEL_STATE_SCHEMA = _object(
    {
        "host": _STR,
        "peer": _STR,
        "state": {"enum": [s.value for s in TunnelStatus]},
        "at": {"type": "string", "format": "date-time"},
    }
)

DEBUG_SCHEMA = _object(
    {
        "host": _STR,
        "origin": {"enum": [o.value for o in DebugOrigin]},
        "kinds": _LINES,
        "conditions": _LINES,
        "started": {"type": ["string", "null"], "format": "date-time"},
        "seconds": {"type": ["number", "null"], "minimum": 0},
        "cleanup_verified": {"type": "boolean"},
        "note": _STR,
    }
)

SUMMARY_SCHEMA = _object(
    {
        "hosts": _COUNT,
        "hosts_reached": _COUNT,
        "hosts_failed": _COUNT,
        "tunnels_up": _COUNT,
        "tunnels_negotiating": _COUNT,
        "tunnels_down": _COUNT,
        "tunnels_total": _COUNT,
        "worst_severity": _SEVERITY_OR_NULL,
        "findings": _object({s.value: _COUNT for s in Severity}),
        "checks": _object({o.value: _COUNT for o in CheckOutcome}),
    }
)

REPORT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "vpndiag run report",
    **_object(
        {
            "schema": {"const": SCHEMA_ID},
            "title": _STR,
            "playbook": _STR_OR_NULL,
            "started": {"type": "string", "format": "date-time"},
            "duration_s": {"type": "number", "minimum": 0},
            "tool_version": _STR,
            "summary": {"$ref": "#/$defs/summary"},
            "hosts": {"type": "array", "items": {"$ref": "#/$defs/host"}},
            "findings": {"type": "array", "items": {"$ref": "#/$defs/finding"}},
            "history": {"type": "array", "items": {"$ref": "#/$defs/tunnel_state"}},
            "debug": {"type": "array", "items": {"$ref": "#/$defs/debug"}},
        }
    ),
    "$defs": {
        "summary": SUMMARY_SCHEMA,
        "host": HOST_SCHEMA,
        "finding": FINDING_SCHEMA,
        "check": CHECK_SCHEMA,
        "tunnel_state": TUNNEL_STATE_SCHEMA,
        "debug": DEBUG_SCHEMA,
    },
}

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def _type_ok(value: Any, name: str) -> bool:
    # bool is an int in Python, never a number in JSON
    if isinstance(value, bool) and name in ("integer", "number"):
        return False
    return isinstance(value, _TYPES[name])


def validate(instance: Any, schema: Mapping[str, Any] = REPORT_SCHEMA) -> list[str]:
    """Every violation of ``schema`` in ``instance`` as "path: problem"; empty when valid."""
    return _validate(instance, schema, schema, "$")


def _validate(value: Any, schema: Mapping[str, Any], root: Mapping[str, Any], at: str) -> list[str]:
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return _validate(value, root["$defs"][name], root, at)
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else types
        if not any(_type_ok(value, n) for n in names):
            return [f"{at}: {value!r} is not of type {' or '.join(names)}"]
    if "const" in schema and value != schema["const"]:
        return [f"{at}: {value!r} is not {schema['const']!r}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{at}: {value!r} is not one of {schema['enum']}"]
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if "minimum" in schema and number and value < schema["minimum"]:
        return [f"{at}: {value!r} is below {schema['minimum']}"]
    if isinstance(value, dict):
        return _validate_object(value, schema, root, at)
    if isinstance(value, list) and "items" in schema:
        return [
            e
            for i, v in enumerate(value)
            for e in _validate(v, schema["items"], root, f"{at}[{i}]")
        ]
    return []


def _validate_object(
    value: dict[str, Any], schema: Mapping[str, Any], root: Mapping[str, Any], at: str
) -> list[str]:
    properties: Mapping[str, Any] = schema.get("properties", {})
    errors = [f"{at}: missing {key!r}" for key in schema.get("required", ()) if key not in value]
    if schema.get("additionalProperties") is False:
        errors += [f"{at}: unexpected {key!r}" for key in value if key not in properties]
    for key, sub in properties.items():
        if key in value:
            errors += _validate(value[key], sub, root, f"{at}.{key}")
    return errors
