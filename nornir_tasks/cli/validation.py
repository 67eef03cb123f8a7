"""Early validation of run options: what can be checked without a device, before the first
session opens. A report path that cannot be written found after a 10-minute run hides the
run's real exit code behind a traceback; here it is exit 3 at once, naming the option.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape

from nornir_tasks.settings import Settings

if TYPE_CHECKING:  # run_cmd imports this module
    from nornir_tasks.cli.run_options import HistoryOptions, Reporting


def _blocker(path: Path) -> str | None:
    """Why ``path`` cannot be created: an ancestor that is a file, or a read-only folder."""
    for parent in path.absolute().parents:
        if parent.is_dir():
            writable = os.access(parent, os.W_OK | os.X_OK)
            return None if writable else f"{parent} is not writable"
        if parent.exists():
            return f"{parent} is a file, not a directory"
    return None


def file_problem(option: str, path: Path) -> str | None:
    """A file to (over)write: not a directory, and its folder can be made and written."""
    if path.is_dir():
        return f"{option} {path}: is a directory, expected a file"
    if path.exists() and not os.access(path, os.W_OK):
        return f"{option} {path}: is not writable"
    why = _blocker(path)
    return f"{option} {path}: {why}" if why else None


def directory_problem(option: str, path: Path) -> str | None:
    """A directory to write into: not a file, and it can be made and written."""
    if path.exists() and not path.is_dir():
        return f"{option} {path}: is a file, expected a directory"
    if path.is_dir():
        return None if os.access(path, os.W_OK | os.X_OK) else f"{option} {path}: not writable"
    why = _blocker(path)
    return f"{option} {path}: {why}" if why else None


def output_problem(path: Path, report_suffixes: Collection[str]) -> str | None:
    """``-o``: a report file by its suffix (``.json`` …), else a directory for every format."""
    if path.suffix in report_suffixes:
        return file_problem("-o/--output", path)
    return directory_problem("-o/--output", path)


def run_option_problems(
    report_suffixes: Collection[str],
    output: Path | None = None,
    save_evidence: Path | None = None,
    db: Path | None = None,
    timeout: float | None = None,
    poll_interval: float | None = None,
) -> list[str]:
    """Every problem with the options of a run, each naming its option and value."""
    problems = [
        output_problem(output, report_suffixes) if output is not None else None,
        directory_problem("--save-evidence", save_evidence) if save_evidence else None,
        file_problem("--db", db) if db is not None else None,
    ]
    if timeout is not None and not timeout > 0:
        problems.append(f"--timeout {timeout:g}: must be above 0 seconds")
    if poll_interval is not None and not poll_interval >= 0:
        problems.append(f"--poll-interval {poll_interval:g}: must be 0 (no second poll) or more")
    return [p for p in problems if p is not None]


def _said(problems: list[str], err: Console) -> bool:
    for problem in problems:
        err.print(f"[red]error:[/] {escape(problem)}", highlight=False)
    return bool(problems)


def bad_options(reporting: Reporting, report_suffixes: Collection[str], err: Console) -> bool:
    """Print every run option that cannot work (paths, timeouts); True when there was one."""
    problems = run_option_problems(
        report_suffixes,
        reporting.delivery.output,
        reporting.delivery.save_evidence,
        reporting.history.db,
        reporting.overrides.timeout,
        reporting.overrides.poll_interval,
    )
    return _said(problems, err)


def bad_history_db(history: HistoryOptions, settings: Settings, err: Console) -> bool:
    """The configuration's ``history.db`` (when no --db overrides it) must be a writable file."""
    db = settings.history.db
    if history.db is not None or history.no_history or db is None:
        return False
    problem = file_problem("history.db of the configuration", db.expanduser())
    return _said([problem] if problem else [], err)
