"""``show crypto ikev2 stats exchange`` (IOS-XE): IKEv2 exchanges and notifies, counted.

Sample (genieparser's IOS-XE capture, tests/golden/genie_iosxe_ikev2_stats_exchange)::

    EXCHANGE/NOTIFY TX(REQ) TX(RES) RX(REQ) RX(RES)

    EXCHANGES

    IKE_SA_INIT 8618 0 0 5206
    IKE_AUTH 5206 0 0 5206

    ERROR NOTIFY

    NO_PROPOSAL_CHOSEN 0 0 0 5203

    OTHER NOTIFY

    INITIAL_CONTACT 5206 0 0 0

    CONFIG PAYLOAD TYPE TX RX

    CFG_REQUEST 5206 0

    OTHER COUNTERS

    NAT_INSIDE 3
    NO_NAT 5203

The counters are the router's, over every peer, since the last clear. Newer releases add four
retransmission columns (``RTX(REQ) RTX(RES) RRX(REQ) RRX(RES)``, genieparser's parser reads
them); they are accepted and not kept. Config-payload rows are read and not kept.
"""

from __future__ import annotations

import re

from nornir_tasks.models.ikev2 import Ikev2ExchangeCount, Ikev2ExchangeStats
from nornir_tasks.parsers._common import table_lines
from nornir_tasks.parsers._unparsed import skip
from nornir_tasks.parsers.registry import parser

COMMAND = "show crypto ikev2 stats exchange"

# EXCHANGE/NOTIFY TX(REQ) TX(RES) RX(REQ) RX(RES)
_HEADER = re.compile(r"^EXCHANGE/NOTIFY\s+TX\(REQ\)")
# EXCHANGES / ERROR NOTIFY / OTHER NOTIFY / CONFIG PAYLOAD TYPE TX RX / OTHER COUNTERS
_SECTIONS = {
    "EXCHANGES": "exchanges",
    "ERROR NOTIFY": "error_notify",
    "OTHER NOTIFY": "other_notify",
    "CONFIG PAYLOAD TYPE": "config_payload",
    "OTHER COUNTERS": "other_counters",
}
_SECTION = re.compile(
    r"^(EXCHANGES|ERROR NOTIFY|OTHER NOTIFY|CONFIG PAYLOAD TYPE|OTHER COUNTERS)\b"
)
# IKE_SA_INIT 8618 0 0 5206   (or with four more retransmission counters)
_FOUR = re.compile(r"^([A-Z0-9_]+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)(?:\s+\d+\s+\d+\s+\d+\s+\d+)?$")
# CFG_REQUEST 5206 0
_TWO = re.compile(r"^([A-Z0-9_]+)\s+(\d+)\s+(\d+)(?:\s+\d+\s+\d+)?$")
# NO_NAT 5203
_ONE = re.compile(r"^([A-Z0-9_]+)\s+(\d+)(?:\s+\d+)?$")


@parser("show crypto ikev2 stats exchange")
def parse_ikev2_stats_exchange(text: str) -> Ikev2ExchangeStats:
    rows: list[Ikev2ExchangeCount] = []
    other: list[tuple[str, int]] = []
    section = ""
    for raw in table_lines(COMMAND, text):
        line = raw.strip()
        if m := _SECTION.match(line):
            section = _SECTIONS[m[1]]
        elif _HEADER.match(line):
            continue
        elif section in ("exchanges", "error_notify", "other_notify") and (m := _FOUR.match(line)):
            tx_req, tx_res, rx_req, rx_res = (int(n) for n in m.groups()[1:])
            rows.append(Ikev2ExchangeCount(m[1], section, tx_req, tx_res, rx_req, rx_res, line))
        elif section == "config_payload" and _TWO.match(line):
            continue
        elif section == "other_counters" and (m := _ONE.match(line)):
            other.append((m[1], int(m[2])))
        else:
            skip(raw)
    return Ikev2ExchangeStats(tuple(rows), tuple(other))
