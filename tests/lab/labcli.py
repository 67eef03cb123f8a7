"""Small helpers for lab tests: run commands on a lab router through netmiko."""

from __future__ import annotations

import atexit
import contextlib
import logging
from pathlib import Path

from netmiko import BaseConnection, ConnectHandler
from nornir import InitNornir
from nornir.core import Nornir
from nornir.core.filter import F

from lab.fleet import Fleet
from lab.inventory import write_inventory
from nornir_tasks.tasks.session import is_closed, send_at_prompt

# One open, privileged session per listening router (host, port), with its prompt: a netmiko
# login costs a quarter of a second (a fixed 0.1 s sleep, the key exchange, prompt reads), most
# of a test that reads two outputs. A session the device or the fleet closed is opened again.
_SESSIONS: dict[tuple[str, int], tuple[BaseConnection, str]] = {}
# Their transports log here: a fleet that stops resets the idle ones, which is no error.
_QUIET_LOG = "tests.labcli.sessions"
logging.getLogger(_QUIET_LOG).setLevel(logging.CRITICAL)


def _session(fleet: Fleet, router: str) -> tuple[BaseConnection, str]:
    params = fleet.connection(router)
    key = (str(params["host"]), int(params["port"]))
    known = _SESSIONS.get(key)
    if known is not None and not _dead(known[0]):
        return known
    if known is not None:
        _close(known[0])
    conn = ConnectHandler(**params)
    transport = getattr(conn.remote_conn, "transport", None)
    if transport is not None:
        transport.set_log_channel(_QUIET_LOG)
    conn.enable()
    _SESSIONS[key] = (conn, conn.find_prompt())
    return _SESSIONS[key]


def _dead(conn: BaseConnection) -> bool:
    transport = getattr(conn.remote_conn, "transport", None)
    return is_closed(conn) or transport is None or not transport.is_active()


def _close(conn: BaseConnection) -> None:
    client = conn.remote_conn_pre
    with contextlib.suppress(Exception):  # already gone: nothing to close
        if client is not None:
            client.close()


@atexit.register
def _close_all() -> None:
    for conn, _ in _SESSIONS.values():
        _close(conn)
    _SESSIONS.clear()


def cli(fleet: Fleet, router: str, *commands: str) -> list[str]:
    """Run exec commands on ``router`` over SSH (privileged) and return their outputs."""
    conn, prompt = _session(fleet, router)
    try:
        return [send_at_prompt(conn, command, prompt) for command in commands]
    except OSError:  # the kept session was closed under us (its fleet stopped): a new one
        _close(conn)
        _SESSIONS.pop((str(fleet.host), fleet.ports[router]), None)
        conn, prompt = _session(fleet, router)
        return [send_at_prompt(conn, command, prompt) for command in commands]


def one(fleet: Fleet, router: str, command: str) -> str:
    return cli(fleet, router, command)[0]


def configure(fleet: Fleet, router: str, *lines: str) -> None:
    """Configuration lines on ``router`` over a session of its own (``configure terminal``
    ... ``end``): the kept sessions above stay at the exec prompt."""
    conn = ConnectHandler(**fleet.connection(router))
    try:
        conn.enable()
        conn.send_config_set(list(lines))
    finally:
        conn.disconnect()


def nornir_for(fleet: Fleet, directory: Path, hosts: tuple[str, ...] = ()) -> Nornir:
    """A Nornir object over the fleet (inventory written to ``directory``)."""
    config = write_inventory(fleet, directory)
    nr = InitNornir(config_file=str(config), logging={"enabled": False})
    return nr.filter(F(name__any=list(hosts))) if hosts else nr
