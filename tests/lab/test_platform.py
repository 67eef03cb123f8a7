"""The CLI of a router follows its platform's data: prompts, error wording, command table."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from lab.cli import CliSession
from lab.clock import SimClock
from lab.commands import Handler, Session
from lab.device import Device
from lab.grammar import Grammar
from lab.platform import IOS_XE, PLATFORMS, Platform


def _router(tmp_path: Path, platform: str) -> Device:
    config = "hostname EDGE-FW\ninterface GigabitEthernet1\n ip address 192.0.2.1 255.255.255.0\n"
    return Device("EDGE", "u", "p", "s", config, tmp_path / "flash", SimClock(), platform=platform)


def _typed(device: Device, *lines: str) -> str:
    written: list[str] = []
    session = CliSession(device, "u", "127.0.0.1", written.append, lambda: None)
    session.start()
    for line in lines:
        session.feed(line + "\n")
    return "".join(written).replace("\r\n", "\n")


def _asa_like() -> Platform:
    def show_version(s: Session, args: tuple[str, ...]) -> str:
        return "Cisco Adaptive Security Appliance Software Version 9.18(3)\n"

    table: Grammar[Handler] = Grammar()
    table.add("show version", show_version)
    return dataclasses.replace(
        IOS_XE,
        name="test-asa",
        invalid="ERROR: % Invalid input detected at '^' marker.\n",
        user_commands=table,
        enable_commands=table,
    )


def test_ios_xe_is_the_default(tmp_path: Path) -> None:
    device = Device("R1", "u", "p", "s", "hostname R1\n", tmp_path / "flash", SimClock())
    out = _typed(device, "show nonsense")
    assert device.platform == "ios-xe"
    assert out.startswith("\nR1>show nonsense\n")
    assert "% Invalid input detected at '^' marker." in out


def test_a_second_platform_brings_its_own_wording_and_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(PLATFORMS, "test-asa", _asa_like())
    out = _typed(_router(tmp_path, "test-asa"), "show version", "show ip route")
    assert "Adaptive Security Appliance Software Version 9.18(3)" in out
    # "show ip route" is an IOS command: this platform's table does not know it.
    assert "ERROR: % Invalid input detected at '^' marker." in out
    assert "Cisco IOS XE Software" not in out
