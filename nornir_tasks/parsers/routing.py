"""``show ip route <address>`` (one entry) and ``show ip route`` (the table).

Sample (one entry)::

    Routing entry for 0.0.0.0/0, supernet
      Known via "static", distance 1, metric 0, candidate default path
      Routing Descriptor Blocks:
      * 203.0.113.1
          Route metric is 0, traffic share count is 1
        directly connected, via GigabitEthernet0/1
    % Network not in table

Sample (table)::

    Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP
           ia - IS-IS inter area, * - candidate default, U - per-user static route
    Gateway of last resort is 203.0.113.1 to network 0.0.0.0

    S*    0.0.0.0/0 [1/0] via 203.0.113.1
          1.0.0.0/32 is subnetted, 1 subnets
    S        1.1.1.1 is directly connected, Null0
    O E2     4.4.0.0 [110/20] via 194.0.0.2, 00:02:00, FastEthernet0/0
    O     192.168.21.0/24
               [110/11] via 192.168.11.250, 23:31:02, GigabitEthernet1.11
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from nornir_tasks.models.routing import Route, RouteHop, RouteLookup, RouteTable
from nornir_tasks.parsers._common import table_lines, to_int
from nornir_tasks.parsers._unparsed import skip
from nornir_tasks.parsers.registry import parser

LOOKUP = "show ip route <address>"
TABLE = "show ip route"

# Routing entry for 10.16.2.2/32 / Routing entry for 0.0.0.0/0, supernet
_ENTRY = re.compile(r"^Routing entry for (\S+?)(?:,\s*(.*))?$")
# % Network not in table / % Subnet not in table
_NOT_FOUND = re.compile(r"^%\s*(?:Network|Subnet) not in table")
# Routing Table: VRF BLUE / Routing Table: CODE-DAVE-INSIDE (one per VRF in show ip route vrf *)
_VRF_HEADER = re.compile(r"^Routing Table:\s*(\S*)")
# Known via "eigrp 1", distance 130, metric 10880, type internal / ... metric 0 (connected)
_KNOWN_VIA = re.compile(r'^Known via "([^"]*)", distance (\d+), metric (\d+)(.*)$')
# Tag 65161, type external
_TAG = re.compile(r"^Tag (\d+)(?:,\s*type (.+))?$")
# Last update from 192.168.151.2 on Vlan101, 2w3d ago
_LAST_UPDATE = re.compile(r"^Last update (.+)$")
# * 192.168.151.2, from 192.168.151.2, 2w3d ago, via Vlan101 / * directly connected, via Gi0/0
_HOP = re.compile(
    r"^(\*\s*)?(?:(\d+\.\d+\.\d+\.\d+|[0-9A-Fa-f]*:[0-9A-Fa-f:.]+)|directly connected)"
    r"(?:,\s*from (\S+?))?(?:,\s*(\S+) ago)?(?:,\s*via ([^,\s]+))?(?:,.*)?$"
)
# type internal / type intra area (in the tail of the "Known via" line)
_ROUTE_TYPE = re.compile(r"\btype ([\w -]+?)(?:,|$)")
# Route metric is 10880, traffic share count is 1
_HOP_METRIC = re.compile(r"^Route metric is (\d+)(?:,\s*traffic share count is (\d+))?")
# Lines of an entry or a hop that carry nothing the model keeps (routing protocol detail):
# Redistributing via eigrp 10 / Advertised by eigrp 10 route-map X / SR Incoming Label: 52610 /
# MPLS label: none / MPLS Flags: NSF / Repair Path: 192.168.0.2, via Gi3 / opaque_ptr 0x7BE6.. /
# AS Hops 5 / Route tag 65637 / Total delay is 20 microseconds, minimum bandwidth is 1000000 Kbit
# / Reliability 255/255, minimum MTU 1500 bytes / Loading 1/255, Hops 1
_LOOKUP_DETAIL = re.compile(
    r"^(?:Redistributing via |Advertised by |SR Incoming Label:|MPLS (?:label|Flags):"
    r"|Repair Path:|opaque_ptr |AS Hops \d|Route tag \d|Total delay is |Reliability \d+/\d+"
    r"|Loading \d+/\d+|Minimum (?:bandwidth|MTU)|Originator: |Backup from )"
)
# Default gateway is 172.27.147.1 (no ip routing: every lookup answers with the gateway) /
# Host               Gateway           Last Use    Total Uses  Interface / ICMP redirect cache
# is empty (and its rows: 10.1.1.1  10.0.0.1  0:00  3  Vlan1)
_DEFAULT_GATEWAY = re.compile(r"^Default gateway is (\S+)")
_REDIRECT_CACHE = re.compile(
    r"^(?:Host\s+Gateway\s+Last Use|ICMP redirect cache is|\d+\.\d+\.\d+\.\d+\s+\d+\.\d+\.\d+\.\d+\s)"
)


@dataclass
class _Lookup:
    prefix: str | None = None
    known_via: re.Match[str] | None = None
    tag: int | None = None
    route_type: str | None = None
    last_update: str | None = None
    in_blocks: bool = False
    hops: list[RouteHop] = field(default_factory=list)
    subnets_entry: bool = False


def _hop(m: re.Match[str]) -> RouteHop:
    return RouteHop(
        address=m[2],
        interface=m[5],
        best=m[1] is not None,
        source=m[3],
        age=m[4],
        metric=None,
        traffic_share=None,
    )


def _lookup_line(entry: _Lookup, line: str) -> None:
    if m := _KNOWN_VIA.match(line):
        entry.known_via = m
        tail = m[4] or ""
        if t := _ROUTE_TYPE.search(tail):
            entry.route_type = t[1]
    elif m := _TAG.match(line):
        entry.tag, entry.route_type = to_int(m[1]), m[2] or entry.route_type
    elif m := _LAST_UPDATE.match(line):
        entry.last_update = m[1]
    elif line.startswith("Routing Descriptor Blocks"):
        entry.in_blocks = True
    elif entry.in_blocks and (m := _HOP.match(line)):
        entry.hops.append(_hop(m))
    elif entry.hops and (m := _HOP_METRIC.match(line)):
        metric, share = to_int(m[1]), to_int(m[2])
        entry.hops[-1] = replace(entry.hops[-1], metric=metric, traffic_share=share)
    elif not _LOOKUP_DETAIL.match(line):
        skip(line)


def _freeze_lookup(entry: _Lookup) -> RouteLookup:
    via = entry.known_via
    tail = (via[4] or "") if via else ""
    return RouteLookup(
        found=True,
        not_found_reason=None,
        prefix=entry.prefix,
        protocol=via[1] if via else None,
        distance=to_int(via[2]) if via else None,
        metric=to_int(via[3]) if via else None,
        route_type=entry.route_type,
        candidate_default="candidate default" in tail,
        tag=entry.tag,
        last_update=entry.last_update,
        next_hops=tuple(entry.hops),
        complete=via is not None and (bool(entry.hops) or entry.subnets_entry),
    )


def _not_found(line: str) -> RouteLookup:
    return RouteLookup(
        found=False,
        not_found_reason=line,
        prefix=None,
        protocol=None,
        distance=None,
        metric=None,
        route_type=None,
        candidate_default=False,
        tag=None,
        last_update=None,
        next_hops=(),
        complete=True,
    )


def _default_gateway(gateway: str) -> RouteLookup:
    """A host with ``no ip routing`` (a switch) sends every off-link address to its gateway."""
    hop = RouteHop(gateway, None, True, None, None, None, None)
    return replace(
        _not_found(""),
        found=True,
        not_found_reason=None,
        prefix="0.0.0.0/0",
        protocol="default gateway",
        next_hops=(hop,),
    )


@parser("show ip route *")
@parser("show ip route vrf * *")
def parse_route_lookup(text: str) -> RouteLookup:
    """Parse ``show ip route <address>``: the entry used for that address, or why none."""
    lines = [line.strip() for line in table_lines(LOOKUP, text)]
    entry: _Lookup | None = None
    gateway: RouteLookup | None = None
    for line in lines:
        if entry is None and (_VRF_HEADER.match(line) or (gateway and _REDIRECT_CACHE.match(line))):
            continue
        if entry is None and (m := _DEFAULT_GATEWAY.match(line)):
            gateway = _default_gateway(m[1])
            continue
        if entry is None and _NOT_FOUND.match(line):
            return _not_found(line)
        if entry is None:
            if not (m := _ENTRY.match(line)):
                skip(line)
                continue
            entry = _Lookup(prefix=m[1], subnets_entry="known subnets" in (m[2] or ""))
        else:
            _lookup_line(entry, line)
    if entry is None:
        return gateway or replace(_not_found(""), not_found_reason=None, complete=True)
    return _freeze_lookup(entry)


# Gateway of last resort is 194.0.0.2 to network 0.0.0.0 / Gateway of last resort is not set
_GATEWAY = re.compile(r"^Gateway of last resort is (?:(\S+) to network (\S+)|not set)")
# Codes: L - local, C - connected, ... (and its indented continuation lines)
_LEGEND = re.compile(r"^(?:Codes:|\S{1,3} - \S|[A-Za-z0-9*+%&]{1,3} - )")
#      1.0.0.0/32 is subnetted, 1 subnets / 10.0.0.0/8 is variably subnetted, 5 subnets, 3 masks
_SUBNETTED = re.compile(r"^(\d+\.\d+\.\d+\.\d+)/(\d+) is (variably )?subnetted")
# S*    0.0.0.0/0 [1/0] via 203.0.113.1 / O E2    4.4.0.0 [110/20] via 194.0.0.2, 00:02:00, Fa0/0
# S   %    10.34.0.1 [1/0] via 192.168.16.1 / C   p    10.34.0.2 is directly connected, Lo0
# (IOS-XE 16+: a flag column after the code: + replicated, % next hop override, p PfR,
# & replicated local route overrides by connected)
_ROUTE = re.compile(
    r"^([A-Za-z][A-Za-z0-9]?\*?(?: ?[A-Za-z][A-Za-z0-9]?)?\*?)(?:\s+([+%p&]))?\s+"
    r"(\d+\.\d+\.\d+\.\d+)(?:/(\d+))?(.*)$"
)
#            [110/11] via 192.168.11.204, 23:31:02, GigabitEthernet1.11
_WRAPPED = re.compile(r"^\[(\d+)/(\d+)\]\s+via\s+(.*)$")
# [1/0] via 212.0.0.1 / is directly connected, FastEthernet0/0 / [6/0], 3w2d, Null0 (SD-WAN
# NAT DIA: no next-hop address)
_ROUTE_REST = re.compile(
    r"^(?:\[(\d+)/(\d+)\](?:\s+via\s+|(?=,))(.*)|is directly connected,\s*(\S+).*)$"
)
#                  is directly connected, GigabitEthernet0/2  (a second, equal-cost path)
_WRAPPED_CONNECTED = re.compile(r"^is directly connected,\s*(\S+)")
# 00:02:00 / 1d02h / 2w3d (the age of a route)
_AGE = re.compile(r"^\d+[:wdhmy]")
# Tue May 22 22:32:30.765 UTC (a time stamp above the table)
_STAMP = re.compile(r"^[A-Z][a-z]{2} [A-Z][a-z]{2}\s+\d{1,2} \d\d:\d\d:\d\d")


# 10.144.0.1 (red): a next hop in another VRF (a replicated route)
_HOP_VRF = re.compile(r"\s*\([\w.:-]+\)$")


def _via(text: str) -> RouteHop:
    """``212.0.0.1, 00:02:00, FastEthernet0/0`` -> hop with address, age and interface."""
    parts = [p.strip() for p in text.split(",")]
    parts[0] = _HOP_VRF.sub("", parts[0])
    age = next((p for p in parts[1:] if _AGE.match(p)), None)
    interface = next((p for p in parts[1:] if p and not _AGE.match(p)), None)
    return RouteHop(parts[0] or None, interface, True, None, age, None, None)


@dataclass
class _Table:
    routes: list[Route] = field(default_factory=list)
    mask: str | None = None  # length from the last "is subnetted" header
    gateway: str | None = None
    network: str | None = None
    dangling: bool = False  # a route line waiting for its wrapped next-hop line
    vrf: str | None = None  # from the last "Routing Table:" header


def _route(table: _Table, m: re.Match[str]) -> None:
    code = f"{m[1]} {m[2]}" if m[2] else m[1]  # the flag stays in the code, as printed
    rest = _ROUTE_REST.match(m[5].strip())
    length = m[4] or table.mask or "32"
    hops: tuple[RouteHop, ...] = ()
    distance = metric = None
    if rest and rest[3] is not None:
        distance, metric, hops = to_int(rest[1]), to_int(rest[2]), (_via(rest[3]),)
    elif rest and rest[4] is not None:
        hops = (RouteHop(None, rest[4], True, None, None, None, None),)
    table.dangling = not m[5].strip()
    table.routes.append(
        Route(code, code[0], "*" in code, f"{m[3]}/{length}", distance, metric, hops, table.vrf)
    )


def _wrapped(table: _Table, m: re.Match[str]) -> None:
    last = table.routes[-1]
    hops = (*last.next_hops, _via(m[3]))
    distance = last.distance if last.distance is not None else to_int(m[1])
    metric = last.metric if last.metric is not None else to_int(m[2])
    table.routes[-1] = replace(last, distance=distance, metric=metric, next_hops=hops)
    table.dangling = False


def _table_line(table: _Table, line: str) -> bool:
    """Read one table line; False when no rule knows it."""
    if m := _SUBNETTED.match(line):
        table.mask = None if m[3] else m[2]
    elif m := _ROUTE.match(line):
        _route(table, m)
    elif (m := _WRAPPED.match(line)) and table.routes:
        _wrapped(table, m)
    elif (m := _WRAPPED_CONNECTED.match(line)) and table.routes:
        last = table.routes[-1]
        hop = RouteHop(None, m[1], True, None, None, None, None)
        table.routes[-1] = replace(last, next_hops=(*last.next_hops, hop))
        table.dangling = False
    elif m := _GATEWAY.match(line):
        table.gateway, table.network = m[1], m[2]
    elif m := _VRF_HEADER.match(line):
        table.vrf = m[1] or None
    elif m := _DEFAULT_GATEWAY.match(line):  # no ip routing: all goes to this gateway
        table.gateway, table.network = m[1], "0.0.0.0"
    elif _REDIRECT_CACHE.match(line):
        pass
    else:
        return bool(_LEGEND.match(line) or _STAMP.match(line))
    return True


@parser("show ip route")
@parser("show ip route vrf *")
def parse_route_table(text: str) -> RouteTable:
    """Parse ``show ip route``: routes with codes, distance/metric and next hops."""
    table = _Table()
    for raw in table_lines(TABLE, text):
        if not _table_line(table, raw.strip()):
            skip(raw)
    return RouteTable(
        gateway_of_last_resort=table.gateway,
        default_network=table.network,
        routes=tuple(table.routes),
        complete=not table.dangling,
    )
