"""Device CLI error answers, and the ParseError a crypto parser raises for foreign text.

    % Invalid input detected at '^' marker.
    ERROR: % Incomplete command
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NoReturn

from nornir_tasks.parsers.registry import ParseError

# "% Invalid input detected at '^' marker.", "% Incomplete command.", "ERROR: % Incomplete command"
_CLI_ERROR = re.compile(r"^(?:ERROR:\s*)?%\s*(?:Invalid|Incomplete|Ambiguous|Unrecognized|Unknown)")
# "                 ^" : the caret line IOS prints under the offending word
_CARET = re.compile(r"^\s*\^\s*$")


def reject_cli_error(command: str, lines: Sequence[str]) -> None:
    """Raise ParseError if the device answered with a CLI error instead of output."""
    for line in lines[:4]:
        if _CLI_ERROR.match(line.lstrip()):
            raise ParseError(command, line.strip(), "device error")


def reject(command: str, line: str) -> NoReturn:
    """Raise the ParseError for text that does not start like ``command``'s output."""
    reason = "unrecognised first line"
    if _CARET.match(line):
        reason = "device error (caret marker)"
    raise ParseError(command, line.strip(), reason)
