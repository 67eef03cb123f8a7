"""What one Cisco OS family's command line looks like, as data: prompts, error wording, commands.

``lab.cli.CliSession`` runs any ``Platform``; a router picks its own by name
(``Device.platform``). IOS-XE is the only one today. ASA plugs in as a second entry of
``PLATFORMS``: prompts ``host>`` / ``host#`` / ``host(config)#`` like IOS, its own error
wording (``ERROR: % Invalid input detected at '^' marker.``) and its own command tables
(``Grammar`` objects like ``lab.commands.USER`` / ``PRIV``), filled by ASA command modules
(``show vpn-sessiondb``, ``show crypto ikev1 sa``, ...) beside the IOS ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from lab.commands import PRIV, USER, Handler
from lab.grammar import Grammar


@dataclass(frozen=True)
class Platform:
    name: str
    user_prompt: str  # "{host}>": ``host`` is the configured hostname
    enable_prompt: str  # "{host}#"
    config_prompt: str  # "{host}({mode})#": ``mode`` as "config", "config-if", ...
    config_host_width: int  # IOS cuts the hostname to 20 characters in configuration modes
    invalid: str  # under a caret line pointing at the first word the parser refused
    incomplete: str
    ambiguous: str  # "{line}": what was typed
    more: str  # the pager's prompt
    user_commands: Grammar[Handler]  # exec commands at the user prompt
    enable_commands: Grammar[Handler]  # exec commands once enabled

    def prompt(self, host: str, privileged: bool, config_mode: str | None) -> str:
        if config_mode is not None:
            return self.config_prompt.format(host=host[: self.config_host_width], mode=config_mode)
        return (self.enable_prompt if privileged else self.user_prompt).format(host=host)

    def commands(self, privileged: bool) -> Grammar[Handler]:
        return self.enable_commands if privileged else self.user_commands


IOS_XE = Platform(
    name="ios-xe",
    user_prompt="{host}>",
    enable_prompt="{host}#",
    config_prompt="{host}({mode})#",
    config_host_width=20,
    invalid="% Invalid input detected at '^' marker.\n\n",
    incomplete="% Incomplete command.\n\n",
    ambiguous='% Ambiguous command:  "{line}"\n',
    more=" --More-- ",
    user_commands=USER,
    enable_commands=PRIV,
)

PLATFORMS: dict[str, Platform] = {IOS_XE.name: IOS_XE}
