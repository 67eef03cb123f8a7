"""``vpndiag diagnose FILE...``: offline diagnosis of saved outputs, debug and syslog text."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from nornir_tasks.cli import exit_codes
from nornir_tasks.cli.input_files import max_input_option, read_input
from nornir_tasks.models.findings import Severity

if TYPE_CHECKING:  # imported when the command runs: ``diagnose --help`` needs none of it
    from nornir_tasks.diagnose import Capture


def _capture(path: Path, max_mb: int, host: str | None = None) -> Capture:
    """A file: its host is the folder's (saved evidence) or its own name; a command-named file
    (``show_crypto_isakmp_sa.txt``) is that command's output."""
    from nornir_tasks.diagnose import Capture, command_from_name

    text = read_input(str(path), max_mb)
    if host is None:
        return Capture(path.stem, text)
    return Capture(host, text, command_from_name(path.stem), host_known=True)


def _files(paths: tuple[str, ...]) -> list[tuple[Path, str | None]]:
    """(file, host) pairs; the host is known only for saved evidence (DIR/<host>/<command>)."""
    out: list[tuple[Path, str | None]] = []
    for name in paths:
        path = Path(name)
        if not path.exists():
            raise click.BadParameter(f"{name}: no such file or directory")
        if not path.is_dir():
            out.append((path, None))
            continue
        for child in sorted(path.iterdir()):
            if child.is_dir():
                out += [(f, child.name) for f in sorted(child.iterdir()) if f.is_file()]
            elif child.is_file():
                out.append((child, None))
    return out


def _captures(paths: tuple[str, ...], max_mb: int) -> list[Capture]:
    from nornir_tasks.diagnose import Capture

    out = [Capture("stdin", read_input("-", max_mb))] if "-" in paths else []
    files = _files(tuple(p for p in paths if p != "-"))
    stems = [f.stem for f, host in files if host is None]
    for path, host in files:
        if host is None and stems.count(path.stem) > 1:  # raw.txt in many folders: say which
            host = f"{path.parent.name}/{path.stem}"
            out.append(Capture(host, _capture(path, max_mb).text))
        else:
            out.append(_capture(path, max_mb, host))
    return out


@click.command(
    "diagnose",
    epilog="""\b
Examples:
  vpndiag diagnose ticket-1234.txt            outputs pasted into a ticket, any mix
  vpndiag diagnose hq.txt br07.txt            both ends of a tunnel, read together
  vpndiag diagnose evidence/                  what --save-evidence wrote
  pbpaste | vpndiag diagnose - --format json  standard input, JSON findings
""",
)
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@exit_codes.fail_on_option(Severity.CRITICAL)
@click.option("--select", multiple=True, default=("*",), help="Codes or globs (IKE_*), repeatable.")
@click.option("--brief", is_flag=True, help="Table only, without cause, evidence and next steps.")
@max_input_option
def diagnose_cmd(
    files: tuple[str, ...],
    fmt: str,
    fail_on: Severity,
    select: tuple[str, ...],
    brief: bool,
    max_input_mb: int,
) -> None:
    """Diagnose saved show outputs, debug and syslog text (files, folders, or - for stdin).

    Any mix of outputs, with or without prompts; a folder is read file by file, and
    DIR/<host>/<command>.txt (saved evidence) names host and command.
    """
    from rich.console import Console

    from nornir_tasks.checks import diagnose
    from nornir_tasks.cli.findings_view import findings_json, print_findings
    from nornir_tasks.diagnose import fleet_from_captures
    from nornir_tasks.diagnose_polls import repeat_notes

    fleet, problems = fleet_from_captures(_captures(files, max_input_mb))
    err = Console(stderr=True)
    for problem in problems:
        err.print(f"[yellow]warning:[/] not read: {problem}", highlight=False)
    for note in repeat_notes(fleet):
        err.print(note, highlight=False, markup=False)
    if not fleet.hosts:
        err.print("[red]error:[/] no recognisable device output in the input", highlight=False)
        raise exit_codes.Exit(exit_codes.USAGE)
    findings = diagnose(fleet, select)
    if fmt == "json":
        import json  # here: the table needs none of it

        click.echo(json.dumps(findings_json(findings), indent=2))
    else:
        print_findings(Console(), findings, details=not brief)
    raise exit_codes.Exit(exit_codes.exit_code(findings, fail_on))
