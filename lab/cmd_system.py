"""Exec commands about the session and the system: terminal, enable, show version and friends.

Output formats follow IOS-XE 17.x on a Catalyst 8000V.
"""

from __future__ import annotations

from lab.commands import Session, asa_command, command

_MAX_SECRET_TRIES = 3


@command("terminal length <n>", user=True)
def terminal_length(s: Session, args: tuple[str, ...]) -> str:
    s.term_length = int(args[0]) if args[0].isdigit() else s.term_length
    return ""


@command("terminal width <n>", user=True)
def terminal_width(s: Session, args: tuple[str, ...]) -> str:
    s.term_width = int(args[0]) if args[0].isdigit() else s.term_width
    return ""


@command("terminal monitor", user=True)
def terminal_monitor(s: Session, args: tuple[str, ...]) -> str:
    s.set_monitor(True)
    return ""


@command("terminal no monitor", user=True)
def terminal_no_monitor(s: Session, args: tuple[str, ...]) -> str:
    s.set_monitor(False)
    return ""


@command("enable", user=True)
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
            return "% Bad secrets\n\n"
        s.ask("Password: ", check, echo=False)
        return ""

    s.ask("Password: ", check, echo=False)
    return ""


@asa_command("disable")  # an ASA leaves privileged mode and the session the same way
@command("disable")
def disable(s: Session, args: tuple[str, ...]) -> str:
    s.privileged = False
    return ""


def close_session(s: Session, args: tuple[str, ...]) -> str:
    s.close()
    return ""


for _pattern in ("exit", "logout", "quit"):
    command(_pattern, user=True)(close_session)
    asa_command(_pattern, user=True)(close_session)


# IOS-XE 17.9 on a C8000V, as ``show version`` prints it; the fields are the router's own.
_VERSION = """Cisco IOS XE Software, Version 17.09.04a
Cisco IOS Software [Cupertino], Virtual XE Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.9.4a, RELEASE SOFTWARE (fc3)
Technical Support: http://www.cisco.com/techsupport
Copyright (c) 1986-2023 by Cisco Systems, Inc.
Compiled Fri 20-Oct-23 10:44 by mcpre


Cisco IOS-XE software, Copyright (c) 2005-2023 by cisco Systems, Inc.
All rights reserved.  Certain components of Cisco IOS-XE software are
licensed under the GNU General Public License ("GPL") Version 2.0.  The
software code licensed under GPL Version 2.0 is free software that comes
with ABSOLUTELY NO WARRANTY.  You can redistribute and/or modify such
GPL code under the terms of GPL Version 2.0.  For more details, see the
documentation or "License Notice" file accompanying the IOS-XE software,
or the applicable URL provided on the flyer accompanying the IOS-XE
software.


ROM: IOS-XE ROMMON

{hostname} uptime is {uptime}
Uptime for this control processor is {uptime}
System returned to ROM by reload
System image file is "bootflash:packages.conf"
Last reload reason: reload



This product contains cryptographic features and is subject to United
States and local country laws governing import, export, transfer and
use. Delivery of Cisco cryptographic products does not imply
third-party authority to import, export, distribute or use encryption.
Importers, exporters, distributors and users are responsible for
compliance with U.S. and local country laws. By using this product you
agree to comply with applicable laws and regulations. If you are unable
to comply with U.S. and local laws, return this product immediately.

A summary of U.S. laws governing Cisco cryptographic products may be found at:
http://www.cisco.com/wwl/export/crypto/tool/stqrg.html

If you require further assistance please contact us by sending email to
export@cisco.com.

License Level: network-advantage
License Type: Perpetual
Next reload license Level: network-advantage

Smart Licensing Status: Smart Licensing Using Policy

cisco {model} (VXE) processor (revision VXE) with 2028201K/3075K bytes of memory.
Processor board ID {serial}
Router operating mode: Autonomous
{gig_ports} Gigabit Ethernet interfaces
32768K bytes of non-volatile configuration memory.
3965008K bytes of physical memory.
5234688K bytes of virtual hard disk at bootflash:.

Configuration register is 0x2102

"""


@command("show version", user=True)
def show_version(s: Session, args: tuple[str, ...]) -> str:
    d = s.device
    return _VERSION.format(
        hostname=d.hostname,
        uptime=d.uptime(),
        model=d.model,
        serial=d.serial,
        gig_ports=len(d.running.lines_starting("interface GigabitEthernet")),
    )


@command("show clock", user=True)
def show_clock(s: Session, args: tuple[str, ...]) -> str:
    wall = s.device.timestamp(long=True)
    ms = s.device.timestamp().rsplit(".", 1)[1]
    hms, rest = wall.split(" ", 1)
    return f"*{hms}.{ms} {rest}\n"


@command("show hosts [...]", user=True)
def show_hosts(s: Session, args: tuple[str, ...]) -> str:
    domain = next(
        (ln.split()[-1] for ln in s.device.running.lines_starting("ip domain")),
        "lab.vpndiag.test",
    )
    return f"""Default domain is {domain}
Name/address lookup uses domain service
Name servers are 255.255.255.255

Codes: UN - unknown, EX - expired, OK - OK, ?? - revalidate
       temp - temporary, perm - permanent
       NA - Not Applicable None - Not defined

Host                      Port  Flags      Age Type   Address(es)
"""


@command("show users [...]", user=True)
def show_users(s: Session, args: tuple[str, ...]) -> str:
    return (
        "    Line       User       Host(s)              Idle       Location\n"
        f"*866 {s.line_name:<9} {s.username:<10} idle                 00:00:00 {s.source}\n\n"
        "  Interface    User               Mode         Idle     Peer Address\n\n"
    )


def _cpu(s: Session) -> tuple[int, int, int]:
    return s.device.cpu or (1, 1, 1)


@command("show processes cpu [...]")
def show_processes_cpu(s: Session, args: tuple[str, ...]) -> str:
    five_s, one_m, five_m = _cpu(s)
    return (
        f"CPU utilization for five seconds: {five_s}%/0%; one minute: {one_m}%; "
        f"five minutes: {five_m}%\n"
        " PID Runtime(ms)     Invoked      uSecs   5Sec   1Min   5Min TTY Process \n"
        "   1          11          25        440  0.00%  0.00%  0.00%   0 Chunk Manager    \n"
        "   2        1228       10563        116  0.00%  0.00%  0.00%   0 Load Meter       \n"
        " 183        2291       32870         69  0.07%  0.03%  0.01%   0 Crypto IKMP      \n"
    )


@command("show debugging [...]")
def show_debugging(s: Session, args: tuple[str, ...]) -> str:
    d = s.device
    out = []
    labels = {
        "isakmp": "Crypto ISAKMP debugging is on",
        "ipsec": "Crypto IPSEC debugging is on",
        "ikev2": "Crypto IKEv2 debugging is on",
    }
    crypto = sorted(d.debugs - {"nhrp"})
    if crypto:
        out.append("Cryptographic Subsystem:")
        out += [f"  {labels.get(k, k + ' debugging is on')}" for k in crypto]
        out.append("")
    if "nhrp" in d.debugs:  # no capture of this section: the debug's own answer, indented
        out += ["NHRP:", "  NHRP protocol debugging is on", ""]
    out += ["IOSXE Conditional Debug Configs:", ""]
    # an NHRP condition counted in the global state (no capture with one was found)
    state = "Start" if d.debug_conditions or d.nhrp_conditions else "Stop"
    out += [f"Conditional Debug Global State: {state}", ""]
    out += [f"Crypto conditional debug: {c}" for c in d.debug_conditions]
    out += ["IOSXE Packet Tracing Configs:", "", "", "Packet Infra debugs:", ""]
    out += ["Ip Address                                               Port"]
    out += ["------------------------------------------------------|----------", ""]
    return "\n".join(out) + "\n"


@command("show logging [...]")
def show_logging(s: Session, args: tuple[str, ...]) -> str:
    d = s.device
    buffered = d.running.lines_starting("logging buffered")
    size = buffered[0].split()[2] if buffered and buffered[0].split()[2:3] != [] else "4096"
    size = size if size.isdigit() else "4096"
    n = len(d.log_buffer)
    header = f"""Syslog logging: enabled (0 messages dropped, 0 messages rate-limited, 0 flushes, 0 overruns, xml disabled, filtering disabled)

No Active Message Discriminator.



No Inactive Message Discriminator.


    Console logging: disabled
    Monitor logging: level debugging, {n} messages logged, xml disabled,
                     filtering disabled
    Buffer logging:  level debugging, {n} messages logged, xml disabled,
                    filtering disabled
    Exception Logging: size (4096 bytes)
    Count and timestamp logging messages: disabled
    Persistent logging: disabled

No active filter modules.

    Trap logging: level informational, {n} message lines logged
        Logging Source-Interface:       VRF Name:

Log Buffer ({size} bytes):

"""
    return header + "".join(line + "\n" for line in d.log_buffer)


@command("clear logging")
def clear_logging(s: Session, args: tuple[str, ...]) -> str:
    def confirm(answer: str) -> str:
        if answer.strip().lower() in ("", "y", "yes", "confirm"):
            s.device.log_buffer.clear()
        return ""

    s.ask("Clear logging buffer [confirm]", confirm)
    return ""
