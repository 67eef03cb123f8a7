"""``vpndiag parse COMMAND FILE``: run one parser on saved output."""

from __future__ import annotations

import sys

import click

from nornir_tasks.cli import exit_codes
from nornir_tasks.cli.input_files import max_input_option, read_input
from nornir_tasks.cli.json_stream import write_json
from nornir_tasks.models import to_jsonable
from nornir_tasks.parsers import ParseError, ParseResult, UnknownCommandError, parse_result
from nornir_tasks.parsers._secrets import mask_secrets
from nornir_tasks.parsers.repeats import Repeat, current, describe


@click.command(
    "parse",
    epilog="""\b
Examples:
  vpndiag parse "sh cry isa sa" capture.txt          abbreviations work
  vpndiag parse "show crypto ipsec sa" - < out.txt   standard input
  vpndiag parse --strict "sh cry ipsec sa" new.txt   refuse any line not understood

Lines the parser did not recognise are listed on standard error (line number and text);
the JSON on standard output holds what was recognised. An output given more than once in
the file (a session log, a double paste) is read once: the last different copy is the
current state, and standard error says what changed since the copy before it.
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
        copy, repeat = current(command, text)
        del text  # the copy read is all that is needed now
        result = parse_result(command, copy.text, strict=strict)
    except (ParseError, UnknownCommandError) as exc:
        click.echo(f"error: {exc}", err=True)
        raise exit_codes.Exit(exit_codes.USAGE) from exc
    if repeat is not None:
        _report_repeat(repeat, copy.first_line)
    _report_unparsed(result, copy.first_line - 1)
    if fmt == "json":
        write_json(result.value, sys.stdout)
    else:
        from rich.console import Console  # only here: rich costs ~0.1 s of startup
        from rich.pretty import Pretty

        Console().print(Pretty(to_jsonable(result.value)))


def _report_repeat(repeat: Repeat, first_line: int) -> None:
    click.echo(f"note: {describe(repeat)}; read from line {first_line}", err=True)
    for old, new in repeat.changed:  # device lines: a changed key line must not show its key
        click.echo(mask_secrets(f"  was: {old}\n  now: {new}"), err=True)


def _report_unparsed(result: ParseResult[object], offset: int) -> None:
    """The lines not understood, on stderr: stdout stays the model's JSON."""
    if result.understood:
        return
    click.echo(
        f"warning: {result.unparsed_count} line(s) not understood as {result.command!r}; "
        "the rest was parsed:",
        err=True,
    )
    for number, line in result.unparsed:
        click.echo(f"  line {number + offset if number else 0}: {line}", err=True)
    if result.unparsed_count > len(result.unparsed):
        click.echo(f"  ... and {result.unparsed_count - len(result.unparsed)} more", err=True)
