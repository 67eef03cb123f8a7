"""Models the checks recognise by name (``module.Class``) instead of importing them.

A model whose module nobody imported has no instances, and importing the configuration, DMVPN
and ASA session models only to test ``isinstance`` was a third of ``vpndiag diagnose``'s start
(docs/performance.md). ``tests/checks/test_check_index.py`` resolves every name here and in
``addresses.ADDRESS_READERS``, so a renamed model is not missed.
"""

from __future__ import annotations

RUNNING_CONFIG = "nornir_tasks.models.config.RunningConfig"
VPN_SESSIONS = "nornir_tasks.models.vpn_sessiondb.VpnSessionTable"
CRYPTO_MAP = "nornir_tasks.models.crypto_map.CryptoMapTable"


def model_name(value: object) -> str:
    """``module.Class`` of ``value``'s class."""
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}"


def is_model(value: object, name: str) -> bool:
    """Whether ``value``'s class is the model ``name`` (``module.Class``)."""
    return model_name(value) == name
