"""ASA ``show asp drop``.

Sample::

    Frame drop:
      IPSEC tunnel is down (ipsec-tun-down)                                   231724
      Invalid SPI (np-sp-invalid-spi)                                          71490

    Last clearing: Never

    Flow drop:
      IPSec inner policy mismatch failure (ipsec-selector-failure)                 2
      VPN decryption missing (vpn-missing-decrypt)                           2337600
"""

from __future__ import annotations

import re

from nornir_tasks.models.asp_drop import AspDrop, AspDropTable
from nornir_tasks.parsers._common import table_lines
from nornir_tasks.parsers._unparsed import skip
from nornir_tasks.parsers.registry import parser

COMMAND = "show asp drop"
# Frame drop:  /  Flow drop:
_SECTION = re.compile(r"^(Frame|Flow) drop:$")
#   No route to host (no-route)                                           28187272
# A long reason is cut at a fixed width: "(np-socket-lock-failu         61" has no ")".
_DROP = re.compile(r"^(.+?) \(([\w.-]+)\)?\s+(\d+)$")
# Last clearing: Never
_CLEARING = re.compile(r"^Last clearing: (.+)$")


@parser("show asp drop")
def parse_asp_drop(text: str) -> AspDropTable:
    kind = "frame"
    drops: list[AspDrop] = []
    clearing: list[str] = []
    for raw in table_lines(COMMAND, text):
        line = raw.strip()
        if m := _SECTION.match(line):
            kind = m[1].lower()
        elif m := _DROP.match(line):
            drops.append(AspDrop(kind, m[1].strip(), m[2], int(m[3]), line))
        elif m := _CLEARING.match(line):
            clearing.append(m[1].strip())
        elif line:
            skip(raw)
    return AspDropTable(tuple(drops), tuple(clearing))
