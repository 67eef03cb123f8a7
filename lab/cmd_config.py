"""Configuration commands: configure terminal/replace/confirm/revert, write, show archive."""

from __future__ import annotations

from lab.commands import Session, command
from lab.configmode import incremental_diff, load_config
from lab.configtree import contextual_diff
from lab.device import Device, RevertTimer
from lab.files import parse_ref, read_ref

_NO_ARCHIVE = "Archive feature not enabled\n"


@command("configure terminal")
def configure_terminal(s: Session, args: tuple[str, ...]) -> str:
    s.enter_config()
    return "Enter configuration commands, one per line.  End with CNTL/Z.\n"


@command("configure terminal revert timer <minutes>")
def configure_terminal_revert(s: Session, args: tuple[str, ...]) -> str:
    d = s.device
    if not d.has_archive():
        return "%Archive not configured, please configure archive and path\n"
    if not args[0].isdigit() or not 1 <= int(args[0]) <= 120:
        return "% Invalid input detected at '^' marker.\n"
    _arm_revert(s, int(args[0]))
    s.enter_config()
    return "Enter configuration commands, one per line.  End with CNTL/Z.\n"


def _arm_revert(s: Session, minutes: int) -> None:
    d = s.device
    if d.revert is not None:
        d.revert.cancel()
    snapshot = d.running.render_body()
    due = d.clock.now() + minutes * 60
    timer = d.clock.call_at(due, lambda: _revert_now(d, expired=True))

    def cancel() -> None:
        timer.cancelled = True

    d.revert = RevertTimer(s.username, minutes, d.timestamp(long=True), snapshot, due, cancel)


def _revert_now(d: Device, expired: bool) -> None:
    if d.revert is None:
        return
    d.revert.cancel()
    d.running = load_config(d.revert.snapshot)[0]
    d.revert = None
    what = "TIMER_EXPIRED" if expired else "REVERTNOW"
    d.log(f"%ARCHIVE_DIFF-5-ROLLBK_CNFMD_CHG_{what}: Rollback Confirmed Change: Rollback completed")


@command("configure confirm")
def configure_confirm(s: Session, args: tuple[str, ...]) -> str:
    d = s.device
    if d.revert is None:
        return "%No Rollback Confirmed Change pending\n"
    d.revert.cancel()
    d.revert = None
    d.log(
        f"%ARCHIVE_DIFF-5-ROLLBK_CNFMD_CHG_CONFIRM: User: {s.username}: Confirm the configuration change"
    )
    return ""


@command("configure revert now")
def configure_revert_now(s: Session, args: tuple[str, ...]) -> str:
    if s.device.revert is None:
        return "%No Rollback Confirmed Change pending\n"
    _revert_now(s.device, expired=False)
    return "Rollback Done\n"


@command("configure replace <file> [...]")
def configure_replace(s: Session, args: tuple[str, ...]) -> str:
    d = s.device
    if not d.has_archive():
        return "%Please turn config archive on before using Rollback Confirmed Change\n"
    ref = parse_ref(args[0])
    text = read_ref(d, ref, d.last_change) if ref else None
    if text is None:
        return f"%Error opening {args[0]} (No such file or directory)\n"
    options = [a.lower() for a in args[1:]]

    def replace(answer: str = "y") -> str:
        if answer.strip().lower() not in ("y", "yes"):
            return ""
        tree, rejected = load_config(text)
        if rejected:
            failed = "".join(f"Failed to apply command {ln}\n" for ln in rejected)
            if "trigger" in options:
                return f"{failed}%Rollback aborted. The original configuration has been successfully restored.\n"
            d.running = tree
            return f"{failed}Total number of passes: 1\nRollback Done\n"
        if "timer" in options:
            idx = options.index("timer")
            minutes = int(options[idx + 1]) if idx + 1 < len(options) else 5
            _arm_revert(s, minutes)
        d.running = tree
        d.config_changed(s.username, f"{args[0]} by {s.username} on {s.line_name}")
        return "Total number of passes: 1\nRollback Done\n\n"

    if "force" in options:
        return replace()
    s.ask(
        "This will apply all necessary additions and deletions\n"
        "to replace the contents of the current running configuration\n"
        "with the contents of the specified configuration file,\n"
        "which is assumed to be a complete configuration, not a partial\n"
        "configuration. Enter Y if you are sure you want to proceed. ? [no]: ",
        replace,
    )
    return ""


@command("write [...]")
def write_memory(s: Session, args: tuple[str, ...]) -> str:
    if args and not "memory".startswith(args[0].lower()):
        return "% Invalid input detected at '^' marker.\n"
    s.device.save_startup()
    return "Building configuration...\n[OK]\n"


@command("show running-config [...]")
def show_running(s: Session, args: tuple[str, ...]) -> str:
    return s.device.running.render_running(s.device.last_change)


@command("show startup-config [...]")
def show_startup(s: Session, args: tuple[str, ...]) -> str:
    text = s.device.startup_config
    return f"Using {len(text)} out of 33554432 bytes\n!\n{text}end\n"


@command("show archive")
def show_archive(s: Session, args: tuple[str, ...]) -> str:
    d = s.device
    if not d.has_archive():
        return _NO_ARCHIVE
    return (
        "The maximum archive configurations allowed is 10.\n"
        "There are currently 0 archive configurations saved.\n"
        "The next archive file will be named bootflash:archive-1\n"
        " Archive #  Name\n   1        \n   2        \n   3        \n"
    )


@command("show archive config rollback timer")
def show_rollback_timer(s: Session, args: tuple[str, ...]) -> str:
    r = s.device.revert
    if r is None:
        return "%No Rollback Confirmed Change pending or the rollback timer has expired\n"
    left = max(0, int(r.due - s.device.clock.now()))
    return (
        f"Time configured(or reset): {r.configured_at}\n"
        "Timer type: Rollback timer\n"
        f"Timer value: {r.minutes} min\n"
        f"Time remaining: {left // 60} min {left % 60} sec\n"
        f"User: {r.user}\n"
    )


@command("show archive config differences [...]")
def show_archive_differences(s: Session, args: tuple[str, ...]) -> str:
    d = s.device
    specs = list(args) or ["nvram:startup-config", "system:running-config"]
    if len(specs) == 1:
        specs.append("system:running-config")
    texts = []
    for spec in specs[:2]:
        ref = parse_ref(spec)
        text = read_ref(d, ref, d.last_change) if ref else None
        if text is None:
            return f"%Error opening {spec} (No such file or directory)\n"
        texts.append(text)
    diff = contextual_diff(load_config(texts[0])[0], load_config(texts[1])[0])
    if not diff:
        return "\n!Contextual Config Diffs:\n!No changes were found\n"
    return "\n!Contextual Config Diffs:\n" + "".join(ln + "\n" for ln in diff)


@command("show archive config incremental-diffs <file> [...]")
def show_incremental_diffs(s: Session, args: tuple[str, ...]) -> str:
    d = s.device
    ref = parse_ref(args[0])
    text = read_ref(d, ref, d.last_change) if ref else None
    if text is None:
        return f"%Error opening {args[0]} (No such file or directory)\n"
    lines = incremental_diff(d.running, text)
    if not lines:
        return "!List of Commands:\nend\n!No changes were found\n"
    return "!List of Commands:\n" + "".join(ln + "\n" for ln in lines) + "end\n"
