"""Pure parsers: device text in, frozen dataclasses out. ``parse(command, text)`` is the entry.

The parser modules register themselves when imported; ``parse`` and ``resolve`` import the
ones a command needs (``registry``), so importing this package is cheap.
"""

from __future__ import annotations

from nornir_tasks.parsers.cleaning import clean_device_text
from nornir_tasks.parsers.registry import (
    ParseError,
    ParseResult,
    UnknownCommandError,
    parse,
    parse_result,
    parser,
    registered_commands,
    resolve,
)

__all__ = [
    "ParseError",
    "ParseResult",
    "UnknownCommandError",
    "clean_device_text",
    "parse",
    "parse_result",
    "parser",
    "registered_commands",
    "resolve",
]
