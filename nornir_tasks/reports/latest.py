"""The metrics ``vpndiag exporter`` serves: the latest scheduled run's, plus the exporter's own
(runs made, the last run's exit code and when it ended). Pure: the CLI feeds it reports."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry

from nornir_tasks.models.report import RunReport
from nornir_tasks.reports.prometheus import ReportCollector


class LatestRun(Collector):
    """Holds the latest run's report; each scrape reads it whole (a run never shows half)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._lock = threading.Lock()
        self._report: RunReport | None = None
        self._code: int | None = None
        self._ended: float | None = None
        self._runs = 0
        self._clock = clock

    def publish(self, report: RunReport | None, exit_code: int) -> None:
        """A run ended with ``exit_code``; ``report`` None: it made none (a usage error)."""
        with self._lock:
            if report is not None:
                self._report = report
            self._code, self._ended, self._runs = exit_code, self._clock(), self._runs + 1

    def collect(self) -> Iterator[Metric]:
        with self._lock:
            report, code, ended, runs = self._report, self._code, self._ended, self._runs
        total = CounterMetricFamily("vpndiag_exporter_runs", "Scheduled runs ended since start")
        total.add_metric([], float(runs))
        yield total
        if code is not None and ended is not None:
            last = GaugeMetricFamily(
                "vpndiag_exporter_last_exit_code", "Exit code of the latest run (0 ok, 1 findings)"
            )
            last.add_metric([], float(code))
            at = GaugeMetricFamily(
                "vpndiag_exporter_last_run_end_timestamp_seconds", "When the latest run ended"
            )
            at.add_metric([], ended)
            yield from (last, at)
        if report is not None:  # before the first run: no run metrics, never zeros
            yield from ReportCollector(report).collect()


def latest_registry(latest: LatestRun) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(latest)
    return registry
