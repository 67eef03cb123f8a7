"""The ``vpndiag`` command: fleet health checks, tunnel triage and the lab.

Exit codes: 0 healthy, 1 findings at or above --fail-on, 2 hosts unreachable or failed,
3 usage or input error.
"""

from __future__ import annotations

import logging
import sys

import click

from nornir_tasks import __version__
from nornir_tasks.cli import exit_codes
from nornir_tasks.cli.audit_cmd import audit
from nornir_tasks.cli.checks_cmd import checks_cmd
from nornir_tasks.cli.demo_cmd import demo
from nornir_tasks.cli.diagnose_cmd import diagnose_cmd
from nornir_tasks.cli.failover_cmd import failover
from nornir_tasks.cli.history_cmd import history_cmd, schedule
from nornir_tasks.cli.lab_cmds import lab
from nornir_tasks.cli.parse_cmd import parse_cmd
from nornir_tasks.cli.run_cmd import health, run_cmd
from nornir_tasks.cli.smtp_cmd import smtp_test_cmd
from nornir_tasks.cli.triage_cmd import triage_cmd

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


@click.group(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vpndiag")
def cli() -> None:
    """vpndiag: IPsec VPN diagnostics for Cisco IOS / IOS-XE / ASA fleets."""


cli.add_command(lab)
cli.add_command(demo)
cli.add_command(health)
cli.add_command(run_cmd)
cli.add_command(triage_cmd)
cli.add_command(audit)
cli.add_command(parse_cmd)
cli.add_command(smtp_test_cmd)
cli.add_command(diagnose_cmd)
cli.add_command(checks_cmd)
cli.add_command(failover)
cli.add_command(history_cmd)
cli.add_command(schedule)


def main(argv: list[str] | None = None) -> int:
    # paramiko's transport thread logs each failed handshake as an ERROR traceback on stderr;
    # vpndiag classifies and reports the failure itself (one line per host).
    logging.getLogger("paramiko").addHandler(logging.NullHandler())
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
