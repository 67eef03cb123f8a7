"""IKEv2 IKE_AUTH with the first child SA, and INFORMATIONAL (DPD, delete), for static VTIs.

The initiator authenticates with the key its IKEv2 profile's keyring holds for the peer; the
responder finds the profile whose ``match identity remote address`` covers the initiator's
identity (its address), takes that profile's key, and compares. Wording follows the IOS-XE
16.7 capture ``repo_iosxe_debug_ikev2_child_no_proposal_chosen`` (``Searching policy based on
peer's identity``, ``Verification of peer's authenctication data PASSED`` with IOS's typo,
``Session with IKE ID PAIR (...) is UP``, ``Sending DELETE INFO message``); ``IKEv2 profile
not found`` and ``Failed to locate an item in the database`` are Cisco doc 117337's; ``Failed
to authenticate the IKE SA`` is the wording the lab tutorial (code index file 70654122103)
quotes from CML IOS-XE consoles for a key mismatch (no primary capture found). The child SA's
traffic selectors are any/any (the VTI); its ESP proposal is the IPsec profile's transform
set, else IOS-XE's default transform set (esp-aes esp-sha-hmac).
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace

from lab.crypto.context import CryptoContext
from lab.crypto.dmvpnsa import dmvpn_entries, dmvpn_entry_toward
from lab.crypto.ikev2cert import (
    AUTH_REQUEST_CERT,
    AUTH_RESPONSE_CERT,
    RSA,
    CertCheck,
    auth_names,
    own_certificate,
    signs,
)
from lab.crypto.ikev2msg import (
    AUTH_REQUEST,
    AUTH_RESPONSE,
    V2Message,
    V2Wire,
    cancel,
    session_status,
)
from lab.cryptocfg import MapEntry
from lab.device import Device
from lab.forwarding import device_interfaces, device_rib
from lab.ikev2cfg import (
    Ikev2Config,
    Ikev2Profile,
    TunnelInterface,
    vti_entry,
)
from lab.routing import resolve
from lab.sadb import Ikev2Sa, IpsecSa, V2Status

IPv4Net = ipaddress.IPv4Network
ANY = IPv4Net("0.0.0.0/0")
DEFAULT_TRANSFORM = ("esp-aes", "esp-sha-hmac")


class Ikev2Auth:
    def __init__(self, ctx: CryptoContext, wire: V2Wire) -> None:
        self.ctx = ctx
        self.wire = wire
        self.certs = CertCheck(ctx, wire)

    def config(self, device: Device) -> Ikev2Config:
        return self.ctx.ikev2_config(device)

    # -- where a tunnel is -----------------------------------------------------------------
    def entries(self, device: Device) -> list[MapEntry]:
        """The crypto map of each up, protected VTI (``Tunnel21-head-0``), then the DMVPN
        profile instances (``lab.crypto.dmvpnsa``)."""
        cfg, crypto = self.config(device), self.ctx.config(device)
        vtis = [vti_entry(t, cfg, crypto) for t in cfg.vtis() if not t.shutdown]
        return vtis + dmvpn_entries(device, crypto, cfg)

    def entry_toward(self, device: Device, peer: str) -> MapEntry | None:
        found = next((e for e in self.entries(device) if peer in e.peers), None)
        if found is None:
            found = dmvpn_entry_toward(device, peer, self.ctx.config(device), self.config(device))
        if found is None:  # an IKEv2 crypto map entry answers its peer too
            found = next(
                (e for e in self.ctx.config(device).entries if e.ikev2_profile and peer in e.peers),
                None,
            )
        return found

    def _map_entry(self, device: Device, key: str) -> MapEntry | None:
        return next((e for e in self.ctx.config(device).entries if e.key == key), None)

    def _selectors_refused(self, device: Device, sa: Ikev2Sa, m: V2Message) -> bool:
        """A crypto map entry protects what its ACL permits: it accepts a crypto map peer's
        selectors that mirror one of its permits; a tunnel interface initiator proposes
        any/any, wider than any such ACL: the responder refuses (TS_UNACCEPTABLE)."""
        entry = self._map_entry(device, sa.entry)
        if entry is None:
            return False
        aces = self.ctx.config(device).permits(entry.acl)
        if m.ts is not None:
            return not any(a.src == m.ts[1] and a.dst == m.ts[0] for a in aces)
        return not any(a.src == ANY and a.dst == ANY for a in aces)

    def selectors(self, device: Device, key: str) -> tuple[IPv4Net, IPv4Net] | None:
        """A crypto map entry's (local, remote) traffic: its ACL's first permit."""
        entry = self._map_entry(device, key)
        aces = self.ctx.config(device).permits(entry.acl) if entry else ()
        return (aces[0].src, aces[0].dst) if aces else None

    def listens(self, device: Device, address: str) -> bool:
        """Does IKEv2 run on the interface holding ``address`` (an ASA: ``crypto ikev2
        enable IFC``; IOS: everywhere)?"""
        enabled = self.config(device).enabled_on
        if enabled is None:
            return True
        return any(
            i.name in enabled for i in device_interfaces(device) if str(i.address) == address
        )

    def _tunnel(self, device: Device, head: str) -> TunnelInterface | None:
        """The protected tunnel (VTI or multipoint GRE) whose crypto map is ``head``."""
        return next(
            (t for t in self.config(device).tunnels if t.protection and t.head == head), None
        )

    def local_address(self, device: Device, entry: MapEntry) -> str | None:
        """The tunnel source's address, if the peer is routed (IKE leaves from there)."""
        vti = self._tunnel(device, entry.map_name)
        if vti is None and entry.peers:  # a crypto map entry: IKE leaves by the map's interface
            hop = self.ctx.local_address(device, entry.peers[0])
            return hop[1] if hop and self.listens(device, hop[1]) else None
        if vti is None or vti.source is None or not entry.peers:
            return None
        if resolve(device_rib(device), ipaddress.IPv4Address(entry.peers[0])) is None:
            return None
        for itf in device_interfaces(device):
            if vti.source in (itf.name, str(itf.address)) and itf.address is not None:
                return str(itf.address)
        return None

    def profile(self, device: Device, sa: Ikev2Sa) -> Ikev2Profile | None:
        """The initiator: its IPsec profile's IKEv2 profile; the responder: by identity."""
        cfg = self.config(device)
        if sa.role == "R":  # by the identity it sent: its address, NAT or not
            return cfg.profile_for(sa.remote_id or sa.peer)
        vti = self._tunnel(device, sa.entry.split()[0])
        if vti is None:  # a crypto map entry names its IKEv2 profile (an ASA: the tunnel group)
            entry = self._map_entry(device, sa.entry)
            return cfg.profiles.get(entry.ikev2_profile or "") if entry else None
        ipsec = cfg.ipsec_profiles.get(vti.protection or "")
        return cfg.profiles.get(ipsec.ikev2_profile or "") if ipsec else None

    def prelude(self, device: Device, sa: Ikev2Sa, cfg: Ikev2Config) -> None:
        """What the initiator logs before IKE_SA_INIT: its keyring peer and its policy."""
        prof = self.profile(device, sa)
        if prof is not None and prof.keyring:
            self.wire.log(
                device,
                None,
                f"% Getting preshared key from profile keyring {prof.keyring}",
                sa.peer,
            )
            block = cfg.keyring_peer(prof, sa.peer)
            if block:
                self.wire.log(device, None, f"% Matched peer block '{block}'", sa.peer)
        self.wire.log(
            device, None, f"Searching Policy with fvrf 0, local address {sa.local}", sa.peer
        )
        if not cfg.policies:
            self.wire.log(device, None, "Using the Default Policy for Proposal", sa.peer)
        self.wire.log(
            device, None, f"Found Policy '{next(iter(cfg.policies), 'default')}'", sa.peer
        )

    # -- IKE_AUTH --------------------------------------------------------------------------
    def start(self, device: Device, sa: Ikev2Sa) -> None:
        """The initiator's IKE_AUTH request: its identity, AUTH and the child's ESP offer."""
        prof = self.profile(device, sa)
        key = self.config(device).auth_key(prof, sa.peer) if prof and not signs(prof) else None
        log = self.wire.log
        log(device, sa, "Generate my authentication data")
        if signs(prof):
            log(device, sa, "Get my authentication method")
            log(device, sa, "My authentication method is 'RSA'")
        elif key is not None:
            log(device, sa, f"Use preshared key for id {sa.local}, key len {len(key)}")
        log(device, sa, "Generating IKE_AUTH message")
        log(device, sa, f"Constructing IDi payload: '{sa.local}' of type 'IPv4 address'")
        esp = self.transforms(device, sa.entry)
        spi = self.ctx.rng.randrange(0x10000000, 0xFFFFFFFF)
        sa.msg_id, sa.child_spi = 2, spi
        m = V2Message(
            "IKE_AUTH", False, sa.local, sa.peer, sa.spi_i, sa.spi_r, 1,
            AUTH_REQUEST_CERT if signs(prof) else AUTH_REQUEST, device, key=key, esp=esp, spi=spi,
            port=sa.port, identity=sa.local, ts=self.selectors(device, sa.entry),
            cert=own_certificate(device, prof),
        )  # fmt: skip
        self.wire.send(device, sa, m)

    def transforms(self, device: Device, entry_key: str) -> tuple[tuple[str, ...], ...]:
        entry = next((e for e in self.entries(device) if e.key == entry_key), None)
        entry = entry or self._map_entry(device, entry_key)
        sets = self.ctx.config(device).transform_sets
        names = entry.transform_sets if entry else ("default",)
        return tuple(sets.get(n, DEFAULT_TRANSFORM) for n in names)

    def receive(self, device: Device, sa: Ikev2Sa, m: V2Message) -> None:
        if m.port == 4500:
            sa.port = 4500  # the responder floats with the initiator (RFC 7296 §2.23)
        self.wire.packet(device, sa, m, False)
        if m.exchange == "INFORMATIONAL":
            self._informational(device, sa, m)
        elif not m.response:
            self._on_auth_request(device, sa, m)
        elif sa.role == "I" and sa.status is V2Status.IN_NEG:
            self._on_auth_response(device, sa, m)

    def _verify(self, device: Device, sa: Ikev2Sa, m: V2Message) -> str | None:
        """The responder checks the initiator: None if fine, else the notify to answer."""
        log = self.wire.log
        sa.remote_id = m.identity or sa.peer
        log(
            device,
            sa,
            f"Searching policy based on peer's identity '{sa.remote_id}' of type 'IPv4 address'",
        )
        prof = self.profile(device, sa)
        if prof is None:
            log(device, None, "% IKEv2 profile not found", sa.peer)
            log(device, sa, ": Failed to locate an item in the database")
            return "AUTHENTICATION_FAILED"
        sa.profile, sa.dpd, sa.lifetime = prof.name, prof.dpd, prof.lifetime
        for text in ("Verify peer's policy", "Peer's policy verified",
                     "Get peer's authentication method"):  # fmt: skip
            log(device, sa, text)
        if prof.auth_remote == RSA:
            return None if self.certs.verify(device, sa, prof, m.cert) else "AUTHENTICATION_FAILED"
        for text in ("Peer's authentication method is 'PSK'", f"Get peer's preshared key for {sa.peer}",
                     "Verify peer's authentication data"):  # fmt: skip
            log(device, sa, text)
        key = self.config(device).key_for(prof, sa.peer)
        if key is None or key != m.key:
            log(device, sa, "!: Failed to authenticate the IKE SA")
            return "AUTHENTICATION_FAILED"
        log(device, sa, f"Use preshared key for id {sa.peer}, key len {len(key)}")
        log(device, sa, "Verification of peer's authenctication data PASSED")
        return None

    def _on_auth_request(self, device: Device, sa: Ikev2Sa, m: V2Message) -> None:
        if sa.status is V2Status.READY:  # a resend: the SA is up, answer again
            self._answer(device, sa, replace(m, spi=self._spi_in(device, sa)))
            return
        refused = self._verify(device, sa, m)
        if refused is None and self._selectors_refused(device, sa, m):
            refused = "TS_UNACCEPTABLE"
        mine = self.transforms(device, sa.entry)
        chosen = next((t for t in m.esp if t in mine), None)
        if refused is None and chosen is None:
            refused = "NO_PROPOSAL_CHOSEN"
        if refused is not None:
            self.wire.reply(device, sa, m, f" NOTIFY({refused}) ")
            self.wire.delete(device, sa)
            return
        assert chosen is not None
        for old in [o for o in device.crypto.ikev2 if o.peer == sa.peer and o is not sa]:
            if not old.deleted:  # INITIAL_CONTACT: the peer has forgotten its older SAs
                self.wire.delete(device, old)
        spi_in = self.ctx.rng.randrange(0x10000000, 0xFFFFFFFF)
        self._up(device, sa, (spi_in, m.spi), chosen)
        self._answer(device, sa, replace(m, spi=spi_in, esp=(chosen,)))

    def _answer(self, device: Device, sa: Ikev2Sa, m: V2Message) -> None:
        """The IKE_AUTH response: AUTH with this end's key, or its certificate (rsa-sig)."""
        prof = self.profile(device, sa)
        payload = AUTH_RESPONSE_CERT if signs(prof) else AUTH_RESPONSE
        key = self.config(device).auth_key(prof, sa.peer) if prof and not signs(prof) else None
        self.wire.reply(device, sa, m, payload, key, own_certificate(device, prof))

    def _on_auth_response(self, device: Device, sa: Ikev2Sa, m: V2Message) -> None:
        cancel(sa)
        if m.notify is not None:
            self.wire.log(device, sa, "Process auth response notify")
            if m.notify == "AUTHENTICATION_FAILED":
                self.wire.log(device, sa, "!: Failed to authenticate the IKE SA")
            self.wire.delete(device, sa)
            return
        prof = self.profile(device, sa)
        self.wire.log(
            device,
            sa,
            f"Searching policy based on peer's identity '{sa.peer}' of type 'IPv4 address'",
        )
        if prof is None or not prof.matches(sa.peer):
            self._refuse_responder(device, sa)
            return
        sa.profile, sa.dpd, sa.lifetime = prof.name, prof.dpd, prof.lifetime
        if prof.auth_remote == RSA:
            if not self.certs.verify(device, sa, prof, m.cert):
                self._request(device, sa, " NOTIFY(AUTHENTICATION_FAILED) DELETE ")
                self.wire.delete(device, sa)  # the responder's SA goes with the DELETE
                return
        else:
            self.wire.log(device, sa, "Verify peer's authentication data")
            if m.key != self.config(device).key_for(prof, sa.peer):
                self._reject_responder_auth(device, sa)
                return
            self.wire.log(device, sa, "Verification of peer's authenctication data PASSED")
        self._up(device, sa, (sa.child_spi, m.spi), m.esp[0] if m.esp else DEFAULT_TRANSFORM)

    def _reject_responder_auth(self, device: Device, sa: Ikev2Sa) -> None:
        """The responder's AUTH does not verify with the key this end expects from it (an ASA
        whose ``ikev2 remote-authentication`` key differs from the peer's): the initiator tells
        it and deletes both SAs (RFC 7296 §2.21.2). The line is the responder's wording for a
        refused AUTH; no capture shows an initiator's."""
        self.wire.log(device, sa, "!: Failed to authenticate the IKE SA")
        self._request(device, sa, " NOTIFY(AUTHENTICATION_FAILED) DELETE ")
        self.wire.delete(device, sa)

    def _refuse_responder(self, device: Device, sa: Ikev2Sa) -> None:
        """The initiator's profile does not match the responder's identity: the SA the
        responder already installed is deleted with an INFORMATIONAL DELETE. The two lines are
        the responder's wording (doc 117337); no capture shows an initiator's."""
        self.wire.log(device, None, "% IKEv2 profile not found", sa.peer)
        self.wire.log(device, sa, "!: Failed to locate an item in the database")
        self._request(device, sa, " DELETE ")
        self.wire.delete(device, sa)

    def _spi_in(self, device: Device, sa: Ikev2Sa) -> int:
        pair = device.crypto.ipsec.get(sa.entry)
        return pair.spi_in if pair else 0

    def _up(self, device: Device, sa: Ikev2Sa, spis: tuple[int, int], esp: tuple[str, ...]) -> None:
        log = self.wire.log
        log(
            device,
            sa,
            f"IKEV2 SA created; inserting SA into database. SA lifetime timer ({sa.lifetime} sec) started",
        )
        log(device, sa, f"Session with IKE ID PAIR ({sa.remote_id or sa.peer}, {sa.local}) is UP")
        session_status(device, sa, "UP")
        now = self.ctx.clock.now()
        sa.status, sa.ready_at, sa.last_dpd, sa.exchange = V2Status.READY, now, now, ""
        sa.auth = auth_names(self.profile(device, sa))
        state = device.crypto
        conn = state.next_ipsec_conn
        state.next_ipsec_conn += 2
        entry = next((e for e in self.entries(device) if e.key == sa.entry), None)
        entry = entry or self._map_entry(device, sa.entry)
        pfs = entry.pfs if entry else None
        nets = self.selectors(device, sa.entry) or (ANY, ANY)
        life = entry.lifetime_sec if entry else 3600
        state.ipsec[sa.entry] = IpsecSa(
            sa.entry, sa.peer, sa.local, nets[0], nets[1], spis[0], spis[1], esp, pfs, now,
            life, 4608000, conn, conn + 1, sa.role == "I", udp_encaps=sa.port == 4500,
        )  # fmt: skip
        state.counters_of(sa.entry)

    # -- INFORMATIONAL: liveness (DPD) and delete ------------------------------------------
    def _request(self, device: Device, sa: Ikev2Sa, payload: str) -> bool:
        m = V2Message(
            "INFORMATIONAL", False, sa.local, sa.peer, sa.spi_i, sa.spi_r, sa.msg_id, payload,
            device, port=sa.port,
        )  # fmt: skip
        sa.msg_id += 1
        return self.wire.send(device, sa, m)

    def _informational(self, device: Device, sa: Ikev2Sa, m: V2Message) -> None:
        if m.response:
            sa.dpd_misses = 0  # the peer answered: it is alive
            return
        if "DELETE" not in m.payload:  # a liveness check, answered (the capture's DPD row
            device.crypto.count_v2("DPD", "RX(REQ)")  # counts RX(REQ) and TX(RES) only)
            device.crypto.count_v2("DPD", "TX(RES)")
        self.wire.reply(device, sa, m, " ")
        if "DELETE" in m.payload:
            self.wire.log(device, sa, "Check for existing active SA")
            self.wire.log(device, sa, "Delete all IKE SAs")
            self.wire.delete(device, sa)

    def dpd(self, device: Device, sa: Ikev2Sa, now: float) -> None:
        """``dpd INTERVAL RETRY periodic``: an empty INFORMATIONAL every interval; after
        RETRY unanswered ones the peer is dead and the SAs go without a notice."""
        if sa.dpd is None or now - sa.last_dpd < sa.dpd[0]:
            return
        sa.last_dpd = now
        if sa.dpd_misses > sa.dpd[1]:
            self.wire.log(device, sa, "!: Peer is dead (DPD)")  # lab wording: no capture found
            self.wire.delete(device, sa)
            return
        sa.dpd_misses += 1
        self._request(device, sa, " ")

    def delete_both(self, device: Device, sa: Ikev2Sa) -> None:
        """Delete the SA and tell the peer (an INFORMATIONAL with a DELETE payload)."""
        self.wire.log(
            device,
            sa,
            f"Sending DELETE INFO message for IKEv2 SA [ISPI: 0x{sa.spi_i} RSPI: 0x{sa.spi_r}]",
        )
        self.wire.log(device, sa, "Building packet for encryption.  \nPayload contents: \n DELETE")
        if sa.status is V2Status.READY:
            self._request(device, sa, " DELETE ")
        self.wire.delete(device, sa)
