"""What an ASA's show commands share: its crypto configuration and live SAs, and the IKEv2 SA
listing (``show crypto ikev2 sa [detail]``, also the second half of ``show crypto isakmp sa``).

The IKEv2 layout follows the shared golden cases ``genie_asa_ikev2_sa_two_child_sas``
(genieparser's ASA capture: the ``IKEv2 SAs:`` title, the ``Session-id:1, Status:UP-ACTIVE,
IKE count:1, CHILD count:2`` line, the row, ``Child sa:`` blocks),
``code_asa_ikev2_sa_responder_blank_lines`` (an IPv4 L2L responder: ``Encr: AES-CBC, keysize:
256, Hash: SHA96, DH Grp:2, Auth sign: PSK, Auth verify: PSK``) and
``code_asa_ikev2_sa_detail_vti_gcm`` (the IPv4 column widths and ``detail``'s ``Session-id``
line). An ASA lists an SA once it is up: no capture shows a negotiating one, so none is shown.
"""

from __future__ import annotations

import ipaddress

from lab.asacrypto import read_asa_crypto
from lab.asalog import asa_state
from lab.cryptocfg import CryptoConfig
from lab.device import Device
from lab.sadb import IkeSa, Ikev2Sa, V2Status

__all__ = ["asa_state", "config", "ikev2_block", "live_sas", "live_v2"]


def live_sas(d: Device) -> list[IkeSa]:
    engine = d.crypto_engine
    if engine is not None:
        engine.sync()
    return [sa for sa in d.crypto.isakmp if not sa.deleted]


def config(d: Device) -> CryptoConfig:
    return d.memo("crypto", None, lambda: read_asa_crypto(d.running))


def live_v2(d: Device) -> list[Ikev2Sa]:
    """The IKEv2 SAs that are up (an ASA lists no negotiating one: no capture shows how)."""
    engine = d.crypto_engine
    if engine is not None:
        engine.sync()
    return [sa for sa in d.crypto.ikev2 if sa.status is V2Status.READY and not sa.deleted]


TUNNEL_ID_BASE = 10135900  # ASA tunnel ids are large numbers (7-10 digits in the captures)
_HASH = {"sha1": "SHA96", "md5": "MD596"}


def _range(net: ipaddress.IPv4Network) -> str:
    """``10.38.0.0/0 - 10.38.0.255/65535``: first/last address, with the port range."""
    return f"{net.network_address}/0 - {net.broadcast_address}/65535"


def _encr(encr: str) -> tuple[str, str]:
    """``aes-cbc-256`` -> (``AES-CBC``, ``256``)."""
    words = encr.split("-")
    return "-".join(words[:2]).upper(), words[2] if len(words) > 2 else ""


def _child(d: Device, sa: Ikev2Sa) -> list[str]:
    pair = d.crypto.ipsec.get(sa.entry)
    if pair is None:
        return []
    return [
        f"Child sa: local selector  {_range(pair.local_net)}",
        f"          remote selector {_range(pair.remote_net)}",
        f"          ESP spi in/out: 0x{pair.spi_in:08x}/0x{pair.spi_out:08x}",
    ]


def _block(d: Device, sa: Ikev2Sa, detail: bool) -> list[str]:
    encr, integ, group = sa.chosen
    cipher, keysize = _encr(encr)
    hashing = _HASH.get(integ, integ.upper())
    active = int(d.clock.now() - sa.ready_at)
    role = "INITIATOR" if sa.role == "I" else "RESPONDER"
    children = 1 if sa.entry in d.crypto.ipsec else 0
    tid = TUNNEL_ID_BASE + sa.tunnel_id
    return [
        f"Session-id:{sa.session_id}, Status:UP-ACTIVE, IKE count:1, CHILD count:{children}",
        "",
        "Tunnel-id Local                   Remote                Status         Role",
        f"{tid:>9} {sa.local + '/500':<23} {sa.peer + '/500':<22} READY    {role}",
        f"      Encr: {cipher}, keysize: {keysize}, Hash: {hashing}, DH Grp:{group}, "
        "Auth sign: PSK, Auth verify: PSK",
        f"      Life/Active Time: {sa.lifetime}/{active} sec",
        *([f"      Session-id: {sa.session_id}"] if detail else []),
        *_child(d, sa),
        "",
    ]


def ikev2_block(d: Device, detail: bool = False) -> str:
    sas = live_v2(d)
    if not sas:
        return "\nThere are no IKEv2 SAs\n"  # golden genie_asa_ikev2_sa_none
    out = ["", "IKEv2 SAs:", ""]
    for sa in sas:
        out += _block(d, sa, detail)
    return "\n".join(out) + "\n"
