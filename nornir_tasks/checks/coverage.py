"""What vpndiag could not read, or read once: said in the report.

An output only partly understood, or given more than once in a paste, is said so.

A parser skips the lines it does not know (a newer release's field, a vendor variant, a stray
paste) and the diagnosis works on the rest; this check makes that visible, at info level, with
the lines themselves, so nobody takes "no finding" on that output for the whole truth.
"""

from __future__ import annotations

from collections.abc import Iterator

from nornir_tasks.checks.evidence import LOGS, FleetEvidence, HostEvidence
from nornir_tasks.checks.registry import check
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.parsers._secrets import mask_secrets
from nornir_tasks.parsers.repeats import Repeat, describe

CODE = "OUTPUT_PARTLY_UNDERSTOOD"
QUOTED = 5  # lines quoted as evidence; the count says how many there were


def _is_log(command: str) -> bool:
    return any(command == need or command.startswith(need.rstrip("*")) for need in LOGS)


def _finding(host: HostEvidence, command: str, lines: tuple[tuple[int, str], ...]) -> Finding:
    count = len(lines)
    return Finding(
        code=CODE,
        severity=Severity.INFO,
        host=host.host,
        peer=None,
        summary=f"{count} line(s) of '{command}' not understood; diagnosed from the rest",
        cause=(
            f"The parser of '{command}' did not recognise {count} line(s) (a field of another "
            "software release, a variant, or pasted text) and read the others. Findings from "
            "this output rest on what was understood; a value only on those lines was not used."
        ),
        evidence=tuple(mask_secrets(f"line {n}: {text}") for n, text in lines[:QUOTED]),
        next_steps=(
            f"vpndiag parse --strict '{command}' <the saved output>  (lists every such line)",
            "read those lines yourself before trusting a clean result for this output",
        ),
        step=Step.CONFIG,
        source=Source.LOG if _is_log(command) else Source.STATE,
    )


@check(CODE, needs=("*",))
def partly_understood(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """One info finding per output with lines its parser did not recognise."""
    for command, lines in sorted(host.unparsed.items()):
        if lines:
            yield _finding(host, command, lines)


REPEATED = "OUTPUT_REPEATED"


def _repeat_finding(host: HostEvidence, repeat: Repeat) -> Finding:
    return Finding(
        code=REPEATED,
        severity=Severity.INFO,
        host=host.host,
        peer=None,
        summary=describe(repeat),
        cause=(
            "The input holds this command's output more than once with the same text: one "
            "output pasted twice, a session log pasted again, or the command run twice with "
            "nothing changing in between. Nothing in identical copies shows that time passed "
            "between them, so they are read once, as one snapshot: a state they show is not "
            "proof that it lasted."
        ),
        evidence=tuple(mask_secrets(f"{old}  ->  {new}") for old, new in repeat.changed),
        next_steps=(
            f"'terminal exec prompt timestamp', then run '{repeat.command}' twice a few "
            "seconds apart and paste both: each copy then carries its time, and what still "
            "moves shows",
        ),
        step=Step.CONFIG,
        source=Source.LOG if _is_log(repeat.command) else Source.STATE,
    )


@check(REPEATED, needs=("*",))
def repeated_output(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """One info finding per output a paste held twice with the same text (read once): the
    diagnosis would otherwise look like it rests on two polls. Different copies are polls;
    ``vpndiag diagnose`` notes what changed between them."""
    for _, repeat in sorted(host.repeated.items()):
        if repeat.copies > repeat.distinct:
            yield _repeat_finding(host, repeat)
