"""A host's own addresses: read off its outputs (interfaces, and the local end of its SAs,
sessions, crypto map bindings and DMVPN sockets), then completed from the other hosts of the
fleet (an SA row or a crypto map naming an address another host owns). Pure.

The models are recognised by name (``model_names``): a paste without them imports none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from nornir_tasks.checks.model_names import CRYPTO_MAP, RUNNING_CONFIG, is_model, model_name
from nornir_tasks.models.isakmp import IsakmpSaTable

if TYPE_CHECKING:
    from nornir_tasks.checks.evidence import HostEvidence
    from nornir_tasks.models.config import RunningConfig
    from nornir_tasks.models.crypto_map import CryptoMapTable
    from nornir_tasks.models.crypto_session import CryptoSessionTable
    from nornir_tasks.models.dmvpn import DmvpnTable
    from nornir_tasks.models.ikev2 import Ikev2SaTable
    from nornir_tasks.models.interfaces import InterfaceBriefTable
    from nornir_tasks.models.ipsec import IpsecSaTable


def _config_addresses(model: RunningConfig) -> Iterable[str | None]:
    return (i.ip_address for i in model.interfaces.values() if not i.shutdown)


def _brief_addresses(model: InterfaceBriefTable) -> Iterable[str | None]:
    return (i.ip_address for i in model.interfaces.values())


def _ipsec_addresses(model: IpsecSaTable) -> Iterable[str | None]:
    for flow in model.flows:
        yield flow.local_addr
        yield flow.local_crypto_endpt


def _session_addresses(model: CryptoSessionTable) -> Iterable[str | None]:
    return (ike.local for s in model.sessions for ike in s.ike_sas)


def _sa_addresses(model: IsakmpSaTable | Ikev2SaTable) -> Iterable[str | None]:
    return (sa.local for sa in model.sas)


def _map_addresses(model: CryptoMapTable) -> Iterable[str | None]:
    return (b.local_address for b in model.bindings)


def _dmvpn_addresses(model: DmvpnTable) -> Iterable[str | None]:
    # "Tunnel Src./Dest. addr: 198.51.100.130/MGRE"
    return (i.source.split("/")[0] for i in model.interfaces if i.source)


# The models that name the host's own addresses (by ``module.Class``, as ``is_model``).
ADDRESS_READERS: dict[str, Callable[[Any], Iterable[str | None]]] = {
    RUNNING_CONFIG: _config_addresses,
    "nornir_tasks.models.interfaces.InterfaceBriefTable": _brief_addresses,
    "nornir_tasks.models.ipsec.IpsecSaTable": _ipsec_addresses,
    "nornir_tasks.models.crypto_session.CryptoSessionTable": _session_addresses,
    "nornir_tasks.models.isakmp.IsakmpSaTable": _sa_addresses,
    "nornir_tasks.models.ikev2.Ikev2SaTable": _sa_addresses,
    CRYPTO_MAP: _map_addresses,
    "nornir_tasks.models.dmvpn.DmvpnTable": _dmvpn_addresses,
}


def own_addresses(outputs: Mapping[str, Any]) -> frozenset[str]:
    """The host's own addresses: its interfaces, and the local end of its SAs and sessions."""
    found: set[str] = set()
    for model in outputs.values():
        read = ADDRESS_READERS.get(model_name(model))
        if read is not None:
            found.update(a for a in read(model) if a)
    return frozenset(found)


def learnt(host: HostEvidence, owners: Mapping[str, str]) -> set[str]:
    """Own addresses read off IOS SA rows whose other end another host owns."""
    found: set[str] = set()
    for table in host.models(IsakmpSaTable):
        for sa in table.sas:
            ends = {sa.dst, sa.src}
            if not sa.dst or not sa.src or ends & host.addresses:
                continue
            if owners.get(sa.dst, host.host) != host.host:
                found.add(sa.src)
            elif owners.get(sa.src, host.host) != host.host:
                found.add(sa.dst)
    return found


def _map_peers(host: HostEvidence) -> set[str]:
    maps = [cast("CryptoMapTable", m) for m in host.outputs.values() if is_model(m, CRYPTO_MAP)]
    return {p for t in maps for e in t.entries for p in e.peers}


def mapped_to(
    host: HostEvidence, hosts: Sequence[HostEvidence], owners: Mapping[str, str]
) -> set[str]:
    """Own addresses read off the crypto maps of a two-ended paste: when ``host`` is the only
    one whose map names an address of host A, the one address A's map names that nobody owns
    is ``host``'s (R2's map says ``Peer = 15.1.1.1``, R1's ``Peer = 25.2.2.2``)."""
    found: set[str] = set()
    for peer in _map_peers(host):
        owner = next((h for h in hosts if h.host == owners.get(peer)), None)
        if owner is None or owner.host == host.host:
            continue
        unowned = {p for p in _map_peers(owner) if p not in owners}
        naming = [h for h in hosts if h.host != owner.host and _map_peers(h) & owner.addresses]
        if len(unowned) == 1 and [h.host for h in naming] == [host.host]:
            found |= unowned
    return found
