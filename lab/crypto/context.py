"""What every crypto module shares: the clock, the underlay, the routers and the dice.

Also the debug writers: a ``debug crypto isakmp`` / ``debug crypto ipsec`` line reaches the
router's log only while that debug is on and the ``debug crypto condition peer`` filter
(if any) names the peer.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable

from lab.asacrypto import read_asa_crypto
from lab.asaikev2 import read_asa_ikev2
from lab.asalog import asa_messages
from lab.clock import SimClock
from lab.cryptocfg import CryptoConfig, read_crypto_config
from lab.device import Device
from lab.forwarding import device_interfaces, device_rib
from lab.ikev2cfg import Ikev2Config, read_ikev2_config
from lab.network import Network, Proto
from lab.routing import resolve
from lab.sadb import IkeSa

LOG_RATE_LIMIT_S = 60.0  # INV_SPI / replay syslogs are rate-limited by IOS
# An IKE message for an SA this router does not have (any exchange, and DPD).
NO_SA = "%CRYPTO-4-IKMP_NO_SA: IKE message from {peer} has no SA and is not an initialization offer"


class CryptoContext:
    """Shared services of the crypto engine's protocol modules (one per fleet)."""

    def __init__(self, clock: SimClock, network: Network, seed: int) -> None:
        self.clock = clock
        self.network = network
        self.devices = network.devices
        self.rng = random.Random(seed)  # SPIs and message IDs, reproducible per scenario

    def config(self, device: Device) -> CryptoConfig:
        read = read_asa_crypto if device.platform == "asa" else read_crypto_config
        return device.memo("crypto", None, lambda: read(device.running))

    def ikev2_config(self, device: Device) -> Ikev2Config:
        if device.platform == "asa":  # its own memo: forwarding memoizes the IOS reading
            return device.memo("asa-ikev2", None, lambda: read_asa_ikev2(device.running))
        return device.memo("ikev2", None, lambda: read_ikev2_config(device.running))

    # -- debug and syslog ------------------------------------------------------------------
    def debug(self, device: Device, kind: str, peer: str | None, text: str) -> None:
        """A debug line, if ``debug crypto <kind>`` is on and the peer condition matches."""
        if _debugging(device, kind, peer):
            device.log(text)

    def asa_debug(self, device: Device, peer: str | None, line: str) -> None:
        """An ASA's IKEv2 debug line (``debug crypto ikev2 protocol|platform``), printed
        without a timestamp as the ASA captures show them."""
        if _debugging(device, "asa-ikev2", peer):
            device.emit(line)

    def notify(self, device: Device, event: str, peer: str, **fields: object) -> None:
        """A step of an exchange (``lab.asalog``) that an ASA logs in its own words: its
        numbered syslogs as ``logging buffered`` keeps them, and with ``debug crypto ikev1``
        on (and the peer condition matching) the ``[IKEv1]`` debug lines. IOS routers log
        these steps through ``ike`` / ``ipsec`` debug lines instead."""
        if device.platform != "asa":
            return
        debugging = _debugging(device, "asa-ikev1", peer)
        for severity, msgid, text in asa_messages(
            event, peer, {k: str(v) for k, v in fields.items()}
        ):
            if msgid:
                device.log(f"%ASA-{severity}-{msgid}: {text}")  # kept as logging buffered says
            if debugging:
                tag = "IKEv1 DEBUG" if severity == 7 else "IKEv1"
                device.emit(f"{device.asa_stamp(syslog=False)}[{tag}]: {text}")

    def ike(self, device: Device, sa: IkeSa | None, text: str, peer: str | None = None) -> None:
        """An ``ISAKMP: (conn-id):`` debug line; a leading ``!`` makes it ``ISAKMP-ERROR``."""
        cid = sa.conn_id if sa else 0
        prefix = "ISAKMP-ERROR" if text.startswith("!") else "ISAKMP"
        self.debug(
            device,
            "isakmp",
            peer or (sa.peer if sa else None),
            f"{prefix}: ({cid}):{text.lstrip('!')}",
        )

    def ipsec(self, device: Device, peer: str | None, text: str) -> None:
        self.debug(device, "ipsec", peer, text)

    def limited(self, device: Device, key: str, message: str) -> None:
        """A syslog IOS rate-limits: at most one per ``key`` a minute."""
        state = device.crypto
        now = self.clock.now()
        if now - state.last_log.get(key, -1e9) >= LOG_RATE_LIMIT_S:
            state.last_log[key] = now
            device.log(message)

    # -- addresses and routes --------------------------------------------------------------
    def find_sa(self, device: Device, peer: str) -> IkeSa | None:
        return device.crypto.find_sa(peer)

    def local_address(self, device: Device, peer: str) -> tuple[str, str] | None:
        """(interface, address) IKE uses toward ``peer``: the egress carrying a crypto map."""
        hop = resolve(device_rib(device), ipaddress.IPv4Address(peer))
        if hop is None:
            return None
        cfg = self.config(device)
        for itf in device_interfaces(device):
            if itf.name == hop[0] and itf.address is not None:
                applied = any(itf.name in ifs for ifs in cfg.map_interfaces.values())
                return (itf.name, str(itf.address)) if applied else None
        return None

    def egress(self, device: Device, address: str) -> str:
        """The interface a packet to ``address`` leaves by (``inside`` for an ASA's LAN)."""
        hop = resolve(device_rib(device), ipaddress.IPv4Address(address))
        return hop[0] if hop else "?"

    def interesting(self, device: Device, dst: str, map_name: str, src: str | None = None) -> bool:
        """Is traffic (from ``src``) to ``dst`` routed out of an interface carrying crypto map
        ``map_name``, and not rewritten by NAT on the way (an ASA without a NAT exemption)?"""
        hop = resolve(device_rib(device), ipaddress.IPv4Address(dst))
        if hop is None:
            return False
        cfg = self.config(device)
        if src is not None and cfg.nat_translates(src, dst):
            return False
        return hop[0] in cfg.map_interfaces.get(map_name, ())

    def device_at(self, address: str) -> Device | None:
        owner = self.network.owner(address)
        return owner[0] if owner else None

    def send(
        self, device: Device, local: str, peer: str, deliver: Callable[[Device], None]
    ) -> bool:
        """Send one IKE packet; ``deliver(receiver)`` runs on the far end if it arrives."""
        return self.datagram(device, local, peer, Proto.IKE, lambda r, *_: deliver(r))

    def datagram(
        self,
        device: Device,
        local: str,
        peer: str,
        proto: Proto,
        deliver: Callable[[Device, str, str], None],
    ) -> bool:
        """Send one UDP packet; ``deliver(receiver, source, destination)`` runs on the far end
        if it arrives, with the addresses as it arrived (a static NAT on the way rewrites the
        source, or the destination: the receiver's own address behind its NAT)."""
        arrived = self.network.send(device, peer, proto, src_ip=local)
        if arrived is None or arrived.router is None:
            return False
        receiver = self.devices[arrived.router]
        at = next((i for i in device_interfaces(receiver) if i.name == arrived.interface), None)
        deliver(receiver, arrived.src_ip, str(at.address) if at and at.address else peer)
        return True


def _debugging(device: Device, kind: str, peer: str | None) -> bool:
    """Is ``debug crypto <kind>`` on, and does the ``debug crypto condition peer`` list (if
    any) name ``peer``?"""
    if kind not in device.debugs:
        return False
    conds = [c.split()[-1] for c in device.debug_conditions]
    return not conds or peer in conds


def host_in(net: ipaddress.IPv4Network) -> str:
    """A host address of ``net`` to stand for its traffic (the first, or the net itself)."""
    return str(net.network_address + 1) if net.num_addresses > 2 else str(net.network_address)
