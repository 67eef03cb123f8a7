"""Which Celery broker a run or a worker uses, and how its URL is shown.

The URL comes from ``--broker``, else ``$VPNDIAG_BROKER``, else the configuration file's
``celery.broker``. It may carry a password (``redis://:PASSWORD@host:6379/0``); every place
that shows it shows ``redacted(url)``. The configuration file holds no secret: its URL's
password comes from the variable ``celery.password_env`` names (``VPNDIAG_BROKER_PASSWORD``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from nornir_tasks.settings import CelerySettings

BROKER_VAR = "VPNDIAG_BROKER"
SCHEMES = ("redis", "rediss")
MASK = "***"


class BrokerError(ValueError):
    """No usable broker URL (a usage error; the message is redacted)."""


class BrokerUnreachableError(BrokerError):
    """The broker does not answer, or no worker consumes a queue the run needs: the hosts
    cannot be collected (exit 2, as for hosts that cannot be reached)."""


def redacted(url: str) -> str:
    """``url`` with its password, in the userinfo or a ``password=`` query, as ``***``."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:  # not even a URL: show nothing of it that might be a secret
        return f"<unparsable broker URL, {len(url)} characters>"
    netloc = parts.netloc
    if password is not None:
        userinfo, _, hostport = netloc.rpartition("@")
        user = userinfo.partition(":")[0]
        netloc = f"{user}:{MASK}@{hostport}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, MASK if k.lower() == "password" else v) for k, v in pairs])
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def checked(url: str) -> str:
    """``url`` if it is a Redis URL with a host; else ``BrokerError`` naming it, redacted."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise BrokerError(f"broker URL {redacted(url)}: {exc}") from None
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise BrokerError(
            f"broker URL {redacted(url)}: expected redis://[:PASSWORD@]HOST[:PORT][/DB]"
        )
    del port  # read only to have urlsplit check it
    return url


def resolve_broker(
    given: str | None, settings: CelerySettings, env: Mapping[str, str] | None = None
) -> str:
    """The broker URL of this run: ``--broker``, ``$VPNDIAG_BROKER``, or the configuration."""
    environ = os.environ if env is None else env
    url = given or environ.get(BROKER_VAR)
    if url:
        return checked(url)
    if settings.broker is None:
        raise BrokerError(
            f"no broker: give --broker redis://HOST:6379/0, set ${BROKER_VAR}, "
            "or celery.broker in the configuration file"
        )
    return checked(_with_password(settings.broker, environ.get(settings.password_env)))


def _with_password(url: str, password: str | None) -> str:
    """The configuration's URL with the password from the environment, when one is set."""
    parts = urlsplit(url)
    if parts.password is not None:
        raise BrokerError(
            f"celery.broker {redacted(url)}: the configuration file holds no password; "
            "set it in the variable celery.password_env names"
        )
    if not password:
        return url
    user = quote(parts.username or "", safe="")
    netloc = f"{user}:{quote(password, safe='')}@{parts.netloc.rpartition('@')[2]}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
