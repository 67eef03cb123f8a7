"""What vpndiag could not read: an output only partly understood is said so in the report.

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
