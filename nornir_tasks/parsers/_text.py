"""Shared clean-up of raw device text before a parser reads it."""

from __future__ import annotations

import re

# " --More-- " and its erase sequence (backspaces or spaces) left in the stream by paging.
_MORE = re.compile(r" ?--More-- ?(?:\x08+ *\x08*)?")
# Prompt with an echoed command: "R1#show crypto isakmp sa", "ASA/pri/act# sh cry isa sa",
# "R16(config-if)#do sh dmvpn"
_PROMPT_ECHO = re.compile(
    r"^[\w.\-/()]{1,64}[>#]\s*(?:do\s+)?(?:sh(?:ow?)?|deb(?:ug)?|more|dir)\b", re.I
)
# A bare prompt line: "R1#", "R1(config)#"
_BARE_PROMPT = re.compile(r"^[\w.\-/]{1,64}(?:\([\w\-]+\))?[>#]\s*$")


def clean_lines(text: str) -> list[str]:
    """Lines without CR, paging remnants, trailing spaces, echoed commands or bare prompts."""
    out: list[str] = []
    for raw in _MORE.sub("", text.replace("\r", "")).split("\n"):
        line = raw.rstrip()
        if _PROMPT_ECHO.match(line) or _BARE_PROMPT.match(line):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    while out and not out[0]:
        out.pop(0)
    return out
