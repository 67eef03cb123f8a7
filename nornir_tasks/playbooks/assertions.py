"""Evaluate playbook assertions against one host's outputs (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from nornir_tasks.models import to_jsonable
from nornir_tasks.playbooks.model import Assertion

# "sas[*].state", "flows[0].pkts_decaps", "tracks.10.state"
_STEP = re.compile(r"([^.\[\]]+)|\[(\*|\d+)\]")


def select(data: Any, path: str) -> list[Any]:
    """Values at ``path`` in JSON-ready data; ``[*]`` fans out over a list."""
    values = [data]
    for key, index in _STEP.findall(path):
        nxt: list[Any] = []
        for value in values:
            if key:
                if isinstance(value, Mapping) and key in value:
                    nxt.append(value[key])
            elif index == "*" and isinstance(value, list):
                nxt.extend(value)
            elif index.isdigit() and isinstance(value, list) and int(index) < len(value):
                nxt.append(value[int(index)])
        values = nxt
    return values


def _expected(assertion: Assertion, raw: Any, host_data: Mapping[str, Any]) -> Any:
    if assertion.value_from is None or not isinstance(raw, str):
        return raw
    found = select(dict(host_data), assertion.value_from.removeprefix("data."))
    return raw.replace("{value}", str(found[0])) if found else raw


def _test(assertion: Assertion, value: Any, host_data: Mapping[str, Any]) -> bool:
    a = assertion
    text = str(value)
    if a.contains is not None:
        return str(_expected(a, a.contains, host_data)) in text
    if a.not_contains is not None:
        return str(_expected(a, a.not_contains, host_data)) not in text
    if a.regex is not None:
        return re.search(str(_expected(a, a.regex, host_data)), text, re.M) is not None
    if a.equal is not None:
        return bool(value == _expected(a, a.equal, host_data) or text == str(a.equal))
    number = float(value) if isinstance(value, int | float) else None
    if number is None:
        return False
    return (a.gt is None or number > a.gt) and (a.lt is None or number < a.lt)


def evaluate(
    assertion: Assertion, raw: str | None, parsed: Any, host_data: Mapping[str, Any]
) -> tuple[str, str]:
    """("PASS" | "FAIL" | "ERROR", message)."""
    if raw is None:
        return "ERROR", f"no output for {assertion.command!r}"
    if assertion.path is None:
        ok = _test(assertion, raw, host_data)
        return ("PASS", "ok") if ok else ("FAIL", f"{_describe(assertion)} not met by the output")
    if parsed is None:
        return "ERROR", f"{assertion.command!r} has no parsed model for path {assertion.path!r}"
    values = select(to_jsonable(parsed), assertion.path)
    if not values:
        return "FAIL", f"nothing at {assertion.path!r}"
    bad = [v for v in values if not _test(assertion, v, host_data)]
    if bad:
        return "FAIL", f"{assertion.path} = {bad[:3]!r}: {_describe(assertion)} not met"
    return "PASS", f"{len(values)} value(s) at {assertion.path} ok"


def _describe(a: Assertion) -> str:
    for name, label in (
        ("contains", "contains"),
        ("not_contains", "!contains"),
        ("regex", "regex"),
        ("equal", "equal"),
    ):
        value = getattr(a, name)
        if value is not None:
            return f"{label} {value!r}"
    parts = [f"> {a.gt}" if a.gt is not None else "", f"< {a.lt}" if a.lt is not None else ""]
    return " and ".join(p for p in parts if p)
