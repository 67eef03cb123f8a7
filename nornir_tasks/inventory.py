"""The ``vpndiag_credentials`` transform function's entry-point path (see pyproject.toml).

The code is in ``nornir_tasks.tasks.credentials``: only ``tasks`` imports Nornir.
"""

from nornir_tasks.tasks.credentials import (
    PASSWORD_VAR,
    SECRET_VAR,
    SUPPORTED_PLATFORMS,
    USERNAME_VAR,
    credentials_from_env,
    host_problems,
    set_extras,
)

__all__ = [
    "PASSWORD_VAR",
    "SECRET_VAR",
    "SUPPORTED_PLATFORMS",
    "USERNAME_VAR",
    "credentials_from_env",
    "host_problems",
    "set_extras",
]
