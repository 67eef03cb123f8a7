"""IKEv1 quick mode (phase 2): proxy identities, transform sets and PFS, then an SA pair.

The responder looks for a crypto map entry toward the initiator whose ACL mirrors the offered
proxy identities (else error 32, "proxy identities not supported"), then for a common
transform set and the same PFS group (else error 256, ``PROPOSAL_NOT_CHOSEN``). Debug lines
follow the capture ``debug_ios_pfs_mismatch_*`` and Cisco doc 5409.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from lab.crypto.context import NO_SA, CryptoContext
from lab.cryptocfg import Ace, MapEntry
from lab.device import Device
from lab.sadb import IkeSa, IpsecSa, P1State

PROXY_NOT_SUPPORTED = 32
PROPOSAL_NOT_CHOSEN = 256


@dataclass(frozen=True)
class Offer:
    """QM1 as the responder reads it: the initiator's entry, proxy identities and transforms."""

    entry: MapEntry
    ace: Ace
    transforms: tuple[tuple[str, ...], ...]
    spi: int
    mid: int


@dataclass(frozen=True)
class Proxies:
    local_net: ipaddress.IPv4Network
    remote_net: ipaddress.IPv4Network


class QuickMode:
    def __init__(self, ctx: CryptoContext) -> None:
        self.ctx = ctx

    def spi(self) -> int:
        return self.ctx.rng.randrange(0x10000000, 0xFFFFFFFF)

    def start(self, device: Device, entry: MapEntry, peer: str) -> None:
        """QM1 over the peer's phase-1 SA, for the entry's first permit ACE."""
        sa = self.ctx.find_sa(device, peer)
        state = device.crypto
        if sa is None or sa.state != P1State.QM_IDLE or entry.key in state.ipsec:
            return
        cfg = self.ctx.config(device)
        aces = cfg.permits(entry.acl)
        if not aces:
            return
        offered = tuple(
            cfg.transform_sets[t] for t in entry.transform_sets if t in cfg.transform_sets
        )
        mid = self.ctx.rng.randrange(10**8, 2 * 10**9)
        offer = Offer(entry, aces[0], offered, self.spi(), mid)
        state.qm_attempts[entry.key] = int(self.ctx.clock.now())
        self.ctx.ike(device, sa, f"beginning Quick Mode exchange, M-ID of {mid}")
        self.ctx.ipsec(
            device,
            peer,
            f"IPSEC(sa_request): ,\n  (key eng. msg.) OUTBOUND local= {sa.local}:0, remote= {peer}:0,\n    local_proxy= {_proxy(aces[0].src)},\n    remote_proxy= {_proxy(aces[0].dst)}",
        )
        self.ctx.ike(
            device, sa, f"sending packet to {peer} my_port 500 peer_port 500 (I) QM_IDLE      "
        )
        self.ctx.send(device, sa.local, peer, lambda r: self._on_qm1(r, sa.local, offer))

    # -- responder -------------------------------------------------------------------------
    def _on_qm1(self, device: Device, peer: str, offer: Offer) -> None:
        sa = self.ctx.find_sa(device, peer)
        if sa is None or sa.state != P1State.QM_IDLE:
            device.log(NO_SA.format(peer=peer))
            return
        ike = self.ctx.ike
        ike(device, sa, f"received packet from {peer} dport 500 sport 500 Global (R) QM_IDLE      ")
        ike(device, sa, f"processing HASH payload. message ID = {offer.mid}")
        ike(device, sa, f"processing SA payload. message ID = {offer.mid}")
        ike(device, sa, "Checking IPSec proposal 1")
        selected = self._select(device, sa, peer, offer)
        if isinstance(selected, int):
            self._reject(device, sa, peer, selected, offer)
            return
        chosen, transform = selected
        spi_r = self.spi()
        proxies = Proxies(offer.ace.dst, offer.ace.src)
        self._install(device, chosen, sa, proxies, (spi_r, offer.spi), transform, False, offer.mid)
        self.ctx.send(
            device, sa.local, peer, lambda r: self._on_qm2(r, sa.local, offer, spi_r, transform)
        )

    def _select(
        self, device: Device, sa: IkeSa, peer: str, offer: Offer
    ) -> tuple[MapEntry, tuple[str, ...]] | int:
        """The entry and transform set that accept ``offer``, or the IOS error number."""
        cfg = self.ctx.config(device)
        ace = offer.ace
        mirrored = [
            e
            for e in cfg.entries
            if peer in e.peers
            and any(a.src == ace.dst and a.dst == ace.src for a in cfg.permits(e.acl))
        ]
        if not mirrored:
            self.ctx.ike(device, sa, "atts are acceptable.")
            self.ctx.ipsec(
                device, peer, "IPSEC(validate_transform_proposal): proxy identities not supported"
            )
            return PROXY_NOT_SUPPORTED
        chosen = mirrored[0]
        mine = [cfg.transform_sets[t] for t in chosen.transform_sets if t in cfg.transform_sets]
        common = [t for t in offer.transforms if t in mine]
        for t in offer.transforms:
            self.ctx.ike(device, sa, f"transform 1, {t[0].upper().replace('-', '_')} ")
        if not common or chosen.pfs != offer.entry.pfs:
            self.ctx.ike(device, sa, "atts are not acceptable.")
            what = "{" + " ".join(offer.transforms[0] if offer.transforms else ()) + "}"
            self.ctx.ipsec(
                device,
                peer,
                f"IPSEC(ipsec_process_proposal): transform proposal not supported for identity: {what}",
            )
            return PROPOSAL_NOT_CHOSEN
        self.ctx.ike(device, sa, "atts are acceptable.")
        return chosen, common[0]

    def _reject(self, device: Device, sa: IkeSa, peer: str, reason: int, offer: Offer) -> None:
        mid = offer.mid
        event = "qm_no_map" if reason == PROXY_NOT_SUPPORTED else "qm_proposal"
        self.ctx.notify(
            device, event, peer, mid=mid, intf=self.ctx.egress(device, peer),
            local_proxy=_proxy(offer.ace.dst).rsplit("/", 2)[0],
            remote_proxy=_proxy(offer.ace.src).rsplit("/", 2)[0],
        )  # fmt: skip
        ike = self.ctx.ike
        ike(device, sa, f"!IPSec policy invalidated proposal with error {reason}")
        ike(device, sa, f"!phase 2 SA policy not acceptable! (local {sa.local} remote {peer})")
        ike(device, sa, "Sending NOTIFY PROPOSAL_NOT_CHOSEN protocol 3")
        ike(device, sa, f'!deleting node {mid} error TRUE reason "QM rejected"')
        self.ctx.send(device, sa.local, peer, lambda r: self._on_qm_rejected(r, sa.local, mid))

    # -- initiator -------------------------------------------------------------------------
    def _on_qm_rejected(self, device: Device, peer: str, mid: int) -> None:
        sa = self.ctx.find_sa(device, peer)
        self.ctx.ike(device, sa, "processing NOTIFY PROPOSAL_NOT_CHOSEN protocol 3", peer)
        self.ctx.notify(device, "qm_refused", peer, mid=mid)
        self.ctx.ike(device, sa, f'!deleting node {mid} error TRUE reason "Delete Larval"', peer)

    def _on_qm2(
        self, device: Device, peer: str, offer: Offer, spi_r: int, transform: tuple[str, ...]
    ) -> None:
        sa = self.ctx.find_sa(device, peer)
        if sa is None:
            return
        self.ctx.ike(device, sa, "Old State = IKE_QM_I_QM1  New State = IKE_QM_PHASE2_COMPLETE")
        proxies = Proxies(offer.ace.src, offer.ace.dst)
        self._install(
            device, offer.entry, sa, proxies, (offer.spi, spi_r), transform, True, offer.mid
        )

    # -- both ------------------------------------------------------------------------------
    def _install(
        self,
        device: Device,
        entry: MapEntry,
        sa: IkeSa,
        proxies: Proxies,
        spis: tuple[int, int],
        transform: tuple[str, ...],
        initiator: bool,
        mid: int = 0,
    ) -> None:
        """The SA pair (inbound, outbound SPI) for ``entry`` is up on this router."""
        state = device.crypto
        conn = state.next_ipsec_conn
        state.next_ipsec_conn += 2
        spi_in, spi_out = spis
        state.ipsec[entry.key] = IpsecSa(
            entry.key, sa.peer, sa.local, proxies.local_net, proxies.remote_net,
            spi_in, spi_out, transform, entry.pfs, self.ctx.clock.now(),
            entry.lifetime_sec, entry.lifetime_kb, conn, conn + 1, initiator,
        )  # fmt: skip
        state.counters_of(entry.key)
        self.ctx.notify(
            device, "p2_done", sa.peer, role="Initiator" if initiator else "Responder",
            spi_in=spi_in, spi_out=spi_out, local=sa.local, mid=mid,
        )  # fmt: skip
        for direction, spi in (("INBOUND", spi_in), ("OUTBOUND", spi_out)):
            self.ctx.ipsec(
                device,
                sa.peer,
                f"IPSEC(create_sa): sa created,\n  (sa) sa_dest= {sa.local if direction == 'INBOUND' else sa.peer}, sa_proto= 50, \n    sa_spi= 0x{spi:X}({spi}), \n    sa_trans= {' '.join(transform)} , sa_conn_id= {conn}",
            )
        if device.running.has_line("crypto logging session"):
            device.log(
                f"%CRYPTO-5-SESSION_STATUS: Crypto tunnel v2 is UP.  Peer {sa.peer}:500       Id: {sa.peer}"
            )


def _proxy(net: ipaddress.IPv4Network) -> str:
    return f"{net.network_address}/{net.netmask}/256/0"
