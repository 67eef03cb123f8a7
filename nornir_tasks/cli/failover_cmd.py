"""``vpndiag failover``: render, lint, plan and apply dual-ISP failover configuration."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from nornir_tasks.cli import exit_codes
from nornir_tasks.cli.findings_view import findings_json, print_findings
from nornir_tasks.cli.validation import directory_problem
from nornir_tasks.failover.lint import lint, lint_target
from nornir_tasks.failover.push import (
    ApplyOptions,
    HostOutcome,
    HostPlan,
    Outcome,
    apply_failover,
    plan_failover,
    running_configs,
)
from nornir_tasks.failover.render import render_failover_config
from nornir_tasks.failover.saved import SavedConfigError, configs_by_router
from nornir_tasks.failover.spec import FailoverSpec, SpecError, load_spec_file, spec_from_data
from nornir_tasks.models.failure import HostFailure
from nornir_tasks.models.findings import Finding, Severity
from nornir_tasks.parsers._secrets import mask_secrets
from nornir_tasks.saved_evidence import evidence_name
from nornir_tasks.tasks.hosts import (
    Hosts,
    InventoryError,
    close,
    host_names,
    host_platform,
    host_value,
    open_inventory,
    without,
)
from nornir_tasks.tasks.platforms import is_asa

_inventory = click.option(
    "-i",
    "--inventory",
    type=click.Path(path_type=Path),
    default="config.yaml",
    show_default=True,
    help="Nornir config file.",
)
_hosts = click.option("--hosts", multiple=True, help="Host names (repeatable).")
_groups = click.option("--groups", multiple=True, help="Group names (repeatable).")
_filter = click.option(
    "--filter", "filters", multiple=True, help="key=value on host data (repeatable)."
)
_spec = click.option(
    "--spec",
    "spec_file",
    type=click.Path(path_type=Path),
    help="Playbook with a 'failover:' section (default: each host's data.failover).",
)
_templates = click.option(
    "--templates",
    "template_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Directory of .j2 templates overriding the shipped ones.",
)


def _err(message: str) -> None:
    Console(stderr=True).print(f"[red]error:[/] {escape(message)}", highlight=False)


def _open(
    inventory: Path, hosts: Sequence[str], groups: Sequence[str], filters: Sequence[str]
) -> Hosts:
    try:
        return open_inventory(inventory, hosts=hosts, groups=groups, filters=filters)
    except InventoryError as exc:
        _err(str(exc))
        raise exit_codes.Exit(exit_codes.USAGE) from exc


def _refuse_asa(nr: Hosts) -> None:
    """The failover push is IOS/IOS-XE only: an ASA has no EEM + IP SLA of this kind and no
    configure-replace revert timer (napalm's ``revert_in``). Refused before any session."""
    asas = [n for n in host_names(nr) if is_asa(host_platform(nr, n))]
    if asas:
        _err(
            f"{', '.join(asas)}: an ASA (platform asa) cannot take the failover push, which is "
            "IOS/IOS-XE only (EEM applets, IP SLA and track, a commit under a revert timer); "
            "leave ASA hosts out with --hosts or --groups"
        )
        raise exit_codes.Exit(exit_codes.USAGE)


def _specs(nr: Hosts, spec_file: Path | None) -> dict[str, FailoverSpec]:
    try:
        if spec_file is not None:
            spec = load_spec_file(spec_file)
            return dict.fromkeys(host_names(nr), spec)
        out = {}
        for name in host_names(nr):
            data = host_value(nr, name, "failover")
            if not isinstance(data, dict):
                raise SpecError(f"{name}: no failover spec (data.failover) and no --spec given")
            out[name] = spec_from_data(data, f"{name}: data.failover")
        return out
    except SpecError as exc:
        _err(str(exc))
        raise exit_codes.Exit(exit_codes.USAGE) from exc


def _peer_configs(nr_all: Hosts, selected: Sequence[str]) -> dict[str, str]:
    """The other inventory hosts' running configs (VPN peers for the backup-address lint)."""
    others = without(nr_all, selected)
    if not host_names(others):
        return {}
    return {n: v for n, v in running_configs(others).items() if isinstance(v, str)}


@click.group(
    "failover",
    epilog="""\b
Examples:
  vpndiag failover render --spec failover.yaml               the config, nothing touched
  vpndiag failover lint BR12 running-config.txt               live routers or saved files
  vpndiag failover plan --hosts BR12                          rendered config + device diff
  vpndiag failover apply --hosts BR12 --revert-in 300 --test-failover
""",
)
def failover() -> None:
    """Dual-ISP failover (IP SLA + track + EEM): render, lint, plan, apply."""


@failover.command("render")
@click.option("--spec", "spec_file", type=click.Path(path_type=Path), required=True)
@click.option(
    "--running",
    "running_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Saved running config: render only what it lacks.",
)
@_templates
def render_cmd(spec_file: Path, running_file: Path | None, template_dir: Path | None) -> None:
    """Print the configuration a spec renders to (offline)."""
    from nornir_tasks.parsers.running_config import parse_running_config

    try:
        spec = load_spec_file(spec_file)
    except SpecError as exc:
        _err(str(exc))
        raise exit_codes.Exit(exit_codes.USAGE) from exc
    running = parse_running_config(running_file.read_text()) if running_file else None
    click.echo(mask_secrets(render_failover_config(spec, running, template_dir)), nl=False)


def _print_lint(findings: list[Finding], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(findings_json(findings), indent=2))
    else:
        print_findings(Console(), findings)


def _findings_exit(findings: Sequence[Finding], incomplete: bool = False) -> int:
    return exit_codes.exit_code(findings, Severity.CRITICAL, incomplete=incomplete)


def _saved_files(targets: Sequence[str]) -> list[Path]:
    """Files as given; a folder stands for the running configs saved under it (evidence)."""
    found: list[Path] = []
    for target in map(Path, targets):
        if target.is_dir():
            inside = sorted(target.rglob(evidence_name("show running-config")))
            if not inside:
                _err(f"{target}: no saved running configuration (show_running-config.txt) in it")
                raise exit_codes.Exit(exit_codes.USAGE)
            found += inside
        elif target.is_file():
            found.append(target)
    return found


@failover.command("lint")
@click.argument("targets", nargs=-1)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@_inventory
@_groups
@_filter
def lint_cmd(
    targets: tuple[str, ...],
    fmt: str,
    inventory: Path,
    groups: tuple[str, ...],
    filters: tuple[str, ...],
) -> None:
    """Lint saved config files or evidence folders, or live routers (inventory host names).

    A saved config is the router its hostname line (or evidence folder) names, whatever
    the file is called. Every file or host is also the others' VPN peer (backup-address
    check). Exit 1 on a critical finding, 3 when two files are the same router.
    """
    files = _saved_files(targets)
    hosts = [t for t in targets if not Path(t).exists()]
    try:  # by hostname line, evidence prompt or folder: never by file name
        configs = configs_by_router([(str(p), p.read_text(errors="replace")) for p in files])
    except SavedConfigError as exc:
        _err(str(exc))
        raise exit_codes.Exit(exit_codes.USAGE) from exc
    if hosts or groups or filters or not targets:
        nr = _open(inventory, hosts, groups, filters)
        for name, value in running_configs(nr).items():
            if isinstance(value, HostFailure):
                _err(f"{name}: cannot read the running config: {value.reason}")
            elif name not in configs:  # a saved file of the same router was given: it wins
                configs[name] = value
        close(nr)
    parsed = {name: lint_target(name, text) for name, text in configs.items()}
    findings = [
        f
        for name, t in parsed.items()
        for f in lint(t, [o for n, o in parsed.items() if n != name])
    ]
    _print_lint(findings, fmt)
    raise exit_codes.Exit(_findings_exit(findings))


def _print_plans(console: Console, plans: Sequence[HostPlan], failed: dict[str, str]) -> None:
    for p in plans:
        console.print(f"\n[bold]{escape(p.host)}[/]: configuration to merge", highlight=False)
        console.print(escape(mask_secrets(p.change)), highlight=False, end="")
        console.print(f"[bold]{escape(p.host)}[/]: device diff", highlight=False)
        console.print(escape(p.diff) if p.diff else "[green]no changes[/]", highlight=False)
        if p.findings:
            print_findings(console, p.findings)
    for host, why in sorted(failed.items()):
        console.print(f"[red]{escape(host)}[/]: {escape(why)}", highlight=False)


@failover.command("plan")
@_inventory
@_hosts
@_groups
@_filter
@_spec
@_templates
def plan_cmd(
    inventory: Path,
    hosts: tuple[str, ...],
    groups: tuple[str, ...],
    filters: tuple[str, ...],
    spec_file: Path | None,
    template_dir: Path | None,
) -> None:
    """Show the rendered config, lint and the device diff per host; change nothing."""
    nr = _open(inventory, hosts, groups, filters)
    _refuse_asa(nr)
    peers = _peer_configs(_open(inventory, (), (), ()), host_names(nr))
    plans, failed = plan_failover(nr, _specs(nr, spec_file), peers, template_dir)
    _print_plans(Console(), plans, failed)
    found = [f for p in plans for f in p.findings]
    raise exit_codes.Exit(_findings_exit(found, incomplete=bool(failed)))


def _print_outcomes(console: Console, outcomes: Sequence[HostOutcome]) -> None:
    style = {
        Outcome.APPLIED: "green",
        Outcome.UNCHANGED: "green",
        Outcome.ROLLED_BACK: "red",
        Outcome.FAILED: "bold red",  # may be live under IOS's revert timer: its problem says
    }
    for o in outcomes:
        console.print(
            f"\n[{style.get(o.outcome, 'yellow')}]{escape(o.host)}: {o.outcome.value}[/]",
            highlight=False,
        )
        for step in o.steps:
            console.print(f"  {escape(step)}", highlight=False)
        loud = "bold red" if o.outcome is Outcome.FAILED else "default"
        for problem in o.problems:
            console.print(f"  [bold]![/] [{loud}]{escape(problem)}[/]", highlight=False)


@failover.command("apply")
@_inventory
@_hosts
@_groups
@_filter
@_spec
@_templates
@click.option(
    "--revert-in",
    type=click.IntRange(60, 7200),
    default=300,
    show_default=True,
    help="Seconds before IOS reverts an unconfirmed change (whole minutes).",
)
@click.option(
    "--test-failover", is_flag=True, help="Shut ISP1 under the revert timer, verify ISP2, restore."
)
@click.option("--batch-size", type=click.IntRange(1), default=1, show_default=True)
@click.option(
    "--backup-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default="backups",
    show_default=True,
)
def apply_cmd(
    inventory: Path,
    hosts: tuple[str, ...],
    groups: tuple[str, ...],
    filters: tuple[str, ...],
    spec_file: Path | None,
    template_dir: Path | None,
    revert_in: int,
    test_failover: bool,
    batch_size: int,
    backup_dir: Path,
) -> None:
    """Readiness, backup, merge under a revert timer, post-checks, confirm or revert."""
    unwritable = directory_problem("--backup-dir", backup_dir)
    if unwritable:  # found before the first router is touched, not after its commit
        _err(unwritable)
        raise exit_codes.Exit(exit_codes.USAGE)
    nr = _open(inventory, hosts, groups, filters)
    _refuse_asa(nr)
    peers = _peer_configs(_open(inventory, (), (), ()), host_names(nr))
    plans, failed = plan_failover(nr, _specs(nr, spec_file), peers, template_dir)
    console = Console()
    _print_plans(console, plans, failed)
    options = ApplyOptions(
        revert_in - revert_in % 60, test_failover, batch_size, backup_dir=backup_dir
    )
    outcomes = apply_failover(nr, plans, options)
    _print_outcomes(console, outcomes)
    bad = [o for o in outcomes if o.outcome not in (Outcome.APPLIED, Outcome.UNCHANGED)]
    incomplete = bool(failed) or any(o.outcome is Outcome.FAILED for o in bad)
    raise exit_codes.Exit(exit_codes.exit_code((), Severity.CRITICAL, incomplete, bool(bad)))
