"""The crypto engine reaches IKE only through ``IkeVersion``: a second version plugs in there."""

from __future__ import annotations

from pathlib import Path

from lab.crypto.engine import CryptoEngine
from lab.cryptocfg import MapEntry
from lab.device import Device
from lab.fleet import Fleet
from lab.scenario import load_scenario


class RecordingVersion:
    name = "IKEv1"

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, str]] = []
        self.cleared: list[tuple[str, str | None]] = []

    def bring_up(self, device: Device, entry: MapEntry, peer: str, now: float) -> None:
        self.asked.append((device.name, entry.key, peer))

    def expire(self, device: Device, now: float) -> None:
        pass

    def clear(self, device: Device, peer: str | None = None) -> None:
        self.cleared.append((device.name, peer))


def test_interesting_traffic_and_clear_go_through_the_version(tmp_path: Path) -> None:
    fleet = Fleet(load_scenario("default"), workdir=tmp_path, speed=0.0)
    (engine,) = [s for s in fleet.subsystems if isinstance(s, CryptoEngine)]
    version = RecordingVersion()
    engine.versions["IKEv1"] = version
    br01 = fleet.device("BR01")
    engine.drive(br01, 0.0)
    assert version.asked == [("BR01", "VPN 10", "198.51.100.2")]
    engine.clear_peer(br01, "198.51.100.2")
    assert version.cleared == [("BR01", "198.51.100.2")]
    assert br01.crypto.isakmp == []  # nothing negotiated: the recorder took IKE's place
