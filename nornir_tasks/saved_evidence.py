"""Saved evidence: the raw outputs of a run, one file per host and command, secrets masked.

Layout: ``DIR/<host>/<command, spaces and pipes as _>.txt``; each file starts with the prompt
line (``HOST#command``) so ``vpndiag diagnose DIR`` knows the host and the command again; a
command polled twice is both polls, each after its prompt line and ``! vpndiag: poll N``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from nornir_tasks.models.collection import HostCollection, OutputStatus
from nornir_tasks.models.debug import DebugCapture
from nornir_tasks.parsers._secrets import mask_secrets
from nornir_tasks.parsers.repeats import POLL_MARK

DEBUG_COMMAND = "debug crypto isakmp"
_UNSAFE = re.compile(r"[^A-Za-z0-9.\-]+")


def evidence_name(command: str) -> str:
    return _UNSAFE.sub("_", command.strip()).strip("_")[:120] + ".txt"


def _file_text(host: str, command: str, raws: Sequence[str]) -> str:
    """Each output after its prompt line; a command polled more than once has each poll
    marked (``! vpndiag: poll 2``), so that ``vpndiag diagnose`` reads two identical polls as
    two readings in time, not as one output pasted twice."""
    if len(raws) == 1:
        return f"{host}#{command}\n{raws[0]}\n"
    return "".join(
        f"{host}#{command}\n{POLL_MARK}{number}\n{raw}\n" for number, raw in enumerate(raws, 1)
    )


def save_evidence(
    collections: Sequence[HostCollection],
    directory: Path,
    debug: Sequence[DebugCapture] = (),
) -> list[Path]:
    """Write every raw output and debug capture (masked); returns the files written.

    A debug capture goes to ``DIR/<host>/debug_crypto_isakmp.txt``, so ``vpndiag diagnose
    DIR`` reads it back as the log it was and reaches the same verdict as the triage did.
    """
    written: list[Path] = []
    for collection in collections:
        host_dir = directory / _UNSAFE.sub("_", collection.host)
        host_dir.mkdir(parents=True, exist_ok=True)
        texts: dict[str, list[str]] = {}
        sent = [o for o in collection.outputs if o.status is not OutputStatus.SKIPPED]
        for output in sent:  # a command polled twice: both, in order, one file
            texts.setdefault(output.command, []).append(mask_secrets(output.raw))
        for command, raws in texts.items():
            path = host_dir / evidence_name(command)
            path.write_text(_file_text(collection.host, command, raws))
            written.append(path)
        if collection.error:
            status = host_dir / "_status.txt"
            status.write_text(f"{collection.status}: {mask_secrets(collection.error)}\n")
            written.append(status)
    for capture in debug:
        if not capture.lines:
            continue
        host_dir = directory / _UNSAFE.sub("_", capture.host)
        host_dir.mkdir(parents=True, exist_ok=True)
        path = host_dir / evidence_name(DEBUG_COMMAND)
        body = mask_secrets("\n".join((*capture.typed_conditions(), *capture.lines)))
        path.write_text(f"{capture.host}#{DEBUG_COMMAND}\n{body}\n")
        written.append(path)
    return written
