"""SA-level lines of ``show crypto ipsec sa``: the in/outbound esp/ah/pcp sections and each SA's
SPI, transform, settings, keys, lifetime, IV, replay, status and ASA anti-replay bitmap.
"""

from __future__ import annotations

import re
from typing import Any

from nornir_tasks.models.ipsec import SaDirection, SaProtocol
from nornir_tasks.parsers._ipsec_scan import _Scan

# spi: 0x658F7C11(1703902225)   /  ASA: spi: 0x1E8246FC (511854332)
_SPI = re.compile(r"spi:\s*0x([0-9A-Fa-f]+)")
# in use settings ={Tunnel, }
_SETTINGS = re.compile(r"in use settings\s*=\s*\{([^}]*)\}")
# sa timing: remaining key lifetime (k/sec): (4607999/83191)  /  ASA: (sec): 548
_LIFETIME = re.compile(r"remaining key lifetime \(([^)]*)\):\s*\(?(\d+)(?:/(\d+))?")
# sa timing: remaining key lifetime 1 hours, 10 mins   (17.x when volume rekey is disabled)
_LIFETIME_WORDS = re.compile(r"remaining key lifetime (?:(\d+) hours?,?\s*)?(?:(\d+) mins?)?")
# IV size: 16 bytes
_IV = re.compile(r"IV size:\s*(\d+)")
# replay detection support: Y  replay window size: 1024
_REPLAY = re.compile(r"replay detection support:\s*([YN])(?:\s+replay window size:\s*(\d+))?")
# Keys of "conn id: 2076, flow_id: CSR:76, sibling_flags FF..., crypto map: X, initiator : True"
# and ASA "slot: 0, conn_id: 3, crypto-map: def".
_SA_KEYS = {
    "conn id": "conn_id",
    "conn_id": "conn_id",
    "flow_id": "flow_id",
    "flow id": "flow_id",
    "sibling_flags": "sibling_flags",
    "crypto map": "crypto_map",
    "crypto-map": "crypto_map",
    "slot": "slot",
    "initiator": "initiator",
}
_INT_SA_KEYS = frozenset({"conn_id", "slot"})
_SECTIONS = {f"{d.value} {p.value} sas:": (d, p) for d in SaDirection for p in SaProtocol}


def _section(scan: _Scan, s: str) -> bool:
    # inbound esp sas:  ...  outbound pcp sas:
    section = _SECTIONS.get(s)
    if section is None:
        return False
    flow = scan.current()
    scan.section, scan.sa = section, None
    flow["_sections"].add(section)
    if section == (SaDirection.OUTBOUND, SaProtocol.PCP):
        flow["_done"] = True
    return True


def _spi(scan: _Scan, s: str) -> bool:
    m = _SPI.match(s)
    if not m:
        return False
    flow = scan.flow
    if flow is None or scan.section is None:
        scan.orphan = True
        return True
    direction, protocol = scan.section
    sa: dict[str, Any] = {
        "direction": direction,
        "protocol": protocol,
        "spi": s[4:].strip(),
        "spi_value": int(m.group(1), 16),
    }
    flow["_sas"].append(sa)
    scan.sa = sa
    return True


def _sa(scan: _Scan) -> dict[str, Any] | None:
    if scan.sa is None:
        scan.orphan = True
    return scan.sa


def _transform(scan: _Scan, s: str) -> bool:
    # transform: esp-256-aes esp-sha256-hmac ,
    if not s.startswith("transform:"):
        return False
    sa = _sa(scan)
    if sa is not None:
        sa["transform"] = s[10:].strip().rstrip(",").strip()
    return True


def _settings(scan: _Scan, s: str) -> bool:
    m = _SETTINGS.match(s)
    if not m:
        return False
    sa = _sa(scan)
    if sa is not None:
        sa["in_use_settings"] = tuple(x.strip() for x in m.group(1).split(",") if x.strip())
    return True


def _sa_keys(scan: _Scan, s: str) -> bool:
    # conn id: 2076, flow_id: CSR:76, sibling_flags FFFFFFFF80000048, crypto map: vpn-crypto-map
    # slot: 0, conn_id: 3, crypto-map: def   (ASA)
    found: dict[str, Any] = {}
    for part in s.split(","):
        key, sep, value = part.partition(":")
        if not sep:
            key, _, value = part.strip().partition(" ")
        name = _SA_KEYS.get(key.strip())
        if name is None:
            continue
        value = value.strip()
        if name in _INT_SA_KEYS:
            if not value.isdigit():
                return False
            found[name] = int(value)
        elif name == "initiator":
            found[name] = value.lower() == "true"
        else:
            found[name] = value
    if not found:
        return False
    sa = _sa(scan)
    if sa is not None:
        sa.update(found)
    return True


def _lifetime_words(scan: _Scan, s: str) -> bool:
    m = _LIFETIME_WORDS.search(s)
    if not m or not (m.group(1) or m.group(2)):
        return False
    sa = _sa(scan)
    if sa is not None:
        sa["remaining_lifetime_sec"] = int(m.group(1) or 0) * 3600 + int(m.group(2) or 0) * 60
    return True


def _volume_rekey_disabled(scan: _Scan, s: str) -> bool:
    # Kilobyte Volume Rekey has been disabled  (no kB lifetime to read: it stays None)
    return s.startswith("Kilobyte Volume Rekey has been disabled")


def _lifetime(scan: _Scan, s: str) -> bool:
    m = _LIFETIME.search(s) if s.startswith("sa timing:") else None
    if not m:
        return s.startswith("sa timing:") and _lifetime_words(scan, s)
    sa = _sa(scan)
    if sa is None:
        return True
    units, first, second = m.groups()
    if second is not None:
        sa["remaining_lifetime_kb"], sa["remaining_lifetime_sec"] = int(first), int(second)
    elif units.strip().lower().startswith("k"):
        sa["remaining_lifetime_kb"] = int(first)
    else:
        sa["remaining_lifetime_sec"] = int(first)
    return True


def _iv(scan: _Scan, s: str) -> bool:
    m = _IV.match(s)
    if not m:
        return False
    sa = _sa(scan)
    if sa is not None:
        sa["iv_size_bytes"] = int(m.group(1))
    return True


def _replay(scan: _Scan, s: str) -> bool:
    m = _REPLAY.match(s)
    if not m:
        return False
    sa = _sa(scan)
    if sa is not None:
        sa["replay_detection"] = m.group(1) == "Y"
        if m.group(2):
            sa["replay_window_size"] = int(m.group(2))
    return True


def _status(scan: _Scan, s: str) -> bool:
    # Status: ACTIVE(ACTIVE)   /  ASA: SA State: active
    head, sep, value = s.partition(":")
    if not sep or head not in ("Status", "SA State") or not value.strip():
        return False
    sa = _sa(scan)
    if sa is not None:
        sa["status"] = value.strip()
    return True


def _bitmap(scan: _Scan, s: str) -> bool:
    # Anti replay bitmap:        (ASA; the values follow on the next line)
    if s != "Anti replay bitmap:":
        return False
    sa = _sa(scan)
    if sa is not None:
        sa["anti_replay_bitmap"] = None
        sa["_bitmap_pending"] = True
    return True


def _bitmap_values(scan: _Scan, s: str) -> bool:
    #  0xFFFFFFFF 0xFFFFFFFF
    sa = scan.sa
    if sa is None or not sa.get("_bitmap_pending") or not s.startswith("0x"):
        return False
    sa["anti_replay_bitmap"], sa["_bitmap_pending"] = s, False
    return True
