"""What the DMVPN modules share: the routers, the clock, the crypto engine, one packet over a
crypto socket, and the syslog wording.

Syslog lines follow real captures: ``%DMVPN-5-CRYPTO_SS``, ``%DMVPN-5-NHRP_NHS_UP`` (with its
``is  UP``), ``%DMVPN-5-NHRP_NHS_DOWN`` and ``%DMVPN-5-NHRP_NHC_DOWN`` from an iol-xe run
recorded in code index file 71413604881 (the ``NHRP Registration Failure`` reason also in a
C8000V log, file 44745045678). No capture of ``NHRP_NHC_UP`` was found: it is written like
``NHRP_NHS_UP``. The hub's ``%DMVPN-3-DMVPN_NHRP_ERROR`` lines (wrong authentication string,
NHRP Encap Error) are worded as a lab write-up reproduces them from iol-xe 17.15.1
(file 71052799882), not from a primary capture. No real ``%NHRP-*`` line was found (only the
``%NHRP-5-NO_ROUTE: Not installing NHO`` text an EEM applet matches, file 42211529896), so the
lab logs none.
"""

from __future__ import annotations

import ipaddress

from lab.clock import SimClock
from lab.crypto.dmvpnsa import entry_for, mgre_tunnels, socket_key, source_address
from lab.crypto.engine import CryptoEngine
from lab.device import Device
from lab.dmvpncfg import MgreTunnel
from lab.network import Network, Proto

LIMIT_S = 60.0  # hub error lines: at most one a minute per spoke and kind


def _pair(tunnel: str, nbma: str) -> str:
    return f"(Tunnel: {tunnel} NBMA: {nbma}"


class Cloud:
    """Shared services of the NHRP engine and the overlay forwarder (one per fleet)."""

    def __init__(self, clock: SimClock, network: Network, crypto: CryptoEngine) -> None:
        self.clock = clock
        self.network = network
        self.devices = network.devices
        self.crypto = crypto

    # -- where things are ------------------------------------------------------------------
    def tunnel(self, device: Device, name: str) -> MgreTunnel | None:
        return next((t for t in mgre_tunnels(device) if t.name == name and not t.shutdown), None)

    def tunnel_at(self, device: Device, nbma: str) -> MgreTunnel | None:
        """The multipoint tunnel of ``device`` sourced from its address ``nbma``."""
        return next(
            (
                t
                for t in mgre_tunnels(device)
                if not t.shutdown and source_address(device, t) == nbma
            ),
            None,
        )

    def owner(self, address: str) -> Device | None:
        found = self.network.owner(address)
        return found[0] if found else None

    # -- crypto sockets --------------------------------------------------------------------
    def bring_up(self, device: Device, tunnel: MgreTunnel, peer: str) -> None:
        """Negotiate the socket toward ``peer`` now (IKEv2 runs at once in the lab)."""
        crypto, ikev2 = self.crypto.ctx.config(device), self.crypto.ikev2.config(device)
        entry = entry_for(device, tunnel, peer, crypto, ikev2)
        self.crypto.ikev2.bring_up(device, entry, peer, self.clock.now())

    def close(self, device: Device, tunnel: MgreTunnel, peer: str) -> None:
        """Tear the socket toward ``peer`` down, telling the peer (INFORMATIONAL DELETE)."""
        key = socket_key(device, tunnel, peer)
        sa = next((s for s in device.crypto.ikev2 if s.entry == key and not s.deleted), None)
        if sa is not None:
            self.crypto.ikev2.auth.delete_both(device, sa)
        device.crypto.ipsec.pop(key, None)

    def esp(self, device: Device, tunnel: MgreTunnel, peer: str) -> Device | None:
        """Carry one GRE packet over the socket toward ``peer``: the router that decrypted it."""
        sa = device.crypto.ipsec.get(socket_key(device, tunnel, peer))
        if sa is None:
            return None
        arrived = self.network.send(device, peer, Proto.ESP, src_ip=sa.local)
        far = self.devices.get(arrived.router) if arrived and arrived.router else None
        if far is None:
            return None
        sa.encaps += 1
        device.crypto.counters_of(sa.entry).encaps += 1
        psa = next((p for p in far.crypto.ipsec.values() if p.spi_in == sa.spi_out), None)
        if psa is None:
            return None  # the peer lost its SA: the lab's ESP path logs INV_SPI for crypto maps
        psa.decaps += 1
        far.crypto.counters_of(psa.entry).decaps += 1
        return far

    # -- syslog ----------------------------------------------------------------------------
    def limited(self, device: Device, key: str, message: str) -> None:
        now = self.clock.now()
        if now - device.crypto.last_log.get(key, -1e9) >= LIMIT_S:
            device.crypto.last_log[key] = now
            device.log(message)


def socket_line(tunnel: str, local: str, peer: str, up: bool) -> str:
    state = "UP" if up else "DOWN"
    return (
        f"%DMVPN-5-CRYPTO_SS:  {tunnel}: local address : {local} remote address : {peer} "
        f"socket is {state}"
    )


def nhs_line(tunnel: str, nhs: tuple[str, str], me: tuple[str, str], reason: str | None) -> str:
    """NHS up (``reason`` None) or down, from the spoke (``me``)."""
    if reason is None:
        return (
            f"%DMVPN-5-NHRP_NHS_UP: {tunnel}: Next Hop Server : {_pair(*nhs)}) for "
            f"{_pair(*me)}) is  UP"
        )
    return (
        f"%DMVPN-5-NHRP_NHS_DOWN: {tunnel}: Next Hop Server : {_pair(*nhs)} ) for "
        f"{_pair(*me)}) is DOWN, Reason: {reason}(NHRP: no error)"
    )


def nhc_line(tunnel: str, nhc: tuple[str, str], me: tuple[str, str], up: bool) -> str:
    """A client (spoke) up or down, from the hub (``me``)."""
    if up:
        return (
            f"%DMVPN-5-NHRP_NHC_UP: {tunnel}: Next Hop Client : {_pair(*nhc)}) for "
            f"{_pair(*me)}) is  UP"
        )
    return (
        f"%DMVPN-5-NHRP_NHC_DOWN: {tunnel}: Next Hop Client : {_pair(*nhc)} ) for "
        f"{_pair(*me)}) is DOWN, Reason: External(NHRP: no error)"
    )


def hub_error(tunnel: str, what: str, packet: str, reason: str, me: tuple[str, str]) -> str:
    """``%DMVPN-3-DMVPN_NHRP_ERROR`` as the hub logs a registration it cannot take."""
    return (
        f"%DMVPN-3-DMVPN_NHRP_ERROR:  {tunnel}: {what} for  {packet} , Reason:  {reason} on "
        f"{_pair(*me)})"
    )


def host_net(address: str) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network(f"{address}/32")
