"""Safe debug capture against the lab: it captures, and it never leaves a debug running."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lab.fleet import Fleet
from lab.scenario import load_scenario
from nornir_tasks.models.debug import DebugCapture
from nornir_tasks.models.logs import EventKind
from nornir_tasks.tasks.debug import capture_debug, debugging_is_clean
from tests.lab.labcli import nornir_for, one

pytestmark = pytest.mark.lab

BR07 = "203.0.113.30"


@pytest.fixture()
def fleet(host_key: Path) -> Iterator[Fleet]:
    fleet = Fleet(load_scenario("default"))
    fleet.start(key_path=host_key)
    fleet.advance(5)
    yield fleet
    fleet.stop()


def _capture(fleet: Fleet, tmp_path: Path, **kwargs: Any) -> DebugCapture:
    nr = nornir_for(fleet, tmp_path / "inv", ("HQ",))
    result = nr.run(task=capture_debug, **kwargs)
    value = result["HQ"][0].result
    nr.close_connections()
    assert isinstance(value, DebugCapture), result["HQ"][0].exception
    return value


def _clean(fleet: Fleet) -> bool:
    return debugging_is_clean(one(fleet, "HQ", "show debugging"))


def test_capture_reads_the_duplicate_packets_and_cleans_up(fleet: Fleet, tmp_path: Path) -> None:
    capture = _capture(fleet, tmp_path, peer=BR07, seconds=0.1, wait=lambda s: fleet.advance(25))
    assert capture.error is None and capture.cleanup_verified
    assert any("phase 1 packet is a duplicate of a previous packet" in ln for ln in capture.lines)
    kinds = {e.kind for e in capture.events}
    assert EventKind.DUPLICATE_PACKET in kinds
    assert _clean(fleet)


def test_conditional_debug_keeps_other_peers_out(fleet: Fleet, tmp_path: Path) -> None:
    capture = _capture(fleet, tmp_path, peer=BR07, seconds=0.1, wait=lambda s: fleet.advance(25))
    psk_peer = "203.0.113.14"  # BR03 retransmits MSG5 all the time, but it is not our peer
    assert not any(psk_peer in ln and "ISAKMP" in ln for ln in capture.lines)


def test_several_peers_share_one_bounded_capture(fleet: Fleet, tmp_path: Path) -> None:
    """A hub with two broken spokes: one condition each, one wait, both peers' lines."""
    psk_peer, other = "203.0.113.14", "203.0.113.6"  # BR03 (key mismatch), BR01 (healthy)
    waits: list[float] = []

    def wait(seconds: float) -> None:
        waits.append(seconds)
        fleet.advance(25)

    capture = _capture(fleet, tmp_path, peer=[BR07, psk_peer], seconds=30, wait=wait)
    assert waits == [30]
    assert capture.peers == (BR07, psk_peer) and capture.cleanup_verified
    assert any("phase 1 packet is a duplicate" in ln for ln in capture.lines)  # BR07's case
    assert any(BR07 in ln for ln in capture.lines) and any(psk_peer in ln for ln in capture.lines)
    assert not any(other in ln and "ISAKMP" in ln for ln in capture.lines)
    assert _clean(fleet)


def test_exception_during_capture_still_cleans_up(fleet: Fleet, tmp_path: Path) -> None:
    def boom(_: float) -> None:
        raise RuntimeError("operator tool crashed")

    capture = _capture(fleet, tmp_path, peer=BR07, wait=boom)
    assert capture.error == "RuntimeError: operator tool crashed"
    assert capture.cleanup_verified and _clean(fleet)


def test_timeout_during_trigger_still_cleans_up(fleet: Fleet, tmp_path: Path) -> None:
    capture = _capture(
        fleet,
        tmp_path,
        peer=BR07,
        trigger="ping 10.7.0.1 source GigabitEthernet2 repeat 5000",
        read_timeout=1e-6,
        wait=lambda s: None,
    )
    assert capture.error is not None and "ReadTimeout" in capture.error
    assert capture.cleanup_verified and _clean(fleet)


def test_dropped_session_is_cleaned_up_over_a_new_one(fleet: Fleet, tmp_path: Path) -> None:
    capture = _capture(fleet, tmp_path, peer=BR07, wait=lambda s: fleet.drop_sessions("HQ"))
    assert capture.error is not None
    assert capture.cleanup_verified and _clean(fleet)


def test_ctrl_c_still_cleans_up(fleet: Fleet, tmp_path: Path) -> None:
    def interrupt(_: float) -> None:
        raise KeyboardInterrupt

    nr = nornir_for(fleet, tmp_path / "inv", ("HQ",))
    with pytest.raises(KeyboardInterrupt):
        nr.run(task=capture_debug, peer=BR07, wait=interrupt)
    nr.close_connections()
    assert _clean(fleet)


def test_refuses_when_cpu_is_high(fleet: Fleet, tmp_path: Path) -> None:
    fleet.call(lambda: setattr(fleet.device("HQ"), "cpu", (91, 85, 60)))
    capture = _capture(fleet, tmp_path, peer=BR07)
    assert capture.refused == "CPU at 91% (limit 60%): debug not started"
    assert "debugging is on" not in one(fleet, "HQ", "show debugging")
