"""Reading device text from files and standard input, bounded in size.

A parsed output lives in memory as a model several times its size (``show crypto ipsec sa``:
about 6 bytes of model per byte of text), so a paste larger than any device prints is refused
before it is read, with a message that names the limit and the option that raises it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from nornir_tasks.cli import exit_codes

# A hub's "show crypto ipsec sa" with 5,000 SAs is about 20 MB; "show running-config" a few MB.
DEFAULT_MAX_MB = 64

max_input_option = click.option(
    "--max-input-mb",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_MB,
    show_default=True,
    help="Refuse an input file (or standard input) larger than this (exit 3).",
)


def _too_big(name: str, size: int | None, max_mb: int) -> exit_codes.Exit:
    """``size`` None: standard input, read only up to the limit (its size is not known)."""
    what = f"is {size / 2**20:.1f} MB, over" if size is not None else "is over"
    click.echo(
        f"error: {name} {what} the {max_mb} MB input limit "
        "(--max-input-mb raises it; vpndiag holds a parsed output in memory, several times "
        "its size)",
        err=True,
    )
    return exit_codes.Exit(exit_codes.USAGE)


def read_input(name: str, max_mb: int) -> str:
    """The text of file ``name`` (``-``: standard input); exit 3 when larger than ``max_mb``."""
    limit = max_mb * 2**20
    if name == "-":
        text = sys.stdin.read(limit + 1)
        if len(text) > limit:
            raise _too_big("standard input", None, max_mb)
        return text
    path = Path(name)
    try:
        size = path.stat().st_size
        if size > limit:
            raise _too_big(name, size, max_mb)
        return path.read_text(errors="replace")
    except OSError as exc:
        raise click.BadParameter(f"{name}: {exc.strerror}") from exc
