"""Which of a playbook's commands a platform has, and what it calls them.

Playbooks are written in IOS/IOS-XE commands. An ASA reads the same state with its own
commands, parsed into the same models: ``show crypto isakmp sa`` is ``show crypto ikev1 sa``
there, ``show crypto session`` is ``show vpn-sessiondb detail l2l``, ``show processes cpu``
is ``show cpu usage``, and its crypto maps, tunnel-groups (keys printed as ``*****``) and
NAT rules are in ``show running-config`` (there is no ``show crypto map``). An ASA also gets
``show asp drop`` (what the data path dropped, and why). What the ASA has no equivalent for
(``show ip route X``: its ``show route`` is not parsed) is skipped and said so. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

ASA_PLATFORMS = frozenset({"cisco_asa", "asa"})
# IOS command prefix -> the ASA's command for the same state ("" : none, the command is skipped).
_ASA_NAMES = {
    "show crypto isakmp sa": "show crypto ikev1 sa",
    "show crypto session detail": "show vpn-sessiondb detail l2l",
    "show crypto session": "show vpn-sessiondb detail l2l",
    "show crypto map": "show running-config",
    "show processes cpu": "show cpu usage",
    "show ip route": "",
    "show crypto ikev2 stats": "",  # the ASA's counters have another layout, not parsed
    "show dmvpn": "",
    "show ip nhrp": "",
}
# Read on every ASA whose playbook reads IPsec state.
ASA_EXTRAS = ("show asp drop",)
CPU_COMMAND = {"ios": "show processes cpu | include CPU", "asa": "show cpu usage"}
# Read where the image has them: an image without one is not a partial reading.
OPTIONAL = frozenset({*ASA_EXTRAS, CPU_COMMAND["asa"]})


@dataclass(frozen=True)
class CommandPlan:
    run: tuple[str, ...]
    skipped: tuple[str, ...]  # not on this platform
    follow_up: bool  # route lookups exist on this platform (``show ip route X``)


def is_asa(platform: str | None) -> bool:
    return (platform or "").lower() in ASA_PLATFORMS


def asa_command(command: str) -> str:
    """The ASA's command for an IOS one ("" when it has none); ASA commands pass unchanged."""
    for ios, asa in _ASA_NAMES.items():
        if command == ios or command.startswith(ios + " "):
            # "show processes cpu | include CPU": the ASA line is its own, filters dropped.
            return (
                asa
                if not asa or asa.startswith(("show cpu", "show running"))
                else (asa + command[len(ios) :])
            )
    return command


def cpu_command(platform: str | None) -> str:
    return CPU_COMMAND["asa" if is_asa(platform) else "ios"]


def plan_commands(platform: str | None, commands: Sequence[str]) -> CommandPlan:
    """The commands to send to a host of ``platform``, and those it does not have."""
    if not is_asa(platform):
        return CommandPlan(tuple(commands), (), True)
    run: list[str] = []
    skipped: list[str] = []
    for command in commands:
        asa = asa_command(command)
        if not asa:
            skipped.append(command)
        elif asa not in run:
            run.append(asa)
    if any(c.startswith("show crypto ipsec sa") for c in run):
        run += [c for c in ASA_EXTRAS if c not in run]
    return CommandPlan(tuple(run), tuple(skipped), False)
