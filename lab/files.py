"""The router's file systems as the CLI names them: bootflash:, flash:, nvram:, system:, null:."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from lab.clock import MONTHS
from lab.device import Device

FLASH_TOTAL = 5_234_688_000


@dataclass(frozen=True)
class FileRef:
    """A parsed file argument: ``bootflash:/x.txt``, ``running-config``, ``null:``."""

    kind: str  # "flash", "running", "startup", "null"
    name: str  # file name inside flash ("" for a directory)

    def display(self) -> str:
        return {"running": "system:/running-config", "startup": "nvram:/startup-config"}.get(
            self.kind, "null:" if self.kind == "null" else f"bootflash:/{self.name}"
        )


def parse_ref(spec: str) -> FileRef | None:
    spec = spec.strip()
    low = spec.lower()
    if low in ("running-config", "system:running-config", "system:/running-config"):
        return FileRef("running", "")
    if low in ("startup-config", "nvram:startup-config", "nvram:/startup-config"):
        return FileRef("startup", "")
    if low == "null:":
        return FileRef("null", "")
    for fs in ("bootflash:", "flash:", "harddisk:"):
        if low.startswith(fs):
            return FileRef("flash", spec[len(fs) :].lstrip("/"))
    if ":" in spec:
        return None
    return FileRef("flash", spec.lstrip("/"))


def read_ref(device: Device, ref: FileRef, stamp: str) -> str | None:
    if ref.kind == "running":
        return device.running.render_running(stamp)
    if ref.kind == "startup":
        return device.startup_config
    if ref.kind == "null":
        return ""
    path = device.flash_path(ref.name)
    return path.read_text() if ref.name and path.is_file() else None


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def dir_line(index: int, path: Path) -> str:
    st = path.stat()
    t = time.gmtime(st.st_mtime)
    when = f"{MONTHS[t.tm_mon - 1]} {t.tm_mday} {t.tm_year} {t.tm_hour:02}:{t.tm_min:02}:{t.tm_sec:02} +00:00"
    mode = "drwx" if path.is_dir() else "-rw-"
    return f"{index:>8}  {mode} {st.st_size:>16}  {when}  {path.name}"


def used_bytes(device: Device) -> int:
    return sum(p.stat().st_size for p in device.flash_dir.rglob("*") if p.is_file())
