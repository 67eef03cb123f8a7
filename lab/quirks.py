"""Per-router misbehaviour for robustness tests, set in a scenario's ``quirks``.

``no_crypto``: an image without the crypto feature set (``show crypto ...`` is invalid input);
``slow``: ``{regex: seconds}`` delays the answer to matching commands (real time);
``truncate``: ``{regex: {bytes: N, times: K}}`` cuts the first K answers after N bytes, as a
lost packet or a busy vty does.
"""

from __future__ import annotations

import re
from typing import Any

from lab.device import Device

# "show crypto ...", "sh cry ..." — where the crypto keyword starts
_CRYPTO = re.compile(r"^\s*sh\w*\s+(cr\w*)", re.I)


def _quirks(device: Device) -> dict[str, Any]:
    return device.quirks


def missing_feature(device: Device, command: str) -> int | None:
    """Column of the keyword an image without crypto rejects, or None."""
    if not _quirks(device).get("no_crypto"):
        return None
    m = _CRYPTO.match(command)
    return m.start(1) if m and "crypto".startswith(m.group(1).lower()) else None


def delay_for(device: Device, line: str) -> float:
    for pattern, seconds in (_quirks(device).get("slow") or {}).items():
        if re.search(pattern, line):
            return float(seconds)
    return 0.0


def truncate(device: Device, line: str, output: str) -> str:
    rules = _quirks(device).get("truncate") or {}
    for pattern, rule in rules.items():
        if re.search(pattern, line) and int(rule.get("times", 1)) > 0:
            rule["times"] = int(rule.get("times", 1)) - 1
            return output[: int(rule.get("bytes", 200))]
    return output
