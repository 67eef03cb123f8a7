"""The ledger on disk: one atomic file per host, readable after a crash, owned by live runs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nornir_tasks import ledger
from nornir_tasks.ledger import DEBUG, REVERT, DebugEntry, Ledger, Owner, RevertEntry, state_dir


def entry(host: str = "BR07", pid: int | None = None, age: float = 0.0) -> DebugEntry:
    owner = Owner(pid=pid if pid is not None else os.getpid(), run="vpndiag triage BR07")
    return DebugEntry(host, ("198.51.100.2",), ("isakmp", "ipsec"), time.time() - age, 30, owner)


def dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    return int(proc.stdout)


def test_state_dir_honours_the_environment(tmp_path: Path) -> None:
    assert state_dir({"VPNDIAG_STATE_DIR": str(tmp_path)}) == tmp_path
    assert state_dir({"XDG_DATA_HOME": "/x"}) == Path("/x/vpndiag/ledger")
    assert str(Ledger().root) == os.environ["VPNDIAG_STATE_DIR"]  # conftest: never the user's


def test_entries_are_kept_per_host_and_read_back(tmp_path: Path) -> None:
    book = Ledger(tmp_path)
    recorded = entry("BR07")
    book.record(recorded)
    book.record(entry("HQ/1 odd name"))
    book.record(RevertEntry("BR12", 300, time.time(), "failover configuration"))
    assert book.hosts(DEBUG) == ["BR07", "HQ/1 odd name"] and book.hosts(REVERT) == ["BR12"]
    back = book.get(DEBUG, "BR07")
    assert back == recorded and isinstance(back, DebugEntry)
    assert back.conditions == ("198.51.100.2",) and back.owner.run == "vpndiag triage BR07"
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]  # no leftovers
    book.close(DEBUG, "BR07")
    assert book.hosts(DEBUG) == ["HQ/1 odd name"] and book.get(DEBUG, "BR07") is None
    book.close(DEBUG, "BR07")  # twice: no error
    book.release(DEBUG, "HQ/1 odd name")
    book.release(REVERT, "BR12")


def test_an_unreadable_entry_still_asks_for_a_cleanup(tmp_path: Path) -> None:
    book = Ledger(tmp_path)
    (tmp_path / DEBUG).mkdir()
    (tmp_path / DEBUG / "BR03.json").write_text('{"host": "BR03", "condi')  # torn by hand
    found = book.get(DEBUG, "BR03")
    assert isinstance(found, DebugEntry) and found.host == "BR03"
    assert "unreadable ledger entry" in found.owner.run
    assert not book.owned_elsewhere(found)  # nobody owns it: the next run cleans up


def test_a_failed_write_keeps_the_previous_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = Ledger(tmp_path)
    book.record(entry("BR07"))

    def crash(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="disk full"):
        book.record(entry("BR07", age=5))
    monkeypatch.undo()
    assert book.get(DEBUG, "BR07") is not None
    assert [p.name for p in (tmp_path / DEBUG).iterdir()] == ["BR07.json"]
    book.release(DEBUG, "BR07")


def test_who_owns_an_open_entry(tmp_path: Path) -> None:
    book = Ledger(tmp_path)
    mine = entry("BR07")
    book.record(mine)
    assert book.owned_elsewhere(mine)  # this process is working on it right now
    assert ledger.active(DEBUG) == ["BR07"]
    book.release(DEBUG, "BR07")
    assert not book.owned_elsewhere(mine)  # ours, finished badly: a later run here may finish it
    assert ledger.active(DEBUG) == []
    assert book.owned_elsewhere(entry("HQ", pid=os.getppid()))  # a live process
    assert not book.owned_elsewhere(entry("HQ", pid=dead_pid()))  # killed
    assert not book.owned_elsewhere(entry("HQ", pid=os.getppid(), age=7200))  # too old
    other_node = DebugEntry("HQ", (), (), time.time(), 30, Owner(pid=1, node="elsewhere"))
    assert book.owned_elsewhere(other_node)
