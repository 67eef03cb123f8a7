"""An ASA's session and system commands: curpriv, enable, pager, version, cpu, configuration.

What netmiko's ``cisco_asa`` driver sends on connect: ``show curpriv`` at the user prompt,
``enable`` (``Password:``), ``terminal pager 0``, then ``configure terminal`` /
``terminal width 511`` / ``end``. Formats follow real ASAv captures, cited where used.
"""

from __future__ import annotations

import hashlib

from lab.asacfg import mask_secrets
from lab.commands import Session, asa_command
from lab.configtree import Node

_MAX_SECRET_TRIES = 3


@asa_command("show curpriv", user=True)
def show_curpriv(s: Session, args: tuple[str, ...]) -> str:
    # No capture in the corpus; the three lines as Cisco's command reference prints them.
    level, mode = (15, "P_PRIV") if s.privileged else (1, "P_UNPR")
    if s.config is not None:
        mode = "P_CONF"
    return f"Username : {s.username}\nCurrent privilege level : {level}\nCurrent Mode/s : {mode}\n"


@asa_command("enable", user=True)
def enable(s: Session, args: tuple[str, ...]) -> str:
    if s.privileged:
        return ""
    tries = [0]

    def check(answer: str) -> str:
        if answer == s.device.secret:
            s.privileged = True
            return ""
        tries[0] += 1
        if tries[0] >= _MAX_SECRET_TRIES:
            return "Access denied.\n"  # no capture of the ASA's wording: an assumption
        s.ask("Invalid password\nPassword: ", check, echo=False)
        return ""

    s.ask("Password: ", check, echo=False)
    return ""


# disable, exit, logout and quit: IOS's handlers, registered for the ASA in lab.cmd_system.


@asa_command("terminal pager <n>", user=True)
def terminal_pager(s: Session, args: tuple[str, ...]) -> str:
    """``terminal pager 0`` turns the pager off (``<--- More --->`` never shows)."""
    if args[0].isdigit():
        s.term_length = int(args[0])
    return ""


@asa_command("terminal pager lines <n>", user=True)
def terminal_pager_lines(s: Session, args: tuple[str, ...]) -> str:
    return terminal_pager(s, args)


@asa_command("terminal width <n>", user=True)
def terminal_width(s: Session, args: tuple[str, ...]) -> str:
    if args[0].isdigit():
        s.term_width = int(args[0])
    return ""


@asa_command("terminal monitor", user=True)
def terminal_monitor(s: Session, args: tuple[str, ...]) -> str:
    s.set_monitor(True)
    return ""


@asa_command("terminal no monitor", user=True)
def terminal_no_monitor(s: Session, args: tuple[str, ...]) -> str:
    s.set_monitor(False)
    return ""


@asa_command("configure terminal")
def configure_terminal(s: Session, args: tuple[str, ...]) -> str:
    s.enter_config()  # the ASA prints nothing on the way in
    return ""


# ASAv 9.15(1)1, as a pyATS inventory write-up printed it (code index file 21211145377:
# "edge-firewall01 show version"); hostname, uptime, interfaces and serial are the lab's own.
_VERSION = """
Cisco Adaptive Security Appliance Software Version 9.15(1)1{sp}
SSP Operating System Version 2.9(1.131)
Device Manager Version 7.15(1)

Compiled on Fri 20-Nov-20 18:48 GMT by builders
System image file is "boot:/asa9151-1-smp-k8.bin"
Config file at boot was "startup-config"

{hostname} up {uptime}

Hardware:   ASAv, 2048 MB RAM, CPU Xeon 4100/6100/8100 series 2100 MHz,
Internal ATA Compact Flash, 8192MB
Slot 1: ATA Compact Flash, 8192MB
BIOS Flash Firmware Hub @ 0x1, 0KB


 0: Ext: Management0/0       : address is 5254.000d.3e62, irq 10
{ports}
License mode: Smart Licensing
ASAv Platform License State: Licensed
Active entitlement: ASAv-STD-1G, enforce mode: Authorized

Licensed features for this platform:
{licenses}
Serial Number: {serial}

Image type          : Release
Key version         : A

Configuration has not been modified since last system restart.
"""


_LICENSES = (
    ("Maximum VLANs", "50"),
    ("Inside Hosts", "Unlimited"),
    ("Failover", "Active/Active"),
    ("Encryption-DES", "Enabled"),
    ("Encryption-3DES-AES", "Enabled"),
    ("Security Contexts", "2"),
    ("Carrier", "Disabled"),
    ("AnyConnect Premium Peers", "2"),
    ("AnyConnect Essentials", "Disabled"),
    ("Other VPN Peers", "250"),
    ("Total VPN Peers", "250"),
    ("AnyConnect for Mobile", "Disabled"),
    ("AnyConnect for Cisco VPN Phone", "Disabled"),
    ("Advanced Endpoint Assessment", "Disabled"),
    ("Shared License", "Disabled"),
    ("Total TLS Proxy Sessions", "2"),
    ("Botnet Traffic Filter", "Enabled"),
    ("Cluster", "Disabled"),
)


def asa_uptime(seconds: int) -> str:
    """``2 days 17 hours``, ``3 hours 12 mins``, ``5 mins 33 secs`` (the ASA's wording)."""
    days, rem = divmod(seconds, 86400)
    hours, rem = divmod(rem, 3600)
    mins, secs = divmod(rem, 60)
    if days:
        return f"{days} day{'s' * (days != 1)} {hours} hour{'s' * (hours != 1)}"
    if hours:
        return f"{hours} hour{'s' * (hours != 1)} {mins} min{'s' * (mins != 1)}"
    return f"{mins} min{'s' * (mins != 1)} {secs} sec{'s' * (secs != 1)}"


def _ports(s: Session) -> str:
    names = [
        n.line.split()[1] for n in s.device.running.sections() if n.line.startswith("interface ")
    ]
    names = [n for n in names if not n.startswith("Management")]
    rows = []
    for i, name in enumerate(names, start=1):
        mac = hashlib.sha256(f"{s.device.name}/{name}".encode()).hexdigest()
        rows.append(f"{i:2}: Ext: {name:<20}: address is 5254.{mac[:4]}.{mac[4:8]}, irq 11")
    return "".join(r + "\n" for r in rows)


@asa_command("show version", user=True)
def show_version(s: Session, args: tuple[str, ...]) -> str:
    d = s.device
    up = int(d.clock.now() - d.booted_at) + 3720
    # The ASA pads the version line and the licence values with trailing blanks.
    licenses = "".join(f"{name:<34}: {value:<15}\n" for name, value in _LICENSES)
    return _VERSION.format(
        sp=" ",
        hostname=d.hostname,
        uptime=asa_uptime(up),
        ports=_ports(s),
        licenses=licenses,
        serial=d.serial,
    )


# -- running configuration ---------------------------------------------------------------------
# Header and trailer of an ASAv's "show running-config" / "more system:running-config"
# (code index files 39661029581 and 18148368878: ": Saved", ": Serial Number:", ": Hardware:",
# "ASA Version ...", and "Cryptochecksum:" before ": end").
_HEADER = (
    ": Saved\n\n:\n: Serial Number: {serial}\n"
    ": Hardware:   ASAv, 2048 MB RAM, CPU Xeon 4100/6100/8100 series 2100 MHz\n:\n"
    "ASA Version 9.15(1)1 \n"
)
_SECTIONS = ("crypto", "tunnel-group", "nat", "access-list", "object", "route", "interface")


def _render(nodes: list[Node], separators: bool) -> list[str]:
    out: list[str] = []
    for node in nodes:
        if separators and node.children:
            out.append("!")
        out.append(mask_secrets(node.line))
        out.extend(" " + mask_secrets(c.line) for c in node.children)
    return out


def _checksum(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def running_config(s: Session, section: str | None) -> str:
    nodes = s.device.running.sections()
    if section is None:
        body = _render(nodes, separators=True)
        text = "\n".join(body) + "\n"
        head = _HEADER.format(serial=s.device.serial)
        return f"{head}!\n{text}Cryptochecksum:{_checksum(text)}\n: end\n"
    if section == "nat":  # object NAT lives in its object's block
        nodes = [
            n for n in nodes
            if n.line.startswith("nat ") or any(c.line.startswith("nat ") for c in n.children)
        ]  # fmt: skip
    else:
        nodes = [n for n in nodes if n.line.split()[0] == section]
    return "".join(line + "\n" for line in _render(nodes, separators=False))


@asa_command("show running-config [...]")
def show_running_config(s: Session, args: tuple[str, ...]) -> str:
    if not args:
        return running_config(s, None)
    typed = args[0].lower()
    chosen = [w for w in _SECTIONS if w.startswith(typed)]
    if len(chosen) != 1:
        return "ERROR: % Invalid input detected at '^' marker.\n"
    return running_config(s, chosen[0])


@asa_command("write memory")
def write_memory(s: Session, args: tuple[str, ...]) -> str:
    """Wording of a real ``write memory`` (code index file 20262367419: an ASA REST API answer)."""
    d = s.device
    d.save_startup()
    digest = _checksum(d.startup_config)
    groups = " ".join(digest[i : i + 8] for i in range(0, 32, 8))
    size = len(d.startup_config)
    return f"Building configuration...\nCryptochecksum: {groups} \n\n{size} bytes copied in 0.290 secs\n[OK]\n"


@asa_command("show cpu usage")
def show_cpu_usage(s: Session, args: tuple[str, ...]) -> str:
    """One line, as a blog's ASA session shows it (code index file 46665164667:
    "CPU utilization for 5 seconds = 99%; 1 minute: 99%; 5 minutes: 99%")."""
    five_s, one_m, five_m = s.device.cpu or (1, 1, 1)
    return f"CPU utilization for 5 seconds = {five_s}%; 1 minute: {one_m}%; 5 minutes: {five_m}%\n"
