"""Saved configurations for ``failover lint``: which router each file is, never its file name.

``--save-evidence`` writes ``DIR/<host>/show_running-config.txt`` for every host, so a file
name says nothing about the router. A configuration is identified by its ``hostname`` line,
else by the prompt line vpndiag writes at the top of an evidence file (``BR12#show
running-config``), else by the folder it is in. Pure: paths and texts in, names out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePath

from nornir_tasks.parsers.running_config import parse_running_config

# BR12#show running-config   (the first line of an evidence file; also a pasted session)
_PROMPT = re.compile(r"^([A-Za-z0-9][\w.\-]*)[#>]\s*\S")


class SavedConfigError(ValueError):
    """Two files are the same router, or a file names no router at all."""


def router_of(path: str, text: str) -> str:
    """The router a saved configuration belongs to: hostname, evidence prompt, folder."""
    hostname = parse_running_config(text).hostname
    if hostname:
        return hostname
    first = next((line for line in text.splitlines() if line.strip()), "")
    prompt = _PROMPT.match(first.strip())
    if prompt:
        return prompt.group(1)
    folder = PurePath(path).parent.name
    if not folder:
        raise SavedConfigError(f"{path}: no hostname line and no folder to name the router by")
    return folder


def configs_by_router(files: Sequence[tuple[str, str]]) -> dict[str, str]:
    """``(path, text)`` pairs keyed by router; the same router twice is an error."""
    found: dict[str, str] = {}
    seen_at: dict[str, str] = {}
    for path, text in files:
        router = router_of(path, text)
        if router in found:
            raise SavedConfigError(
                f"{router}: two configurations given ({seen_at[router]} and {path}); "
                "lint one per router"
            )
        found[router], seen_at[router] = text, path
    return found
