"""Device failures named for what they are, each with the time it took: against the lab
(wrong password, wrong enable secret) and small servers on 127.0.0.1 (a session closed
mid-command, a stalled session, a refused port, a server that hangs up or never speaks SSH,
a host key that is not the known one)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import asyncssh
import pytest
import yaml

from lab.fleet import Fleet
from lab.inventory import write_inventory
from nornir_tasks.models.collection import HostStatus
from nornir_tasks.models.failure import FailureKind, HostFailure
from nornir_tasks.tasks.collect import collect
from nornir_tasks.tasks.hosts import close, open_inventory
from tests.tasks.sshstub import PASSWORD, SECRET, USER, Behaviour, free_port, ssh_stub, tcp_stub

pytestmark = pytest.mark.lab

TIMEOUT = 5.0  # well above the close (0.5 s after the command) plus a login on a loaded machine
STALL_TIMEOUT = 2.5  # a stall is waited out in full: the read timeout an operator would give
STUB = Behaviour(
    answers={"show version": "Cisco IOS XE Software\r\n"},
    close_on={"show crypto isakmp sa": 0.5},
    stall_on=frozenset({"show crypto ipsec sa"}),
)


def _inventory(tmp_path: Path, hosts: dict[str, dict[str, Any]], timeout: float = TIMEOUT) -> Path:
    """A Nornir inventory of stub hosts (credentials inline, short timeouts)."""
    extras = {"read_timeout_override": timeout, "conn_timeout": 3, "banner_timeout": 2}
    entries = {
        name: {
            "hostname": "127.0.0.1",
            "platform": "ios",
            "username": USER,
            "password": PASSWORD,
            "connection_options": {"netmiko": {"extras": {"secret": SECRET, **extras}}},
            **entry,
        }
        for name, entry in hosts.items()
    }
    (tmp_path / "hosts.yaml").write_text(yaml.safe_dump(entries))
    config = tmp_path / "config.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "inventory": {
                    "plugin": "SimpleInventory",
                    "options": {"host_file": str(tmp_path / "hosts.yaml")},
                }
            }
        )
    )
    return config


def _collect(config: Path, commands: list[str], **open_args: Any) -> tuple[dict[str, Any], float]:
    nr = open_inventory(config, **open_args)
    started = time.monotonic()
    try:
        found = collect(nr, commands, read_timeout=TIMEOUT)
    finally:
        close(nr)
    return found, time.monotonic() - started


def _failure_of(
    config: Path, host: str, command: str, timeout: float = TIMEOUT
) -> tuple[HostFailure, float]:
    """Collect ``command`` through the executor; the failure the collection names."""
    from nornir_tasks.tasks.executor import run_on_hosts
    from nornir_tasks.tasks.session import open_cli, send

    nr = open_inventory(config)
    started = time.monotonic()
    try:
        values = run_on_hosts(nr, lambda t: send(open_cli(t, timeout), command, timeout), "probe")
    finally:
        close(nr)
    failure = values[host]
    assert isinstance(failure, HostFailure), failure
    return failure, time.monotonic() - started


def test_a_session_closed_mid_command_is_named_when_it_closes(tmp_path: Path) -> None:
    with ssh_stub(STUB) as port:
        config = _inventory(tmp_path, {"R1": {"port": port}})
        failure, wall = _failure_of(config, "R1", "show crypto isakmp sa")
    assert failure.kind is FailureKind.CONNECTION_CLOSED, failure
    assert failure.message.startswith("connection closed")
    assert failure.elapsed_s < TIMEOUT and wall < TIMEOUT  # at the close (~0.5 s), not the timeout


def test_a_stalled_session_times_out_once(tmp_path: Path) -> None:
    with ssh_stub(STUB) as port:
        config = _inventory(tmp_path, {"R1": {"port": port}}, STALL_TIMEOUT)
        failure, wall = _failure_of(config, "R1", "show crypto ipsec sa", STALL_TIMEOUT)
    assert failure.kind is FailureKind.TIMEOUT and failure.status is HostStatus.TIMEOUT
    assert STALL_TIMEOUT <= failure.elapsed_s < 2 * STALL_TIMEOUT
    assert wall < 1.5 * STALL_TIMEOUT + 2  # no second wait for a prompt at logout


def test_the_session_itself_still_answers(tmp_path: Path) -> None:
    with ssh_stub(STUB) as port:
        config = _inventory(tmp_path, {"R1": {"port": port}})
        nr = open_inventory(config)
        try:
            from nornir_tasks.tasks.executor import run_on_hosts
            from nornir_tasks.tasks.session import open_cli, send

            values = run_on_hosts(nr, lambda t: send(open_cli(t), "show version"), "probe")
        finally:
            close(nr)
    assert values["R1"] == "Cisco IOS XE Software"


def test_a_wrong_enable_secret_on_the_stub_is_named_at_once(tmp_path: Path) -> None:
    wrong = {"connection_options": {"netmiko": {"extras": {"secret": "nope"}}}}
    with ssh_stub(STUB) as port:
        config = _inventory(tmp_path, {"R1": {"port": port, **wrong}})
        failure, wall = _failure_of(config, "R1", "show version")
    assert failure.kind is FailureKind.ENABLE_SECRET and failure.status is HostStatus.AUTH_FAILED
    assert "VPNDIAG_SECRET" in failure.message
    assert wall < TIMEOUT


def test_refused_hangup_silence_and_unknown_host_key(tmp_path: Path) -> None:
    other_key = asyncssh.generate_private_key("ssh-rsa", key_size=2048)
    blob = other_key.export_public_key("openssh").decode().split()[1]
    with (
        tcp_stub(close_at_once=True) as hangup,
        tcp_stub(close_at_once=False) as silent,
        ssh_stub(STUB) as stub,
    ):
        known = tmp_path / "known_hosts"
        known.write_text(f"[127.0.0.1]:{stub} ssh-rsa {blob}\n")
        hosts = {
            "REFUSED": {"port": free_port()},
            "HANGUP": {"port": hangup},
            "SILENT": {"port": silent},
            "KEY": {"port": stub},
        }
        found, wall = _collect(_inventory(tmp_path, hosts), ["show version"], known_hosts=known)
    by_kind = {h: c.error or "" for h, c in found.items()}
    assert by_kind["REFUSED"].startswith("connection refused"), by_kind
    assert found["REFUSED"].status is HostStatus.UNREACHABLE
    assert by_kind["HANGUP"].startswith("connection closed"), by_kind
    assert by_kind["SILENT"].startswith("timed out"), by_kind
    assert by_kind["KEY"].startswith("host key mismatch"), by_kind
    assert all("(after " in e for e in by_kind.values())
    assert wall < 2 * TIMEOUT


@pytest.fixture()
def lab_inventory(lab: Fleet, tmp_path: Path) -> Path:
    config = write_inventory(lab, tmp_path / "inv")
    hosts_file = tmp_path / "inv" / "hosts.yaml"
    hosts = yaml.safe_load(hosts_file.read_text())
    hosts["BR01"]["password"] = "wrong-password"
    hosts["BR02"]["connection_options"]["netmiko"]["extras"]["secret"] = "wrong-secret"
    hosts = {name: hosts[name] for name in ("BR01", "BR02", "BR03")}
    hosts_file.write_text(yaml.safe_dump(hosts))
    return config


def test_login_and_enable_failures_against_the_lab(lab_inventory: Path) -> None:
    found, wall = _collect(lab_inventory, ["show crypto isakmp sa"])
    login, enable, fine = found["BR01"], found["BR02"], found["BR03"]
    assert login.status is HostStatus.AUTH_FAILED
    assert (login.error or "").startswith("authentication failed"), login.error
    assert enable.status is HostStatus.AUTH_FAILED
    assert (enable.error or "").startswith("enable secret refused"), enable.error
    assert fine.status is HostStatus.OK
    assert wall < 10  # the refused secret is named at once, not after a read timeout
