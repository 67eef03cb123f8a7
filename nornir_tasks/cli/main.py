"""The ``vpndiag`` command: fleet health checks, tunnel triage and the lab.

Exit codes: 0 healthy, 1 findings at or above --fail-on, 2 hosts unreachable or failed,
3 usage or input error.
"""

from __future__ import annotations

import importlib
import sys

import click

from nornir_tasks import __version__
from nornir_tasks.cli import exit_codes

# Each command's module is imported only when that command runs (or shows its own help):
# importing them all pulls in Nornir, netmiko, paramiko, rich, jinja2 and pydantic models,
# about half a second that `vpndiag parse`, `diagnose` and `--help` never need
# (docs/performance.md). name: (module in nornir_tasks.cli, attribute, the short help
# `vpndiag --help` shows; tests/test_cli_startup.py checks it against the command's own).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "audit": (
        "audit_cmd",
        "audit",
        "Audit crypto and failover configuration across the fleet (recorded in the history).",
    ),
    "checks": (
        "checks_cmd",
        "checks_cmd",
        "List every finding code, the register it belongs to and the function that makes it.",
    ),
    "demo": (
        "demo_cmd",
        "demo",
        "Start the lab fleet in this process, health-check it over SSH, print the report.",
    ),
    "diagnose": (
        "diagnose_cmd",
        "diagnose_cmd",
        "Diagnose saved show outputs, debug and syslog text (files, folders, or - for stdin).",
    ),
    "exporter": (
        "exporter_cmd",
        "exporter",
        "Run a playbook on a schedule and serve the latest run as Prometheus metrics.",
    ),
    "failover": (
        "failover_cmd",
        "failover",
        "Dual-ISP failover (IP SLA + track + EEM): render, lint, plan, apply.",
    ),
    "health": (
        "run_cmd",
        "health",
        "Health-check every tunnel of the fleet (the health_check playbook).",
    ),
    "history": (
        "history_cmd",
        "history_cmd",
        "Tunnel states over the recorded runs: one timeline per tunnel.",
    ),
    "lab": ("lab_cmds", "lab", "The lab: simulated IOS-XE routers over real SSH on 127.0.0.1."),
    "parse": (
        "parse_cmd",
        "parse_cmd",
        "Parse FILE (or - for standard input) as the output of COMMAND.",
    ),
    "run": (
        "run_cmd",
        "run_cmd",
        "Run PLAYBOOK (a file, or a shipped playbook's name) across the fleet.",
    ),
    "schedule": (
        "history_cmd",
        "schedule",
        "Run a playbook on a schedule (cron or systemd timers).",
    ),
    "smtp-test": (
        "smtp_cmd",
        "smtp_test_cmd",
        "Test the SMTP relay RELAY from this host: reply codes, relay verdict, TLS.",
    ),
    "triage": ("triage_cmd", "triage_cmd", "Triage one tunnel of HOST from both ends."),
    "worker": ("worker_cmd", "worker", "Run a Celery worker that collects shards of vpndiag runs."),
}


# Commands that never talk to a device: they need not import ``logging`` to quiet paramiko.
OFFLINE = frozenset({"checks", "diagnose", "parse"})


def _quiet_paramiko() -> None:
    """paramiko's transport thread logs each failed handshake as an ERROR traceback on stderr;
    vpndiag classifies and reports the failure itself (one line per host)."""
    import logging

    logger = logging.getLogger("paramiko")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())


def short_help(name: str, limit: int) -> str:
    """``name``'s line in ``vpndiag --help``, shortened as click shortens a command's help."""
    return click.Command(name, help=COMMANDS[name][2]).get_short_help_str(limit)


class LazyGroup(click.Group):
    """A command group that imports a command's module when the command is looked up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[cmd_name]
        if cmd_name not in OFFLINE:
            _quiet_paramiko()
        command = getattr(importlib.import_module(f"nornir_tasks.cli.{module}"), attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help``, as click writes it, without importing a command."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = [(n, short_help(n, limit)) for n in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


EPILOG = """\b
Examples:
  vpndiag demo                                 start the lab fleet and health-check it
  vpndiag health -i inventory/lab/config.yaml  every tunnel of a fleet
  vpndiag triage BR07                          one tunnel, both ends, debug if needed
  vpndiag run failover_check --groups dual_isp a playbook by name or file
  vpndiag diagnose ticket.txt                  saved outputs, debug and syslog, offline
  vpndiag checks                               every finding code and the check that makes it
  vpndiag audit diff --since 24h               what changed since yesterday
  vpndiag lab up --inventory-out out/lab       run the lab in the foreground
\b
Exit codes: 0 healthy, 1 findings at or above --fail-on, 2 hosts unreachable or
failed, 3 usage or input error.
"""


@click.group(cls=LazyGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vpndiag")
def cli() -> None:
    """vpndiag: IPsec VPN diagnostics for Cisco IOS / IOS-XE / ASA fleets."""


def main(argv: list[str] | None = None) -> int:
    try:
        cli.main(args=argv, prog_name="vpndiag", standalone_mode=False)
    except click.exceptions.Abort as exc:
        click.echo("Aborted.", err=True)
        # Ctrl-C: 128 + SIGINT, as shells report it; an aborted prompt (EOF) is an input error.
        interrupted = isinstance(exc.__cause__, KeyboardInterrupt)
        return exit_codes.INTERRUPTED if interrupted else exit_codes.USAGE
    except KeyboardInterrupt:  # raised outside click's own handling
        click.echo("Aborted.", err=True)
        return exit_codes.INTERRUPTED
    except click.ClickException as exc:
        exc.show()
        return exit_codes.USAGE
    except exit_codes.Exit as done:
        return done.code
    return exit_codes.OK


if __name__ == "__main__":
    sys.exit(main())
