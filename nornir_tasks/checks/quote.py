"""Quote device lines as evidence: SA rows, flow counters, routes, configuration, log lines.

Evidence is the device's own text, stripped of surrounding blanks. A line quoted from another
host than the finding's is prefixed with that host's name (``HQ: 198.51.100.2 ...``).
Configuration lines pass through ``mask_secrets`` first: no key is ever quoted.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from nornir_tasks.checks.evidence import HostEvidence
from nornir_tasks.checks.ike import IkeRow
from nornir_tasks.checks.logview import PeerEvent
from nornir_tasks.models.ipsec import IpsecFlow
from nornir_tasks.parsers._secrets import mask_secrets

if TYPE_CHECKING:  # annotations only (looked up by name: ``model_names``)
    from nornir_tasks.models.crypto_map import CryptoMapEntry

# Flow lines worth quoting, by what they show.
FLOW_LINES = {
    "ident": ("local  ident", "local ident", "remote ident"),
    "peer": ("current_peer",),
    "counters": ("#pkts encaps:", "#pkts decaps:", "#send errors"),
    "spi": ("current outbound spi",),
    "replay": ("##pkts replay failed", "#send errors"),
    "no_sa": ("#pkts no sa",),
    "errors": ("#send errors",),
}
_FLOW_START = re.compile(r"^\s*(?:local\s+ident|interface:|Crypto map tag)")
_TOP_LEVEL = re.compile(r"^\S")


def tag(lines: Iterable[str], host: HostEvidence, finding_host: str) -> tuple[str, ...]:
    """Prefix lines from another host than the finding's with that host's name."""
    prefix = "" if host.host == finding_host else f"{host.host}: "
    return tuple(f"{prefix}{line}" for line in lines)


def unique(lines: Iterable[str], limit: int = 12) -> tuple[str, ...]:
    out: list[str] = []
    for line in lines:
        if line and line not in out:
            out.append(line)
    return tuple(out[:limit])


def ike_lines(host: HostEvidence, rows: Sequence[IkeRow]) -> list[str]:
    """The table row (IOS) or the ``IKE Peer`` + ``State`` lines (ASA) of each SA."""
    out: list[str] = []
    for _, text in host.raw_of("show crypto isakmp sa*") + host.raw_of("show crypto ikev1 sa*"):
        lines = [s.strip() for s in text.splitlines()]
        for row in rows:
            out.extend(_ike_row_lines(lines, row))
    return out


def _ike_row_lines(lines: list[str], row: IkeRow) -> list[str]:
    sa = row.sa
    if sa.dst and sa.src:
        return [s for s in lines if sa.dst in s.split() and sa.src in s.split() and row.state in s]
    for i, line in enumerate(lines):
        if line.endswith(f"IKE Peer: {row.peer}"):
            state = next((s for s in lines[i + 1 : i + 4] if "State" in s), None)
            return [line, state] if state else [line]
    return []


def _flow_blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in text.splitlines():
        if _FLOW_START.match(line):
            blocks.append([])
        blocks[-1].append(line.strip())
    return blocks


def _is_block_of(block: list[str], flow: IpsecFlow) -> bool:
    ident = flow.remote_ident
    remote = f"({ident.addr}/{ident.mask}/" if ident else ""
    peer = flow.current_peer or ""
    return any(remote in s and "remote ident" in s for s in block) and any(
        peer in s for s in block if s.startswith("current_peer")
    )


def flow_lines(
    host: HostEvidence, flow: IpsecFlow, kinds: Sequence[str], previous: bool = False
) -> list[str]:
    """Selected lines of the flow's block in ``show crypto ipsec sa`` (current or previous)."""
    wanted = tuple(p for k in kinds for p in FLOW_LINES[k])
    for _, text in host.raw_of("show crypto ipsec sa*", previous=previous):
        lines = [line for line in text.splitlines()]
        for block in _flow_blocks("\n".join(lines)):
            if _is_block_of(block, flow):
                return [s for s in block if s.startswith(wanted)]
    return []


def counter_lines(host: HostEvidence, flow: IpsecFlow, previous: bool) -> list[str]:
    """Peer and counters of the flow, from the earlier poll first when there is one."""
    out = flow_lines(host, flow, ("peer",))
    if previous:
        out += flow_lines(host, flow, ("counters",), previous=True)
    return out + flow_lines(host, flow, ("counters",))


@functools.lru_cache(maxsize=64)
def _masked_lines(text: str) -> tuple[str, ...]:
    """A configuration's lines with secrets masked (one masking per text, not per quote)."""
    return tuple(mask_secrets(text).splitlines())


def config_lines(host: HostEvidence, pattern: str, children: bool = False) -> list[str]:
    """Configuration lines matching ``pattern`` (regex), with their indented children."""
    regex = re.compile(pattern)
    out: list[str] = []
    for _, text in (
        host.raw_of("show running-config")
        + host.raw_of("show startup-config")
        + host.raw_of("more")
    ):
        inside = False
        for line in _masked_lines(text):
            if regex.search(line):
                out.append(line.strip())
                inside = children and bool(_TOP_LEVEL.match(line))
            elif inside and line.startswith((" ", "\t")):
                out.append(line.strip())
            else:
                inside = False
    return out


def event_lines(events: Iterable[PeerEvent], limit: int = 8) -> list[str]:
    """Log lines as printed, one per distinct message (repeats add nothing)."""
    seen: set[str] = set()
    out: list[str] = []
    for e in events:
        key = e.event.message or e.event.line
        if key not in seen:
            seen.add(key)
            out.append(e.event.line.strip())
    return out[:limit]


def map_lines(host: HostEvidence, entry: CryptoMapEntry, *needles: str) -> list[str]:
    """The entry's header line and the lines under it containing one of ``needles``."""
    out: list[str] = []
    for _, text in host.raw_of("show crypto map*"):
        inside = False
        for line in text.splitlines():
            if line.startswith("Crypto Map"):
                inside = f'"{entry.name}" {entry.seq} ' in line
                if inside:
                    out.append(line.strip())
            elif inside and any(n in line for n in needles):
                out.append(line.strip())
    return out


# -- CRYPTO_MAP_NOT_APPLIED ----------------------------------------------------------------------
