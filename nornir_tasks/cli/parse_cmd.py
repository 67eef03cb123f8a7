"""``vpndiag parse COMMAND FILE``: run one parser on saved output."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.pretty import Pretty

from nornir_tasks.cli import exit_codes
from nornir_tasks.models import to_jsonable
from nornir_tasks.parsers import ParseError, UnknownCommandError, parse


@click.command(
    "parse",
    epilog="""\b
Examples:
  vpndiag parse "sh cry isa sa" capture.txt          abbreviations work
  vpndiag parse "show crypto ipsec sa" - < out.txt   standard input
""",
)
@click.argument("command")
@click.argument("file", type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="json")
def parse_cmd(command: str, file: str, fmt: str) -> None:
    """Parse FILE (or - for standard input) as the output of COMMAND."""
    text = sys.stdin.read() if file == "-" else _read(file)
    try:
        model = parse(command, text)
    except (ParseError, UnknownCommandError) as exc:
        click.echo(f"error: {exc}", err=True)
        raise exit_codes.Exit(exit_codes.USAGE) from exc
    data = to_jsonable(model)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2))
    else:
        Console().print(Pretty(data))


def _read(file: str) -> str:
    try:
        return Path(file).read_text(errors="replace")
    except OSError as exc:
        raise click.BadParameter(f"{file}: {exc.strerror}") from exc
