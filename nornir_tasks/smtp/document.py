"""One SMTP test as JSON-ready data: the steps, the capabilities by name, the certificate."""

from __future__ import annotations

from typing import Any

from nornir_tasks.models.base import to_jsonable
from nornir_tasks.models.smtp import Capabilities, SmtpResult


def capabilities_to_dict(caps: Capabilities) -> dict[str, Any]:
    return {
        "starttls": caps.starttls,
        "auth": list(caps.auth),
        "size": caps.size,
        "8bitmime": caps.eightbitmime,
        "extensions": list(caps.lines),
    }


def result_to_dict(result: SmtpResult) -> dict[str, Any]:
    """Every field of the result; capabilities read out (STARTTLS, AUTH, SIZE, 8BITMIME)."""
    data: dict[str, Any] = to_jsonable(result)
    caps = result.capabilities
    data["capabilities"] = capabilities_to_dict(caps) if caps is not None else None
    data["authenticated"] = result.authenticated
    return data
