"""An ASA's data path as the lab models it: ``show conn`` and ``show asp drop`` /
``clear asp drop``.

The lab integrates each site's LAN traffic instead of keeping packets, so each crypto map
entry's traffic stands for one TCP flow (LAN host .10 to the far LAN's .10, port 443):

- carried by an SA pair: one connection with the bytes of its counters, flags ``UIO``;
- translated by NAT before the crypto map (no exemption): it leaves in clear and is never
  answered, so the connection waits in ``saA`` (SYN sent, awaiting the SYN-ACK);
- matching a crypto map with no SA: dropped while IKE has no SA for it, counted under
  ``IPSEC tunnel is down (ipsec-tun-down)`` in ``show asp drop``.

Line layouts: ``show conn`` as a pasted ASA session shows it (code index file 42060917169:
"1 in use, 1 most used", "TCP Outside  192.1.20.2:23 inside  10.11.11.1:56358, idle 0:00:09,
bytes 184, flags UIO"), ``show asp drop`` as the ntc-templates capture
(tests/cisco_asa/show_asp_drop/cisco_asa_show_asp_drop.raw, commit 62dade68: "Frame drop:",
"  IPSEC tunnel is down (ipsec-tun-down)", counts right-aligned to column 80,
"Last clearing: Never", "Flow drop:"). The flows themselves, and the wording of a "Last
clearing:" after ``clear asp drop``, are the lab's model.
"""

from __future__ import annotations

import zlib

from lab.asacrypto import nat_for
from lab.asashow import config, live_sas
from lab.commands import Session, asa_command
from lab.device import Device

BYTES_PER_PACKET = 100


def _flows(d: Device) -> tuple[list[str], float]:
    """The connection lines, and the packets dropped for want of an SA."""
    live_sas(d)  # brings the counters up to date
    cfg = config(d)
    conns: list[str] = []
    dropped = 0.0
    for entry in cfg.entries:
        permits = cfg.permits(entry.acl)
        if not permits:
            continue
        ace = permits[0]
        local, remote = ace.src.network_address + 10, ace.dst.network_address + 10
        port = 1024 + zlib.crc32(entry.key.encode()) % 60000
        where = f"TCP outside  {remote}:443 inside  {local}:{port}"
        sa = d.crypto.ipsec.get(entry.key)
        nat = nat_for(d.running, ace.src, ace.dst)
        if nat is not None and nat[0] == "translated":  # whatever SA the peer brought up
            conns.append(f"{where}, idle 0:00:02, bytes 0, flags saA")
        elif sa is not None:
            size = int((sa.encaps + sa.decaps) * BYTES_PER_PACKET)
            conns.append(f"{where}, idle 0:00:00, bytes {size}, flags UIO")
        dropped += d.crypto.counters_of(entry.key).no_sa
    return conns, dropped


@asa_command("show conn [...]")
def show_conn(s: Session, args: tuple[str, ...]) -> str:
    conns, _ = _flows(s.device)
    return "".join(f"{line}\n" for line in [f"{len(conns)} in use, {len(conns)} most used", *conns])


def _row(description: str, count: int) -> str:
    return f"  {description:<{78 - len(str(count)) - 2}}{count:>{len(str(count)) + 2}}"


@asa_command("show asp drop")
def show_asp_drop(s: Session, args: tuple[str, ...]) -> str:
    d = s.device
    _, dropped = _flows(d)
    base, cleared = d.asp_cleared or (0.0, "Never")
    count = int(dropped - base)
    frame = [_row("IPSEC tunnel is down (ipsec-tun-down)", count)] if count > 0 else []
    lines = ["Frame drop:", *frame, "", f"Last clearing: {cleared}", "", "Flow drop:", ""]
    return "\n".join([*lines, f"Last clearing: {cleared}", ""])


@asa_command("clear asp drop")
def clear_asp_drop(s: Session, args: tuple[str, ...]) -> str:
    d = s.device
    _, dropped = _flows(d)
    d.asp_cleared = (dropped, f"{d.asa_stamp(syslog=False).strip()} by {s.username}")
    return ""
