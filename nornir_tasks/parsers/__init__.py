"""Pure parsers: device text in, frozen dataclasses out. ``parse(command, text)`` is the entry."""

from __future__ import annotations

import importlib
import pkgutil

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

# Every module of this package registers its parsers on import.
for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_") and _module.name != "registry":
        importlib.import_module(f"{__name__}.{_module.name}")

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
