"""Reading metrics back with prometheus_client's own text parser, for the monitoring tests."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

# Every label a vpndiag metric may carry: each takes values from a small set (no free text).
ALLOWED_LABELS = {"host", "peer", "code", "severity", "state", "cleanup", "playbook", "version"}

Samples = dict[str, dict[tuple[tuple[str, str], ...], float]]


def parse(text: str) -> Samples:
    """Sample name -> {sorted label pairs: value}, as Prometheus would read them."""
    out: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            key = tuple(sorted(sample.labels.items()))
            out.setdefault(sample.name, {})[key] = sample.value
    return out


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[name][tuple(sorted(labels.items()))]


def by(samples: Samples, name: str, label: str) -> dict[str, float]:
    """The samples of ``name`` keyed by one label's value (the other labels must not repeat it)."""
    out: dict[str, float] = {}
    for key, number in samples.get(name, {}).items():
        out[dict(key)[label]] = out.get(dict(key)[label], 0.0) + number
    return out
