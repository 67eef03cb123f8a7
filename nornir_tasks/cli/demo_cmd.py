"""``vpndiag demo``: start the lab fleet with its faults and health-check it over SSH."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click
from rich.console import Console

from nornir_tasks.cli import exit_codes
from nornir_tasks.cli.run_cmd import Reporting, Selection, execute, load
from nornir_tasks.cli.run_options import Delivery, HistoryOptions
from nornir_tasks.playbooks.runner import RunOptions

# Lab seconds before the check: spokes start IKE, retransmit and give up (5 x 10 s) or settle.
SETTLE_S = 90.0


@click.command()
@click.option(
    "--scenario",
    default="mixed",
    show_default=True,
    help="A lab scenario name (mixed: every region; default: the IKEv1 crypto-map region).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=Path("vpndiag-report"),
    show_default=True,
    help="Directory for the JSON, JUnit, Markdown and HTML reports.",
)
@click.option("--only-failed", is_flag=True, help="Report problem hosts only.")
def demo(scenario: str, output: Path, only_failed: bool) -> None:
    """Start the lab fleet in this process, health-check it over SSH, print the report.

    The lab runs on a simulated clock: the demo lets the tunnels negotiate for 90 lab
    seconds, and the playbook's counter poll interval passes on the lab clock, not yours.
    """
    from lab.fleet import Fleet
    from lab.inventory import write_inventory
    from lab.scenario import load_scenario

    console = Console()
    playbook = load("health_check")
    with tempfile.TemporaryDirectory(prefix="vpndiag-demo-") as tmp:
        fleet = Fleet(load_scenario(scenario), workdir=Path(tmp) / "lab")
        with fleet:
            console.print(
                f"lab fleet '{fleet.scenario.name}': {len(fleet.devices)} routers over SSH on "
                f"127.0.0.1, faults injected: {len(fleet.scenario.faults)}",
                highlight=False,
            )
            fleet.advance(SETTLE_S)
            config = write_inventory(fleet, Path(tmp) / "inventory")
            selection = Selection(config, (), (), (), 50)
            delivery = Delivery(output=output, only_failed=only_failed)
            reporting = Reporting(delivery, history=HistoryOptions(no_history=True))
            code = execute(
                playbook,
                selection,
                reporting,
                RunOptions(sleep=fleet.advance, clock=fleet.clock.now),
            )
    console.print(
        f"HTML report: {(output / 'report.html').resolve()}  (also report.json, .md, .junit.xml)",
        highlight=False,
    )
    raise exit_codes.Exit(code)
