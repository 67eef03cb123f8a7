"""Load and validate a playbook file: every error names the file, the line and the field."""

from __future__ import annotations

import fnmatch
from collections.abc import Collection
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from nornir_tasks.playbooks.model import Playbook
from nornir_tasks.playbooks.readonly import describe, refusals
from nornir_tasks.yamlfile import YamlFileError, load_with_lines, located

SHIPPED = Path(__file__).resolve().parent.parent.parent / "playbooks"


class PlaybookError(ValueError):
    """A playbook that cannot be run, with where and why."""


def resolve_path(name_or_path: str | Path) -> Path:
    """A path, or the name of a shipped playbook (``health_check``)."""
    path = Path(name_or_path)
    if path.exists() or path.suffix:
        return path
    return SHIPPED / f"{name_or_path}.yaml"


def load_playbook(
    name_or_path: str | Path, known_codes: Collection[str], allow_changes: bool = False
) -> Playbook:
    """The playbook, validated; ``allow_changes``: the command line's ``--allow-changes``."""
    path = resolve_path(name_or_path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise PlaybookError(f"{path}: cannot read the playbook: {exc.strerror}") from exc
    return parse_playbook(text, str(path), known_codes, allow_changes)


def parse_playbook(
    text: str, filename: str, known_codes: Collection[str], allow_changes: bool = False
) -> Playbook:
    try:
        data, lines = load_with_lines(text, filename)
    except YamlFileError as exc:
        raise PlaybookError(str(exc)) from exc
    try:
        playbook = Playbook.model_validate(data)
    except ValidationError as exc:
        problems = [located(filename, lines, tuple(e["loc"]), e["msg"]) for e in exc.errors()]
        raise PlaybookError("\n".join(problems)) from exc
    for i, pattern in enumerate(playbook.checks):
        if not fnmatch.filter(known_codes, pattern):
            msg = f"unknown check code or pattern {pattern!r}"
            raise PlaybookError(located(filename, lines, ("checks", i), msg))
    _check_read_only(playbook, filename, lines, allow_changes)
    return playbook


def _check_read_only(
    playbook: Playbook, filename: str, lines: dict[tuple[Any, ...], int], allow_changes: bool
) -> None:
    """Refuse every command that is not a read-only form, unless both sides opted in."""
    if playbook.changes and allow_changes:
        return
    if playbook.changes:
        hint = f"playbook {playbook.name!r} declares 'changes: true': run it with --allow-changes"
    else:
        hint = (
            f"playbook {playbook.name!r} is read-only (to send it: 'changes: true' in the "
            "playbook and --allow-changes on the command line)"
        )
    problems = [
        located(filename, lines, loc, f"{describe(r)}; {hint}") for loc, r in refusals(playbook)
    ]
    if problems:
        raise PlaybookError("\n".join(problems))
