"""Titles: the lines an output prints once, or once per named item, at its head.

``parsers.repeats`` cuts a text into copies of one output where a title it has seen in the
current copy comes again::

    IPv4 Crypto ISAKMP SA              <- once per output
    interface: GigabitEthernet0/0      <- once per interface (the item: the interface)
    Crypto Map IPv4 "VPN" 10 ipsec-isakmp  <- once per map entry
"""

from __future__ import annotations

import functools
import re

# Lines an output prints once (a title, a table's header) or once per named item (an
# interface, a track, a map entry): the same one seen again in a copy starts the next copy.
# Per-item headers printed again for every item (IOS-XE ``Tunnel-id Local Remote ...`` above
# each IKEv2 SA) are not titles. Each title is listed with the two letters it can start with.
_TITLES: tuple[tuple[str, str], ...] = (
    (
        "IP",
        r"(?P<id>IPv[46] Crypto (?:ISAKMP|IKEv2)) +(?:SA|Session)\s*$",
    ),  # IPv4 Crypto ISAKMP SA
    ("ds", r"dst\s+src\s+state\s+conn-id"),  # dst  src  state  conn-id status
    ("IK", r"(?P<id>IKEv[12]) SAs:"),  # ASA: IKEv1 SAs:
    ("Ac", r"Active SA: \d"),  # ASA: Active SA: 1
    ("in", r"interface: (?P<id>\S+)\s*$"),  # show crypto ipsec sa: interface: Tunnel0
    ("pe", r"peer address: (?P<id>\S+)"),  # ASA show crypto ipsec sa peer X
    ("Cr", r"Crypto session current status"),
    ("Co", r"Codes?: C - IKE [Cc]onfiguration mode"),  # the legend of the detail outputs
    (
        "Cr",
        r'Crypto Map (?:IPv[46] )?(?P<id>"[^"]+" \d+)',
    ),  # Crypto Map IPv4 "VPN" 10 ipsec-isakmp
    ("Le", r"Legend: Attrb --> S - Static"),  # show dmvpn
    ("In", r"Interface: (?P<id>\S+), IPv[46] NHRP Details"),  # show dmvpn detail
    ("IP", r"IP ?SLAs? Latest Operation (?P<id>Summary|Statistics)"),
    ("IP", r"IP ?SLAs? operation id: (?P<id>\d+)"),  # IPSLA operation id: 1
    ("ID", r"ID\s+Type\s+Destination\s+State"),  # show ip sla summary
    ("En", r"Entry [Nn]umber: (?P<id>\d+)"),  # show ip sla configuration
    ("Tr", r"Track (?P<id>\d+)\s*$"),  # show track
    ("Se", r"Session Type: LAN-to-LAN"),  # ASA show vpn-sessiondb [detail] l2l
    ("VP", r"VPN Session Summary"),
    ("In", r"Interface\s+IP-Address\s+OK\?"),  # show ip interface brief
    ("Ro", r"Routing Table: (?P<id>\S+)"),  # show ip route vrf *: one legend per VRF
    ("Ro", r"Routing entry for (?P<id>\S+)"),
    ("Sy", r"Syslog logging: "),
    ("CP Co", r"(?P<id>(?:Core \d+: )?)CPU utilization for five seconds"),
    ("CP", r"CPU utilization for 5 seconds"),  # ASA show cpu usage
    ("No", r"No\.\s+(?P<id>Job Id|Class)\s+"),  # show event manager history / policy
    ("EX", r"EXCHANGE/NOTIFY\s+TX\(REQ\)"),  # show crypto ikev2 stats exchange
    ("Fr Fl", r"(?P<id>Frame|Flow) drop:$"),  # ASA show asp drop
    ("Ph", r"Phase:\s*1$"),  # ASA packet-tracer
    ("Ty", r"Type escape sequence to abort\."),  # ping
    ("Bu Cu AS", r"(?P<id>Building configuration|Current configuration|ASA Version)\b"),
    ("Ta", r"Target\s+Via\s+NBMA\s+Mode"),  # show ip nhrp brief (IOS 15.x and older)
    # The exec timestamp ('terminal exec prompt timestamp') heads every output once: seen again,
    # the next run has begun, even in an output with no title of its own (IKEv2 rows, NHRP).
    # Its second line is no title: 'show clock detail' prints 'Time source is NTP' itself.
    ("Lo", r"Load for five secs:"),
    ("In", r"Intf\s+NextHop Address\s+NBMA Address"),  # show ip nhrp brief
)
# GigabitEthernet1 is up, line protocol is up (show interfaces): unindented, any first letter
_INTERFACE_TITLE = re.compile(
    r"(?P<id>\S+) is (?:up|down|administratively down),\s+line protocol is "
)


@functools.cache
def _by_head() -> dict[str, tuple[tuple[int, re.Pattern[str]], ...]]:
    """The titles by their first two letters, compiled at the first use (not at the start of
    ``vpndiag diagnose``, which may be given only logs)."""
    table: dict[str, tuple[tuple[int, re.Pattern[str]], ...]] = {}
    for number, (heads, pattern) in enumerate(_TITLES):
        for head in heads.split():
            table[head] = (*table.get(head, ()), (number, re.compile(pattern)))
    return table


def title_of(stripped: str, unindented: bool) -> tuple[int, str] | None:
    """(which title, the item it names) when the line (``stripped`` of its indent) is a title."""
    for number, title in _by_head().get(stripped[:2], ()):
        if m := title.match(stripped):
            return number, " ".join((m.groupdict().get("id") or "").split())
    if unindented and " is " in stripped and (m := _INTERFACE_TITLE.match(stripped)):
        return -1, m["id"]
    return None
