"""Shared fixtures: lab fleets run in-process on 127.0.0.1 and always torn down."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import hypothesis  # noqa: F401  (imported before lab threads start: CPython 3.11.7 ast race)
import pytest

from lab.fleet import Fleet
from lab.scenario import Scenario, load_scenario


@pytest.fixture(scope="session")
def host_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lab-key") / "ssh_host_rsa_key"


def _run(scenario: Scenario, host_key: Path) -> Iterator[Fleet]:
    fleet = Fleet(scenario)
    fleet.start(key_path=host_key)
    try:
        yield fleet
    finally:
        fleet.stop()


@pytest.fixture(scope="module")
def lab(host_key: Path) -> Iterator[Fleet]:
    """The default scenario, shared by the tests of one module."""
    yield from _run(load_scenario("default"), host_key)


@pytest.fixture()
def fresh_lab(host_key: Path) -> Iterator[Fleet]:
    """The default scenario for a test that changes device state."""
    yield from _run(load_scenario("default"), host_key)


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
