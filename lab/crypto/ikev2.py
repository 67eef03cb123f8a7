"""IKEv2 as one ``IkeVersion``: IKE_SA_INIT here, IKE_AUTH with the first child SA in
``ikev2auth``, INFORMATIONAL (DPD, delete) in both.

IKE_SA_INIT: the initiator offers the proposals of its ``crypto ikev2 policy`` (else the smart
default); the responder accepts the first offer one of its own proposals shares a transform of
each type with, else answers NO_PROPOSAL_CHOSEN and logs what it received and expected (the
``Received Policies`` / ``Expected Policies`` lines IOS-XE prints with ``debug crypto ikev2``;
wording as quoted from CML IOS-XE consoles by a lab tutorial, code index file 70654122103, not
a primary capture). A static VTI starts IKE by itself, without traffic, as IOS does; when both
ends would start at once the lab lets the first one through (IOS deletes the duplicate).

The KE payload is in the first group of the initiator's first proposal; when the proposal the
responder selects has another group, it answers INVALID_KE_PAYLOAD with the group it wants and
keeps no state, and the initiator sends IKE_SA_INIT again with that group (RFC 7296 §1.2,
§3.10.1). The two debug lines for it are the lab's own: no IOS-XE capture of them was found.
"""

from __future__ import annotations

from dataclasses import replace

from lab.crypto import asav2
from lab.crypto.context import CryptoContext
from lab.crypto.ikev2auth import Ikev2Auth
from lab.crypto.ikev2msg import SA_INIT, V2Message, V2Wire, cancel
from lab.cryptocfg import MapEntry
from lab.device import Device
from lab.ikev2cfg import Ikev2Config, Ikev2Proposal
from lab.sadb import Ikev2Sa, V2Status

# IOS-XE's names for the transforms (capture repo_iosxe_debug_ikev2_sa_init_no_response).
_GROUPS = {
    1: "DH_GROUP_768_MODP",
    2: "DH_GROUP_1024_MODP",
    5: "DH_GROUP_1536_MODP",
    14: "DH_GROUP_2048_MODP",
    15: "DH_GROUP_3072_MODP",
    16: "DH_GROUP_4096_MODP",
    19: "DH_GROUP_256_ECP",
    20: "DH_GROUP_384_ECP",
    21: "DH_GROUP_521_ECP",
    24: "DH_GROUP_2048_MODP_256_PRIME",
}
RETRY_S = 10.0  # a VTI whose negotiation failed tries again this much later
_INTEG = {"sha1": "SHA96", "md5": "MD596"}


def encr_name(encr: str) -> str:
    """``aes-cbc-256`` -> ``AES-CBC``; ``aes-gcm-256`` -> ``AES-GCM``."""
    return "-".join(encr.split("-")[:2]).upper()


def group_name(group: int) -> str:
    return f"{_GROUPS.get(group, 'DH_GROUP')}/Group {group}"


def integ_name(integ: str) -> str:
    return _INTEG.get(integ, integ.upper())


def _transforms(p: Ikev2Proposal) -> list[str]:
    """Encryption, PRF, integrity and DH transforms, in the order IOS-XE prints them."""
    return [
        *(encr_name(e) for e in p.encryption),
        *(i.upper() for i in p.integrity),
        *(integ_name(i) for i in p.integrity),
        *(group_name(g) for g in p.groups),
    ]


def policy_line(p: Ikev2Proposal, n: int) -> str:
    return (
        f"Proposal {n}:  ENCRYPTION: {' '.join(e.upper() for e in p.encryption)} PRF: "
        f"{' '.join(i.upper() for i in p.integrity)} INTEGRITY: "
        f"{' '.join(integ_name(i) for i in p.integrity)} DH GROUP: "
        f"{' '.join(group_name(g) for g in p.groups)}"
    )


def asa_proposal_line(p: Ikev2Proposal, n: int) -> str:
    """``Proposal 1: AES-CBC-256 SHA1 SHA96 DH_GROUP_1024_MODP/Group 2``: an ASA's debug names
    one transform of each type (the first)."""
    integ = p.integrity[0] if p.integrity else ""
    return asav2.PROPOSAL.format(
        n=n,
        encr=(p.encryption[0] if p.encryption else "").upper(),
        prf=integ.upper(),
        integ=integ_name(integ),
        dh=group_name(p.groups[0]) if p.groups else "",
    )


class Ikev2:
    """IKEv2 for every router of the fleet (see ``lab.crypto.versions.IkeVersion``)."""

    name = "IKEv2"

    def __init__(self, ctx: CryptoContext) -> None:
        self.ctx = ctx
        self.wire = V2Wire(ctx, self.receive)
        self.auth = Ikev2Auth(ctx, self.wire)

    def config(self, device: Device) -> Ikev2Config:
        return self.ctx.ikev2_config(device)

    # -- IkeVersion ------------------------------------------------------------------------
    def bring_up(self, device: Device, entry: MapEntry, peer: str, now: float) -> None:
        """A VTI without its SA pair: IKE_SA_INIT, unless an IKEv2 SA with the peer exists."""
        if entry.key in device.crypto.ipsec:
            return
        sa = device.crypto.find_v2(peer)
        if sa is not None and sa.status is V2Status.READY and sa.role == "I":
            # The child expired: CREATE_CHILD_SA is not in the lab yet, so the IKE SA goes too
            # and the next pulse negotiates both again.
            self.auth.delete_both(device, sa)
        if sa is not None or now - device.crypto.v2_attempts.get(entry.key, -1e9) < RETRY_S:
            return
        device.crypto.v2_attempts[entry.key] = now
        local = self.auth.local_address(device, entry)
        if local is not None:
            self.initiate(device, entry, peer, local)

    def expire(self, device: Device, now: float) -> None:
        for sa in list(device.crypto.ikev2):
            if sa.deleted:
                continue
            if sa.status is V2Status.READY and now - sa.ready_at >= sa.lifetime:
                self.auth.delete_both(device, sa)
            elif sa.status is V2Status.IN_NEG and sa.role == "R" and now - sa.created >= 60:
                self.wire.delete(device, sa)  # a half-open SA the initiator gave up on
            elif sa.status is V2Status.READY:
                self.auth.dpd(device, sa, now)

    def clear(self, device: Device, peer: str | None = None) -> None:
        """``clear crypto session`` / ``clear crypto ikev2 sa``: delete with a notice."""
        for sa in list(device.crypto.ikev2):
            if (peer is None or sa.peer == peer) and not sa.deleted:
                self.auth.delete_both(device, sa)

    # -- IKE_SA_INIT -----------------------------------------------------------------------
    def initiate(self, device: Device, entry: MapEntry, peer: str, local: str) -> None:
        cfg = self.config(device)
        state = device.crypto
        sid = state.next_ikev2
        state.next_ikev2 += 1
        spi = f"{self.ctx.rng.getrandbits(64):016X}"
        sa = Ikev2Sa(peer, local, "I", entry.key, sid, sid, spi, created=self.ctx.clock.now())
        state.ikev2.append(sa)
        self.auth.prelude(device, sa, cfg)
        offered = cfg.offered()
        log = self.wire.log
        log(device, sa, "Generating IKE_SA_INIT message")
        for n, p in enumerate(offered, start=1):
            names = _transforms(p)
            log(
                device,
                sa,
                f"IKE Proposal: {n}, SPI size: 0 (initial negotiation), \nNum. transforms: "
                f"{len(names)}\n   {'   '.join(names)} \n",
            )
        log(device, sa, "Insert SA")  # after the packet on IOS; the lab delivers at once
        self._send_init(device, sa, offered[0].groups[0])

    def _send_init(self, device: Device, sa: Ikev2Sa, group: int) -> None:
        """IKE_SA_INIT with every proposal and a KE payload in ``group`` (the first proposal's
        first group: the initiator's guess; the responder's, after INVALID_KE_PAYLOAD)."""
        m = V2Message(
            "IKE_SA_INIT", False, sa.local, sa.peer, sa.spi_i, sa.spi_r, 0, SA_INIT, device,
            nat_src=sa.local, nat_dst=sa.peer, proposals=self.config(device).offered(),
            ke_group=group,
        )  # fmt: skip
        self.wire.send(device, sa, m)

    def receive(self, device: Device, m: V2Message) -> None:
        """An IKEv2 message arrived from ``m.src``."""
        sa = next((s for s in device.crypto.ikev2 if s.spi_i == m.spi_i and not s.deleted), None)
        if m.exchange == "IKE_SA_INIT" and not m.response:
            self._on_init_request(device, m, sa)
        elif sa is None:
            self.wire.packet(device, None, m, False)  # an SA this end no longer has
        elif m.exchange == "IKE_SA_INIT":
            self._on_init_response(device, sa, m)
        else:
            self.auth.receive(device, sa, m)

    def _on_init_request(self, device: Device, m: V2Message, sa: Ikev2Sa | None) -> None:
        self.wire.packet(device, sa, m, False)
        if sa is not None:  # a resend: answer again
            if sa.role == "R":
                self.wire.reply(device, sa, m, SA_INIT)
            return
        entry = self.auth.entry_toward(device, m.src)
        if entry is None or not self.auth.listens(device, m.dst):
            return  # no tunnel toward the initiator (IOS), IKEv2 not enabled there (ASA): dropped
        cfg = self.config(device)
        state = device.crypto
        sid = state.next_ikev2
        state.next_ikev2 += 1
        new = Ikev2Sa(m.src, m.dst, "R", entry.key, sid, sid, m.spi_i, created=self.ctx.clock.now())
        new.spi_r = f"{self.ctx.rng.getrandbits(64):016X}"
        new.nat = _nat_seen(m, m.dst)
        self.wire.log(device, new, "Processing IKE_SA_INIT message")
        chosen = self._choose(cfg, m.proposals)
        if chosen is None:
            self._refuse(device, new, m, cfg)
            return
        if m.ke_group and chosen[2] != m.ke_group:
            self._invalid_ke(device, new, m, chosen[2])
            return
        new.chosen = chosen
        state.ikev2.append(new)
        self.wire.log(device, new, "Verify SA init message")
        self.wire.log(device, new, "Generating IKE_SA_INIT message")
        encr, integ, group = chosen
        picked = (Ikev2Proposal("chosen", (encr,), (integ,), (group,)),)
        self.wire.reply(device, new, replace(m, proposals=picked), SA_INIT)

    def _choose(
        self, cfg: Ikev2Config, offers: tuple[Ikev2Proposal, ...]
    ) -> tuple[str, str, int] | None:
        for offer in offers:
            for mine in cfg.offered():
                if mine.accepts(offer):
                    return mine.chosen(offer)
        return None

    def _refuse(self, device: Device, sa: Ikev2Sa, m: V2Message, cfg: Ikev2Config) -> None:
        if device.platform == "asa":
            received = [asa_proposal_line(p, n) for n, p in enumerate(m.proposals, start=1)]
            expected = [asa_proposal_line(p, n) for n, p in enumerate(cfg.offered(), start=1)]
            for line in asav2.refusal_lines(sa, received, expected):
                self.ctx.asa_debug(device, sa.peer, line)
            self.wire.reply(device, sa, m, " NOTIFY(NO_PROPOSAL_CHOSEN) ")
            return
        for n, p in enumerate(m.proposals, start=1):
            self.wire.log(
                device,
                sa,
                f"!Received Policies: : Failed to find a matching policy{policy_line(p, n)}",
            )
        for n, p in enumerate(cfg.offered(), start=1):
            self.wire.log(
                device,
                sa,
                f"!Expected Policies: : Failed to find a matching policy{policy_line(p, n)}",
            )
        self.wire.reply(device, sa, m, " NOTIFY(NO_PROPOSAL_CHOSEN) ")

    def _on_init_response(self, device: Device, sa: Ikev2Sa, m: V2Message) -> None:
        self.wire.packet(device, sa, m, False)
        if sa.exchange != "IKE_SA_INIT" or sa.role != "I":
            return
        if m.notify == "NO_PROPOSAL_CHOSEN":
            self.wire.log(device, sa, "!: Received no proposal chosen notify")
            self.wire.delete(device, sa)
            return
        if m.notify == "INVALID_KE_PAYLOAD":
            self._retry_group(device, sa, m.ke_group)
            return
        sa.spi_r = m.spi_r
        sa.chosen = self._choose(self.config(device), m.proposals) or sa.chosen
        for text in ("Processing IKE_SA_INIT message", "Checking NAT discovery"):
            self.wire.log(device, sa, text)
        self._nat_discovery(device, sa, m)
        self.wire.log(device, sa, "Completed SA init exchange")
        self.auth.start(device, sa)

    def _invalid_ke(self, device: Device, sa: Ikev2Sa, m: V2Message, group: int) -> None:
        """The proposal agreed uses another DH group than the KE payload: INVALID_KE_PAYLOAD
        with the group wanted, and no state kept (RFC 7296 §1.2)."""
        self.wire.log(device, sa, f"!: Invalid KE payload: DH group {m.ke_group}, expected {group}")
        self.wire.reply(device, None, replace(m, ke_group=group), " NOTIFY(INVALID_KE_PAYLOAD) ")

    def _retry_group(self, device: Device, sa: Ikev2Sa, group: int) -> None:
        """IKE_SA_INIT again with the group the responder asked for, if one of ours."""
        offered = {g for p in self.config(device).offered() for g in p.groups}
        if group not in offered:
            self.wire.delete(device, sa)
            return
        cancel(sa)
        sa.retransmits = 0
        self.wire.log(device, sa, f"Retrying IKE_SA_INIT with DH group {group}")
        self._send_init(device, sa, group)

    def _nat_discovery(self, device: Device, sa: Ikev2Sa, m: V2Message) -> None:
        """The initiator compares the response's NAT_DETECTION hashes with the addresses it
        sent from and to: a NAT moves the IKE SA to UDP 4500. ``NAT not found`` and the
        NO_NAT / NAT_INSIDE counters are IOS-XE's (captures above, genieparser's stats);
        ``NAT INSIDE found`` / ``NAT OUTSIDE found`` are the ASA's IKEv2 debug wording as log
        analyzers match it (code index file 31422357055): no IOS-XE capture of a detected NAT
        was found, nor of a NAT_OUTSIDE counter (the lab counts it by analogy)."""
        sa.nat = _nat_seen(m, sa.local)
        counter = {"inside": "NAT_INSIDE", "outside": "NAT_OUTSIDE"}.get(sa.nat, "NO_NAT")
        device.crypto.v2_other[counter] = device.crypto.v2_other.get(counter, 0) + 1
        if not sa.nat:
            self.wire.log(device, sa, "NAT not found")
            return
        self.wire.log(device, sa, f"NAT {sa.nat.upper()} found")
        sa.port = 4500


def _nat_seen(m: V2Message, me: str) -> str:
    """What the NAT_DETECTION notifies of ``m`` say: this end (``me``) is behind a NAT
    ("inside": the sender hashed another address for it), the sender is ("outside": it
    arrived from another address than it hashed), or neither ("")."""
    if m.nat_dst and m.nat_dst != me:
        return "inside"
    if m.nat_src and m.nat_src != m.src:
        return "outside"
    return ""
