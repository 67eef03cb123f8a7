"""The ledger: what vpndiag turned on, or left pending, on a router, until the router proves
it is gone.

Before a debug starts, an entry naming the router, its conditions and the run is written to
``$VPNDIAG_STATE_DIR`` (default ``$XDG_DATA_HOME/vpndiag/ledger``, ``~/.local/share``), one
file per host, written atomically. The entry is removed only after ``show debugging`` reads
back clean. A run killed, interrupted or cut off leaves the entry behind, and the next run
that touches the host finishes it. A commit under a revert timer is recorded the same way
until it is confirmed or reverted.

An entry another running vpndiag process owns is left alone (same machine: its pid is alive;
another machine: for an hour). Only files are read and written here; the device side is in
``nornir_tasks.tasks.debug``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

ENV = "VPNDIAG_STATE_DIR"
DEBUG = "debug"
REVERT = "revert"
# Debug is bounded to minutes and a revert timer to an hour: an older entry no live run owns.
OWNED_FOR_S = 3600.0

_lock = threading.Lock()
_active: set[tuple[Path, str, str]] = set()  # (root, kind, host) this process works on now


def state_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """``$VPNDIAG_STATE_DIR``, else ``$XDG_DATA_HOME/vpndiag/ledger`` (~/.local/share)."""
    given = environ.get(ENV)
    if given:
        return Path(given).expanduser()
    data = environ.get("XDG_DATA_HOME") or str(Path("~/.local/share").expanduser())
    return Path(data) / "vpndiag" / "ledger"


def utc_iso(wall: float) -> str:
    return dt.datetime.fromtimestamp(wall, dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Owner:
    """The vpndiag process that wrote an entry."""

    pid: int = field(default_factory=os.getpid)
    node: str = field(default_factory=socket.gethostname)
    run: str = "vpndiag"  # the run's title: "vpndiag triage BR07 <-> HQ"

    def describe(self) -> str:
        return f"{self.run} (pid {self.pid} on {self.node})"


@dataclass(frozen=True)
class DebugEntry:
    """A debug about to be enabled on ``host``."""

    host: str
    conditions: tuple[str, ...]  # "peer ipv4 203.0.113.30"
    kinds: tuple[str, ...]  # "isakmp", "ipsec"
    started_wall: float
    bound_s: float
    owner: Owner = field(default_factory=Owner)

    @property
    def started(self) -> str:
        return utc_iso(self.started_wall)


@dataclass(frozen=True)
class RevertEntry:
    """A change committed on ``host`` under ``configure terminal revert timer``."""

    host: str
    revert_in_s: int
    committed_wall: float
    what: str  # "failover configuration (napalm merge)"
    owner: Owner = field(default_factory=Owner)
    # Config lines that undo what the tool itself added before the commit (napalm's
    # "file prompt quiet"), so a revert leaves the router exactly as it was.
    after_revert: tuple[str, ...] = ()

    @property
    def due_wall(self) -> float:
        return self.committed_wall + self.revert_in_s

    @property
    def due(self) -> str:
        return utc_iso(self.due_wall)


Entry = DebugEntry | RevertEntry
_TYPES: dict[str, type[DebugEntry] | type[RevertEntry]] = {DEBUG: DebugEntry, REVERT: RevertEntry}


def _write_atomic(path: Path, text: str) -> None:
    """Written beside, flushed to disk, renamed: a crash leaves the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise
    with contextlib.suppress(OSError):  # the rename itself survives a power cut
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _decode(kind: str, host: str, text: str) -> Entry:
    """An entry from its file; an unreadable file still means "clean this host up"."""
    try:
        data: dict[str, Any] = json.loads(text)
        data["owner"] = Owner(**data.get("owner", {}))
        for key in ("conditions", "kinds", "after_revert"):
            if key in data:
                data[key] = tuple(data[key])
        entry = _TYPES[kind](**data)
    except (ValueError, TypeError, AttributeError) as exc:
        unknown = Owner(pid=0, node="?", run=f"unreadable ledger entry ({exc})")
        if kind == REVERT:
            return RevertEntry(host, 0, 0.0, "unknown change", unknown)
        return DebugEntry(host, (), (), 0.0, 0.0, unknown)
    return entry


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return pid > 0


class Ledger:
    """Open entries under ``root``: ``root/<kind>/<host>.json``."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else state_dir()

    def _path(self, kind: str, host: str) -> Path:
        return self.root / kind / f"{quote(host, safe='')}.json"

    def record(self, entry: Entry) -> None:
        """Write ``entry`` before the change it describes; this process now works on it."""
        kind = DEBUG if isinstance(entry, DebugEntry) else REVERT
        _write_atomic(self._path(kind, entry.host), json.dumps(asdict(entry), indent=1) + "\n")
        with _lock:
            _active.add((self.root, kind, entry.host))

    def close(self, kind: str, host: str) -> None:
        """The router proved the entry finished: forget it."""
        with contextlib.suppress(FileNotFoundError):
            self._path(kind, host).unlink()
        self.release(kind, host)

    def release(self, kind: str, host: str) -> None:
        """This process stops working on the entry; the file stays for a later run."""
        with _lock:
            _active.discard((self.root, kind, host))

    def get(self, kind: str, host: str) -> Entry | None:
        try:
            text = self._path(kind, host).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        return _decode(kind, host, text)

    def hosts(self, kind: str) -> list[str]:
        """Hosts with an open entry of ``kind``."""
        folder = self.root / kind
        if not folder.is_dir():
            return []
        return sorted(unquote(p.stem) for p in folder.glob("*.json"))

    def owned_elsewhere(self, entry: Entry) -> bool:
        """Another live run is working on ``entry``: do not touch the router for it."""
        kind = DEBUG if isinstance(entry, DebugEntry) else REVERT
        wall = entry.started_wall if isinstance(entry, DebugEntry) else entry.committed_wall
        if time.time() - wall > OWNED_FOR_S:
            return False
        owner = entry.owner
        if owner.node != socket.gethostname():
            return True
        if owner.pid == os.getpid():
            with _lock:
                return (self.root, kind, entry.host) in _active
        return _pid_alive(owner.pid)


def active(kind: str = DEBUG) -> list[str]:
    """Hosts this process has an entry of ``kind`` open for right now (Ctrl-C asks)."""
    with _lock:
        return sorted({h for _, k, h in _active if k == kind})
