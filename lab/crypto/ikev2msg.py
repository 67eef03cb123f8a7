"""IKEv2 messages on the wire: what both exchanges share (the IKEv2 form of ``phase1``).

A request is sent with a retransmission timer; IOS-XE doubles the interval (here 1, 2, 4, 8,
16 s, then 32 s more: a lab approximation, no capture gives the timing) and gives up after the
fifth resend with ``Initial exchange failed`` (the initial
exchanges are IKE_SA_INIT and IKE_AUTH, RFC 7296 §1.2). Debug lines follow the IOS-XE 16.7
capture ``tests/golden/repo_iosxe_debug_ikev2_sa_init_no_response`` and
``repo_iosxe_debug_ikev2_child_no_proposal_chosen``: ``IKEv2:(SESSION ID = n,SA ID = 1):``
then the text, a packet as ``Sending Packet [To P:500/From L:500/VRF i0:f0]`` with the SPIs,
the exchange and the payloads on the lines under it.

NAT-T: a message carries the addresses its sender hashes into NAT_DETECTION_SOURCE_IP and
NAT_DETECTION_DESTINATION_IP (``nat_src``, ``nat_dst``) and the UDP port it travels on; the
receiver gets it from the source address the underlay delivered it with, so a static NAT on
the way (a ``nat`` fault) shows. Once a NAT is detected both ends float to UDP 4500
(RFC 7296 §2.23), which the underlay carries as ``Proto.UDP4500``: a path that drops it lets
IKE_SA_INIT through and loses IKE_AUTH. The packet lines then say ``:4500`` where the captures
say ``:500`` (the layout of an IOS-XE packet line with port 4500 is not in a capture found).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from lab.crypto import asav2
from lab.crypto.context import CryptoContext
from lab.device import Device
from lab.faults import Proto
from lab.ikev2cfg import Ikev2Proposal
from lab.pki import LabCertificate
from lab.sadb import Ikev2Sa, V2Status

IPv4Net = ipaddress.IPv4Network
RETRANSMIT_S = 1.0
MAX_RETRANSMITS = 5
PURGE_DELETED_S = 2.0  # IOS-XE lists a failed SA as DELETE only briefly

# Payloads as the captures list them (the IKE_AUTH ones as the debug prints them decrypted).
SA_INIT = (
    " SA KE N VID VID VID VID NOTIFY(NAT_DETECTION_SOURCE_IP) NOTIFY(NAT_DETECTION_DESTINATION_IP) "
)
AUTH_REQUEST = (
    " VID IDi AUTH SA TSi TSr NOTIFY(INITIAL_CONTACT) NOTIFY(SET_WINDOW_SIZE) "
    "NOTIFY(ESP_TFC_NO_SUPPORT) NOTIFY(NON_FIRST_FRAGS) "
)
AUTH_RESPONSE = (
    " VID IDr AUTH SA TSi TSr NOTIFY(SET_WINDOW_SIZE) NOTIFY(ESP_TFC_NO_SUPPORT) "
    "NOTIFY(NON_FIRST_FRAGS) "
)


@dataclass(frozen=True)
class V2Message:
    """One IKEv2 message as its receiver gets it."""

    exchange: str  # IKE_SA_INIT, IKE_AUTH, INFORMATIONAL
    response: bool
    src: str
    dst: str
    spi_i: str
    spi_r: str
    msg_id: int
    payload: str  # what the debug prints under "Payload contents:"
    sender: Device
    proposals: tuple[Ikev2Proposal, ...] = ()
    key: str | None = None  # IKE_AUTH: the key the sender's AUTH payload is computed with
    esp: tuple[tuple[str, ...], ...] = ()  # IKE_AUTH request: the child SA's ESP proposals
    spi: int = 0  # IKE_AUTH: the sender's inbound ESP SPI
    port: int = 500  # UDP 500, or 4500 after a NAT was detected
    nat_src: str = ""  # IKE_SA_INIT: the address the sender hashes as its own
    nat_dst: str = ""  # IKE_SA_INIT: the address the sender hashes as the receiver's
    identity: str = ""  # IKE_AUTH request: IDi (the initiator's own address)
    # IKE_AUTH request from a crypto map entry: its (TSi, TSr), the ACL's first permit; None is
    # a tunnel interface's any/any.
    ts: tuple[IPv4Net, IPv4Net] | None = None
    cert: LabCertificate | None = None  # IKE_AUTH with rsa-sig: the sender's CERT payload
    # IKE_SA_INIT: the DH group of the KE payload (a request), the group an INVALID_KE_PAYLOAD
    # notify asks for (its response)
    ke_group: int = 0

    @property
    def notify(self) -> str | None:
        """NO_PROPOSAL_CHOSEN / AUTHENTICATION_FAILED / TS_UNACCEPTABLE: the payload's notify."""
        if "NOTIFY(NO_PROPOSAL_CHOSEN)" in self.payload:
            return "NO_PROPOSAL_CHOSEN"
        if "NOTIFY(AUTHENTICATION_FAILED)" in self.payload:
            return "AUTHENTICATION_FAILED"
        if "NOTIFY(TS_UNACCEPTABLE)" in self.payload:
            return "TS_UNACCEPTABLE"
        if "NOTIFY(INVALID_KE_PAYLOAD)" in self.payload:
            return "INVALID_KE_PAYLOAD"
        return None


Receive = Callable[[Device, V2Message], None]
_NOTIFY = re.compile(r"NOTIFY\((\w+)\)")


def count(device: Device, m: V2Message, sent: bool) -> None:
    """``show crypto ikev2 stats exchange``: the exchange and each notify ``m`` carries, in
    the column of its direction and kind (DPD is counted where liveness is answered)."""
    column = f"{'TX' if sent else 'RX'}({'RES' if m.response else 'REQ'})"
    state = device.crypto
    state.count_v2(m.exchange, column)
    for notify in _NOTIFY.findall(m.payload):
        state.count_v2(notify, column)


class V2Wire:
    """Sending, retransmitting, logging and deleting IKEv2 SAs for every router."""

    def __init__(self, ctx: CryptoContext, receive: Receive) -> None:
        self.ctx = ctx
        self.receive = receive

    # -- debug -----------------------------------------------------------------------------
    def log(self, device: Device, sa: Ikev2Sa | None, text: str, peer: str | None = None) -> None:
        """``IKEv2:(SESSION ID = n,SA ID = 1):text``; a leading ``!`` makes it IKEv2-ERROR.
        An ASA prints its own lines for the step instead (``lab.crypto.asav2``)."""
        if device.platform == "asa":
            self._asa_log(device, sa, text, peer or (sa.peer if sa else ""))
            return
        head = "IKEv2-ERROR:" if text.startswith("!") else "IKEv2:"
        ids = f"(SESSION ID = {sa.session_id},SA ID = 1):" if sa else ""
        self.ctx.debug(
            device, "ikev2", peer or (sa.peer if sa else None), head + ids + text.lstrip("!")
        )

    def _asa_log(self, device: Device, sa: Ikev2Sa | None, text: str, peer: str) -> None:
        for line in asav2.debug_lines(text, sa, peer):
            self.ctx.asa_debug(device, peer, line)
        if sa is not None and text.lstrip("!: ") == "Failed to authenticate the IKE SA":
            asav2.syslog_aborted(device, sa, "Failed to authenticate the IKE SA")

    def packet(self, device: Device, sa: Ikev2Sa | None, m: V2Message, sent: bool) -> None:
        where = (
            f"Sending Packet [To {m.dst}:{m.port}/From {m.src}:{m.port}/VRF i0:f0] "
            if sent
            else f"Received Packet [From {m.src}:{m.port}/To {m.dst}:{m.port}/VRF i0:f0] "
        )
        kind = "RESPONSE" if m.response else "REQUEST"
        peer = m.dst if sent else m.src
        self.log(
            device,
            sa,
            f"{where}\nInitiator SPI : {m.spi_i} - Responder SPI : {m.spi_r} Message id: "
            f"{m.msg_id}\nIKEv2 {m.exchange} Exchange {kind} \nPayload contents: \n{m.payload}\n",
            peer,
        )

    # -- sending ---------------------------------------------------------------------------
    def send(self, device: Device, sa: Ikev2Sa | None, m: V2Message) -> bool:
        """Send ``m``; a request arms the retransmission timer of ``sa``."""
        self.packet(device, sa, m, True)
        if sa is not None and not m.response:
            sa.exchange = m.exchange
            self._arm(device, sa, m, RETRANSMIT_S)
        return self._transmit(device, m)

    def _transmit(self, device: Device, m: V2Message) -> bool:
        count(device, m, sent=True)
        proto = Proto.UDP4500 if m.port == 4500 else Proto.IKE
        return self.ctx.datagram(device, m.src, m.dst, proto, lambda *a: self._arrive(m, *a))

    def _arrive(self, m: V2Message, receiver: Device, source: str, destination: str) -> None:
        count(receiver, m, sent=False)
        if (source, destination) != (m.src, m.dst):
            m = replace(m, src=source, dst=destination)  # as a NAT on the way rewrote it
        self.receive(receiver, m)

    def _arm(self, device: Device, sa: Ikev2Sa, m: V2Message, delay: float) -> None:
        cancel(sa)
        sa.timer = self.ctx.clock.call_later(delay, lambda: self._retransmit(device, sa, m, delay))

    def _retransmit(self, device: Device, sa: Ikev2Sa, m: V2Message, delay: float) -> None:
        if sa.deleted or sa.exchange != m.exchange or sa.status is not V2Status.IN_NEG:
            return
        sa.retransmits += 1
        if sa.retransmits > MAX_RETRANSMITS:
            self.log(device, sa, "!Initial exchange failed: Initial exchange failed")
            self.delete(device, sa)
            return
        self.log(device, sa, "Retransmitting packet \n")
        self.packet(device, sa, m, True)
        self._arm(device, sa, m, delay * 2)
        self._transmit(device, m)

    def reply(
        self,
        device: Device,
        sa: Ikev2Sa | None,
        m: V2Message,
        payload: str,
        key: str | None = None,
        cert: LabCertificate | None = None,
    ) -> bool:
        """The response to request ``m``, from ``device`` (``key``: its AUTH's, in IKE_AUTH;
        ``cert``: its CERT payload, with rsa-sig)."""
        answer = replace(
            m, response=True, src=m.dst, dst=m.src, payload=payload, sender=device, key=key,
            nat_src=m.dst, nat_dst=m.src, identity="", cert=cert,
        )  # fmt: skip
        if sa is not None:
            answer = replace(answer, spi_r=sa.spi_r)
        return self.send(device, sa, answer)

    # -- the end of an SA ------------------------------------------------------------------
    def delete(self, device: Device, sa: Ikev2Sa) -> None:
        cancel(sa)
        if sa.status is V2Status.READY:
            session_status(device, sa, "DOWN")
        self.log(device, sa, "Deleting SA")
        sa.deleted, sa.status = True, V2Status.DELETE
        device.crypto.ipsec.pop(sa.entry, None)
        self.ctx.clock.call_later(PURGE_DELETED_S, lambda: _purge(device, sa))


def session_status(device: Device, sa: Ikev2Sa, state: str) -> None:
    """``%CRYPTO-5-IKEV2_SESSION_STATUS`` when the router logs crypto sessions. The wording is a
    SIEM parser's match rules' (code index file 24168862964) with the spacing of the IKEv1
    ``%CRYPTO-5-SESSION_STATUS`` line; no raw capture of it was found. Which command turns it on
    is not documented in what was found either: the lab takes ``crypto logging session`` (IKEv1's)
    or ``crypto logging ikev2``."""
    if device.platform == "asa":  # the ASA's own message, always logged
        if state == "UP":
            asav2.syslog_up(device, sa)
        return
    running = device.running
    if running.has_line("crypto logging session") or running.has_line("crypto logging ikev2"):
        device.log(
            f"%CRYPTO-5-IKEV2_SESSION_STATUS: Crypto tunnel v2 is {state}.  Peer {sa.peer}:{sa.port}"
            f"       Id: {sa.peer}"
        )


def cancel(sa: Ikev2Sa) -> None:
    if sa.timer is not None:
        sa.timer.cancelled = True
        sa.timer = None


def _purge(device: Device, sa: Ikev2Sa) -> None:
    if sa in device.crypto.ikev2:
        device.crypto.ikev2.remove(sa)
