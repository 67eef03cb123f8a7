"""Mask secrets in configuration text before it is shown, logged or saved.

Sample (before -> after)::

    crypto isakmp key 6 FLgBaJHXdYY_AcHZZMgQ_RhTDJXHUBAAB address 203.0.113.1
    crypto isakmp key 6 <removed> address 203.0.113.1
      pre-shared-key address 61.128.1.1 key VPN
      pre-shared-key address 61.128.1.1 key <removed>
    username admin privilege 15 secret 9 $9$abc
    username admin privilege 15 secret 9 <removed>

The same lines typed in configuration mode and pasted with their prompts
(``R1(config)#crypto isakmp key K address A``) are masked too. Pure text in, text out; every
other line is returned unchanged, line endings included.
"""

from __future__ import annotations

import functools
import re

MASK = "<removed>"

# Each pattern keeps group 1 (the keywords) and replaces group 2 (the secret). Compiled on the
# first line that may hold a secret, not on import: the checks import this module, and most
# diagnoses quote no configuration line.
_PATTERNS = (
    # crypto isakmp key 6 SECRET address A / crypto isakmp key SECRET hostname H
    r"^([ \t]*crypto isakmp key[ \t]+(?:[067][ \t]+(?=\S+[ \t]+(?:address|hostname)\b))?)(\S+)",
    #  pre-shared-key address 61.128.1.1 key [6] SECRET (crypto keyring)
    r"^([ \t]*pre-shared-key[ \t]+(?:address|hostname)[ \t].*?[ \t]key[ \t]+(?:[067][ \t]+)?)(\S+)",
    #  pre-shared-key [local|remote] [6] SECRET (IKEv2 keyring) / ASA ikev1 pre-shared-key X
    r"^([ \t]*(?:ikev[12][ \t]+)?(?:(?:local|remote)-authentication[ \t]+)?pre-shared-key[ \t]+"
    r"(?:(?:local|remote)[ \t]+)?(?:[067][ \t]+)?)(?!address\b|hostname\b)(\S+)",
    # username U [privilege 15] secret|password [N] SECRET
    r"^([ \t]*username[ \t]+\S+[ \t]+(?:.*?[ \t])?(?:secret|password)[ \t]+(?:\d[ \t]+)?)(\S+)",
    # enable secret [level N] [N] SECRET / enable password SECRET
    r"^([ \t]*enable[ \t]+(?:secret|password)[ \t]+(?:level[ \t]+\d+[ \t]+)?(?:\d[ \t]+)?)(\S+)",
    # key-string [7] SECRET (key chains, HSRP authentication)
    r"(\bkey-string[ \t]+(?:[067][ \t]+)?)(\S+)",
    # snmp-server community SECRET RO
    r"^([ \t]*snmp-server[ \t]+community[ \t]+)(\S+)",
    # snmp-server host A [traps|informs] [version 2c] COMMUNITY
    r"^([ \t]*snmp-server[ \t]+host[ \t]+\S+[ \t]+(?:(?:traps|informs)[ \t]+)?"
    r"(?:version[ \t]+(?:1|2c|3[ \t]+\S+)[ \t]+)?)(?!version\b)(\S+)",
    # snmp-server user U G v3 auth sha SECRET priv aes 128 SECRET
    r"(\bsnmp-server[ \t]+user[ \t].*?\bauth[ \t]+\S+[ \t]+)(\S+)",
    r"(\bsnmp-server[ \t]+user[ \t].*?\bpriv[ \t]+(?:\S+[ \t]+(?:\d+[ \t]+)?))(\S+)",
    # tacacs-server key [7] X / radius-server host A key X / server-private A key 7 X
    r"^([ \t]*(?:tacacs-server|radius-server|server-private)[ \t].*?\bkey[ \t]+(?:[067][ \t]+)?)"
    r"(\S+)",
    #  key 7 SECRET (tacacs server / radius server / EzVPN client group blocks)
    r"^([ \t]+key[ \t]+[067][ \t]+)(\S+)(?=[ \t\r]*$)",
    #  key SECRET (not " key 1": a key-chain key number)
    r"^([ \t]+key[ \t]+)(?!\d+[ \t\r]*$)(\S+)(?=[ \t\r]*$)",
    #  password [7] SECRET (line vty) / passwd SECRET (ASA)
    r"^([ \t]*(?:password|passwd)[ \t]+(?:\d[ \t]+)?)(\S+)",
    # ntp authentication-key 1 md5 SECRET / ip ospf message-digest-key 1 md5 [7] SECRET
    r"(\b(?:authentication-key[ \t]+\d+|message-digest-key[ \t]+\d+)[ \t]+md5[ \t]+"
    r"(?:[07][ \t]+(?=\S))?)(\S+)",
    # ip ospf authentication-key [7] SECRET
    r"(\bip[ \t]+ospf[ \t]+authentication-key[ \t]+(?:[07][ \t]+)?)(\S+)",
    # neighbor A password [7] SECRET / ppp chap password SECRET / sent-username U password X
    r"(\b(?:neighbor[ \t]+\S+|ppp[ \t]+chap|sent-username[ \t]+\S+)[ \t]+password[ \t]+"
    r"(?:[07][ \t]+)?)(\S+)",
    #  ip nhrp authentication SECRET (DMVPN: the NHRP authentication string, sent in clear)
    r"^([ \t]*ip[ \t]+nhrp[ \t]+authentication[ \t]+)(\S+)",
    #  set aggressive-mode password [6] SECRET (crypto isakmp peer: the aggressive-mode PSK)
    r"^([ \t]*set[ \t]+aggressive-mode[ \t]+password[ \t]+(?:[067][ \t]+(?=\S))?)(\S+)",
)
# Only lines holding one of these words can hold a secret (cheap pre-filter).
_HINT = re.compile(r"key|password|passwd|secret|community|snmp-server|nhrp", re.I)


@functools.cache
def _rules() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in _PATTERNS)


# A line typed in configuration mode and pasted with its prompt: "R1(config)#crypto isakmp key
# K address A", "R1(config-keyring)# pre-shared-key address A key K" (config_session.py).
_TYPED = re.compile(r"^([ \t]*[A-Za-z0-9][\w.\-/]{0,62}\(([a-z][\w\-]*)\)#[ \t]?)(.*)$", re.S)


def _mask_line(line: str) -> str:
    if not _HINT.search(line):
        return line
    typed = _TYPED.match(line) if ")#" in line else None
    if typed is not None:  # masked as the configuration line it stands for, prompt kept
        indent = "" if typed[2] == "config" else " "
        return typed[1] + _mask_body(indent + typed[3])[len(indent) :]
    return _mask_body(line)


def _mask_body(line: str) -> str:
    for rule in _rules():
        line = rule.sub(lambda m: m[1] + MASK, line)
    return line


def mask_secrets(text: str) -> str:
    """``text`` with every pre-shared key, password, secret and community replaced by MASK."""
    return "".join(_mask_line(line) for line in text.splitlines(keepends=True))
