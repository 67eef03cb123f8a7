"""``vpndiag lab``: run the simulated fleet in the foreground."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from nornir_tasks.cli import exit_codes


@click.group()
def lab() -> None:
    """The lab: simulated IOS-XE routers over real SSH on 127.0.0.1."""


@lab.command("up")
@click.option("--scenario", default="default", show_default=True, help="Name or YAML path.")
@click.option(
    "--inventory-out",
    type=click.Path(path_type=Path),
    default=Path("out/lab"),
    show_default=True,
    help="Where to write the Nornir inventory for this fleet.",
)
@click.option("--base-port", type=int, default=10001, show_default=True, help="0: any free port.")
@click.option("--speed", type=float, default=1.0, show_default=True, help="Simulated clock rate.")
@click.option(
    "--settle",
    type=click.FloatRange(0, 86400),
    default=0.0,
    help="Lab seconds to run at once before serving (tunnels negotiate, faults show).",
)
def lab_up(scenario: str, inventory_out: Path, base_port: int, speed: float, settle: float) -> None:
    """Serve the fleet until Ctrl-C and write a matching Nornir inventory."""
    from lab.fleet import Fleet
    from lab.inventory import write_inventory
    from lab.scenario import ScenarioError, load_scenario

    console = Console()
    try:
        fleet = Fleet(load_scenario(scenario), base_port=base_port, speed=speed)
    except ScenarioError as exc:
        console.print(f"[red]error:[/] {exc}", highlight=False)
        raise exit_codes.Exit(exit_codes.USAGE) from exc

    async def serve() -> None:
        await fleet.start_async()
        if settle:
            fleet.advance(settle)
        config = write_inventory(fleet, inventory_out)
        table = Table(title=f"lab fleet '{fleet.scenario.name}' on {fleet.host}")
        for column in ("router", "port", "role", "ssh"):
            table.add_column(column)
        for router in fleet.scenario.routers:
            ssh = "legacy (SHA-1)" if router.legacy_ssh else "modern"
            table.add_row(router.name, str(fleet.ports[router.name]), router.role, ssh)
        console.print(table)
        console.print(f"Nornir inventory: {config}\nCtrl-C stops the fleet.")
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        await fleet.stop_async()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())
    fleet.stop()
    console.print("lab stopped")


@lab.command("clab-export")
@click.option("--scenario", default="default", show_default=True, help="Name or YAML path.")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
def lab_clab_export(scenario: str, outdir: Path) -> None:
    """Write a containerlab topology, startup configs and Nornir inventory to OUTDIR."""
    from lab.containerlab import export_files
    from lab.scenario import ScenarioError, load_scenario

    console = Console()
    try:
        files = export_files(load_scenario(scenario), (outdir / "inventory").as_posix())
    except (ScenarioError, ValueError) as exc:
        console.print(f"[red]error:[/] {exc}", highlight=False)
        raise exit_codes.Exit(exit_codes.USAGE) from exc
    for name, text in files.items():
        path = outdir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    topo = next(n for n in files if n.endswith(".clab.yml"))
    console.print(
        f"{len(files)} files in {outdir}\nrun: sudo containerlab deploy -t {outdir / topo}",
        soft_wrap=True,
    )
