"""``debug nhrp``: the Registration packets a router sends and receives, while it is on and
its ``debug nhrp condition peer nbma X`` list (if any) names the other end's NBMA address.

Wording from Cisco's DMVPN configuration guide (15S, "IPv6 over DMVPN", its ``debug nhrp``
example; code index file 70425938087)::

    NHRP: Send Registration Request via Tunnel0 vrf 0, packet size: 105
    src: 2001:DB8:..., dst: 2001:DB8:...
    NHRP: 105 bytes out Tunnel0
    NHRP: Receive Registration Reply via Tunnel0 vrf 0, packet size: 125

The hub's forms (``Receive Registration Request``, ``Send Registration Reply``) follow the
same pattern; no capture of them was found. The IPv6 example's sizes are kept (no IPv4 capture
was found); its ``src``/``dst`` line, wrapped in the guide, is one line here. ``debug nhrp``
answers ``NHRP protocol debugging is on`` (an engineer's IOS capture, code index file
31666614007).
"""

from __future__ import annotations

from lab.device import Device

KIND = "nhrp"
REQUEST_SIZE, REPLY_SIZE = 105, 125


def _on(device: Device, nbma: str | None) -> bool:
    if KIND not in device.debugs:
        return False
    peers = [c.split()[-1] for c in device.nhrp_conditions]
    return not peers or nbma in peers


def sent(device: Device, nbma: str | None, tunnel: str, packet: str, src: str, dst: str) -> None:
    """``packet`` ("Registration Request" / "Registration Reply") sent toward ``nbma``."""
    if not _on(device, nbma):
        return
    size = REQUEST_SIZE if packet.endswith("Request") else REPLY_SIZE
    device.log(f"NHRP: Send {packet} via {tunnel} vrf 0, packet size: {size}")
    device.log(f"src: {src}, dst: {dst}")
    device.log(f"NHRP: {size} bytes out {tunnel}")


def received(device: Device, nbma: str | None, tunnel: str, packet: str) -> None:
    if _on(device, nbma):
        size = REQUEST_SIZE if packet.endswith("Request") else REPLY_SIZE
        device.log(f"NHRP: Receive {packet} via {tunnel} vrf 0, packet size: {size}")
