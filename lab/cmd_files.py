"""File commands napalm and netmiko rely on: dir, verify /md5, copy, delete, more."""

from __future__ import annotations

from collections.abc import Callable

from lab.commands import Session, command
from lab.configmode import load_config
from lab.files import FLASH_TOTAL, FileRef, dir_line, md5, parse_ref, read_ref, used_bytes


def _quiet(s: Session) -> bool:
    return s.device.running.has_line("file prompt quiet")


def _error_opening(spec: str) -> str:
    return f"%Error opening {spec} (No such file or directory)\n"


@command("dir [...]")
def dir_(s: Session, args: tuple[str, ...]) -> str:
    spec = args[0] if args else "bootflash:"
    ref = parse_ref(spec)
    if ref is None or ref.kind != "flash":
        return f"%Error opening {spec} (Invalid argument)\n"
    d = s.device
    total = f"{FLASH_TOTAL} bytes total ({FLASH_TOTAL - used_bytes(d)} bytes free)\n"
    if ref.name:
        path = d.flash_path(ref.name)
        if not path.exists():
            return _error_opening(f"bootflash:/{ref.name}")
        return f"Directory of bootflash:/{ref.name}\n\n{dir_line(12, path)}\n\n{total}"
    rows = [dir_line(11 + i, p) for i, p in enumerate(sorted(d.flash_dir.iterdir()))]
    body = "\n".join(rows) + "\n" if rows else "No files in directory\n"
    return f"Directory of bootflash:/\n\n{body}\n{total}"


@command("verify /md5 <file> [...]")
def verify_md5(s: Session, args: tuple[str, ...]) -> str:
    ref = parse_ref(args[0])
    if ref is None or ref.kind != "flash" or not s.device.flash_path(ref.name).is_file():
        return _error_opening(args[0])
    digest = md5(s.device.flash_path(ref.name))
    return f"{'.' * 10}Done!\nverify /md5 (bootflash:/{ref.name}) = {digest}\n\n"


@command("more <file>")
def more(s: Session, args: tuple[str, ...]) -> str:
    ref = parse_ref(args[0])
    text = read_ref(s.device, ref, s.device.last_change) if ref else None
    return _error_opening(args[0]) if text is None else text


@command("delete [...]")
def delete(s: Session, args: tuple[str, ...]) -> str:
    words = [a for a in args if not a.startswith("/")]
    if not words:
        return "% Incomplete command.\n\n"
    ref = parse_ref(words[0])
    if ref is None or ref.kind != "flash":
        return _error_opening(words[0])
    path = s.device.flash_path(ref.name)

    def do_delete(_: str = "") -> str:
        if not path.is_file():
            return f"%Error deleting bootflash:/{ref.name} (No such file or directory)\n"
        path.unlink()
        return ""

    if "/force" in args or _quiet(s):
        return do_delete()
    s.ask(
        f"Delete filename [{ref.name}]? ",
        lambda _: _confirm(s, f"Delete bootflash:/{ref.name}? [confirm]", do_delete),
    )
    return ""


def _confirm(s: Session, question: str, action: Callable[[str], str]) -> str:
    s.ask(question, action)
    return ""


@command("copy <src> <dst>")
def copy(s: Session, args: tuple[str, ...]) -> str:
    src, dst = parse_ref(args[0]), parse_ref(args[1])
    if src is None or dst is None:
        return "%Error parsing filename (Invalid argument)\n"
    if dst.kind == "running":
        return _copy_into_running(s, src, args[0])
    if _quiet(s):
        return _copy(s, src, dst)
    default = dst.name or ("startup-config" if dst.kind == "startup" else "")
    s.ask(f"Destination filename [{default}]? ", lambda _: _copy(s, src, dst))
    return ""


def _copy(s: Session, src: FileRef, dst: FileRef) -> str:
    d = s.device
    text = read_ref(d, src, d.last_change)
    if text is None:
        return _error_opening(src.display())
    if dst.kind == "startup":
        d.startup_config = text
        return "\n[OK]\n"
    if dst.kind == "null" or not dst.name:
        return "%Error opening destination (Invalid argument)\n"
    d.flash_path(dst.name).write_text(text)
    return f"{len(text)} bytes copied in 0.051 secs ({len(text) * 20} bytes/sec)\n"


def _copy_into_running(s: Session, src: FileRef, spec: str) -> str:
    d = s.device
    text = read_ref(d, src, d.last_change)
    if text is None:
        return _error_opening(spec)

    def merge(_: str = "") -> str:
        rejected = load_config(text, d.running)[1]
        d.config_changed(s.username, f"{src.display()} by {s.username} on {s.line_name}")
        errors = "".join(
            f"{ln}\n   ^\n% Invalid input detected at '^' marker.\n\n" for ln in rejected
        )
        return f"{errors}{len(text)} bytes copied in 0.102 secs ({len(text) * 10} bytes/sec)\n"

    if _quiet(s):
        return merge()
    s.ask("Destination filename [running-config]? ", merge)
    return ""
