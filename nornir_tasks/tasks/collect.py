"""``collect_crypto_state``: the show commands a diagnosis needs, checked and parsed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from nornir.core.task import Result, Task

from nornir_tasks.checks.evidence import Output, host_evidence
from nornir_tasks.checks.tunnels import follow_up_routes
from nornir_tasks.models.collection import CommandOutput, HostCollection, HostStatus, OutputStatus
from nornir_tasks.parsers import ParseError, UnknownCommandError, parse_result
from nornir_tasks.tasks.platforms import plan_commands
from nornir_tasks.tasks.session import classify, send

HEALTH_COMMANDS: tuple[str, ...] = (
    "show crypto isakmp sa",
    "show crypto ipsec sa",
    "show crypto session",
    "show crypto map",
    "show processes cpu | include CPU",
)

# "% Invalid input detected at '^' marker." — the image does not know the command
_UNSUPPORTED = re.compile(r"^\s*% ?(Invalid input|Unrecognized command)", re.M)


def _read_one(conn: Any, command: str, read_timeout: float, retries: int) -> CommandOutput:
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


def follow_ups(host: str, outputs: Sequence[CommandOutput]) -> tuple[str, ...]:
    """Route lookups for the tunnels these outputs show unhealthy (see checks.tunnels)."""
    usable = [Output(o.command, o.raw, o.parsed) for o in outputs if o.status is OutputStatus.OK]
    asked = {o.command for o in outputs}
    wanted = follow_up_routes(host_evidence(host, usable))
    return tuple(c for c in wanted if c not in asked)


def collect_crypto_state(
    task: Task,
    commands: Sequence[str] = HEALTH_COMMANDS,
    read_timeout: float = 30.0,
    retries: int = 1,
    follow_up: bool = False,
) -> Result:
    """Run ``commands`` over one netmiko session; retry an incomplete output once.

    With ``follow_up``, then look up the route to each peer whose tunnel is not up and to
    the remote LAN of each flow whose counters do not move both ways, on the same session.
    """
    outputs: list[CommandOutput] = []
    plan = plan_commands(task.host.platform, commands)
    try:
        conn = task.host.get_connection("netmiko", task.nornir.config)
        if not conn.check_enable_mode():
            conn.enable()
        for command in plan.run:
            outputs.append(_read_one(conn, command, read_timeout, retries))
        wanted = follow_up and plan.follow_up
        for command in follow_ups(task.host.name, outputs) if wanted else ():
            outputs.append(_read_one(conn, command, read_timeout, retries))
    except Exception as exc:  # one host's failure is data, never a crash of the run
        status, reason = classify(exc)
        collection = HostCollection(task.host.name, status, tuple(outputs), reason)
        return Result(host=task.host, result=collection, failed=True, exception=None)
    bad = [o for o in outputs if o.status is not OutputStatus.OK]
    outputs += [
        CommandOutput(c, "", OutputStatus.SKIPPED, None, f"not on {task.host.platform}")
        for c in plan.skipped
    ]
    status = HostStatus.PARTIAL if bad else HostStatus.OK
    collection = HostCollection(task.host.name, status, tuple(outputs), None, dict(task.host.data))
    return Result(host=task.host, result=collection, failed=False)


def collection_of(host: str, value: object) -> HostCollection:
    """What a Nornir run of ``collect_crypto_state`` left for ``host``: its collection, or, if
    the task raised (it catches device errors itself), the exception classified."""
    if isinstance(value, HostCollection):
        return value
    if isinstance(value, BaseException):
        status, reason = classify(value)
        return HostCollection(host, status, (), reason)
    return HostCollection(host, HostStatus.FAILED, (), "no result")
