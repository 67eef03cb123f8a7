"""The exec-command registers of the simulator: one pair of tables (user, privileged) per platform."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from lab.grammar import Grammar

if TYPE_CHECKING:
    from lab.configmode import ConfigContext
    from lab.device import Device


class Session(Protocol):
    """What a command handler may use of the CLI session that runs it."""

    device: Device
    username: str
    source: str
    privileged: bool
    term_length: int
    term_width: int
    monitor: bool
    config: ConfigContext | None
    line_name: str

    def ask(self, question: str, answer: Callable[[str], str], echo: bool = True) -> None: ...

    def close(self) -> None: ...

    def set_monitor(self, on: bool) -> None: ...

    def enter_config(self) -> None: ...

    def run_exec(self, line: str) -> str: ...


Handler = Callable[[Session, tuple[str, ...]], str]

USER: Grammar[Handler] = Grammar()  # commands at the ">" prompt
PRIV: Grammar[Handler] = Grammar()  # commands at the "#" prompt


def command(pattern: str, user: bool = False) -> Callable[[Handler], Handler]:
    """Register an exec command; ``user=True`` makes it available at ``>`` too."""

    def register(handler: Handler) -> Handler:
        PRIV.add(pattern, handler)
        if user:
            USER.add(pattern, handler)
        return handler

    return register


ASA_USER: Grammar[Handler] = Grammar()  # an ASA's commands at "asa>"
ASA_PRIV: Grammar[Handler] = Grammar()  # an ASA's commands at "asa#" (and in its config mode)


def asa_command(pattern: str, user: bool = False) -> Callable[[Handler], Handler]:
    """Register an ASA exec command; the ASA's tables share nothing with the IOS ones."""

    def register(handler: Handler) -> Handler:
        ASA_PRIV.add(pattern, handler)
        if user:
            ASA_USER.add(pattern, handler)
        return handler

    return register
