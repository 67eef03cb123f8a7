"""Shared fixtures: lab fleets run in-process on 127.0.0.1 and always torn down.

The suite runs under pytest-xdist (``make test``): each worker is its own process, so nothing
here may be shared between tests through a fixed port or path. Fleets listen on ports the OS
picks, and the host key, the history database and every report folder live under the
worker's own temporary directory. ``make check`` runs ``-m "not lab and not external and not
slow"``: a test that starts a fleet must carry the ``lab`` mark (given automatically to users of
the fixtures below), one that runs Chromium or Prometheus (tests/debian.py) the ``external``
mark; one that does not is stopped with a message saying so.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import hypothesis  # noqa: F401  (imported before lab threads start: CPython 3.11.7 ast race)
import pytest

from lab.fleet import Fleet
from lab.scenario import Scenario, load_scenario
from tests import debian
from tests.lab_fleet import running
from tests.lab_fleet import settled as settled_fleet

# The slowest modules first (tests/module_durations.txt), and `make durations` to record them.
pytest_plugins = ["tests.schedule"]

# Collecting the suite (each xdist worker does it all) builds ~300,000 GC-tracked objects that live
# to the end: modules, classes, test items. CPython's cyclic GC walked them over and over on the
# way: with it, collection took 3.5-4.1 s of CPU, without it 2.1-2.4 s, for 3.6 MB more peak
# memory (A/B, 2026-12-03). So no GC until collection ends; then those objects go to the
# permanent generation (gc.freeze), where the tests' own collections skip them too.
gc.disable()


@pytest.hookimpl(wrapper=True)
def pytest_collection() -> Generator[None, object, object]:
    try:
        return (yield)
    finally:
        gc.freeze()
        gc.enable()


# Using one of these fixtures makes a test a lab test.
LAB_FIXTURES = frozenset({"lab", "fresh_lab", "fleet_factory", "host_key"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if LAB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.lab)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "external: runs a program `make tools` installs (Chromium, Prometheus); not in `make check`",
    )
    config.addinivalue_line(
        "markers",
        "slow: an exhaustive test (seconds of CPU) that `make check` leaves to `make test`",
    )


@pytest.hookimpl(tryfirst=True)  # before the test's fixtures start anything
def pytest_runtest_setup(item: pytest.Item) -> None:
    debian.marked_external = item.get_closest_marker("external") is not None


@pytest.fixture(autouse=True)
def _lab_needs_the_mark(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fleet started by a test without the ``lab`` mark fails it: ``make check`` skips lab tests."""
    if request.node.get_closest_marker("lab") is not None:
        return

    def refuse(*_: object, **__: object) -> None:
        raise RuntimeError(f"{request.node.nodeid} starts a lab fleet: mark it pytest.mark.lab")

    monkeypatch.setattr(Fleet, "start_async", refuse)


@pytest.fixture(scope="session")
def host_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lab-key") / "ssh_host_rsa_key"


@pytest.fixture(scope="module")
def lab(host_key: Path) -> Iterator[Fleet]:
    """The default scenario, shared by the tests of one module."""
    yield from running(load_scenario("default"), host_key)


@pytest.fixture(scope="module")
def settled(
    host_key: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Fleet, Path]]:
    """The default scenario after 90 lab seconds (tunnels up, faults showing; BR07 <-> HQ stays
    broken with MSG2 lost), with a Nornir inventory for it; shared by one module's tests."""
    yield from settled_fleet("default", host_key, tmp_path_factory.mktemp("inv"), 90)


@pytest.fixture()
def fresh_lab(host_key: Path) -> Iterator[Fleet]:
    """The default scenario for a test that changes device state."""
    yield from running(load_scenario("default"), host_key)


@pytest.fixture()
def fleet_factory(host_key: Path) -> Iterator[Callable[[Scenario], Fleet]]:
    started: list[Fleet] = []

    def make(scenario: Scenario) -> Fleet:
        fleet = Fleet(scenario)
        fleet.start(key_path=host_key)
        started.append(fleet)
        return fleet

    yield make
    for fleet in started:
        fleet.stop()


@pytest.fixture(autouse=True)
def _history_db(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs in tests record into a throwaway history database, never the user's."""
    db = tmp_path_factory.mktemp("history") / "history.db"
    monkeypatch.setenv("VPNDIAG_HISTORY_DB", str(db))
    monkeypatch.delenv("VPNDIAG_CONFIG", raising=False)


@pytest.fixture(autouse=True)
def _ledger_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The debug/revert ledger of every test lives in a throwaway folder, never the user's."""
    monkeypatch.setenv("VPNDIAG_STATE_DIR", str(tmp_path_factory.mktemp("ledger")))
