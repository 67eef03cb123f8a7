"""``show dmvpn [detail]`` and ``show ip nhrp [nhs|brief] [detail]``: the NHRP cache as IOS-XE
prints it.

Layouts copied from real captures: ``show dmvpn`` from ntc-templates
``tests/cisco_ios/show_dmvpn/cisco_ios_show_dmvpn.raw`` and genieparser
``iosxe/tests/ShowDmvpn/cli/equal/golden_output1_output.txt`` (``DT2``/``DT1`` rows of one
NBMA peer, ``UNKNOWN ... IX``); ``show dmvpn detail`` from an IOS-XE IKEv2 spoke (code index
file 19067977171: ``Interface Tunnel0 is up/up, Addr. is ...``, ``IPv4 NHS:``, ``Target
Network``, ``Crypto Session Details``); ``show ip nhrp`` from genieparser
``iosxe/tests/ShowIpNhrp/cli/equal/golden_output_output.txt``; ``show ip nhrp nhs detail``
with ``Pending Registration Requests`` from an iol-xe run (file 71413604881); ``show ip nhrp
brief`` from IOSv and IOS-XE notes (code index files 20401260477, 56030736681: the legend, two
lines per entry, no incomplete entries). No capture was
found of a hub's ``show dmvpn detail`` (the lab prints no ``IPv4 NHS:`` block for a tunnel
without servers), of an incomplete entry in ``show ip nhrp`` (``Type: incomplete, Flags:
negative`` is lab wording) or of ``show ip nhrp detail`` (the lab prints the plain form).
"""

from __future__ import annotations

import ipaddress

from lab.crypto.dmvpnsa import mgre_tunnels, socket_up, source_address
from lab.device import Device
from lab.dmvpncfg import MgreTunnel
from lab.dmvpncrypto import session_detail
from lab.nhrpstate import EntryKind, NhrpEntry, NhsRecord
from lab.sadb import V2Status

LEGEND = """Legend: Attrb --> S - Static, D - Dynamic, I - Incomplete
        N - NATed, L - Local, X - No Socket
        T1 - Route Installed, T2 - Nexthop-override
        C - CTS Capable
        # Ent --> Number of NHRP entries with same NBMA peer
        NHS Status: E --> Expecting Replies, R --> Responding, W --> Waiting
        UpDn Time --> Up or Down Time for a Tunnel
=========================================================================="""
_HEAD = (
    " # Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb\n"
    " ----- --------------- --------------- ----- -------- -----"
)
_HEAD_DETAIL = (
    "# Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb    Target Network\n"
    "----- --------------- --------------- ----- -------- ----- -----------------"
)
NHS_LEGEND = "Legend: E=Expecting replies, R=Responding, W=Waiting, D=Dynamic"


def elapsed(seconds: float) -> str:
    """IOS's up/down times: ``00:29:40``, ``6d12h``, ``3w5d``."""
    s = max(0, int(seconds))
    days, rest = divmod(s, 86400)
    if days >= 7:
        return f"{days // 7}w{days % 7}d"
    if days:
        return f"{days}d{rest // 3600}h"
    return f"{rest // 3600:02}:{rest % 3600 // 60:02}:{rest % 60:02}"


def _ip_key(text: str | None) -> tuple[int, int]:
    return (0, 0) if text is None else (1, int(ipaddress.IPv4Address(text)))


def peer_groups(device: Device, tunnel: MgreTunnel) -> list[tuple[str | None, list[NhrpEntry]]]:
    """The cache entries of ``tunnel`` by NBMA peer, UNKNOWN first, then by address."""
    groups: dict[str | None, list[NhrpEntry]] = {}
    for entry in device.nhrp.entries:
        if entry.tunnel == tunnel.name:
            groups.setdefault(entry.nbma, []).append(entry)
    for entries in groups.values():
        entries.sort(key=lambda e: (int(e.target.network_address), e.target.prefixlen))
    return sorted(groups.items(), key=lambda g: _ip_key(g[0]))


def nhs_record(device: Device, tunnel: MgreTunnel, entry: NhrpEntry) -> NhsRecord | None:
    if entry.kind is not EntryKind.STATIC:
        return None
    return device.nhrp.nhs.get((tunnel.name, entry.via))


def row_state(device: Device, tunnel: MgreTunnel, entry: NhrpEntry) -> str:
    """``State``: INTF, IKE, IPSEC, NHRP or UP."""
    if entry.nbma is None:
        return "NHRP"
    if tunnel.protection and not socket_up(device, tunnel, entry.nbma):
        ike = device.crypto.find_v2(entry.nbma)
        return "IPSEC" if ike is not None and ike.status is V2Status.READY else "IKE"
    rec = nhs_record(device, tunnel, entry)
    if rec is not None and not rec.registered:
        return "NHRP"
    return "UP"


def row_time(device: Device, tunnel: MgreTunnel, entry: NhrpEntry) -> str:
    now = device.clock.now()
    rec = nhs_record(device, tunnel, entry)
    if entry.nbma is None or (rec is not None and rec.changed_at is None):
        return "never"
    if rec is not None and rec.changed_at is not None:
        return elapsed(now - rec.changed_at)
    since = device.nhrp.sockets.get(f"{tunnel.name} {entry.nbma}", entry.created)
    return elapsed(now - max(since, entry.created))


def _rows(device: Device, tunnel: MgreTunnel, detail: bool) -> list[str]:
    out: list[str] = []
    for nbma, entries in peer_groups(device, tunnel):
        for i, entry in enumerate(entries):
            count = (
                f"{len(entries):>{5 if detail else 6}}" if i == 0 else " " * (5 if detail else 6)
            )
            peer = (nbma or "UNKNOWN") if i == 0 else ""
            line = (
                f"{count} {peer:<15} {entry.via:>15} {row_state(device, tunnel, entry):>5} "
                f"{row_time(device, tunnel, entry):>8} {entry.attrb():>5}"
            )
            out.append(line + (f" {entry.target!s:>17}" if detail else ""))
    return out


def show_dmvpn(device: Device, detail: bool) -> str:
    out = [LEGEND, ""]
    for tunnel in mgre_tunnels(device):
        if tunnel.shutdown:  # detail: the IOS 15 capture's "Tunnel51 is admin down"; plain:
            out += [f"{tunnel.name} is admin down", ""] if detail else []  # no capture, none
            continue
        if detail:
            out += _detail_head(device, tunnel)
        else:
            peers = len(peer_groups(device, tunnel))
            kind = "Spoke" if tunnel.nhs else "Hub"
            out += [f"Interface: {tunnel.name}, IPv4 NHRP Details ",
                    f"Type:{kind}, NHRP Peers:{peers}, ", "", _HEAD]  # fmt: skip
        out += _rows(device, tunnel, detail)
        out.append("")
        if detail:
            out += crypto_details(device, tunnel)
    return "\n".join(out) + "\n"


def _detail_head(device: Device, tunnel: MgreTunnel) -> list[str]:
    state = "administratively down/down" if tunnel.shutdown else "up/up"
    out = [
        f'Interface {tunnel.name} is {state}, Addr. is {tunnel.address}, VRF "" ',
        f'   Tunnel Src./Dest. addr: {source_address(device, tunnel)}/MGRE, Tunnel VRF ""',
        f'   Protocol/Transport: "multi-GRE/IP", Protect "{tunnel.protection or ""}" ',
        "   Interface State Control: Disabled",
        "   nhrp event-publisher : Disabled",
        "",
    ]
    if tunnel.nhs:
        out.append("IPv4 NHS:")
        out += [nhs_brief(device, tunnel, n.address) for n in tunnel.nhs]
    kind = "Spoke" if tunnel.nhs else "Hub"
    peers = len(peer_groups(device, tunnel))
    return [*out, f"Type:{kind}, Total NBMA Peers (v4/v6): {peers}", "", _HEAD_DETAIL]


def nhs_brief(device: Device, tunnel: MgreTunnel, address: str) -> str:
    rec = device.nhrp.nhs.get((tunnel.name, address))
    status = rec.status() if rec else "E"
    return f"{address} {status:>3} priority = 0 cluster = 0"


def crypto_details(device: Device, tunnel: MgreTunnel) -> list[str]:
    """The ``Crypto Session Details`` block of ``show dmvpn detail``: one per socket."""
    peers = [nbma for nbma, _ in peer_groups(device, tunnel) if nbma]
    if not tunnel.protection or not peers:
        return []
    out = ["          ", "Crypto Session Details: ", "-" * 80, ""]
    for nbma in peers:
        out += session_detail(device, tunnel, nbma)
    return out


# -- show ip nhrp -----------------------------------------------------------------------------
def show_ip_nhrp(device: Device) -> str:
    now = device.clock.now()
    out: list[str] = []
    entries = sorted(
        device.nhrp.entries, key=lambda e: (int(e.target.network_address), e.target.prefixlen)
    )
    for e in entries:
        expire = "never expire" if e.expires is None else f"expire {elapsed(e.expires - now)}"
        flags = " ".join(e.shown_flags(now))
        out += [
            f"{e.target} via {e.via}",
            f"   {e.tunnel} created {elapsed(now - e.created)}, {expire}",
            f"   Type: {e.kind.value}, Flags:{' ' + flags if flags else ''}",
        ]
        out.append(f"   NBMA address: {e.nbma}" if e.nbma else "   Cache hits: 0")
    return "\n".join(out) + ("\n" if out else "")


BRIEF_HEAD = """****************************************************************************
    NOTE: Link-Local, No-socket and Incomplete entries are not displayed
****************************************************************************
Legend: Type --> S - Static, D - Dynamic
        Flags --> u - unique, r - registered, e - temporary, c - claimed
        a - authoritative, t - route
============================================================================

Intf     NextHop Address                                    NBMA Address
         Target Network                              T/Flag
-------- ------------------------------------------- ------ ----------------"""
# The flags the brief legend has a letter for, in the legend's order.
_BRIEF_FLAGS = {"unique": "u", "registered": "r", "temporary": "e", "claimed": "c"}


def show_ip_nhrp_brief(device: Device) -> str:
    """Two lines per static or dynamic entry (incomplete ones are not displayed)."""
    now = device.clock.now()
    out = [BRIEF_HEAD]
    entries = sorted(
        device.nhrp.entries, key=lambda e: (int(e.target.network_address), e.target.prefixlen)
    )
    for e in entries:
        if e.kind is EntryKind.INCOMPLETE or not e.nbma:
            continue
        letters = "".join(_BRIEF_FLAGS.get(f, "") for f in e.shown_flags(now))
        kind = "S" if e.kind is EntryKind.STATIC else "D"
        intf = "Tu" + e.tunnel[len("Tunnel") :]
        out += [f"{intf:<9}{e.via!s:<51}{e.nbma}", f"{'':9}{e.target!s:<44}{kind}/{letters}"]
    return "\n".join(out) + "\n"


def show_nhs(device: Device, detail: bool) -> str:
    now = device.clock.now()
    out = [NHS_LEGEND]
    pending: list[str] = []
    for tunnel in mgre_tunnels(device):
        if not tunnel.nhs:
            continue
        out.append(f"{tunnel.name}:")
        for nhs in tunnel.nhs:
            line = nhs_brief(device, tunnel, nhs.address)
            rec = device.nhrp.nhs.get((tunnel.name, nhs.address))
            if detail and rec is not None:
                line = _nhs_detail(rec, now)
                if not rec.registered and rec.req_sent:
                    pending.append(
                        f"Registration Request: Reqid {rec.reqid}, Ret {int(rec.retry)}  NHS "
                        f"{rec.address} expired (Tu{tunnel.name[len('Tunnel') :]})"
                    )
            out.append(line)
    if pending:
        out += ["", "", "Pending Registration Requests:", *pending]
    return "\n".join(out) + "\n"


def _nhs_detail(rec: NhsRecord, now: float) -> str:
    ago = f" ({elapsed(now - rec.last_reply)} ago)" if rec.last_reply is not None else ""
    return (
        f"{rec.address} {rec.status():>3}  NBMA Address: {rec.nbma} priority = 0 cluster = 0  "
        f"req-sent {rec.req_sent}  req-failed {rec.req_failed}  repl-recv {rec.repl_recv}{ago}"
    )
