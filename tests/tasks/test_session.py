"""The session layer's round trips: the prompt is read once when a session opens, not again
before every command (a stub IOS on 127.0.0.1 that records every line it is sent)."""

from __future__ import annotations

from pathlib import Path

import pytest
from nornir.core.task import Task

from nornir_tasks.tasks.executor import run_on_hosts
from nornir_tasks.tasks.hosts import close, open_inventory
from nornir_tasks.tasks.session import open_cli, send
from tests.tasks.sshstub import Behaviour, ssh_stub
from tests.tasks.test_failures import _inventory

pytestmark = pytest.mark.lab


def _heard(tmp_path: Path, commands: int) -> tuple[list[str], list[str]]:
    """``commands`` times "show version" on one session: (outputs, lines the stub read)."""
    behaviour = Behaviour(answers={"show version": "Cisco IOS XE Software\r\nR1 uptime\r\n"})

    def probe(task: Task) -> list[str]:
        conn = open_cli(task)
        return [send(conn, "show version") for _ in range(commands)]

    tmp_path.mkdir()
    with ssh_stub(behaviour) as port:
        nr = open_inventory(_inventory(tmp_path, {"R1": {"port": port}}))
        try:
            outputs = run_on_hosts(nr, probe, "probe")["R1"]
        finally:
            close(nr)
    assert isinstance(outputs, list), outputs
    return outputs, behaviour.heard


def test_commands_reuse_the_prompt_read_at_login(tmp_path: Path) -> None:
    outputs, heard = _heard(tmp_path / "three", 3)
    assert outputs == ["Cisco IOS XE Software\nR1 uptime"] * 3
    first = heard.index("show version")
    # No empty line (a prompt search) between the commands: one line per command.
    assert heard[first : first + 4] == ["show version"] * 3 + [""]  # then logout's own
    # Before them: netmiko's session preparation (an empty line, terminal width and length,
    # its prompt search), then one empty line whose prompt says enable is needed.
    assert heard[:first] == ["", "terminal width 511", "terminal length 0", "", "", "enable"]
