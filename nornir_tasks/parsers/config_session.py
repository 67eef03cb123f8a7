"""A configuration typed in configuration mode, as pasted with its prompts, read as configuration.

People paste what they typed, prompts included::

    CR1(config)#crypto isakmp policy 10
    CR1(config-isakmp)#encryption aes
    CR1(config-isakmp)#exit
    CR1(config)#int fa0/1
    CR1(config-if)#crypto map stat-cmap redundancy HA

The mode in the prompt says where a command sits: ``(config)`` is the top level, any other mode
is inside the last top-level command (the sub-modes of a sub-mode, rare in pastes, are read one
level deep). ``exit``/``end`` leave a mode and are not configuration; ``do sh ...`` (and on the
ASA a bare ``sh ...``) runs an exec command and is not configuration either (the diagnosis
reads those as outputs).
"""

from __future__ import annotations

import re

# CR1(config)#crypto isakmp policy 10 / client1(config-crypto-map)# set peer 10.1.1.3 /
# R1(cfg-crypto-trans)#mode transport / Rx(ipsec-profile)# set transform-set T
CONFIG_PROMPT = re.compile(
    r"^\s*(?P<host>[A-Za-z0-9][\w.\-/]{0,62})\((?P<mode>[a-z][\w\-]*)\)# ?(?P<cmd>.*)$"
)
_LEAVES = frozenset({"exit", "end", "!", "quit"})
# Exec commands typed at a configuration prompt ("do sh run"; the ASA takes "sh cry isa sa" there
# without "do"): output follows them, they are not configuration.
EXEC_COMMAND = re.compile(
    r"^\s*(?:do|sh|sho|show|debug|undebug|clear|ping|traceroute|packet-tracer|more|terminal"
    r"|copy|write|wr|dir)(?:\s|$)",
    re.I,
)
# What people shorten when they type: "int fa0/1", "interf Tunnel0" (the reader needs the word)
_INTERFACE = re.compile(r"^int(?:e(?:r(?:f(?:a(?:c(?:e)?)?)?)?)?)?\s+(?=\S)", re.I)


def session_line(mode: str, cmd: str) -> str | None:
    """The configuration line a command typed in ``mode`` stands for (None: not configuration)."""
    cmd = cmd.strip()
    if not cmd or cmd in _LEAVES or EXEC_COMMAND.match(cmd) or mode.startswith("vlan"):
        return None
    return _INTERFACE.sub("interface ", cmd) if mode == "config" else f" {cmd}"


def is_session(lines: list[str]) -> bool:
    """The text is a configuration session: it has configuration-mode prompts with commands."""
    for line in lines:
        m = CONFIG_PROMPT.match(line) if ")#" in line else None  # the cheap test first
        if m is not None and session_line(m["mode"], m["cmd"]) is not None:
            return True
    return False


def session_to_config(lines: list[str]) -> list[str]:
    """Prompted configuration lines as a configuration. Other lines stay as they are, except
    those inside a mode (before the mode's next prompted line): a device's reply to a typed
    command ("% Invalid input ...") is not configuration and would cut the mode's lines off
    from the command that opened it."""
    out: list[str] = []
    held: list[str] = []  # unprompted lines since the last prompted one
    for line in lines:
        m = CONFIG_PROMPT.match(line) if ")#" in line else None
        if m is None:
            held.append(line)
            continue
        config = session_line(m["mode"], m["cmd"])
        if config is None:
            continue
        out += [] if config.startswith(" ") else held
        held = []
        out.append(config)
    return out + held
