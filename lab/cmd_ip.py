"""IP show commands: interfaces and the routing table, in IOS-XE 17.x format."""

from __future__ import annotations

import ipaddress
import zlib

from lab.commands import Session, command
from lab.device import Device
from lab.forwarding import device_rib, link_up, tunnel_up
from lab.ikev2show import tunnel_lines
from lab.routing import Route, interfaces, lookup


def _status(device: Device, name: str, shutdown: bool) -> tuple[str, str]:
    if shutdown:
        return "administratively down", "down"
    if name.startswith("Tunnel") and not tunnel_up(device, name):
        return "up", "down"  # protected tunnel without its SA pair: line protocol down
    return ("up", "up") if link_up(device, name) else ("down", "down")


@command("show ip interface brief [...]", user=True)
def show_ip_interface_brief(s: Session, args: tuple[str, ...]) -> str:
    rows = ["Interface              IP-Address      OK? Method Status                Protocol"]
    for itf in interfaces(s.device.running):
        status, proto = _status(s.device, itf.name, itf.shutdown)
        addr = str(itf.address) if itf.address else "unassigned"
        method = "manual" if itf.address else "unset "
        rows.append(f"{itf.name:<22} {addr:<15} YES {method:<6} {status:<21} {proto:<8}")
    return "\n".join(rows) + "\n"


# The rest of a ``show interfaces`` block: a quiet virtual NIC.
_COUNTERS = [
    "  MTU 1500 bytes, BW 1000000 Kbit/sec, DLY 10 usec, ",
    "     reliability 255/255, txload 1/255, rxload 1/255",
    "  Encapsulation ARPA, loopback not set",
    "  Keepalive set (10 sec)",
    "  Full Duplex, 1000Mbps, link type is auto, media type is Virtual",
    "  output flow-control is unsupported, input flow-control is unsupported",
    "  ARP type: ARPA, ARP Timeout 04:00:00",
    "  Last input 00:00:00, output 00:00:00, output hang never",
    '  Last clearing of "show interface" counters never',
    "  Input queue: 0/375/0/0 (size/max/drops/flushes); Total output drops: 0",
    "  Queueing strategy: fifo",
    "  Output queue: 0/40 (size/max)",
    "  5 minute input rate 1000 bits/sec, 1 packets/sec",
    "  5 minute output rate 1000 bits/sec, 1 packets/sec",
    "     10432 packets input, 1088744 bytes, 0 no buffer",
    "     Received 0 broadcasts (0 IP multicasts)",
    "     0 runts, 0 giants, 0 throttles ",
    "     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored",
    "     0 watchdog, 0 multicast, 0 pause input",
    "     10211 packets output, 1101844 bytes, 0 underruns",
    "     0 output errors, 0 collisions, 0 interface resets",
    "     0 unknown protocol drops",
    "     0 babbles, 0 late collision, 0 deferred",
    "     0 lost carrier, 0 no carrier, 0 pause output",
    "     0 output buffer failures, 0 output buffers swapped out",
]


@command("show interfaces [...]", user=True)
def show_interfaces(s: Session, args: tuple[str, ...]) -> str:
    wanted = "".join(args).lower()
    out = []
    for i, itf in enumerate(interfaces(s.device.running)):
        if wanted and itf.name.lower().replace(" ", "") != wanted:
            continue
        status, proto = _status(s.device, itf.name, itf.shutdown)
        mac = f"5254.00{i:02x}.{zlib.crc32(s.device.name.encode()) % 0xFFFF:04x}"
        lines = [f"{itf.name} is {status}, line protocol is {proto} "]
        tunnel = tunnel_lines(s.device, itf.name)
        hw = "Loopback" if itf.name.startswith("Loopback") else "vNIC"
        lines.append(
            "  Hardware is Tunnel"
            if tunnel
            else f"  Hardware is {hw}, address is {mac} (bia {mac})"
        )
        if itf.description:
            lines.append(f"  Description: {itf.description}")
        if itf.address and itf.network:
            lines.append(f"  Internet address is {itf.address}/{itf.network.prefixlen}")
        lines += tunnel if tunnel is not None else _COUNTERS
        out.append("\n".join(lines))
    if wanted and not out:
        return "                  ^\n% Invalid input detected at '^' marker.\n\n"
    return "\n".join(out) + "\n"


_CODES = """Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP
       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area
       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2
       E1 - OSPF external type 1, E2 - OSPF external type 2, m - OMP
       n - NAT, Ni - NAT inside, No - NAT outside, Nd - NAT DIA
       i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2
       ia - IS-IS inter area, * - candidate default, U - per-user static route
       H - NHRP, G - NHRP registered, g - NHRP registration summary
       o - ODR, P - periodic downloaded static route, l - LISP
       a - application route
       + - replicated route, % - next hop override, p - overrides from PfR
       & - replicated local route overrides by connected

"""


@command("show ip route [...]", user=True)
def show_ip_route(s: Session, args: tuple[str, ...]) -> str:
    rib = device_rib(s.device)
    if not args:
        return _table(rib)
    try:
        if len(args) >= 2 and "." in args[1]:
            target = ipaddress.IPv4Network(f"{args[0]}/{args[1]}", strict=False)
            route = next((r for r in rib if r.prefix == target), None)
        else:
            route = lookup(rib, ipaddress.IPv4Address(args[0]))
    except ValueError:
        return "% Invalid input detected at '^' marker.\n"
    if route is None:
        return "% Network not in table\n"
    return _entry(route)


def _table(rib: list[Route]) -> str:
    default = next((r for r in rib if r.prefix.prefixlen == 0), None)
    if default is not None and default.next_hop is not None:
        gw = f"Gateway of last resort is {default.next_hop} to network 0.0.0.0\n\n"
    elif default is not None:
        gw = "Gateway of last resort is 0.0.0.0 to network 0.0.0.0\n\n"
    else:
        gw = "Gateway of last resort is not set\n\n"
    lines = []
    majors: dict[str, list[Route]] = {}
    for r in rib:
        if r.prefix.prefixlen == 0:
            lines.append(_row(r, default=True))
            continue
        first = int(str(r.prefix.network_address).split(".")[0])
        classful = 8 if first < 128 else 16 if first < 192 else 24
        major = str(r.prefix.supernet(new_prefix=min(classful, r.prefix.prefixlen)))
        majors.setdefault(major, []).append(r)
    for major, routes in majors.items():
        masks = {r.prefix.prefixlen for r in routes}
        if len(masks) > 1:
            lines.append(
                f"      {major} is variably subnetted, {len(routes)} subnets, {len(masks)} masks"
            )
        else:
            net = major.split("/")[0]
            lines.append(
                f"      {net}/{routes[0].prefix.prefixlen} is subnetted, {len(routes)} subnets"
            )
        lines += [_row(r) for r in routes]
    return _CODES + gw + "\n".join(lines) + "\n"


def _row(r: Route, default: bool = False) -> str:
    code = f"{r.code}*" if default else r.code
    indent = f"{code:<6}" if default else f"{code:<9}"
    if r.code in ("C", "L"):
        return f"{indent}{r.prefix} is directly connected, {r.interface}"
    if r.next_hop is not None:
        return f"{indent}{r.prefix} [{r.distance}/0] via {r.next_hop}"
    return f"{indent}{r.prefix} is directly connected, {r.interface}"


def _entry(r: Route) -> str:
    supernet = ", supernet" if r.prefix.prefixlen < 8 else ""
    if r.code in ("C", "L"):
        return (
            f"Routing entry for {r.prefix}{supernet}\n"
            f'  Known via "connected", distance 0, metric 0 (connected, via interface)\n'
            "  Routing Descriptor Blocks:\n"
            f"  * directly connected, via {r.interface}\n"
            "      Route metric is 0, traffic share count is 1\n"
        )
    candidate = ", candidate default path" if r.prefix.prefixlen == 0 else ""
    hop = str(r.next_hop) if r.next_hop else f"directly connected, via {r.interface}"
    if r.next_hop and r.interface:
        hop = f"{r.next_hop}, via {r.interface}"
    return (
        f"Routing entry for {r.prefix}{supernet}\n"
        f'  Known via "static", distance {r.distance}, metric 0{candidate}\n'
        "  Routing Descriptor Blocks:\n"
        f"  * {hop}\n"
        "      Route metric is 0, traffic share count is 1\n"
    )
