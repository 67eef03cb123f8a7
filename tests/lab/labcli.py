"""Small helpers for lab tests: run commands on a lab router through netmiko."""

from __future__ import annotations

from pathlib import Path

from netmiko import ConnectHandler
from nornir import InitNornir
from nornir.core import Nornir
from nornir.core.filter import F

from lab.fleet import Fleet
from lab.inventory import write_inventory
from nornir_tasks.tasks.session import send_at_prompt


def cli(fleet: Fleet, router: str, *commands: str) -> list[str]:
    """Run exec commands on ``router`` over SSH (privileged) and return their outputs."""
    conn = ConnectHandler(**fleet.connection(router))
    try:
        conn.enable()
        prompt = conn.find_prompt()  # once: as vpndiag's sessions do, not before every command
        return [send_at_prompt(conn, command, prompt) for command in commands]
    finally:
        conn.disconnect()


def one(fleet: Fleet, router: str, command: str) -> str:
    return cli(fleet, router, command)[0]


def nornir_for(fleet: Fleet, directory: Path, hosts: tuple[str, ...] = ()) -> Nornir:
    """A Nornir object over the fleet (inventory written to ``directory``)."""
    config = write_inventory(fleet, directory)
    nr = InitNornir(config_file=str(config), logging={"enabled": False})
    return nr.filter(F(name__any=list(hosts))) if hosts else nr
