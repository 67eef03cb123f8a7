"""Models the checks recognise by name (``module.Class``) instead of importing them.

A model whose module nobody imported has no instances, and importing the configuration, DMVPN,
IKEv2, crypto map, session, interface, routing, PKI and ASA models only to look for them was
more than a third of ``vpndiag diagnose``'s start (docs/performance.md). A check asks for a
model by a ``Model`` reference (``host.models(CRYPTO_MAP_TABLE)``): while its module is not
imported nothing holds one, and the answer is empty without importing it.
``tests/checks/test_check_index.py`` resolves every name here and in
``addresses.ADDRESS_READERS``, so a renamed model is not missed.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Generic, TypeGuard, TypeVar, cast

if TYPE_CHECKING:
    from nornir_tasks.models.crypto_map import CryptoMapTable
    from nornir_tasks.models.crypto_session import CryptoSessionTable
    from nornir_tasks.models.dmvpn import DmvpnTable
    from nornir_tasks.models.failover import (
        SlaConfigurationTable,
        SlaStatisticsTable,
        SlaSummary,
        TrackTable,
    )
    from nornir_tasks.models.ikev2 import Ikev2ExchangeStats, Ikev2SaTable
    from nornir_tasks.models.interfaces import InterfaceBriefTable, InterfaceDetailTable
    from nornir_tasks.models.packet_tracer import PacketTrace
    from nornir_tasks.models.pki import PkiCertificateTable, RouterClock
    from nornir_tasks.models.routing import RouteLookup, RouteTable

T = TypeVar("T")

RUNNING_CONFIG = "nornir_tasks.models.config.RunningConfig"
VPN_SESSIONS = "nornir_tasks.models.vpn_sessiondb.VpnSessionTable"
CRYPTO_MAP = "nornir_tasks.models.crypto_map.CryptoMapTable"
CRYPTO_SESSIONS = "nornir_tasks.models.crypto_session.CryptoSessionTable"


def model_name(value: object) -> str:
    """``module.Class`` of ``value``'s class."""
    return type_name(type(value))


def type_name(kind: type) -> str:
    """``module.Class`` of ``kind``."""
    return f"{kind.__module__}.{kind.__qualname__}"


def is_model(value: object, name: str) -> bool:
    """Whether ``value``'s class is the model ``name`` (``module.Class``)."""
    return model_name(value) == name


class Model(Generic[T]):
    """The model class ``name`` (``module.Class``), found without importing its module."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def loaded(self) -> type[T] | None:
        """The class, or None while its module is not imported (so nothing holds one)."""
        module, _, cls = self.name.rpartition(".")
        return cast("type[T] | None", getattr(sys.modules.get(module), cls, None))

    def holds(self, value: object) -> TypeGuard[T]:
        """Whether ``value`` is an instance of the class (``isinstance`` without importing it)."""
        cls = self.loaded()
        return cls is not None and isinstance(value, cls)

    def __repr__(self) -> str:
        return f"Model({self.name!r})"


CRYPTO_MAP_TABLE: Model[CryptoMapTable] = Model(CRYPTO_MAP)
CRYPTO_SESSION_TABLE: Model[CryptoSessionTable] = Model(CRYPTO_SESSIONS)
DMVPN_TABLE: Model[DmvpnTable] = Model("nornir_tasks.models.dmvpn.DmvpnTable")
IKEV2_SA_TABLE: Model[Ikev2SaTable] = Model("nornir_tasks.models.ikev2.Ikev2SaTable")
IKEV2_STATS: Model[Ikev2ExchangeStats] = Model("nornir_tasks.models.ikev2.Ikev2ExchangeStats")
INTERFACE_BRIEF: Model[InterfaceBriefTable] = Model(
    "nornir_tasks.models.interfaces.InterfaceBriefTable"
)
INTERFACE_DETAIL: Model[InterfaceDetailTable] = Model(
    "nornir_tasks.models.interfaces.InterfaceDetailTable"
)
PACKET_TRACE: Model[PacketTrace] = Model("nornir_tasks.models.packet_tracer.PacketTrace")
PKI_CERTIFICATES: Model[PkiCertificateTable] = Model("nornir_tasks.models.pki.PkiCertificateTable")
ROUTER_CLOCK: Model[RouterClock] = Model("nornir_tasks.models.pki.RouterClock")
ROUTE_LOOKUP: Model[RouteLookup] = Model("nornir_tasks.models.routing.RouteLookup")
ROUTE_TABLE: Model[RouteTable] = Model("nornir_tasks.models.routing.RouteTable")
SLA_CONFIGURATION: Model[SlaConfigurationTable] = Model(
    "nornir_tasks.models.failover.SlaConfigurationTable"
)
SLA_STATISTICS: Model[SlaStatisticsTable] = Model("nornir_tasks.models.failover.SlaStatisticsTable")
SLA_SUMMARY: Model[SlaSummary] = Model("nornir_tasks.models.failover.SlaSummary")
TRACK_TABLE: Model[TrackTable] = Model("nornir_tasks.models.failover.TrackTable")

# Every reference above (the test resolves them).
MODELS: tuple[Model[Any], ...] = (
    CRYPTO_MAP_TABLE,
    CRYPTO_SESSION_TABLE,
    DMVPN_TABLE,
    IKEV2_SA_TABLE,
    IKEV2_STATS,
    INTERFACE_BRIEF,
    INTERFACE_DETAIL,
    PACKET_TRACE,
    PKI_CERTIFICATES,
    ROUTER_CLOCK,
    ROUTE_LOOKUP,
    ROUTE_TABLE,
    SLA_CONFIGURATION,
    SLA_STATISTICS,
    SLA_SUMMARY,
    TRACK_TABLE,
)
