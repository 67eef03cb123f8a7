"""A lab fleet for a fixture: started with the tests' host key, stopped whatever happens."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lab.fleet import Fleet
from lab.inventory import write_inventory
from lab.scenario import Scenario, load_scenario


def running(scenario: Scenario, host_key: Path) -> Iterator[Fleet]:
    fleet = Fleet(scenario)
    fleet.start(key_path=host_key)
    try:
        yield fleet
    finally:
        fleet.stop()


def settled(
    scenario: str, host_key: Path, inventory_dir: Path, seconds: float
) -> Iterator[tuple[Fleet, Path]]:
    """Scenario ``scenario`` after ``seconds`` of lab time, with a Nornir inventory for it."""
    for fleet in running(load_scenario(scenario), host_key):
        fleet.advance(seconds)
        yield fleet, write_inventory(fleet, inventory_dir)
