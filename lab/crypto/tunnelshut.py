"""``shutdown`` / ``no shutdown`` on a tunnel interface, as IOS-XE does it.

Shutting a tunnel with ``tunnel protection`` takes it to ``administratively down``/``down``
and deletes its IPsec SAs with a notice to the peer, and the IKEv2 SA too when no other child
SA of that peer is left; ``no shutdown`` lets the tunnel negotiate again at once. The syslog
lines, and their order (line protocol first), are those of an IOS-XE DMVPN lab's
``show logging`` after ``shutdown`` / ``no shutdown`` on Tunnel0 (code index file
71413604881). A protected point-to-point tunnel's line protocol comes up with its SA pair,
which the lab does not log. The engine looks at the configuration every pulse
(``lab.crypto.engine.PULSE_S``), so the change takes effect within one pulse of the command.
"""

from __future__ import annotations

from lab.crypto.actions import OperatorActions
from lab.crypto.ikev2 import Ikev2
from lab.device import Device
from lab.ikev2cfg import TunnelInterface

ADMIN_DOWN = "%LINK-5-CHANGED: Interface {}, changed state to administratively down"
PROTO_DOWN = "%LINEPROTO-5-UPDOWN: Line protocol on Interface {}, changed state to down"
PROTO_UP = "%LINEPROTO-5-UPDOWN: Line protocol on Interface {}, changed state to up"
LINK_UP = "%LINK-5-UPDOWN: Interface {}, changed state to up"


def sync_admin_state(device: Device, ikev2: Ikev2, actions: OperatorActions) -> None:
    """Act on the tunnels whose ``shutdown`` changed since the last look."""
    state = device.crypto
    for tunnel in ikev2.config(device).tunnels:
        if tunnel.shutdown and tunnel.name not in state.admin_down:
            state.admin_down.add(tunnel.name)
            _shut(device, tunnel, ikev2, actions)
        elif not tunnel.shutdown and tunnel.name in state.admin_down:
            state.admin_down.discard(tunnel.name)
            if _proto_follows_link(tunnel):
                device.log(PROTO_UP.format(tunnel.name))
            device.log(LINK_UP.format(tunnel.name))
            # negotiate on the next pulse, not after the retry interval of an old attempt
            prefix = tunnel.head + " "
            for key in [k for k in state.v2_attempts if k.startswith(prefix)]:
                del state.v2_attempts[key]


def _shut(device: Device, tunnel: TunnelInterface, ikev2: Ikev2, actions: OperatorActions) -> None:
    state = device.crypto
    prefix = tunnel.head + " "
    children = [k for k in state.ipsec if k.startswith(prefix)]
    if children or _proto_follows_link(tunnel):
        device.log(PROTO_DOWN.format(tunnel.name))
    device.log(ADMIN_DOWN.format(tunnel.name))
    peers = {state.ipsec[k].peer for k in children}
    for key in children:
        actions.delete_pair(device, key)
    for sa in [s for s in state.ikev2 if not s.deleted]:
        mine = sa.entry.startswith(prefix) or sa.peer in peers
        if mine and not any(p.peer == sa.peer for p in state.ipsec.values()):
            ikev2.auth.delete_both(device, sa)  # no other child uses it


def _proto_follows_link(tunnel: TunnelInterface) -> bool:
    """Is the line protocol up with the interface (not waiting for an SA pair)?"""
    return tunnel.protection is None or tunnel.mode == "gre multipoint"
