"""``vpndiag parse COMMAND FILE``: run one parser on saved output."""

from __future__ import annotations

import sys

import click

from nornir_tasks.cli import exit_codes
from nornir_tasks.cli.input_files import max_input_option, read_input
from nornir_tasks.cli.json_stream import write_json
from nornir_tasks.models import to_jsonable
from nornir_tasks.parsers import ParseError, ParseResult, UnknownCommandError, parse_result


@click.command(
    "parse",
    epilog="""\b
Examples:
  vpndiag parse "sh cry isa sa" capture.txt          abbreviations work
  vpndiag parse "show crypto ipsec sa" - < out.txt   standard input
  vpndiag parse --strict "sh cry ipsec sa" new.txt   refuse any line not understood

Lines the parser did not recognise are listed on standard error (line number and text);
the JSON on standard output holds what was recognised.
""",
)
@click.argument("command")
@click.argument("file", type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="json")
@click.option("--strict", is_flag=True, help="Exit 3 on the first line not understood.")
@max_input_option
def parse_cmd(command: str, file: str, fmt: str, strict: bool, max_input_mb: int) -> None:
    """Parse FILE (or - for standard input) as the output of COMMAND."""
    text = read_input(file, max_input_mb)
    try:
        result = parse_result(command, text, strict=strict)
    except (ParseError, UnknownCommandError) as exc:
        click.echo(f"error: {exc}", err=True)
        raise exit_codes.Exit(exit_codes.USAGE) from exc
    del text  # the model is all that is needed now
    _report_unparsed(result)
    if fmt == "json":
        write_json(result.value, sys.stdout)
    else:
        from rich.console import Console  # only here: rich costs ~0.1 s of startup
        from rich.pretty import Pretty

        Console().print(Pretty(to_jsonable(result.value)))


def _report_unparsed(result: ParseResult[object]) -> None:
    """The lines not understood, on stderr: stdout stays the model's JSON."""
    if result.understood:
        return
    click.echo(
        f"warning: {result.unparsed_count} line(s) not understood as {result.command!r}; "
        "the rest was parsed:",
        err=True,
    )
    for number, line in result.unparsed:
        click.echo(f"  line {number}: {line}", err=True)
    if result.unparsed_count > len(result.unparsed):
        click.echo(f"  ... and {result.unparsed_count - len(result.unparsed)} more", err=True)
