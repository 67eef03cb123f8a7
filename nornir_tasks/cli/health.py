"""``vpndiag health`` and ``vpndiag demo``: collect crypto state across a fleet and report."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click
from rich.console import Console

from nornir_tasks.cli import exit_codes
from nornir_tasks.cli.render import print_collection
from nornir_tasks.models.collection import HostCollection, HostStatus
from nornir_tasks.runner import InventoryError, open_inventory, run_collection


def _exit_code(collections: list[HostCollection]) -> int:
    if any(c.status not in (HostStatus.OK, HostStatus.PARTIAL) for c in collections):
        return exit_codes.HOSTS_FAILED
    return exit_codes.OK


@click.command()
@click.option(
    "-i",
    "--inventory",
    type=click.Path(path_type=Path),
    default=Path("inventory/lab/config.yaml"),
    show_default=True,
    help="Nornir config file of the inventory.",
)
@click.option("--hosts", multiple=True, help="Only these hosts (repeatable).")
@click.option("--groups", multiple=True, help="Only hosts of these groups (repeatable).")
@click.option("--filter", "filters", multiple=True, help="key=value on host data.")
@click.option("--workers", type=int, default=50, show_default=True)
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Per command, s.")
def health(
    inventory: Path,
    hosts: tuple[str, ...],
    groups: tuple[str, ...],
    filters: tuple[str, ...],
    workers: int,
    timeout: float,
) -> None:
    """Health-check the tunnels of a fleet."""
    console = Console()
    try:
        nr = open_inventory(inventory, workers, hosts, groups, filters)
    except InventoryError as exc:
        console.print(f"[red]error:[/] {exc}", highlight=False)
        raise exit_codes.Exit(exit_codes.USAGE) from exc
    collections = run_collection(nr, read_timeout=timeout)
    print_collection(console, collections)
    raise exit_codes.Exit(_exit_code(collections))


@click.command()
@click.option("--scenario", default="default", show_default=True)
def demo(scenario: str) -> None:
    """Start the lab fleet in this process, health-check it over SSH, print the report."""
    from lab.fleet import Fleet
    from lab.inventory import write_inventory
    from lab.scenario import load_scenario

    console = Console()
    with tempfile.TemporaryDirectory(prefix="vpndiag-demo-") as tmp:
        fleet = Fleet(load_scenario(scenario), workdir=Path(tmp) / "lab")
        with fleet:
            console.print(
                f"lab fleet '{fleet.scenario.name}': {len(fleet.devices)} routers on 127.0.0.1"
            )
            config = write_inventory(fleet, Path(tmp) / "inventory")
            nr = open_inventory(config)
            collections = run_collection(nr)
        print_collection(console, collections)
    raise exit_codes.Exit(_exit_code(collections))
