"""``vpndiag history``, ``vpndiag audit diff`` (``diff_cmd``) and ``vpndiag schedule install``."""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from nornir_tasks.cli import exit_codes
from nornir_tasks.cli.terminal import SEVERITY_STYLE
from nornir_tasks.history.diff import KIND_WORDS, Drift, drift, drift_json
from nornir_tasks.history.schedule import (
    Job,
    LogTarget,
    ScheduleError,
    crontab_line,
    parse_duration,
    parse_every,
    service_unit,
    timer_unit,
)
from nornir_tasks.history.snapshot import parse_time
from nornir_tasks.history.store import HistoryError, HistoryStore
from nornir_tasks.models.findings import Severity
from nornir_tasks.models.report import TunnelPoint, TunnelStatus
from nornir_tasks.reports.wording import tunnel_label

_GLYPH = {
    TunnelStatus.UP: "[green]█[/]",
    TunnelStatus.NEGOTIATING: "[yellow]▒[/]",
    TunnelStatus.DOWN: "[red]░[/]",
}
_FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
_DB = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="History database [default: $VPNDIAG_HISTORY_DB or ~/.local/share/vpndiag/history.db].",
)


def _open(db: Path | None) -> HistoryStore:
    try:
        return HistoryStore(db)
    except HistoryError as exc:
        raise click.ClickException(str(exc)) from exc


# -- history -------------------------------------------------------------------------------


def _timelines(states: Sequence[TunnelPoint]) -> dict[tuple[str, str], list[TunnelPoint]]:
    grouped: dict[tuple[str, str], list[TunnelPoint]] = {}
    for state in states:
        grouped.setdefault((state.host, state.peer), []).append(state)
    return grouped


def _since_change(points: Sequence[TunnelPoint]) -> str:
    """When the tunnel entered its current state (as far as the history reaches)."""
    at = points[-1].at
    for point in reversed(points):
        if point.state != points[-1].state:
            break
        at = point.at
    return at


def _tunnel(point: TunnelPoint) -> str:
    """``Tunnel0 DMVPN hub``: the tunnel interface and kind of the latest record."""
    kind = KIND_WORDS[point.kind] if point.kind is not None else ""
    return " ".join(w for w in (point.interface, kind) if w)


def timeline_table(states: Sequence[TunnelPoint], width: int = 48) -> Table:
    table = Table(title="tunnel history (oldest run left)", title_justify="left")
    for column in ("host", "peer", "tunnel", "timeline", "now", "since"):
        table.add_column(column, no_wrap=column != "timeline")
    for (host, peer), points in _timelines(states).items():
        shown = points[-width:]
        table.add_row(
            escape(host),
            escape(peer),
            escape(_tunnel(points[-1])),
            "".join(_GLYPH[p.state] for p in shown),
            _GLYPH[points[-1].state] + " " + points[-1].state.value,
            _since_change(points),
        )
    return table


def timelines_json(states: Sequence[TunnelPoint]) -> dict[str, Any]:
    return {
        "tunnels": [
            {
                "host": h,
                "peer": p,
                "kind": pts[-1].kind.value if pts[-1].kind is not None else None,
                "interface": pts[-1].interface,
                "states": [{"at": s.at, "state": s.state.value} for s in pts],
            }
            for (h, p), pts in _timelines(states).items()
        ]
    }


@click.command(
    "history",
    epilog="""\b
Examples:
  vpndiag history                          every tunnel of the recorded runs
  vpndiag history BR07 --since 7d          one host, the last week
  vpndiag history HQ --tunnel 203.0.113.30 --format json
""",
)
@click.argument("host", required=False)
@click.option("--tunnel", "peer", help="Only the tunnel to this peer address.")
@click.option("--since", help="Only runs of the last DURATION (24h, 7d).")
@click.option("--keep-days", type=float, help="First delete the runs older than this many days.")
@_DB
@_FORMAT
def history_cmd(
    host: str | None,
    peer: str | None,
    since: str | None,
    keep_days: float | None,
    db: Path | None,
    fmt: str,
) -> None:
    """Tunnel states over the recorded runs: one timeline per tunnel."""
    since_ts = None
    if since is not None:
        since_ts = time.time() - _seconds(since)
    with _open(db) as store:
        if keep_days is not None:
            pruned = store.prune(keep_days)
            Console(stderr=True).print(f"pruned {pruned} run(s) older than {keep_days:g} days")
        states = store.tunnel_history(host, peer, since_ts)
    if fmt == "json":
        click.echo(json.dumps(timelines_json(states), indent=2))
    elif not states:
        Console().print("no recorded tunnel matches: record runs with vpndiag run first")
    else:
        Console().print(timeline_table(states))


def _seconds(text: str) -> int:
    try:
        return parse_duration(text)
    except ScheduleError as exc:
        raise click.BadParameter(str(exc)) from exc


# -- audit diff ----------------------------------------------------------------------------


def _base_run(store: HistoryStore, current: int, since: str | None) -> int:
    """The run to compare with: a run id, the newest run older than a duration, or the one
    before ``current``."""
    started = parse_time(store.run(current).started).timestamp()
    if since is not None and since.isdigit():
        return int(since)
    before = started - (_seconds(since) if since is not None else 0)
    playbook = store.playbook_of(current)
    found = store.latest(before_ts=before, exclude=current, playbook=playbook)
    if found is None:
        which = f" of playbook {playbook}" if playbook else ""
        raise click.ClickException(f"no earlier complete run{which} to compare with")
    return found


def _current_run(store: HistoryStore, run: int | None) -> int:
    found = run if run is not None else store.latest()
    if found is None:
        raise click.ClickException(f"no complete run recorded in {store.path}")
    return found


def print_drift(console: Console, found: Drift) -> None:
    console.print(
        f"[bold]drift[/] run {found.base_run} ({found.base_started}) -> "
        f"run {found.current_run} ({found.current_started})"
    )
    if found.empty:
        console.print("[green]no drift[/]: nothing changed")
        return
    if found.new_findings:
        console.print("\n[bold]new findings[/]")
        for f in found.new_findings:  # one line each: reads at 80 columns, greps well
            text = Text("  ")
            text.append(f"{f.severity} {f.code}", SEVERITY_STYLE[f.severity])
            text.append(f" {tunnel_label(f.host, f.peer)}: {f.summary}")
            console.print(text)
    sections = _drift_lines(found)
    for title, lines in sections:
        if lines:
            console.print(f"\n[bold]{title}[/]")
            for line in lines:
                console.print(f"  {escape(line)}")


def _drift_lines(found: Drift) -> list[tuple[str, list[str]]]:
    return [
        (
            "resolved findings",
            [f"{f.code} {tunnel_label(f.host, f.peer)}" for f in found.resolved_findings],
        ),
        ("tunnels down (critical)", [c.description for c in found.went_down]),
        ("tunnels up", [c.description for c in found.came_up]),
        ("DMVPN shortcuts aged out (expected)", [c.description for c in found.aged_out]),
        ("configuration changed", [f"{c.host}: {c.section} section" for c in found.config_changes]),
        (
            "rekey storms",
            [
                f"{s.host} -> {s.peer}: {s.spi_changes} SPI changes in {s.elapsed_s:.0f}s "
                f"(lifetime {s.lifetime_s}s, {s.premature} premature)"
                for s in found.rekey_storms
            ],
        ),
        (
            "counters stopped",
            [
                f"{s.host} -> {s.peer}: {s.counter} stuck at {s.value}"
                for s in found.stalled_counters
            ],
        ),
        ("hosts no longer reached", list(found.unreached)),
    ]


@click.command("diff")
@click.option("--since", help="A run id, or a duration (24h): compare with the run before it.")
@click.option("--run", "run_id", type=int, help="The later run [default: the latest].")
@exit_codes.fail_on_option(Severity.CRITICAL, "a new finding")
@_DB
@_FORMAT
def diff_cmd(
    since: str | None, run_id: int | None, fail_on: Severity, db: Path | None, fmt: str
) -> None:
    """What changed since the previous run (or since RUN / DURATION)."""
    with _open(db) as store:
        try:
            current = _current_run(store, run_id)
            base = _base_run(store, current, since)
            runs = store.between(base, current)
        except HistoryError as exc:
            raise click.ClickException(str(exc)) from exc
    if len(runs) < 2 or (runs[0].run_id, runs[-1].run_id) != (base, current):
        raise click.ClickException(f"run {base} is not a complete run older than run {current}")
    found = drift(runs)
    if fmt == "json":
        click.echo(json.dumps(drift_json(found), indent=2))
    else:
        print_drift(Console(), found)
    # A tunnel that went down is critical drift: at or above every --fail-on.
    outage = bool(found.went_down)
    code = exit_codes.exit_code(found.new_at_or_above(fail_on), fail_on, failed_checks=outage)
    raise exit_codes.Exit(code)


# -- schedule ------------------------------------------------------------------------------


@click.group("schedule")
def schedule() -> None:
    """Run a playbook on a schedule (cron or systemd timers)."""


def _executable(given: str | None) -> str:
    found = given or shutil.which("vpndiag") or sys.argv[0]
    return str(Path(found).resolve())


def _job(
    playbook: str, every: str, vpndiag: str | None, log_file: Path | None, args: Sequence[str]
) -> Job:
    try:
        return Job(
            executable=_executable(vpndiag),
            playbook=playbook,
            seconds=parse_every(every),
            args=tuple(args),
            log=LogTarget.FILE if log_file else LogTarget.JOURNALD,
            log_file=str(log_file.resolve()) if log_file else None,
            working_dir=str(Path.cwd()),
        )
    except ScheduleError as exc:
        raise click.BadParameter(str(exc)) from exc


def _run_args(inventory: Path | None, db: Path | None, extra: Sequence[str]) -> list[str]:
    args = ["-i", str(inventory.resolve())] if inventory else []
    args += ["--db", str(db.resolve())] if db else []
    return args + list(extra)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@schedule.command("install")
@click.argument("playbook")
@click.option("--every", required=True, help="The interval: 15m, 1h, 1d.")
@click.option("--cron", "kind", flag_value="cron", help="Print (and write) a crontab line.")
@click.option("--systemd", "kind", flag_value="systemd", help="Write service and timer units.")
@click.option(
    "--user/--system", default=True, show_default=True, help="systemd user or system units."
)
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--log-file", type=click.Path(dir_okay=False, path_type=Path), help="[default: journald]"
)
@click.option("-i", "--inventory", type=click.Path(path_type=Path), help="Passed to vpndiag run.")
@click.option(
    "--db", type=click.Path(dir_okay=False, path_type=Path), help="Passed to vpndiag run."
)
@click.option("--run-as", help="System units: the user the run runs as.")
@click.option("--vpndiag", "vpndiag", help="The vpndiag executable [default: the one on PATH].")
@click.option("--arg", "extra", multiple=True, help="More arguments for vpndiag run (repeatable).")
def install(
    playbook: str,
    every: str,
    kind: str | None,
    user: bool,
    output_dir: Path | None,
    log_file: Path | None,
    inventory: Path | None,
    db: Path | None,
    run_as: str | None,
    vpndiag: str | None,
    extra: tuple[str, ...],
) -> None:
    """Write the crontab line or the systemd units that run PLAYBOOK every interval.

    The crontab line is printed (and written to --output-dir), never installed: add it with
    ``crontab -e``. systemd units go to --output-dir (default: the user or system unit folder).
    """
    if kind is None:
        raise click.UsageError("choose --cron or --systemd")
    job = _job(playbook, every, vpndiag, log_file, _run_args(inventory, db, extra))
    if kind == "cron":
        _install_cron(job, output_dir)
    else:
        _install_systemd(job, output_dir, system=not user, run_as=run_as)


def _install_cron(job: Job, output_dir: Path | None) -> None:
    try:
        line = crontab_line(job)
    except ScheduleError as exc:
        raise click.BadParameter(str(exc), param_hint="--every") from exc
    if output_dir is not None:
        path = _write(output_dir / f"{job.name}.cron", line + "\n")
        click.echo(f"wrote {path}", err=True)
    click.echo(line)
    click.echo("add it with: crontab -e  (or: (crontab -l; cat FILE) | crontab -)", err=True)


def _install_systemd(job: Job, output_dir: Path | None, system: bool, run_as: str | None) -> None:
    folder = output_dir or (
        Path("/etc/systemd/system") if system else Path("~/.config/systemd/user").expanduser()
    )
    try:
        written = [
            _write(folder / f"{job.name}.service", service_unit(job, system, run_as)),
            _write(folder / f"{job.name}.timer", timer_unit(job)),
        ]
    except OSError as exc:
        raise click.ClickException(f"{folder}: {exc.strerror}") from exc
    for path in written:
        click.echo(f"wrote {path}")
    scope = "" if system else " --user"
    click.echo(
        f"enable with: systemctl{scope} daemon-reload && systemctl{scope} enable --now {job.name}.timer"
    )
