"""Which of a playbook's commands a platform has, and what it calls them.

Playbooks are written in IOS/IOS-XE commands. An ASA has no ``show crypto session``,
``show crypto map`` or ``show processes cpu`` (its crypto maps are in the running
configuration, its CPU in ``show cpu usage``) and calls the route lookup ``show route``.
Asking anyway costs a round trip and reports the host as partial for nothing, so commands a
platform lacks are skipped and said so. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

ASA_PLATFORMS = frozenset({"cisco_asa", "asa"})
# Command prefixes the ASA does not have (no parser reads the ASA's equivalents either).
_ASA_LACKS = ("show crypto session", "show crypto map", "show processes cpu", "show ip route")


@dataclass(frozen=True)
class CommandPlan:
    run: tuple[str, ...]
    skipped: tuple[str, ...]  # not on this platform
    follow_up: bool  # route lookups exist on this platform (``show ip route X``)


def is_asa(platform: str | None) -> bool:
    return (platform or "").lower() in ASA_PLATFORMS


def plan_commands(platform: str | None, commands: Sequence[str]) -> CommandPlan:
    """The commands to send to a host of ``platform``, and those it does not have."""
    if not is_asa(platform):
        return CommandPlan(tuple(commands), (), True)
    run = tuple(c for c in commands if not c.startswith(_ASA_LACKS))
    skipped = tuple(c for c in commands if c.startswith(_ASA_LACKS))
    return CommandPlan(run, skipped, False)
