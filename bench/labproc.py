"""Shared by the fleet benchmarks: the lab in its own process, and CPU time of both sides."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path


def proc_cpu(pid: int) -> float:
    """utime + stime of process ``pid``, seconds (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def client_cpu() -> float:
    """CPU seconds of this process (SSH, netmiko, Nornir, parsing, diagnosis)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def start_lab(
    scenario: str, port: int, directory: Path, settle_s: float = 0.0, timeout_s: float = 120.0
) -> subprocess.Popen[bytes]:
    """``vpndiag lab up`` in a child process; returns once its inventory is written."""
    command = [
        sys.executable, "-m", "nornir_tasks.cli.main", "lab", "up",
        "--scenario", scenario, "--base-port", str(port),
        "--inventory-out", str(directory), "--settle", str(settle_s),
    ]  # fmt: skip
    lab = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout_s
    while not (directory / "config.yaml").exists():
        if time.monotonic() > deadline or lab.poll() is not None:
            lab.kill()
            lab.wait()
            raise RuntimeError("lab did not start")
        time.sleep(0.2)
    return lab
