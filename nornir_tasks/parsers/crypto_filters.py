"""Filtered forms of crypto and IP SLA show commands, read by the unfiltered command's parser.

IOS prints the same layout whatever selects the rows, so ``show crypto session interface
Tunnel2 detail`` (or ``local 4.4.4.1``), ``show crypto ikev2 sa local 4.4.4.1 [detail]`` and
``show ip sla statistics 50 details`` are read by the parser of the unfiltered command.
``show crypto ikev2 session [detail]`` is ``show crypto ikev2 sa`` grouped by session (the
``Session-id:`` line and the ``Child sa:`` selectors the ASA prints), read by the same parser::

    Interface: Tunnel2
    Profile: nil_ike_prof
    Session status: UP-ACTIVE
    Peer: 2001:101:0:1::2 port 500 fvrf: (none) ivrf: (none)
"""

from __future__ import annotations

from nornir_tasks.parsers import crypto_session, ikev2, ip_sla
from nornir_tasks.parsers.registry import parser

for _pattern in (
    "show crypto session interface *",
    "show crypto session interface * detail",
    "show crypto session local *",
    "show crypto session local * detail",
):
    parser(_pattern)(crypto_session.parse_crypto_session)

for _pattern in (
    "show crypto ikev2 sa local *",
    "show crypto ikev2 sa local * detail",
    "show crypto ikev2 session",
    "show crypto ikev2 session detail",
):
    parser(_pattern)(ikev2.parse_ikev2_sa)

parser("show ip sla statistics * details")(ip_sla.parse_ip_sla_statistics)
