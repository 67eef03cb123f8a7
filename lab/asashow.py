"""What an ASA's show commands share: its crypto configuration and live SAs."""

from __future__ import annotations

from lab.asacrypto import read_asa_crypto
from lab.asalog import asa_state
from lab.cryptocfg import CryptoConfig
from lab.device import Device
from lab.sadb import IkeSa

__all__ = ["asa_state", "config", "live_sas"]


def live_sas(d: Device) -> list[IkeSa]:
    engine = d.crypto_engine
    if engine is not None:
        engine.sync()
    return [sa for sa in d.crypto.isakmp if not sa.deleted]


def config(d: Device) -> CryptoConfig:
    return d.memo("crypto", None, lambda: read_asa_crypto(d.running))
