"""Startup: commands that talk to no device import no device library (docs/performance.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from nornir_tasks.cli.main import COMMANDS, cli, short_help

ROOT = Path(__file__).resolve().parents[1]
CAPTURE = ROOT / "tests/golden/blog_iosxe_ipsec_sa_send_errors_no_sa/raw.txt"
DEVICE_LIBRARIES = ("nornir", "nornir_netmiko", "nornir_napalm", "napalm", "netmiko", "paramiko")

PROBE = """
import json, sys
from nornir_tasks.cli.main import main
code = main(sys.argv[1:])
loaded = sorted({m.split(".")[0] for m in sys.modules} & set(json.loads(sys.stdin.read())))
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


def loaded_by(*argv: str) -> tuple[int, list[str]]:
    """The exit code of ``vpndiag ARGV`` in a fresh interpreter, and the device libraries it loaded."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        input=json.dumps(DEVICE_LIBRARIES),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], report["loaded"]


@pytest.mark.parametrize(
    "argv",
    [
        ("--version",),
        ("--help",),
        ("parse", "show crypto ipsec sa", str(CAPTURE)),
        ("diagnose", str(CAPTURE)),
    ],
    ids=["version", "help", "parse", "diagnose"],
)
def test_offline_commands_import_no_device_library(argv: tuple[str, ...]) -> None:
    code, loaded = loaded_by(*argv)
    assert code in (0, 1) and loaded == []


def test_every_command_is_listed_with_its_own_short_help() -> None:
    ctx = click.Context(cli)
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        assert command is not None and command.name == name
        for limit in (20, 45, 60, 200):
            assert command.get_short_help_str(limit) == short_help(name, limit), name


QUIETED = """
import logging
import click
from nornir_tasks.cli.main import cli
paramiko = logging.getLogger("paramiko")
cli.get_command(click.Context(cli), "diagnose")
print(len(paramiko.handlers))
for _ in range(2):
    cli.get_command(click.Context(cli), "health")
print(*(type(h).__name__ for h in paramiko.handlers))
"""


def test_a_device_command_quiets_paramikos_handshake_tracebacks() -> None:
    """The NullHandler ``main`` used to add for every command, now added when a command that
    may talk to a device is looked up (the offline ones need not import ``logging``). In a
    fresh interpreter: in an xdist worker after lab modules, one sometimes appeared anyway (3 of
    6 full runs, not traced; docs/performance.md)."""
    done = subprocess.run([sys.executable, "-c", QUIETED], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["0", "NullHandler"]


def test_top_level_help_lists_every_command() -> None:
    out = CliRunner().invoke(cli, ["--help"]).output
    listed = out.split("Commands:")[1].split("Examples:")[0]
    assert [line.split()[0] for line in listed.strip().splitlines()] == sorted(COMMANDS)
    assert CliRunner().invoke(cli, ["nope"]).exit_code == 2


NO_NAPALM = """
import sys
from pathlib import Path
from nornir_tasks.tasks.hosts import open_inventory
nr = open_inventory(Path("inventory/lab/config.yaml"))
assert nr.inventory.hosts, "no hosts"
print(sorted({m.split(".")[0] for m in sys.modules} & {"napalm", "nornir_napalm"}))
"""


def test_opening_an_inventory_imports_no_napalm() -> None:
    """Only a configuration session (failover apply) needs napalm (tasks.config_session)."""
    done = subprocess.run(
        [sys.executable, "-c", NO_NAPALM], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
