"""``packet-tracer input IFC icmp SRC TYPE CODE DST [detailed]`` (and ``show nat [detail]``, the
rules it walks). The tcp/udp form
(``SRC SPORT DST DPORT``): the phases an engineer reads for a LAN-to-LAN tunnel: route lookup,
NAT (identity or translated), VPN encrypt, the result.

The layout (``Phase: N`` / ``Type:`` / ``Subtype:`` / ``Result:`` / ``Config:`` /
``Additional Information:`` blocks, then ``Result:`` with the interfaces and ``Action:``)
follows an ASA 9.x trace pasted in a forum thread (code index file 69269738515:
"found next-hop ... using egress ifc", "NAT divert to egress interface", "Static translate",
"VPN encrypt ALLOW", "New flow created with id"); a VPN encrypt DROP while no SA carries the
flow follows another paste (code index file 27011369093). The drop reason for it, the
"Dynamic translate" wording and the no-route drop are the lab's reading: no capture of them
was found. The trace reads the ASA's routing table, NAT rules, crypto maps and live SAs; it
sends nothing and starts no IKE.
"""

from __future__ import annotations

import ipaddress
import zlib
from dataclasses import dataclass
from ipaddress import IPv4Network

from lab.asacrypto import nat_for, read_objects
from lab.asashow import config
from lab.commands import Session, asa_command
from lab.cryptocfg import MapEntry
from lab.device import Device
from lab.forwarding import device_interfaces, device_rib
from lab.routing import resolve

_INVALID = "ERROR: % Invalid input detected at '^' marker.\n"


@dataclass(frozen=True)
class Flow:
    ingress: str
    proto: str
    src: str
    sport: str
    dst: str
    dport: str


def _phase(n: int, kind: str, sub: str, result: str, cfg: str = "", info: str = "") -> list[str]:
    out = [f"Phase: {n}", f"Type: {kind}", f"Subtype: {sub}", f"Result: {result}", "Config:"]
    out += cfg.splitlines()
    out.append("Additional Information:")
    out += info.splitlines()
    return [*out, ""]


def _parse(args: tuple[str, ...]) -> Flow | None:
    ingress, proto, rest = args[0], args[1].lower(), [a for a in args[2:]]
    if rest and rest[-1].lower() == "detailed":
        rest = rest[:-1]
    if proto == "icmp" and len(rest) == 4:
        flow = Flow(ingress, proto, rest[0], "0", rest[3], "0")
    elif proto in ("tcp", "udp") and len(rest) == 4:
        flow = Flow(ingress, proto, rest[0], rest[1], rest[2], rest[3])
    else:
        return None
    try:
        ipaddress.IPv4Address(flow.src), ipaddress.IPv4Address(flow.dst)
    except ValueError:
        return None
    return flow


def _crypto_entry(d: Device, flow: Flow, egress: str) -> MapEntry | None:
    cfg = config(d)
    src, dst = ipaddress.IPv4Address(flow.src), ipaddress.IPv4Address(flow.dst)
    for entry in cfg.entries:
        if egress not in cfg.map_interfaces.get(entry.map_name, ()):
            continue
        if any(src in a.src and dst in a.dst for a in cfg.permits(entry.acl)):
            return entry
    return None


def _nat_phases(d: Device, flow: Flow, egress: str, n: int) -> tuple[list[str], bool]:
    """The NAT phases, and whether the source was translated."""
    hit = nat_for(
        d.running,
        ipaddress.IPv4Network(f"{flow.src}/32"),
        ipaddress.IPv4Network(f"{flow.dst}/32"),
    )
    if hit is None:
        return [], False
    verdict, rule = hit
    if verdict == "exempt":
        src, dst = f"{flow.src}/{flow.sport}", f"{flow.dst}/{flow.dport}"
        return [
            *_phase(n, "UN-NAT", "static", "ALLOW", rule,
                    f"NAT divert to egress interface {egress}\nUntranslate {dst} to {dst}"),
            *_phase(n + 1, "NAT", "", "ALLOW", rule, f"Static translate {src} to {src}"),
        ], False  # fmt: skip
    outside = next((str(i.address) for i in device_interfaces(d) if i.name == egress), "0.0.0.0")
    port = 1 + zlib.crc32(flow.src.encode()) % 60000
    info = f"Dynamic translate {flow.src}/{flow.sport} to {outside}/{port}"
    return _phase(n, "NAT", "", "ALLOW", rule, info), True


def _vpn_phases(d: Device, entry: MapEntry, n: int, detailed: bool) -> tuple[list[str], bool]:
    sa = d.crypto.ipsec.get(entry.key)
    info = ""
    if detailed:
        acl = config(d).permits(entry.acl)[0]
        info = (
            " Forward Flow based lookup yields rule:\n"
            f" out id=0x{zlib.crc32(entry.key.encode()):08x}, priority=70, domain=encrypt, deny=false\n"
            f"        src ip={acl.src.network_address}, mask={acl.src.netmask}, port=0\n"
            f"        dst ip={acl.dst.network_address}, mask={acl.dst.netmask}, port=0, dscp=0x0"
        )
    if sa is None:
        return _phase(n, "VPN", "encrypt", "DROP", "", info), False
    return [
        *_phase(n, "VPN", "encrypt", "ALLOW", "", info),
        *_phase(n + 1, "VPN", "ipsec-tunnel-flow", "ALLOW"),
    ], True


def _result(flow: Flow, egress: str, drop: str | None) -> list[str]:
    out = [
        "Result:",
        f"input-interface: {flow.ingress}",
        "input-status: up",
        "input-line-status: up",
    ]
    if egress:
        out += [f"output-interface: {egress}", "output-status: up", "output-line-status: up"]
    out.append(f"Action: {'drop' if drop else 'allow'}")
    if drop:
        out.append(f"Drop-reason: {drop}")
    return out


def trace(d: Device, flow: Flow, detailed: bool) -> str:
    lines = _phase(1, "ACCESS-LIST", "", "ALLOW", "Implicit Rule", "MAC Access list")
    hop = resolve(device_rib(d), ipaddress.IPv4Address(flow.dst))
    if hop is None:
        lines += _phase(2, "ROUTE-LOOKUP", "Resolve Egress Interface", "DROP")
        return "\n".join([*lines, *_result(flow, "", "(no-route) No route to host")]) + "\n"
    egress, nexthop = hop
    info = f"found next-hop {nexthop} using egress ifc  {egress}"
    lines += _phase(2, "ROUTE-LOOKUP", "Resolve Egress Interface", "ALLOW", "", info)
    nat, translated = _nat_phases(d, flow, egress, 3)
    lines += nat
    n = 3 + sum(1 for line in nat if line.startswith("Phase: "))
    entry = None if translated else _crypto_entry(d, flow, egress)
    if entry is not None:
        vpn, ok = _vpn_phases(d, entry, n, detailed)
        lines += vpn
        n += sum(1 for line in vpn if line.startswith("Phase: "))
        if not ok:
            drop = "(acl-drop) Flow is denied by configured rule"
            return "\n".join([*lines, *_result(flow, egress, drop)]) + "\n"
    flow_id = zlib.crc32(f"{flow}".encode()) % 10**9
    info = f"New flow created with id {flow_id}, packet dispatched to next module"
    lines += _phase(n, "FLOW-CREATION", "", "ALLOW", "", info)
    return "\n".join([*lines, *_result(flow, egress, None)]) + "\n"


@asa_command("packet-tracer input <ifc> <proto> [...]")
def packet_tracer(s: Session, args: tuple[str, ...]) -> str:
    flow = _parse(args)
    if flow is None:
        return _INVALID
    if flow.ingress not in {i.name for i in device_interfaces(s.device)}:
        return _INVALID
    engine = s.device.crypto_engine
    if engine is not None:
        engine.sync()
    return trace(s.device, flow, detailed=bool(args) and args[-1].lower() == "detailed")


# -- show nat [detail] ------------------------------------------------------------------------
# Layout of real "show nat" / "show nat detail" pastes (code index files 36754944759 and
# 58049592673): "Manual NAT Policies (Section 1)", "Auto NAT Policies (Section 2)", numbered
# rules, "translate_hits = N, untranslate_hits = N", "Source - Origin: ..., Translated: ...".
def _nat_rows(d: Device, detail: bool) -> tuple[list[str], list[str]]:
    objects = read_objects(d.running)
    manual: list[str] = []
    auto: list[str] = []
    for node in d.running.sections():
        w = node.line.split()
        if w[0] == "nat" and len(w) > 2:
            manual += _manual_row(_next(manual), w, objects, detail)
        elif w[:2] == ["object", "network"] and len(w) == 3:
            for child in node.children:
                cw = child.line.split()
                if cw[0] == "nat" and len(cw) > 2:
                    auto += _auto_row(
                        d, len(auto) // (3 if detail else 2) + 1, w[2], cw, objects, detail
                    )
    return manual, auto


def _next(rows: list[str]) -> int:
    return 1 + sum(1 for row in rows if row[:1].isdigit())


def _ifcs(word: str) -> str:
    inner, outer = word.strip("()").split(",")
    return f"({inner}) to ({outer})"


def _manual_row(n: int, w: list[str], objects: dict[str, IPv4Network], detail: bool) -> list[str]:
    rest = " ".join(w[2:]).replace(" destination ", "   destination ")
    rest = rest.replace(" no-proxy-arp", "   no-proxy-arp", 1) if "destination" not in w else rest
    rows = [f"{n} {_ifcs(w[1])} {rest}", "    translate_hits = 0, untranslate_hits = 0"]
    if detail and "source" in w:
        at = w.index("source")
        real, mapped = (objects.get(x) for x in w[at + 2 : at + 4])
        rows.append(f"    Source - Origin: {real}, Translated: {mapped}")
        if "destination" in w:
            dt = w.index("destination")
            real, mapped = (objects.get(x) for x in w[dt + 2 : dt + 4])
            rows.append(f"    Destination - Origin: {mapped}, Translated: {real}")
    return rows


def _auto_row(
    d: Device, n: int, name: str, w: list[str], objects: dict[str, IPv4Network], detail: bool
) -> list[str]:
    kind, mapped = (w[2], w[3]) if len(w) > 3 else ("dynamic", "interface")
    rows = [f"{n} {_ifcs(w[1])} source {kind} {name} {mapped}"]
    # Hit counters stay 0: the lab integrates traffic, it does not count connections.
    rows.append("    translate_hits = 0, untranslate_hits = 0")
    if detail:
        outer = w[1].strip("()").split(",")[1]
        itf = next((i for i in device_interfaces(d) if i.name == outer), None)
        to = f"{itf.address}/32" if itf and mapped == "interface" else mapped
        rows.append(f"    Source - Origin: {objects.get(name)}, Translated: {to}")
    return rows


@asa_command("show nat [...]")
def show_nat(s: Session, args: tuple[str, ...]) -> str:
    detail = [a.lower() for a in args] == ["detail"]
    if args and not detail:
        return _INVALID
    manual, auto = _nat_rows(s.device, detail)
    out: list[str] = []
    if manual:
        out += ["Manual NAT Policies (Section 1)", *manual, ""]
    if auto:
        out += ["Auto NAT Policies (Section 2)", *auto, ""]
    return "\n".join(out)
