"""The shipped worker deployments (compose, systemd) start vpndiag workers with command lines
``vpndiag worker`` accepts."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml

from nornir_tasks.cli.worker_cmd import worker

CONTRIB = Path(__file__).parents[2] / "contrib"


def worker_args(args: list[str]) -> list[str]:
    # The inventory path exists on the worker machine only: check the option, not the file.
    if "--inventory" in args:
        at = args.index("--inventory")
        args = args[:at] + args[at + 2 :]
    return args


def test_compose_workers_run_valid_worker_command_lines() -> None:
    compose = yaml.safe_load((CONTRIB / "compose" / "compose.yaml").read_text())
    commands = [s["command"] for s in compose["services"].values() if "build" in s]
    assert len(commands) == 2
    for command in commands:
        assert command[0] == "worker"
        context = worker.make_context("vpndiag worker", worker_args(command[1:]))
        assert context.params["queues"] and "--inventory" in command


@pytest.mark.parametrize("unit", ["vpndiag-worker@.service"])
def test_systemd_unit_runs_a_valid_worker_command_line(unit: str) -> None:
    text = (CONTRIB / "systemd" / unit).read_text()
    line = next(x for x in text.splitlines() if x.startswith("ExecStart="))
    args = shlex.split(line.removeprefix("ExecStart=").replace("%i", "emea").replace("%%", "%"))
    assert args[0].endswith("/vpndiag") and args[1] == "worker"
    context = worker.make_context("vpndiag worker", worker_args(args[2:]))
    assert context.params["queues"] == ("emea",)
