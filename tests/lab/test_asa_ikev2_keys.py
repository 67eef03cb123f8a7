"""An ASA's two IKEv2 keys (``ikev2 local-authentication`` / ``remote-authentication``) are
checked each in its direction, in process on the lab clock (no SSH): a wrong remote key fails
whichever end starts, because the initiator verifies the responder's AUTH too."""

from __future__ import annotations

from pathlib import Path

from lab.fleet import Fleet
from lab.sadb import V2Status
from lab.scenario import Scenario, load_scenario


def _asa8_with(remote: str, local: str) -> Scenario:
    sc = load_scenario("asa")
    routers = []
    for r in sc.routers:
        if r.name == "ASA8":
            cfg = r.config.replace(
                "remote-authentication pre-shared-key ASA8-V2-Psk-7x",
                f"remote-authentication pre-shared-key {remote}",
            ).replace(
                "local-authentication pre-shared-key ASA8-V2-Psk-7x",
                f"local-authentication pre-shared-key {local}",
            )
            r = r.model_copy(update={"config": cfg})
        routers.append(r)
    return sc.model_copy(update={"routers": routers})


def _ready(fleet: Fleet, name: str, peer: str) -> bool:
    sas = fleet.device(name).crypto.ikev2
    return any(s.peer == peer and s.status is V2Status.READY and not s.deleted for s in sas)


def _run(scenario: Scenario, workdir: Path) -> Fleet:
    fleet = Fleet(scenario, workdir=workdir, speed=0.0)
    for subsystem in fleet.subsystems:
        subsystem.start()
    fleet.clock.advance(25)  # AHUB and the ASA each start IKE, then retry every 10 s
    return fleet


def test_both_keys_right_brings_the_tunnel_up(tmp_path: Path) -> None:
    fleet = _run(_asa8_with("ASA8-V2-Psk-7x", "ASA8-V2-Psk-7x"), tmp_path)
    assert _ready(fleet, "ASA8", "198.51.100.194") and _ready(fleet, "AHUB", "203.0.113.222")


def test_a_wrong_remote_key_fails_in_both_directions(tmp_path: Path) -> None:
    fleet = _run(_asa8_with("Not-The-Hub-Key", "ASA8-V2-Psk-7x"), tmp_path)
    assert not _ready(fleet, "ASA8", "198.51.100.194")
    assert not _ready(fleet, "AHUB", "203.0.113.222")
    log = fleet.device("ASA8").log_buffer
    aborted = [ln for ln in log if "%ASA-4-750003:" in ln and "Failed to authenticate" in ln]
    assert len(aborted) >= 2  # as responder (AHUB's AUTH) and as initiator (AHUB's answer)
    assert not [ln for ln in log if "%ASA-5-750006:" in ln]
