"""Debian tools some tests run for real (Chromium, Prometheus' server and promtool): found on
PATH, or installed with apt-get where we are root, as `make test` does on a fresh machine."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

# Set by tests/conftest.py before each test: whether it carries the `external` mark. `make check`
# skips that mark (and does not run `make tools`), so a test that runs these programs without
# it is stopped here rather than slowing the quick loop down unnoticed.
marked_external = True


def debian_tool(binary: str, package: str) -> str:
    """The path of ``binary``; installs ``package`` when it is missing and we may."""
    if not marked_external:
        pytest.fail(f"this test runs {binary}: mark it pytest.mark.external")
    found = shutil.which(binary)
    if found:
        return found
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        pytest.fail(f"{binary} is missing: apt-get install {package} (a test needs it)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "--no-install-recommends", package]
    subprocess.run(command, check=True, env=env, capture_output=True, timeout=900)
    if shutil.which("systemctl"):  # a package's service started by the install is not ours
        subprocess.run(["systemctl", "disable", "--now", package], capture_output=True, check=False)
    found = shutil.which(binary)
    assert found, f"apt-get installed {package} but {binary} is not on PATH"
    return found
