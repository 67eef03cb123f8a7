"""Small helpers for lab tests: run commands on a lab router through netmiko."""

from __future__ import annotations

from netmiko import ConnectHandler

from lab.fleet import Fleet


def cli(fleet: Fleet, router: str, *commands: str) -> list[str]:
    """Run exec commands on ``router`` over SSH (privileged) and return their outputs."""
    conn = ConnectHandler(**fleet.connection(router))
    try:
        conn.enable()
        out = []
        for command in commands:
            text = conn.send_command(command, read_timeout=30)
            assert isinstance(text, str)
            out.append(text)
        return out
    finally:
        conn.disconnect()


def one(fleet: Fleet, router: str, command: str) -> str:
    return cli(fleet, router, command)[0]
