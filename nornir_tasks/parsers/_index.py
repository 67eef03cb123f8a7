"""Which parser module registers which command patterns, so a lookup imports only those.

Kept equal to what the modules register by ``tests/parsers/test_parser_index.py``, which
prints the corrected table when they differ. ``registry`` reads it; nothing else should.
"""

from __future__ import annotations

PARSERS_BY_MODULE: dict[str, tuple[str, ...]] = {
    "asp_drop": ("show asp drop",),
    "cpu": (
        "show cpu usage",
        "show processes cpu ...",
    ),
    "crypto_filters": (
        "show crypto ikev2 sa local *",
        "show crypto ikev2 sa local * detail",
        "show crypto ikev2 session",
        "show crypto ikev2 session detail",
        "show crypto session interface *",
        "show crypto session interface * detail",
        "show crypto session local *",
        "show crypto session local * detail",
        "show ip sla statistics * details",
    ),
    "crypto_map": (
        "show crypto map",
        "show crypto map interface *",
        "show crypto map tag *",
    ),
    "crypto_session": (
        "show crypto session",
        "show crypto session detail",
        "show crypto session remote *",
        "show crypto session remote * detail",
    ),
    "dmvpn": (
        "show dmvpn",
        "show dmvpn detail",
        "show dmvpn interface *",
        "show dmvpn interface * detail",
    ),
    "eem": (
        "show event manager history events",
        "show event manager history events ...",
        "show event manager policy registered",
        "show event manager policy registered ...",
    ),
    "ikev2": (
        "show crypto ikev2 sa",
        "show crypto ikev2 sa detail",
        "show crypto ikev2 sa remote *",
        "show crypto ikev2 sa remote * detail",
    ),
    "ikev2_stats": ("show crypto ikev2 stats exchange",),
    "interface_detail": (
        "show interfaces",
        "show interfaces *",
        "show interfaces * *",
    ),
    "interfaces": (
        "show ip interface brief",
        "show ip interface brief ...",
    ),
    "ip_sla": (
        "show ip sla configuration",
        "show ip sla configuration *",
        "show ip sla statistics",
        "show ip sla statistics *",
        "show ip sla summary",
    ),
    "ipsec": (
        "show crypto ipsec sa",
        "show crypto ipsec sa detail",
        "show crypto ipsec sa interface *",
        "show crypto ipsec sa interface * detail",
        "show crypto ipsec sa peer *",
        "show crypto ipsec sa peer * detail",
    ),
    "isakmp": (
        "show crypto ikev1 sa",
        "show crypto ikev1 sa detail",
        "show crypto isakmp sa",
        "show crypto isakmp sa detail",
    ),
    "logs": (
        "debug crypto ikev1 ...",
        "debug crypto ikev2 ...",
        "debug crypto ipsec ...",
        "debug crypto isakmp ...",
        "show logging",
        "show logging ...",
    ),
    "nhrp": (
        "show ip nhrp",
        "show ip nhrp detail",
    ),
    "nhrp_brief": ("show ip nhrp brief",),
    "packet_tracer": (
        "packet-tracer input * icmp * * * * ...",
        "packet-tracer input * tcp * * * * ...",
        "packet-tracer input * udp * * * * ...",
        "packet-tracer input ...",
    ),
    "ping": ("ping * ...",),
    "pki": (
        "show clock",
        "show crypto pki certificates ...",
    ),
    "routing": (
        "show ip route",
        "show ip route *",
        "show ip route vrf *",
        "show ip route vrf * *",
    ),
    "running_config": (
        "more ...",
        "show running-config",
        "show running-config ...",
        "show startup-config",
    ),
    "track": (
        "show track",
        "show track *",
    ),
    "vpn_sessiondb": (
        "show vpn-sessiondb",
        "show vpn-sessiondb detail l2l ...",
        "show vpn-sessiondb l2l ...",
        "show vpn-sessiondb summary",
    ),
}
