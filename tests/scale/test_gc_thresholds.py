"""A fleet run's collector thresholds are its own: set for the run, the caller's back after."""

from __future__ import annotations

import gc

import pytest

from nornir_tasks.scale.gc_thresholds import FLEET_THRESHOLDS, fleet_gc


def test_the_thresholds_hold_inside_and_are_restored_after_an_error() -> None:
    before = gc.get_threshold()
    with pytest.raises(KeyboardInterrupt), fleet_gc():
        assert gc.get_threshold() == FLEET_THRESHOLDS
        raise KeyboardInterrupt
    assert gc.get_threshold() == before
