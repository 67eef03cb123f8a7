"""``ping``: echoes through the underlay, or through the tunnel when crypto picks them up.

Sourcing a ping from an inside interface toward the far LAN is "interesting traffic": it
starts IKE when no SA exists, as on a real router (step 1 of the five IPsec steps).

``df-bit`` with ``size N``: an echo routed into a protected tunnel interface is encrypted into
a packet about 73 bytes larger (ESP tunnel mode with AES-CBC and an HMAC: outer IP header,
ESP header, IV, padding and trailer, ICV); when a ``path_mtu`` fault says the path to the
tunnel's peer carries less, the packet is dropped and no "fragmentation needed" comes back
(the black hole): the echo times out (``.``), as on a real router.
"""

from __future__ import annotations

import ipaddress

from lab.commands import Session, command
from lab.device import Device
from lab.faults import FaultKind, Proto
from lab.forwarding import device_rib
from lab.ikev2cfg import TunnelInterface, read_ikev2_config
from lab.routing import interface_matches, interfaces, resolve

ESP_OVERHEAD = 73  # bytes ESP tunnel mode adds to an echo (AES-CBC, HMAC-SHA: a lab figure)
_FLAGS = ("df-bit", "validate", "verbose")


def _source(d: Device, word: str) -> str | None:
    try:
        return str(ipaddress.IPv4Address(word))
    except ValueError:
        pass
    for itf in interfaces(d.running):
        if interface_matches(itf.name, word):
            return str(itf.address) if itf.address else None
    return None


def _vti_to(d: Device, dst: str) -> TunnelInterface | None:
    """The protected tunnel interface an echo to ``dst`` is routed into, if any."""
    hop = resolve(device_rib(d), ipaddress.IPv4Address(dst))
    return next((t for t in read_ikev2_config(d.running).vtis() if hop and t.name == hop[0]), None)


def _owner(d: Device, address: str | None) -> Device | None:
    """The router owning ``address``, or behind it when it is a static NAT's outside one."""
    net = d.network()
    for other in net.devices.values():
        if any(str(itf.address) == address for itf in interfaces(other.running)):
            return other
    nat = next((f for f in net.faults if f.kind is FaultKind.NAT and f.outside == address), None)
    return net.devices.get(nat.router) if nat else None


def _through_tunnel(d: Device, dst: str, size: int, df: bool, count: int) -> str | None:
    """Echoes routed into a VTI: answered when its SA pair is up and the far end owns ``dst``;
    a DF echo too large, once encrypted, for a ``path_mtu`` fault's path is lost."""
    vti = _vti_to(d, dst)
    if vti is None:
        return None
    far = _owner(d, vti.destination)
    if f"{vti.head} 1" not in d.crypto.ipsec or far is None or _owner(d, dst) is not far:
        return "." * count
    hole = df and any(
        f.kind is FaultKind.PATH_MTU
        and {f.router, f.peer} == {d.name, far.name}
        and size + ESP_OVERHEAD > f.mtu
        for f in d.network().faults
    )
    return ("." if hole else "!") * count


def _options(words: list[str]) -> dict[str, str]:
    """``repeat 2 size 1400 df-bit source Gi2``: keywords with a value, and flags."""
    opts: dict[str, str] = {}
    i = 1
    while i < len(words):
        word = words[i].lower()
        if word in _FLAGS:
            opts[word] = ""
            i += 1
        else:
            opts[word] = words[i + 1] if i + 1 < len(words) else ""
            i += 2
    return opts


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
    opts = _options(words)
    count = int(opts.get("repeat", "5"))
    size = int(opts.get("size", "100"))
    src = _source(s.device, opts["source"]) if "source" in opts else None
    if "source" in opts and src is None:
        return f"% Invalid source interface - {opts['source']}\n"
    marks = s.device.engine().ping_through(s.device, dst, count) if src else ""
    if not marks:
        marks = _through_tunnel(s.device, dst, size, "df-bit" in opts, count) or _plain(
            s.device, dst, src, count
        )
    ok = marks.count("!")
    lines = [
        "Type escape sequence to abort.",
        f"Sending {count}, {size}-byte ICMP Echos to {dst}, timeout is 2 seconds:",
    ]
    if src:
        lines.append(f"Packet sent with a source address of {src} ")
    if "df-bit" in opts:  # as IOS-XE prints it (genieparser iosxe Ping golden_output_3)
        lines.append("Packet sent with the DF bit set")
    lines.append(marks)
    rate = f"Success rate is {ok * 100 // count} percent ({ok}/{count})"
    lines.append(rate + (", round-trip min/avg/max = 1/1/2 ms" if ok else ""))
    return "\n".join(lines) + "\n"
