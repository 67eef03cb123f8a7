"""Where an IKE version plugs into the crypto engine.

The engine knows IKE only through ``IkeVersion``: when interesting traffic for a crypto map
entry has no IPsec SA pair, it asks the entry's version to ``bring_up`` one; every pulse it
lets each version ``expire`` its IKE SAs; ``clear crypto session`` asks each to ``clear``.
The SA pair a version installs (``Device.crypto.ipsec``) is the same for every version, so
the ESP data plane, clear and ping work unchanged.

IKEv2 (``lab.crypto.ikev2``) is registered under "IKEv2" and keeps its SAs in their own table
(``CryptoState.ikev2``); it serves protected tunnel interfaces, whose entries the engine drives
itself, and IKEv2 crypto map entries (IOS ``set ikev2-profile``, an ASA's ``set ikev2
ipsec-proposal``), which interesting traffic starts like IKEv1 ones.
"""

from __future__ import annotations

from typing import Protocol

from lab.cryptocfg import CryptoConfig, MapEntry
from lab.device import Device


class IkeVersion(Protocol):
    """One IKE version's control plane, for every router of the fleet."""

    name: str  # "IKEv1"

    def bring_up(self, device: Device, entry: MapEntry, peer: str, now: float) -> None:
        """Interesting traffic for ``entry`` has no SA pair: start or continue negotiating."""
        ...

    def expire(self, device: Device, now: float) -> None:
        """Delete the IKE SAs past their lifetime."""
        ...

    def clear(self, device: Device, peer: str | None = None) -> None:
        """Delete the IKE SAs (with ``peer``, or all), as ``clear crypto ...`` does."""
        ...


def version_for(cfg: CryptoConfig, entry: MapEntry) -> str:
    """The IKE version a crypto map entry negotiates with."""
    return "IKEv2" if entry.ikev2_profile else "IKEv1"
