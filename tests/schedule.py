"""The order test modules start in, so the slowest do not form the tail of a parallel run.

`make test` runs pytest-xdist with ``--dist loadscope --no-loadscope-reorder``: a worker takes
a whole module at a time (module fixtures such as a lab fleet start once), in the order of the
collection. Here the collection is sorted by each module's wall time in the last recorded run
(tests/module_durations.txt), longest first; modules not listed keep their collection order
after the listed ones. A stale list only makes the order worse, never a test wrong.

Record a new list with ``make durations`` (``--module-durations=FILE``: the summed setup,
call and teardown time of each module's tests, as the controller saw them).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

DURATIONS = Path(__file__).with_name("module_durations.txt")
# Modules quicker than this are left out of a recorded list: their order does not matter.
LISTED_FROM_SECONDS = 1.0


def _module(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def expected_seconds(path: Path = DURATIONS) -> dict[str, float]:
    """Module path -> seconds, from lines ``<seconds> <module path>`` (``#`` comments)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    expected: dict[str, float] = {}
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) == 2:
            expected[fields[1]] = float(fields[0])
    return expected


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--module-durations",
        metavar="FILE",
        help="write each test module's summed wall time to FILE (tests/module_durations.txt)",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every xdist worker sorts its own collection: the same file gives them the same order,
    # which xdist checks. The sort is stable, so a module's tests stay in their order.
    expected = expected_seconds()
    items.sort(key=lambda item: -expected.get(_module(item.nodeid), 0.0))


class _Recorder:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.seconds: defaultdict[str, float] = defaultdict(float)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seconds[_module(report.nodeid)] += report.duration

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        rows = [(s, m) for m, s in self.seconds.items() if s >= LISTED_FROM_SECONDS]
        lines = [f"{s:7.1f} {m}" for s, m in sorted(rows, reverse=True)]
        head = "# seconds (setup + call + teardown of its tests) and module; `make durations`"
        self.out.write_text("\n".join([head, *lines]) + "\n", encoding="utf-8")


def pytest_configure(config: pytest.Config) -> None:
    out = config.getoption("--module-durations")
    # Under xdist the controller sees every worker's reports; the workers record nothing.
    if out and not hasattr(config, "workerinput"):
        config.pluginmanager.register(_Recorder(Path(out)), "module-durations")
