"""Saved evidence: the raw outputs of a run, one file per host and command, secrets masked.

Layout: ``DIR/<host>/<command, spaces and pipes as _>.txt``; each file starts with the prompt
line (``HOST#command``) so ``vpndiag diagnose DIR`` knows the host and the command again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from nornir_tasks.models.collection import HostCollection, OutputStatus
from nornir_tasks.models.debug import DebugCapture
from nornir_tasks.parsers._secrets import mask_secrets

DEBUG_COMMAND = "debug crypto isakmp"
_UNSAFE = re.compile(r"[^A-Za-z0-9.\-]+")


def evidence_name(command: str) -> str:
    return _UNSAFE.sub("_", command.strip()).strip("_")[:120] + ".txt"


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
            block = f"{collection.host}#{output.command}\n{mask_secrets(output.raw)}\n"
            texts.setdefault(output.command, []).append(block)
        for command, blocks in texts.items():
            path = host_dir / evidence_name(command)
            path.write_text("".join(blocks))
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
