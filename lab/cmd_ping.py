"""``ping``: echoes through the underlay, or through the tunnel when crypto picks them up.

Sourcing a ping from an inside interface toward the far LAN is "interesting traffic": it
starts IKE when no SA exists, as on a real router (step 1 of the five IPsec steps).
"""

from __future__ import annotations

import ipaddress

from lab.commands import Session, command
from lab.device import Device
from lab.faults import Proto
from lab.routing import interface_matches, interfaces


def _source(d: Device, word: str) -> str | None:
    try:
        return str(ipaddress.IPv4Address(word))
    except ValueError:
        pass
    for itf in interfaces(d.running):
        if interface_matches(itf.name, word):
            return str(itf.address) if itf.address else None
    return None


def _plain(d: Device, dst: str, src: str | None, count: int) -> str:
    net = d.network()
    there = net.send(d, dst, Proto.ICMP, src_ip=src)
    if there is None:
        return "." * count
    if there.router is not None and there.router != d.name:
        back = net.send(net.devices[there.router], there.src_ip, Proto.ICMP, src_ip=dst)
        if back is None or back.router != d.name:
            return "." * count
    return "!" * count


@command("ping [...]", user=True)
def ping(s: Session, args: tuple[str, ...]) -> str:
    words = list(args)
    if words[:1] == ["vrf"]:
        words = words[2:]
    if not words:
        return "% Incomplete command.\n\n"
    dst = words[0]
    try:
        ipaddress.IPv4Address(dst)
    except ValueError:
        return f'Translating "{dst}"\n% Unrecognized host or address, or protocol not running.\n\n'
    opts = {words[i].lower(): words[i + 1] for i in range(1, len(words) - 1, 2)}
    count = int(opts.get("repeat", "5"))
    size = int(opts.get("size", "100"))
    src = _source(s.device, opts["source"]) if "source" in opts else None
    if "source" in opts and src is None:
        return f"% Invalid source interface - {opts['source']}\n"
    marks = s.device.engine().ping_through(s.device, dst, count) if src else ""
    if not marks:
        marks = _plain(s.device, dst, src, count)
    ok = marks.count("!")
    lines = [
        "Type escape sequence to abort.",
        f"Sending {count}, {size}-byte ICMP Echos to {dst}, timeout is 2 seconds:",
    ]
    if src:
        lines.append(f"Packet sent with a source address of {src} ")
    lines.append(marks)
    rate = f"Success rate is {ok * 100 // count} percent ({ok}/{count})"
    lines.append(rate + (", round-trip min/avg/max = 1/1/2 ms" if ok else ""))
    return "\n".join(lines) + "\n"
