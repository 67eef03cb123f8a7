"""Collection: the show commands a diagnosis needs, read over one session per host, checked
and parsed. ``collect`` runs it across a selection through the executor."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from netmiko import BaseConnection
from nornir.core.task import Result, Task

from nornir_tasks.models.collection import CommandOutput, HostCollection, HostStatus, OutputStatus
from nornir_tasks.models.failure import HostFailure
from nornir_tasks.parsers import ParseError, UnknownCommandError, parse_result
from nornir_tasks.tasks.executor import HostDone, run_on_hosts
from nornir_tasks.tasks.failures import classify
from nornir_tasks.tasks.hosts import Hosts
from nornir_tasks.tasks.platforms import OPTIONAL, CommandPlan, plan_commands
from nornir_tasks.tasks.session import open_cli, release, send

__all__ = ["HEALTH_COMMANDS", "collect", "collect_crypto_state"]

HEALTH_COMMANDS: tuple[str, ...] = (
    "show crypto isakmp sa",
    "show crypto ipsec sa",
    "show crypto session",
    "show crypto map",
    "show processes cpu | include CPU",
)

# (platform, outputs read so far) -> commands to read next on the same session
MoreCommands = Callable[[str | None, Sequence[CommandOutput]], Sequence[str]]

# "% Invalid input detected at '^' marker." — the image does not know the command
# (the ASA says "ERROR: % Invalid input detected at '^' marker.")
_UNSUPPORTED = re.compile(r"^\s*(?:ERROR: )?% ?(Invalid input|Unrecognized command)", re.M)


def read_output(
    conn: BaseConnection, command: str, read_timeout: float, retries: int
) -> CommandOutput:
    """One command's output, parsed; an unreadable or cut-off output is read again."""
    attempts = 0
    last_error = ""
    raw = ""
    while attempts <= retries:
        attempts += 1
        raw = send(conn, command, read_timeout)
        if _UNSUPPORTED.search(raw):
            return CommandOutput(
                command, raw, OutputStatus.UNSUPPORTED, None, raw.strip(), attempts
            )
        try:
            result = parse_result(command, raw)
        except UnknownCommandError:
            return CommandOutput(command, raw, OutputStatus.OK, None, None, attempts)
        except ParseError as exc:
            last_error = str(exc)
            continue
        # A filtered output ("| section ...") never has the closing "end" a full one has.
        parsed, unparsed = result.value, result.unparsed
        if getattr(parsed, "complete", True) or "|" in command:
            return CommandOutput(command, raw, OutputStatus.OK, parsed, None, attempts, unparsed)
        last_error = "output was cut off (incomplete record)"
    return CommandOutput(command, raw, OutputStatus.INCOMPLETE, None, last_error, attempts)


def _collect_on(
    task: Task,
    commands: Sequence[str],
    read_timeout: float,
    retries: int,
    outputs: list[CommandOutput],
    follow_up: bool = False,
    more: MoreCommands | None = None,
) -> HostCollection:
    """Read ``commands`` on the host of ``task`` into ``outputs`` (kept if the session dies),
    then what ``more`` asks for once it has seen them."""
    platform = task.host.platform
    plan = plan_commands(platform, commands)
    if follow_up and not plan.follow_up:  # no route lookups on this platform
        return HostCollection(task.host.name, HostStatus.OK, (), None, dict(task.host.data))
    conn = open_cli(task, read_timeout)
    for command in plan.run:
        outputs.append(_optional(read_output(conn, command, read_timeout, retries)))
    if more is not None:
        wanted = more(platform, outputs)
        lacked = _read_more(conn, plan_commands(platform, wanted), outputs, read_timeout, retries)
        plan = replace(plan, skipped=plan.skipped + lacked)
    bad = [o for o in outputs if o.status not in (OutputStatus.OK, OutputStatus.SKIPPED)]
    skipped = [
        CommandOutput(c, "", OutputStatus.SKIPPED, None, f"not on {task.host.platform}")
        for c in plan.skipped
    ]
    status = HostStatus.PARTIAL if bad else HostStatus.OK
    host = task.host.name
    return HostCollection(host, status, (*outputs, *skipped), None, dict(task.host.data))


def _optional(output: CommandOutput) -> CommandOutput:
    """An extra the platform reads where the image has it (ASA ``show asp drop``): its
    absence is a skipped command, not a partial host."""
    if output.status is OutputStatus.UNSUPPORTED and output.command in OPTIONAL:
        return replace(output, status=OutputStatus.SKIPPED, error="not on this image")
    return output


def _read_more(
    conn: BaseConnection,
    extra: CommandPlan,
    outputs: list[CommandOutput],
    read_timeout: float,
    retries: int,
) -> tuple[str, ...]:
    """Read what ``outputs`` does not hold yet of ``extra``; what the platform lacks."""
    read = {o.command for o in outputs}
    for command in (c for c in extra.run if c not in read):
        outputs.append(_optional(read_output(conn, command, read_timeout, retries)))
    return tuple(c for c in extra.skipped if c not in read)


def failed_collection(
    failure: HostFailure, outputs: Sequence[CommandOutput] = ()
) -> HostCollection:
    """A host whose session failed: its failure, and what it had read before."""
    return HostCollection(failure.host, failure.status, tuple(outputs), failure.reason)


def collect(
    hosts: Hosts,
    commands: Sequence[str] | Mapping[str, Sequence[str]],
    read_timeout: float = 30.0,
    retries: int = 1,
    name: str = "collect",
    done: HostDone | None = None,
    follow_up: bool = False,
    more: MoreCommands | None = None,
    finished: Callable[[HostCollection], bool] | None = None,
) -> dict[str, HostCollection]:
    """Read ``commands`` (the same for all, or per host) on every host, one session each.

    ``follow_up``: the commands are route lookups, sent only where the platform has them.
    ``more``: what to read next on each host's session, from what it has read (the features
    its running configuration shows, ``playbooks.features``).
    ``finished``: whether a host's session will not be needed again; it is closed at once.
    """
    read: dict[str, list[CommandOutput]] = {}

    def work(task: Task) -> HostCollection:
        mine = commands.get(task.host.name, ()) if isinstance(commands, Mapping) else commands
        outputs = read.setdefault(task.host.name, [])
        value = _collect_on(task, mine, read_timeout, retries, outputs, follow_up, more)
        if finished is not None and finished(value):
            release(task.host)
        return value

    values = run_on_hosts(hosts, work, name, done)
    return {
        h: v if isinstance(v, HostCollection) else failed_collection(v, read.get(h, ()))
        for h, v in values.items()
    }


def collect_crypto_state(
    task: Task,
    commands: Sequence[str] = HEALTH_COMMANDS,
    read_timeout: float = 30.0,
    retries: int = 1,
) -> Result:
    """``collect`` for one host as a plain Nornir task (for scripts that run Nornir directly)."""
    outputs: list[CommandOutput] = []
    try:
        collection = _collect_on(task, commands, read_timeout, retries, outputs)
    except Exception as exc:  # one host's failure is data, never a crash of the run
        failure = classify(task.host.name, exc, 0.0)
        return Result(host=task.host, result=failed_collection(failure, outputs), failed=True)
    return Result(host=task.host, result=collection)
