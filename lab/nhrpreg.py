"""NHRP registration: a spoke's request to each of its servers, the hub's answer.

A spoke sends a Registration Request to each NHS over the crypto socket toward the server's
NBMA (registration needs IPsec up first: the request is GRE, and GRE is only sent encrypted),
every third of its hold time once registered (the IOS default registration timeout) and, while
unanswered, after 1, 2, 4 ... up to 64 s. The hub takes it when the request is addressed to
its own tunnel address and carries its authentication string; it then holds the spoke's
mapping for the spoke's hold time and replies. Otherwise it logs why and stays silent, and
the spoke logs ``NHRP Registration Failure`` for the server.
"""

from __future__ import annotations

from dataclasses import dataclass

from lab.crypto.dmvpnsa import socket_up, source_address
from lab.device import Device
from lab.dmvpncfg import MgreTunnel
from lab.nhrpctx import Cloud, host_net, hub_error, nhc_line, nhs_line
from lab.nhrpdebug import received, sent
from lab.nhrpstate import EntryKind, NhrpEntry, NhsRecord

MAX_RETRY_S = 64.0
INCOMPLETE_HOLD_S = 180.0  # how long the hub keeps the UNKNOWN entry of a refused spoke


@dataclass(frozen=True)
class Request:
    """A Registration Request as the hub receives it."""

    spoke: Device
    tunnel: MgreTunnel  # the spoke's
    nbma: str  # the spoke's NBMA (source of the request)
    nhs: str  # the protocol address the request is sent to
    hub_nbma: str  # the NBMA it is sent to


class Registration:
    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud

    def run(self, device: Device, tunnel: MgreTunnel) -> None:
        """Send every request that is due from this spoke tunnel."""
        now = self.cloud.clock.now()
        for nhs in tunnel.nhs:
            key = (tunnel.name, nhs.address)
            rec = device.nhrp.nhs.get(key)
            if rec is None:
                rec = device.nhrp.nhs[key] = NhsRecord(
                    tunnel.name, nhs.address, tunnel.nhs_nbma(nhs)
                )
            if now >= rec.next_request:
                self._send(device, tunnel, rec)

    def _send(self, device: Device, tunnel: MgreTunnel, rec: NhsRecord) -> None:
        rec.req_sent += 1
        rec.reqid += 1
        mine = source_address(device, tunnel)
        if mine is not None and socket_up(device, tunnel, rec.nbma or ""):
            sent(device, rec.nbma, tunnel.name, "Registration Request",
                 tunnel.address or "0.0.0.0", rec.address)  # fmt: skip
        hub = self._deliver(device, tunnel, rec, mine)
        if hub is not None and mine is not None and tunnel.address is not None:
            request = Request(device, tunnel, mine, rec.address, rec.nbma or "")
            if self._accept(hub, request) and self._reply(hub, request):
                self._answered(device, tunnel, rec, mine)
                return
        self._failed(device, tunnel, rec, mine or "0.0.0.0")

    def _deliver(
        self, device: Device, tunnel: MgreTunnel, rec: NhsRecord, mine: str | None
    ) -> Device | None:
        if rec.nbma is None or mine is None or not socket_up(device, tunnel, rec.nbma):
            return None  # no IPsec toward the server yet: the request never leaves
        return self.cloud.esp(device, tunnel, rec.nbma)

    # -- the hub ---------------------------------------------------------------------------
    def _accept(self, hub: Device, req: Request) -> bool:
        """The hub checks and records the registration; False: refused (and logged)."""
        mine = self.cloud.tunnel_at(hub, req.hub_nbma)
        if mine is None or mine.address is None:
            return False
        received(hub, req.nbma, mine.name, "Registration Request")
        me = (mine.address, source_address(hub, mine) or "0.0.0.0")
        if mine.authentication and mine.authentication != req.tunnel.authentication:
            text = hub_error(mine.name, "Recieved wrong authentication string",  # sic (IOS)
                             "Registration Request", "authentication failure (11)", me)  # fmt: skip
            self.cloud.limited(hub, f"nhrp-auth-{req.nbma}", text)
            return False
        if req.nhs != mine.address:
            self._misaddressed(hub, mine, req, me)
            return False
        self._record(hub, mine, req, me)
        return True

    def _misaddressed(
        self, hub: Device, mine: MgreTunnel, req: Request, me: tuple[str, str]
    ) -> None:
        """A request for another server: it cannot be forwarded, nor its Error Indication
        sent back (the spoke is not registered), and an incomplete entry is left behind."""
        for packet in ("Registration Request", "Error Indication"):
            text = hub_error(
                mine.name, "NHRP Encap Error", packet, "protocol generic error (7)", me
            )
            self.cloud.limited(hub, f"nhrp-encap-{packet}-{req.nbma}", text)
        now = self.cloud.clock.now()
        address = req.tunnel.address or "0.0.0.0"
        hub.nhrp.put(NhrpEntry(mine.name, host_net(address), address, None, EntryKind.INCOMPLETE,
                               ("negative",), now, now + INCOMPLETE_HOLD_S))  # fmt: skip

    def _record(self, hub: Device, mine: MgreTunnel, req: Request, me: tuple[str, str]) -> None:
        now = self.cloud.clock.now()
        address = req.tunnel.address or "0.0.0.0"
        old = hub.nhrp.find(mine.name, host_net(address))
        fresh = old is None or old.kind is not EntryKind.DYNAMIC or old.nbma != req.nbma
        hub.nhrp.put(NhrpEntry(mine.name, host_net(address), address, req.nbma, EntryKind.DYNAMIC,
                               ("unique", "registered", "used", "nhop"), now,
                               now + req.tunnel.holdtime))  # fmt: skip
        if fresh:
            hub.log(nhc_line(mine.name, (address, req.nbma), me, up=True))

    def _reply(self, hub: Device, req: Request) -> bool:
        mine = self.cloud.tunnel_at(hub, req.hub_nbma)
        if mine is None:
            return False
        sent(hub, req.nbma, mine.name, "Registration Reply", mine.address or "0.0.0.0", req.nhs)
        return self.cloud.esp(hub, mine, req.nbma) is req.spoke

    # -- the spoke -------------------------------------------------------------------------
    def _answered(self, device: Device, tunnel: MgreTunnel, rec: NhsRecord, mine: str) -> None:
        received(device, rec.nbma, tunnel.name, "Registration Reply")
        now = self.cloud.clock.now()
        rec.repl_recv += 1
        rec.last_reply = now
        rec.retry = 1.0
        rec.next_request = now + tunnel.holdtime / 3
        if not rec.registered:
            rec.registered, rec.changed_at = True, now
            me = (tunnel.address or "0.0.0.0", mine)
            device.log(nhs_line(tunnel.name, (rec.address, rec.nbma or ""), me, None))

    def _failed(self, device: Device, tunnel: MgreTunnel, rec: NhsRecord, mine: str) -> None:
        now = self.cloud.clock.now()
        rec.next_request = now + rec.retry
        rec.retry = min(rec.retry * 2, MAX_RETRY_S)
        if rec.nbma is None or not socket_up(device, tunnel, rec.nbma):
            return  # IKE is the problem: the socket going down was logged already
        if rec.registered:
            rec.registered, rec.changed_at = False, now
        me = (tunnel.address or "0.0.0.0", mine)
        nhs = (rec.address, rec.nbma)
        device.log(nhs_line(tunnel.name, nhs, me, "NHRP Registration Failure"))

    def lost_socket(self, device: Device, tunnel: MgreTunnel, peer: str) -> None:
        """The socket toward a server went down: the server is down too (``External``)."""
        now = self.cloud.clock.now()
        me = (tunnel.address or "0.0.0.0", source_address(device, tunnel) or "0.0.0.0")
        for rec in device.nhrp.nhs.values():
            if rec.tunnel == tunnel.name and rec.nbma == peer and rec.registered:
                rec.registered, rec.changed_at, rec.next_request = False, now, now
                device.log(nhs_line(tunnel.name, (rec.address, peer), me, "External"))

    def lost_client(self, hub: Device, tunnel: MgreTunnel, peer: str) -> None:
        """The socket toward a spoke went down: its registration goes (``NHRP_NHC_DOWN``)."""
        me = (tunnel.address or "0.0.0.0", source_address(hub, tunnel) or "0.0.0.0")
        for entry in [e for e in hub.nhrp.entries if e.tunnel == tunnel.name and e.nbma == peer]:
            hub.nhrp.entries.remove(entry)
            if "registered" in entry.flags:
                hub.log(nhc_line(tunnel.name, (entry.via, peer), me, up=False))
