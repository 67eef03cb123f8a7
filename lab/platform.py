"""What one Cisco OS family's command line looks like, as data: prompts, error wording, commands.

``lab.cli.CliSession`` runs any ``Platform``; a router picks its own by name
(``Device.platform``): IOS-XE, or ASA with prompts ``asa> `` / ``asa# `` / ``asa(config)# ``
(a space after the sign), its own error wording, pager and command tables (``ASA_USER`` /
``ASA_PRIV``, filled by the ``cmd_asa*`` modules) and its own configuration mode
(``lab.asacfg``), in which exec commands run without ``do``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lab.asacfg import apply_asa_line, asa_context
from lab.commands import ASA_PRIV, ASA_USER, PRIV, USER, Handler
from lab.configmode import ConfigContext, apply_line
from lab.configtree import ConfigTree
from lab.grammar import Grammar

ApplyLine = Callable[[ConfigTree, ConfigContext, str], bool]


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
    apply_config: ApplyLine = apply_line  # one line typed in configuration mode
    new_config: Callable[[], ConfigContext] = ConfigContext
    exec_in_config: bool = False  # the ASA runs "show ..." in config mode without "do"
    more_erase: str = ""  # what wipes the pager prompt (default: backspaces over it)
    banner: str = ""  # printed once, before the first prompt of a session
    # Syslogs of a session's own doings ("" for none): its login, with {source} {port} {intf}
    # {address} {user}; each command that is not a "show", with {user} {command}.
    login_log: str = ""
    command_log: str = ""

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

# Wording from real ASA sessions: "ERROR: % Invalid input detected at '^' marker." and
# "ERROR: % Incomplete command" (a CML lab write-up, code index file 20666743554: "ASA1# sh cry
# ipsec"), the pager "<--- More --->" wiped by a carriage return and 14 spaces (ASA 7+ configs
# saved with it, code index file 47624498131). No capture of the ambiguous-command message was
# found: the IOS wording with the ASA's "ERROR: " in front.
ASA = Platform(
    name="asa",
    user_prompt="{host}> ",
    enable_prompt="{host}# ",
    config_prompt="{host}({mode})# ",
    config_host_width=63,
    invalid="ERROR: % Invalid input detected at '^' marker.\n",
    incomplete="ERROR: % Incomplete command\n",
    ambiguous='ERROR: % Ambiguous command:  "{line}"\n',
    more="<--- More --->",
    user_commands=ASA_USER,
    enable_commands=ASA_PRIV,
    apply_config=apply_asa_line,
    new_config=asa_context,
    exec_in_config=True,
    more_erase="\r" + " " * 14 + "\r",
    # An ASA's SSH login, before the first prompt (code index file 30252610154, OVHcloud docs).
    banner="Type help or '?' for a list of available commands.\n",
    # 605005 and 111008 as SIEM test fixtures quote real ASA lines (code index files
    # 69593499925, 17199925368: 'Login permitted from 10.0.0.5/50234 to inside:10.0.0.1/https
    # for user "admin"'; 61533520919, 2715402218: "User 'admin' executed the 'write memory'
    # command."); Cisco's syslog guide: any command but a show command is logged as 111008.
    login_log='%ASA-6-605005: Login permitted from {source}/{port} to {intf}:{address}/ssh for user "{user}"',
    command_log="%ASA-5-111008: User '{user}' executed the '{command}' command.",
)

PLATFORMS: dict[str, Platform] = {IOS_XE.name: IOS_XE, ASA.name: ASA}
