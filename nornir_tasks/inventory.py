"""Inventory helpers: credentials from the environment, never from files in the repository.

Nornir calls ``credentials_from_env`` for every host when an inventory's ``config.yaml`` names
it as ``transform_function: vpndiag_credentials`` (registered through an entry point).
"""

from __future__ import annotations

import os
from typing import Any

from nornir.core.inventory import ConnectionOptions, Host

USERNAME_VAR = "VPNDIAG_USERNAME"
PASSWORD_VAR = "VPNDIAG_PASSWORD"
SECRET_VAR = "VPNDIAG_SECRET"


def credentials_from_env(host: Host, **_: Any) -> None:
    """Fill username, password and enable secret from VPNDIAG_* variables when set."""
    username = os.environ.get(USERNAME_VAR)
    password = os.environ.get(PASSWORD_VAR)
    secret = os.environ.get(SECRET_VAR) or password
    if username:
        host.username = username
    if password:
        host.password = password
    if secret:
        for plugin in ("netmiko", "napalm"):
            # Merged with the groups' and defaults' options, or a host-level entry would hide
            # their extras (fast_cli, read_timeout_override, optional_args).
            options = host.get_connection_parameters(plugin)
            extras = dict(options.extras or {})
            if plugin == "netmiko":
                extras.setdefault("secret", secret)
            else:
                optional = dict(extras.get("optional_args") or {})
                optional.setdefault("secret", secret)
                extras["optional_args"] = optional
            set_extras(host, plugin, extras)


def set_extras(host: Host, plugin: str, extras: dict[str, Any]) -> None:
    """Give ``host`` its own ``plugin`` connection options: the merged ones (host, groups,
    defaults) with ``extras`` as the extras. Building them from the host's own entry alone
    would hide what its groups and defaults set."""
    merged = host.get_connection_parameters(plugin)
    host.connection_options[plugin] = ConnectionOptions(
        hostname=merged.hostname,
        port=merged.port,
        username=merged.username,
        password=merged.password,
        platform=merged.platform,
        extras=extras,
    )
