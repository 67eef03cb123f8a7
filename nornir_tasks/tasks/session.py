"""A thin typed layer over netmiko's session: open it (login, enable), send, drop it.

Two netmiko behaviours are corrected here, because they make failures look like something
else: a session the device closed reads as "nothing yet" until the whole read timeout passes
(paramiko's ``recv_ready`` stays False on a closed channel), and a refused enable secret ends
in "Pattern not detected" after a read timeout instead of saying that the secret is wrong.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

from netmiko import BaseConnection
from nornir.core.inventory import Host
from nornir.core.task import Task

CLI = "netmiko"
# paramiko's transport thread wakes every 0.1 s on an idle socket (its read timeout) to check
# for a close. With thousands of sessions open at once those wake-ups, each taking the GIL,
# were most of a large run's CPU (docs/performance.md). Reads are not slowed by a longer
# timeout: data wakes the thread at once, and a close is seen through the closed flag.
IDLE_WAKE_S = 5.0
# IOS after a wrong enable secret: "Password:" again (three tries), then "% Bad secrets".
# netmiko splits the output on the pattern: groups must not capture.
_ENABLE_ANSWER = re.compile(r"ssword|% ?(?:Access denied|Bad secrets)|[>#]\s*$", re.I)
_PASSWORD = re.compile(r"ssword", re.I)
_PROMPT = "_vpndiag_prompt"  # the session's exec prompt, once open_cli has read it


class EnableSecretError(Exception):
    """The device refused the enable secret."""


class SessionClosedError(Exception):
    """The device closed the SSH session while vpndiag was reading from it."""


def send(conn: BaseConnection, command: str, read_timeout: float = 30.0) -> str:
    """Run one exec command and return its text (never a list or dict).

    On a session ``open_cli`` prepared, the output ends at the prompt it read there. netmiko
    otherwise finds the prompt again before every command (``auto_find_prompt``): a round
    trip and two buffer reads with a sleep each, for the prompt it already had, since an exec
    command does not change it. What a previous command left unread is dropped, as the
    prompt search did.
    """
    prompt: str | None = getattr(conn, _PROMPT, None)
    if prompt is None:
        out: Any = conn.send_command(command, read_timeout=read_timeout, strip_prompt=True)
        return str(out)
    return send_at_prompt(conn, command, prompt, read_timeout)


def send_at_prompt(
    conn: BaseConnection, command: str, prompt: str, read_timeout: float = 30.0
) -> str:
    """Run one exec command whose output ends at ``prompt``, the one the session already read
    (what a previous command left unread is dropped first, so it cannot pass for the end)."""
    conn.read_channel()
    out: Any = conn.send_command(
        command, expect_string=re.escape(prompt), read_timeout=read_timeout, strip_prompt=True
    )
    return str(out)


def open_cli(task: Task, enable_timeout: float = 10.0) -> BaseConnection:
    """The host's netmiko session, logged in and in enable mode (opened once per host)."""
    conn: BaseConnection = task.host.get_connection(CLI, task.nornir.config)
    _report_close(conn)
    _quiet_when_idle(conn)
    prompt = current_prompt(conn, enable_timeout)
    if not prompt.endswith("#"):
        prompt = enable(conn, enable_timeout)
    setattr(conn, _PROMPT, prompt)
    return conn


def current_prompt(conn: BaseConnection, timeout: float) -> str:
    """The prompt the device prints for an empty line ("R1>", "R1#", "asa/pri/act#").

    netmiko's ``check_enable_mode`` reads the same line but keeps only whether it has a #.
    """
    conn.write_channel(conn.RETURN)
    pattern = re.escape(conn.base_prompt) + r"[^\r\n]*[>#]"
    return _last_line(conn.read_until_pattern(pattern=pattern, read_timeout=timeout))


def _last_line(text: str) -> str:
    return next((ln.strip() for ln in reversed(text.splitlines()) if ln.strip()), "")


def enable(conn: BaseConnection, timeout: float) -> str:
    """``enable`` and the secret; the enable prompt. A refused secret raises
    ``EnableSecretError`` at once."""
    conn.write_channel(conn.normalize_cmd("enable"))
    answer = conn.read_until_pattern(pattern=_ENABLE_ANSWER.pattern, read_timeout=timeout)
    for _ in range(2):
        if "enable" in answer or _PASSWORD.search(answer):
            break
        # A prompt before the echo of "enable": a loaded device's late answer to an earlier
        # line (seen at 1,000 lab routers). Taken for the answer, the next empty line went
        # to the password question and the host timed out; read on to the real answer.
        answer = conn.read_until_pattern(pattern=_ENABLE_ANSWER.pattern, read_timeout=timeout)
    if _PASSWORD.search(answer):
        conn.write_channel(conn.normalize_cmd(conn.secret or ""))
        answer = conn.read_until_pattern(pattern=_ENABLE_ANSWER.pattern, read_timeout=timeout)
        for _ in range(2):  # back to the exec prompt: empty answers use up the tries
            if not _PASSWORD.search(answer):
                break
            conn.write_channel(conn.RETURN)
            answer = conn.read_until_pattern(pattern=_ENABLE_ANSWER.pattern, read_timeout=timeout)
    prompt = _last_line(answer)  # the answer ends at the prompt: no round trip to read it
    if not (prompt.startswith(conn.base_prompt) and prompt.endswith("#")):
        prompt = current_prompt(conn, timeout)  # the answer ended elsewhere: ask the device
    if not prompt.endswith("#"):
        said = next((ln.strip() for ln in answer.splitlines() if "%" in ln), "")
        raise EnableSecretError(
            f"the device refused the enable secret{f' ({said})' if said else ''}"
        )
    return prompt


def _report_close(conn: BaseConnection) -> None:
    """Make a read on a channel the device closed raise ``SessionClosedError`` at once."""
    channel = conn.channel
    if getattr(channel, "_vpndiag_watched", False):
        return
    read = channel.read_channel

    def read_or_raise() -> str:
        out = read()
        remote = getattr(channel, "remote_conn", None)
        if not out and remote is not None and _closed(remote):
            raise SessionClosedError("the device closed the SSH session")
        return str(out)

    channel.read_channel = read_or_raise  # type: ignore[method-assign]
    channel._vpndiag_watched = True  # type: ignore[attr-defined]


def _quiet_when_idle(conn: BaseConnection) -> None:
    """Let the session's transport thread sleep ``IDLE_WAKE_S`` on an idle socket."""
    transport = getattr(getattr(conn, "remote_conn", None), "transport", None)
    sock = getattr(transport, "sock", None)
    if sock is not None and hasattr(sock, "settimeout"):
        sock.settimeout(IDLE_WAKE_S)


def is_closed(conn: BaseConnection) -> bool:
    """Whether the device closed the session (seen without reading from it)."""
    remote = getattr(conn, "remote_conn", None)
    return remote is not None and _closed(remote)


def _closed(remote: Any) -> bool:
    if getattr(remote, "closed", False) or getattr(remote, "eof_received", False):
        return True
    transport = getattr(remote, "transport", None)
    return transport is not None and not transport.is_active()


def release(host: Host) -> None:
    """Log out of the host's sessions now (the work on it is done): an open session costs a
    thread, a file descriptor and a vty line until the end of the run."""
    with contextlib.suppress(Exception):  # a logout that fails leaves nothing to clean up
        host.close_connections()


def drop(host: Host) -> None:
    """Forget the host's sessions without the polite logout: netmiko's ``disconnect`` reads
    the prompt again first, which on a stalled session waits a second full timeout."""
    for name in list(host.connections):
        plugin = host.connections.pop(name)
        device = getattr(plugin.connection, "device", plugin.connection)  # napalm wraps netmiko
        client = getattr(device, "remote_conn_pre", None)
        with contextlib.suppress(Exception):
            if client is not None:
                client.close()
