"""The metric names each query of the Grafana dashboard (contrib/grafana/vpndiag.json) uses."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DASHBOARD = Path(__file__).resolve().parents[2] / "contrib" / "grafana" / "vpndiag.json"
# PromQL words the dashboard may use that are not metric names.
PROMQL = {"sum", "count", "rate", "increase", "time", "by", "without", "on", "unless", "offset"}
PROMQL |= {"label_values", "max", "min"}
_NOISE = re.compile(r'"[^"]*"|\{[^}]*\}|\[[^\]]*\]|\b(?:by|without|on|ignoring)\s*\([^)]*\)|\$\w+')
_WORD = re.compile(r"\b[A-Za-z_:][A-Za-z0-9_:]*\b")


def load() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return data


def queries(dashboard: dict[str, Any]) -> Iterator[str]:
    """Every PromQL expression: panel targets and template variable queries."""
    for panel in dashboard["panels"]:
        for target in panel.get("targets") or ():
            yield target["expr"]
    for variable in dashboard.get("templating", {}).get("list", ()):
        if variable.get("type") == "query":
            yield variable["query"]


def metric_names(expr: str) -> set[str]:
    """The metric names in ``expr``: its words once strings, label matchers, ranges, grouping
    clauses and dashboard variables are removed, less PromQL's own words."""
    # label_values(METRIC, LABEL): the last argument is a label, not a metric.
    expr = re.sub(r"^\s*label_values\((.*),\s*\w+\s*\)\s*$", r"\1", expr)
    words = set(_WORD.findall(_NOISE.sub(" ", expr)))
    return {w for w in words if w not in PROMQL and not w.replace(".", "").isdigit()}
