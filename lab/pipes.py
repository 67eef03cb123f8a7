"""What follows ``|`` on an exec command line: include, exclude, begin, section, count."""

from __future__ import annotations

import re

_PIPES = ("include", "exclude", "begin", "section", "count")


def split_pipe(line: str) -> tuple[str, tuple[str, str] | None]:
    parts = re.split(r"\s+\|\s*", line, maxsplit=1)
    if len(parts) == 1:
        return line, None
    words = parts[1].split(None, 1)
    verb = next((p for p in _PIPES if words and p.startswith(words[0].lower())), "")
    return parts[0], (verb, words[1] if len(words) > 1 else "")


def apply_pipe(output: str, pipe: tuple[str, str]) -> str:
    verb, pattern = pipe
    lines = output.split("\n")
    if output.endswith("\n"):
        lines.pop()
    try:
        rx = re.compile(pattern)
    except re.error:
        rx = re.compile(re.escape(pattern))
    if verb == "include":
        kept = [ln for ln in lines if rx.search(ln)]
    elif verb == "exclude":
        kept = [ln for ln in lines if not rx.search(ln)]
    elif verb == "begin":
        start = next((i for i, ln in enumerate(lines) if rx.search(ln)), len(lines))
        kept = lines[start:]
    elif verb == "count":
        return f"Number of lines which match regexp = {sum(1 for ln in lines if rx.search(ln))}\n"
    elif verb == "section":
        kept = _section(lines, rx)
    else:
        return "% Invalid input detected at '^' marker.\n"
    return "".join(ln + "\n" for ln in kept)


def _section(lines: list[str], rx: re.Pattern[str]) -> list[str]:
    kept: list[str] = []
    block: list[str] = []
    for ln in [*lines, "!"]:
        if ln and not ln.startswith(" "):
            if block and any(rx.search(b) for b in block):
                kept.extend(block)
            block = [] if ln == "!" else [ln]
        elif block:
            block.append(ln)
    return kept
