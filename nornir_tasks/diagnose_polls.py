"""A host's pasted blocks as outputs: each command's copies read once, or as polls.

``vpndiag diagnose`` splits a paste into blocks (``diagnose``); a block can hold its command's
output more than once, and a command can have several blocks. Here each command's copies
(``parsers.repeats``) are put in order, a run of identical ones counted once, and what was
repeated is kept for the report (``OUTPUT_REPEATED``) and the notes the CLI prints.
Pure: blocks in, outputs out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from nornir_tasks.checks.evidence import FleetEvidence, canonical
from nornir_tasks.models.collection import CommandOutput
from nornir_tasks.parsers import UnknownCommandError
from nornir_tasks.parsers._secrets import mask_secrets
from nornir_tasks.parsers.repeats import Copy, Repeat, describe, distinct, split_copies, summary

if TYPE_CHECKING:
    from nornir_tasks.diagnose import Block


def _key(command: str) -> str:
    try:
        return canonical(command)
    except UnknownCommandError:
        return command


def read_once(
    blocks: Sequence[Block], is_log: Callable[[str], bool]
) -> tuple[list[CommandOutput], dict[str, Repeat]]:
    """One host's blocks as outputs, each command's copies (``parsers.repeats``) in order with
    a run of identical ones counted once: the last is the current state, the one before it the
    earlier poll. Log blocks pass as they are (the log reader merges what they repeat)."""
    slots: dict[str, list[tuple[str, Copy]]] = {}
    logs: dict[str, CommandOutput] = {}
    for number, block in enumerate(blocks):
        if not block.text.strip():
            continue
        if is_log(block.command):
            logs[f"log {number}"] = CommandOutput(block.command, block.text)
            slots[f"log {number}"] = []
            continue
        typed = block.command if block.typed else ""
        split = split_copies(block.command, block.text, recognised=True)
        found = [c.with_typed(typed) for c in split]
        slots.setdefault(_key(block.command), []).extend((block.command, c) for c in found)
    outputs: list[CommandOutput] = []
    repeated: dict[str, Repeat] = {}
    for key, copies in slots.items():
        if key in logs:
            outputs.append(logs[key])
            continue
        kept = {id(c) for c in distinct([c for _, c in copies])}
        outputs += [CommandOutput(cmd, c.text) for cmd, c in copies if id(c) in kept]
        if (repeat := summary(key, [c for _, c in copies])) is not None:
            repeated[key] = repeat
    return outputs, repeated


def repeat_notes(fleet: FleetEvidence) -> list[str]:
    """For each output given again with a different text: which copy was read, and the lines
    that changed (``vpndiag diagnose`` prints them on stderr: the diagnosis used both)."""
    notes = []
    for host in fleet.hosts:
        for repeat in host.repeated.values():
            if repeat.distinct > 1:
                notes.append(f"note: {host.host}: {describe(repeat)}")
                notes += [f"  was: {old}\n  now: {new}" for old, new in repeat.changed]
    return [mask_secrets(note) for note in notes]
