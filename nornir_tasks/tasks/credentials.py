"""Inventory helpers: credentials from the environment, never from files in the repository;
the host fields checked before any session opens (Nornir's ``Host``: only ``tasks`` reads it).

Nornir calls ``credentials_from_env`` for every host when an inventory's ``config.yaml`` names
it as ``transform_function: vpndiag_credentials`` (registered through an entry point).
"""

from __future__ import annotations

import os
from typing import Any

from nornir.core.inventory import ConnectionOptions, Host

# Inventory platform names vpndiag reads (nornir_netmiko turns "ios" into netmiko's
# cisco_ios; the napalm "ios" driver covers IOS-XE); a netmiko-level override may say cisco_xe.
SUPPORTED_PLATFORMS = ("ios", "cisco_ios", "cisco_xe", "cisco_asa")

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


def host_problems(host: Host) -> list[str]:
    """What in ``host``'s inventory entry cannot work: name the host, the field and the value."""
    problems: list[str] = []
    netmiko = host.get_connection_parameters("netmiko")
    if not netmiko.hostname or not str(netmiko.hostname).strip():
        problems.append(f"{host.name}: no hostname (the address to connect to)")
    port = netmiko.port
    if port is not None and not _is_port(port):
        problems.append(f"{host.name}: port {port!r} is not a TCP port (1-65535)")
    supported = ", ".join(SUPPORTED_PLATFORMS)
    if host.platform is None:
        problems.append(f"{host.name}: no platform (supported: {supported})")
    elif host.platform not in SUPPORTED_PLATFORMS:
        problems.append(f"{host.name}: platform {host.platform!r} is not supported ({supported})")
    override = netmiko.platform
    if override not in (None, host.platform) and override not in SUPPORTED_PLATFORMS:
        problems.append(
            f"{host.name}: connection_options.netmiko.platform {override!r} is not supported "
            f"({supported})"
        )
    return problems


def _is_port(value: object) -> bool:
    if isinstance(value, bool):
        return False
    text = str(value).strip()
    return text.isdigit() and 1 <= int(text) <= 65535
