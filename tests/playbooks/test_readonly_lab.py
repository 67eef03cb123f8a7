"""Read-only enforced (issue 17 item 4): a playbook that would change a lab router is refused
with exit 3 before any session opens; ``changes: true`` plus ``--allow-changes`` sends it."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from netmiko import ConnectHandler

from lab.fleet import Fleet
from lab.inventory import write_inventory
from lab.scenario import load_scenario
from nornir_tasks.cli.main import main

pytestmark = pytest.mark.lab
QUIET = ["-q", "--poll-interval", "0", "--no-history"]


@pytest.fixture(scope="module")
def small(host_key: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Fleet, Path]]:
    scenario = load_scenario("default")
    scenario.routers = [r for r in scenario.routers if r.name in ("HQ", "BR01")]
    scenario.faults = []
    fleet = Fleet(scenario)
    fleet.start(key_path=host_key)
    try:
        fleet.advance(60)  # BR01's tunnel to HQ comes up
        yield fleet, write_inventory(fleet, tmp_path_factory.mktemp("inv"))
    finally:
        fleet.stop()


def _state(fleet: Fleet) -> tuple[list[str], str, list[str]]:
    """BR01's outbound SPIs (as shown over SSH), its running config and its flash files."""
    conn = ConnectHandler(**fleet.connection("BR01"))
    try:
        conn.enable()
        spis = re.findall(
            r"current outbound spi: (\S+)", str(conn.send_command("show crypto ipsec sa"))
        )
    finally:
        conn.disconnect()
    device = fleet.device("BR01")
    config = fleet.call(lambda: device.running.render_body())
    files = fleet.call(lambda: sorted(p.name for p in device.flash_dir.iterdir()))
    return spis, config, files


def _playbook(tmp_path: Path, command: str, changes: bool = False) -> Path:
    path = tmp_path / "reset.yaml"
    head = "name: reset\nchanges: true\n" if changes else "name: reset\n"
    path.write_text(f"{head}collect:\n  commands:\n    - show crypto isakmp sa\n    - {command}\n")
    return path


@pytest.mark.parametrize(
    ("command", "why"),
    [
        ("clear crypto sa", "'clear' clears state on the router"),
        ("cle cry sa", "'clear' clears state on the router"),
        ("conf t", "'configure' enters configuration mode"),
        ("write", "'write' writes the configuration"),
        (
            "show running-config | redirect bootflash:leak.txt",
            "'| redirect' writes the output to a file",
        ),
    ],
)
def test_a_changing_command_is_refused_with_exit_3_and_the_router_is_untouched(
    small: tuple[Fleet, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    why: str,
) -> None:
    fleet, inventory = small
    before = _state(fleet)
    assert before[0] and all(spi != "0x0(0)" for spi in before[0])
    book = _playbook(tmp_path, command)
    started = time.monotonic()
    code = main(["run", str(book), "-i", str(inventory), "--hosts", "BR01", *QUIET])
    elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert code == 3
    assert elapsed < 5  # refused at validation: no SSH session was opened
    assert f"{book}:5: collect.commands.1: {command!r} is refused: {why}" in err
    assert why in err and "playbook 'reset' is read-only" in err
    assert _state(fleet) == before


# ``run PLAYBOOK`` and ``audit --playbook PLAYBOOK`` take the same gate.
COMMANDS = pytest.mark.parametrize("command", [["run"], ["audit", "--playbook"]], ids=" ".join)


@COMMANDS
def test_changes_true_alone_is_not_enough(
    small: tuple[Fleet, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    fleet, inventory = small
    before = _state(fleet)
    book = _playbook(tmp_path, "clear crypto sa", changes=True)
    assert main([*command, str(book), "-i", str(inventory), "--hosts", "BR01", *QUIET]) == 3
    assert "run it with --allow-changes" in capsys.readouterr().err
    assert _state(fleet) == before


@COMMANDS
def test_changes_true_with_allow_changes_sends_it(
    small: tuple[Fleet, Path], tmp_path: Path, command: list[str]
) -> None:
    fleet, inventory = small
    fleet.advance(60)  # the tunnel is up again after an earlier test cleared it
    spis = _state(fleet)[0]
    book = _playbook(tmp_path, "clear crypto sa", changes=True)
    args = [*command, str(book), "-i", str(inventory), "--hosts", "BR01", "--allow-changes"]
    assert main([*args, *QUIET]) in (0, 1)
    assert _state(fleet)[0] != spis  # the SAs were cleared: the gate was the only obstacle
