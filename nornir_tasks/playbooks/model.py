"""The playbook schema. Unknown keys and wrong types are errors, before any device is touched."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from nornir_tasks.playbooks.features import feature_names
from nornir_tasks.smtp.transcript import telnet_command
from nornir_tasks.tasks.collect import HEALTH_COMMANDS

_TESTS = ("contains", "not_contains", "regex", "equal", "gt", "lt")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class HostSelection(_Strict):
    names: list[str] = []
    groups: list[str] = []
    filter: dict[str, str] = {}


class Assertion(_Strict):
    """One test on a command's output, nornir_salt style.

    ``path`` selects values in the parsed output (``sas[*].state``); without it the test
    applies to the raw text. ``{value}`` in the expected value is replaced by the host's
    inventory data at ``value_from`` (``data.wan_ip``).
    """

    name: str
    command: str
    path: str | None = None
    contains: str | None = None
    not_contains: str | None = Field(None, alias="!contains")
    regex: str | None = None
    equal: Any = None
    gt: float | None = None
    lt: float | None = None
    value_from: str | None = None
    hosts: list[str] = []
    groups: list[str] = []

    @model_validator(mode="after")
    def _one_test(self) -> Assertion:
        given = [t for t in _TESTS if getattr(self, t) is not None]
        if not given:
            raise ValueError("needs one test: contains, !contains, regex, equal, gt or lt")
        if len(given) > 1 and set(given) != {"gt", "lt"}:
            raise ValueError(f"more than one test: {', '.join(given)} (only gt with lt combine)")
        return self


class WaitUntil(Assertion):
    """Poll ``command`` until the test passes or ``max_time`` runs out (pyATS Blitz style)."""

    max_time: float = Field(60.0, gt=0)
    interval: float = Field(5.0, gt=0)


class Collect(_Strict):
    commands: list[str] = list(HEALTH_COMMANDS)
    # feature -> commands, read only on routers whose configuration shows the feature
    # (nornir_tasks.playbooks.features); after ``commands``, on the same session.
    when: dict[str, list[str]] = {}
    poll_interval: float = Field(10.0, ge=0, description="seconds between two counter polls")
    read_timeout: float = Field(30.0, gt=0)

    @model_validator(mode="after")
    def _known_features(self) -> Collect:
        unknown = sorted(set(self.when) - set(feature_names()))
        if unknown:
            raise ValueError(
                f"collect.when: unknown feature {', '.join(unknown)} "
                f"(known: {', '.join(feature_names())})"
            )
        return self


class DebugPolicy(_Strict):
    escalate: bool = False
    seconds: float = Field(30.0, gt=0, le=300)
    cpu_limit: int = Field(60, ge=1, le=100)


class Thresholds(_Strict):
    """Limits checked on every host of the run (``nornir_tasks.checks.thresholds``)."""

    cpu_percent: float | None = Field(None, gt=0, le=100)


class SmtpRelay(_Strict):
    host: str
    port: int = Field(25, ge=1, le=65535)
    # This relay is meant to relay for the sources (an internal relay for EEM mail and
    # reports): a refused outside recipient is then a finding, an accepted one is no open relay.
    expect_relay: bool = False


class SmtpSection(_Strict):
    """SMTP relay tests (``telnet x.x.x.x 25``), from the tool host and/or from the routers."""

    relays: list[SmtpRelay] = Field(min_length=1)
    mail_from: str = Field("vpndiag-test@example.com", alias="from")
    to: str = "vpndiag-test@example.net"
    sources: list[Literal["tool", "router"]] = ["tool"]
    source_interface: str | None = None
    quit_after: Literal["banner", "ehlo", "mail", "rcpt"] = "rcpt"
    timeout: float = Field(10.0, gt=0, le=120)
    local_domains: list[str] = []


class Playbook(_Strict):
    name: str
    description: str = ""
    # Commands other than the read-only forms (playbooks/readonly.py) are sent only when the
    # playbook says so here and the command line adds --allow-changes.
    changes: bool = False
    hosts: HostSelection = HostSelection()
    collect: Collect = Collect()
    checks: list[str] = ["*"]
    fail_on: Literal["critical", "warning", "info"] = "critical"
    thresholds: Thresholds = Thresholds()
    assertions: list[Assertion] = []
    wait_until: list[WaitUntil] = []
    debug: DebugPolicy = DebugPolicy()
    # The failover spec is validated by the failover feature (nornir_tasks.failover).
    failover: dict[str, Any] | None = None
    smtp: SmtpSection | None = None


def playbook_commands(playbook: Playbook) -> list[tuple[tuple[str | int, ...], str]]:
    """Every command a playbook names, with where it is (``collect.commands.2``)."""
    found: list[tuple[tuple[str | int, ...], str]] = [
        (("collect", "commands", i), c) for i, c in enumerate(playbook.collect.commands)
    ]
    for name, commands in playbook.collect.when.items():
        found += [(("collect", "when", name, i), c) for i, c in enumerate(commands)]
    for key, tests in (("assertions", playbook.assertions), ("wait_until", playbook.wait_until)):
        found += [((key, i, "command"), t.command) for i, t in enumerate(tests)]
    return found


def smtp_router_commands(
    playbook: Playbook, port: int | None = None
) -> list[tuple[tuple[str | int, ...], str]]:
    """The ``telnet RELAY PORT [/source-interface IF]`` the SMTP step types on each router
    (built as ``tasks.smtp_router`` builds it), with where its relay is; ``port``: in place
    of each relay's own."""
    section = playbook.smtp
    if section is None or "router" not in section.sources:
        return []
    return [
        (
            ("smtp", "relays", i, "host"),
            telnet_command(r.host, port or r.port, section.source_interface),
        )
        for i, r in enumerate(section.relays)
    ]
