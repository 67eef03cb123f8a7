"""Early validation (issue 17 items 8, 10): options and inventory fields that cannot work are
exit 3 at once, before any connection is attempted; Ctrl-C is 130.

The inventory points at a listening socket that counts connection attempts: a run that got
as far as connecting would leave one queued there.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from nornir_tasks.cli.main import main


@pytest.fixture()
def listener() -> Iterator[socket.socket]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    try:
        yield sock
    finally:
        sock.close()


def _attempts(sock: socket.socket) -> int:
    count = 0
    while True:
        try:
            conn, _ = sock.accept()
        except BlockingIOError:
            return count
        conn.close()
        count += 1


def _inventory(tmp_path: Path, hosts: dict[str, dict[str, Any]]) -> Path:
    (tmp_path / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    config = {
        "inventory": {
            "plugin": "SimpleInventory",
            "options": {"host_file": str(tmp_path / "hosts.yaml")},
        }
    }
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    return tmp_path / "config.yaml"


def _host(sock: socket.socket, **fields: Any) -> dict[str, Any]:
    entry = {"hostname": "127.0.0.1", "port": sock.getsockname()[1], "platform": "ios"}
    return {**entry, "username": "u", "password": "p", "data": {"hub": "R1"}, **fields}


def _run(
    capsys: pytest.CaptureFixture[str], sock: socket.socket, argv: list[str]
) -> tuple[int, str]:
    capsys.readouterr()
    started = time.monotonic()
    code = main([*argv, "--no-history", "-q", "--timeout", "3"])
    elapsed = time.monotonic() - started
    err = " ".join(capsys.readouterr().err.split())
    assert elapsed < 3, "validation must not wait for a device"
    assert _attempts(sock) == 0, "a connection was attempted"
    return code, err


def test_an_output_path_under_a_file_is_exit_3_at_once(
    tmp_path: Path,
    listener: socket.socket,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inventory = _inventory(tmp_path, {"R1": _host(listener)})
    monkeypatch.chdir(tmp_path)
    Path("rep").touch()  # touch rep; vpndiag health -o rep/r.json
    code, err = _run(capsys, listener, ["health", "-i", str(inventory), "-o", "rep/r.json"])
    assert code == 3
    assert f"-o/--output rep/r.json: {tmp_path / 'rep'} is a file, not a directory" in err
    assert not Path("rep").is_dir()


@pytest.mark.parametrize(
    ("option", "make", "message"),
    [
        ("-o", "dir:out.json", "-o/--output {p}: is a directory, expected a file"),
        ("-o", "file:outdir", "-o/--output {p}: is a file, expected a directory"),
        ("--save-evidence", "file:ev", "--save-evidence {p}: is a file, expected a directory"),
        ("--db", "dir:history.db", "--db {p}: is a directory, expected a file"),
        ("--db", "file:f/history.db", "--db {p}: {p.parent} is a file, not a directory"),
    ],
)
def test_paths_that_cannot_be_written_are_exit_3(
    tmp_path: Path,
    listener: socket.socket,
    capsys: pytest.CaptureFixture[str],
    option: str,
    make: str,
    message: str,
) -> None:
    inventory = _inventory(tmp_path, {"R1": _host(listener)})
    kind, name = make.split(":")
    path = tmp_path / name
    if kind == "dir":
        path.mkdir()
    else:
        (tmp_path / name.split("/")[0]).touch()
    code, err = _run(capsys, listener, ["health", "-i", str(inventory), option, str(path)])
    assert code == 3
    assert message.format(p=path) in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--timeout", "0"], "--timeout 0: must be above 0 seconds"),
        (["--timeout", "-1"], "--timeout -1: must be above 0 seconds"),
        (["--poll-interval", "-5"], "--poll-interval -5: must be 0 (no second poll) or more"),
    ],
)
def test_timeouts_must_be_positive(
    tmp_path: Path,
    listener: socket.socket,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    inventory = _inventory(tmp_path, {"R1": _host(listener)})
    capsys.readouterr()
    code = main(["health", "-i", str(inventory), "--no-history", "-q", *args])
    assert code == 3 and message in capsys.readouterr().err
    assert _attempts(listener) == 0


def test_debug_and_no_debug_contradict(
    tmp_path: Path, listener: socket.socket, capsys: pytest.CaptureFixture[str]
) -> None:
    inventory = _inventory(tmp_path, {"R1": _host(listener), "R2": _host(listener)})
    argv = ["triage", "R2", "-i", str(inventory), "--debug", "--no-debug"]
    code, err = _run(capsys, listener, argv)
    assert code == 3 and "--debug and --no-debug contradict each other" in err


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"hostname": None}, "R2: no hostname (the address to connect to)"),
        ({"platform": "junos"}, "R2: platform 'junos' is not supported (ios, cisco_ios, cisco_xe"),
        ({"platform": None}, "R2: no platform (supported: ios, cisco_ios, cisco_xe, cisco_asa)"),
        ({"port": "abc"}, "R2: port 'abc' is not a TCP port (1-65535)"),
        ({"port": 70000}, "R2: port 70000 is not a TCP port (1-65535)"),
    ],
)
def test_bad_inventory_fields_name_host_field_and_value(
    tmp_path: Path,
    listener: socket.socket,
    capsys: pytest.CaptureFixture[str],
    fields: dict[str, Any],
    message: str,
) -> None:
    bad = {k: v for k, v in _host(listener, **fields).items() if v is not None}
    inventory = _inventory(tmp_path, {"R1": _host(listener), "R2": bad})
    for argv in (["health", "-i", str(inventory)], ["triage", "R1", "-i", str(inventory)]):
        code, err = _run(capsys, listener, argv)
        assert code == 3 and message in err


def test_a_report_that_cannot_be_written_after_the_run_is_said_and_exit_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The paths are fine when checked; the run's own evidence then takes the report's place
    (``ev/R1/_status.txt`` is written as a file): an error line, never a traceback."""
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens: R1 is unreachable, the run itself ends with 2
    host = {"hostname": "127.0.0.1", "port": port, "platform": "ios", "username": "u"}
    inventory = _inventory(tmp_path, {"R1": {**host, "password": "p"}})
    ev, out = tmp_path / "ev", tmp_path / "ev" / "R1" / "_status.txt" / "r.json"
    argv = ["health", "-i", str(inventory), "--save-evidence", str(ev), "-o", str(out)]
    capsys.readouterr()
    assert main([*argv, "--no-history", "-q", "--timeout", "3"]) == 3
    err = capsys.readouterr().err
    assert "error:" in err and "_status.txt" in err and "Traceback" not in err
    assert (ev / "R1" / "_status.txt").read_text().startswith("unreachable")


def test_a_configured_history_db_that_is_a_directory_is_exit_3(
    tmp_path: Path, listener: socket.socket, capsys: pytest.CaptureFixture[str]
) -> None:
    inventory = _inventory(tmp_path, {"R1": _host(listener)})
    (tmp_path / "db").mkdir()
    settings = tmp_path / "vpndiag.yaml"
    settings.write_text(f"history:\n  db: {tmp_path / 'db'}\n")
    capsys.readouterr()
    assert main(["health", "-i", str(inventory), "--config", str(settings), "-q"]) == 3
    assert "history.db of the configuration" in capsys.readouterr().err
    assert _attempts(listener) == 0


def test_a_negative_debug_reconnect_delay_is_exit_3_naming_the_field(
    tmp_path: Path, listener: socket.socket, capsys: pytest.CaptureFixture[str]
) -> None:
    inventory = _inventory(tmp_path, {"R1": _host(listener)})
    settings = tmp_path / "vpndiag.yaml"
    settings.write_text("debug:\n  reconnect_delays: [1, -2]\n")
    capsys.readouterr()
    assert main(["health", "-i", str(inventory), "--config", str(settings), "-q"]) == 3
    err = capsys.readouterr().err
    assert "debug.reconnect_delays" in err and "between 0 and 300 seconds" in err
    assert _attempts(listener) == 0


def test_failover_apply_backup_dir_under_a_file_is_exit_3_before_any_router(
    tmp_path: Path, listener: socket.socket, capsys: pytest.CaptureFixture[str]
) -> None:
    inventory = _inventory(tmp_path, {"R1": _host(listener)})
    (tmp_path / "f").touch()
    backups = tmp_path / "f" / "backups"
    capsys.readouterr()
    code = main(["failover", "apply", "-i", str(inventory), "--backup-dir", str(backups)])
    # The console wraps at 80 columns, anywhere in a long path (xdist adds popen-gwN/ to it).
    err = "".join(capsys.readouterr().err.split())
    assert code == 3 and f"--backup-dir{backups}:{tmp_path / 'f'}isafile" in err
    assert _attempts(listener) == 0


def test_a_playbook_built_in_code_cannot_send_changing_commands(
    tmp_path: Path, listener: socket.socket
) -> None:
    """The loader refuses with file and line; run_playbook itself refuses what bypassed it."""
    from nornir_tasks.playbooks.model import Collect, Playbook
    from nornir_tasks.playbooks.readonly import NotReadOnlyError
    from nornir_tasks.playbooks.runner import run_playbook
    from nornir_tasks.tasks.hosts import open_inventory

    nr = open_inventory(_inventory(tmp_path, {"R1": _host(listener)}))
    playbook = Playbook(name="built", collect=Collect(commands=["show clock", "wr mem"]))
    with pytest.raises(NotReadOnlyError, match="playbook 'built': 'wr mem' is refused: 'write'"):
        run_playbook(nr, playbook)
    assert _attempts(listener) == 0
