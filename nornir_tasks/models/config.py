"""Running-configuration models: the crypto and failover parts vpndiag reasons about.

``RunningConfig`` and the crypto map, transform-set, ACL, NAT, tunnel-group and interface
parts are here; the IKE parts are in ``config_ike``, the routing and failover parts in
``config_failover`` (both re-exported: import them from here).
No secret is ever stored: a pre-shared key is recorded as present, with its type (0, 6, 7).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from nornir_tasks.models.config_failover import (
    EemApplet,
    RouteMapEntry,
    SlaOperation,
    SlaSchedule,
    StaticRoute,
    TrackObject,
)
from nornir_tasks.models.config_ike import (
    Ikev2Keyring,
    Ikev2KeyringPeer,
    Ikev2Policy,
    Ikev2Profile,
    Ikev2Proposal,
    IsakmpKeepalive,
    IsakmpKey,
    IsakmpPeer,
    IsakmpPolicy,
    IsakmpProfile,
    Keyring,
    KeyringPeer,
)

__all__ = [
    "Acl",
    "AclEntry",
    "AsaNatRule",
    "CryptoMap",
    "CryptoMapEntry",
    "EemApplet",
    "Ikev2Keyring",
    "Ikev2KeyringPeer",
    "Ikev2Policy",
    "Ikev2Profile",
    "Ikev2Proposal",
    "InterfaceConfig",
    "IpsecProfile",
    "IsakmpKeepalive",
    "IsakmpKey",
    "IsakmpPeer",
    "IsakmpPolicy",
    "IsakmpProfile",
    "Keyring",
    "KeyringPeer",
    "NatRule",
    "RouteMapEntry",
    "RunningConfig",
    "SlaOperation",
    "SlaSchedule",
    "StaticRoute",
    "TrackObject",
    "TransformSet",
    "TunnelGroup",
]


@dataclass(frozen=True)
class TransformSet:
    """``crypto ipsec transform-set NAME esp-aes 256 esp-sha-hmac`` (+ ``mode``)."""

    name: str
    transforms: tuple[str, ...]
    mode: str | None  # None: tunnel, the default


@dataclass(frozen=True)
class CryptoMapEntry:
    """``crypto map NAME SEQ ipsec-isakmp`` (or a ``crypto dynamic-map`` entry)."""

    seq: int
    type: str | None  # "ipsec-isakmp", "ipsec-manual"; None in dynamic maps
    dynamic_map: str | None  # "ipsec-isakmp dynamic DYN": the dynamic map it points to
    peers: tuple[str, ...]
    transform_sets: tuple[str, ...]
    match_address: str | None
    pfs: str | None  # "group14"
    lifetime_s: int | None
    lifetime_kb: int | None
    isakmp_profile: str | None
    ikev2_profile: str | None
    reverse_route: str | None  # "static", "" (plain reverse-route), None when absent


@dataclass(frozen=True)
class CryptoMap:
    """All entries of one crypto map, where it is applied, and its map-wide options."""

    name: str
    dynamic: bool
    entries: tuple[CryptoMapEntry, ...]
    interfaces: tuple[str, ...]
    local_address: str | None  # "crypto map X local-address Loopback0"
    options: tuple[str, ...]  # other map-wide lines: "client authentication list EZVPN"


@dataclass(frozen=True)
class IpsecProfile:
    """``crypto ipsec profile NAME`` (used by ``tunnel protection ipsec profile``)."""

    name: str
    transform_sets: tuple[str, ...]
    pfs: str | None
    isakmp_profile: str | None
    ikev2_profile: str | None
    lifetime_s: int | None


@dataclass(frozen=True)
class AclEntry:
    """One ACE: ``permit ip 1.1.1.0 0.0.0.255 2.2.2.0 0.0.0.255``."""

    seq: int | None
    action: str  # permit, deny, remark
    protocol: str | None
    source: str | None  # "1.1.1.0 0.0.0.255", "any", "host 10.1.1.1"
    destination: str | None
    remainder: str | None  # ports and options after the addresses: "eq 443 log"
    line: str


@dataclass(frozen=True)
class Acl:
    """A named (``ip access-list extended NAME``) or numbered (``access-list 101``) ACL."""

    name: str
    kind: str  # "extended", "standard"
    entries: tuple[AclEntry, ...]


@dataclass(frozen=True)
class NatRule:
    """``ip nat inside source route-map NAT-ISP1 interface Gi0/0 overload`` and variants."""

    direction: str  # inside, outside
    source_kind: str  # "route-map", "list", "static"
    match: str | None  # route-map or ACL name
    interface: str | None
    pool: str | None
    overload: bool
    local: str | None  # static: inside local address
    global_address: str | None  # static: inside global address
    line: str


@dataclass(frozen=True)
class TunnelGroup:
    """ASA ``tunnel-group NAME type ipsec-l2l`` and its ``ipsec-attributes`` (keys never kept).

    For a LAN-to-LAN peer with pre-shared keys the ASA finds the group by the peer's address:
    a group named anything else is never used for that peer.
    """

    name: str
    type: str | None  # "ipsec-l2l", "remote-access"
    ikev1_psk: bool  # ``ikev1 pre-shared-key ...`` (printed as ``*****``)
    ikev2_local_psk: bool
    ikev2_remote_psk: bool
    line: str


@dataclass(frozen=True)
class AsaNatRule:
    """ASA NAT: twice NAT (``nat (inside,outside) source static A A destination static B B``)
    or object NAT (``nat (inside,outside) dynamic interface`` under ``object network X``).

    Addresses are networks (``10.1.0.0/24``), ``any``, ``interface``, or an object name that
    the configuration does not define.
    """

    real_interface: str
    mapped_interface: str
    section: str  # "manual" (twice NAT), "auto" (object NAT), "after-auto"
    source_kind: str  # "static", "dynamic"
    source_real: str
    source_mapped: str
    destination_real: str | None
    destination_mapped: str | None
    line: str

    @property
    def identity(self) -> bool:
        """Translates nothing: the NAT exemption a VPN needs."""
        same_source = self.source_kind == "static" and self.source_real == self.source_mapped
        return same_source and self.destination_real == self.destination_mapped


@dataclass(frozen=True)
class InterfaceConfig:
    """The parts of an ``interface`` block that crypto and failover depend on."""

    name: str
    description: str | None
    ip_address: str | None
    mask: str | None
    dhcp: bool
    unnumbered: str | None
    shutdown: bool
    nat: str | None  # "inside", "outside"
    crypto_map: str | None
    vrf: str | None
    tunnel_source: str | None
    tunnel_destination: str | None
    tunnel_mode: str | None
    tunnel_protection: str | None  # the IPsec profile name
    policy_route_map: str | None


@dataclass(frozen=True)
class RunningConfig:
    """``show running-config``: crypto, failover and management facts; no secrets."""

    hostname: str | None
    version: str | None
    isakmp_policies: tuple[IsakmpPolicy, ...]
    isakmp_keys: tuple[IsakmpKey, ...]
    keyrings: tuple[Keyring, ...]
    isakmp_keepalive: IsakmpKeepalive | None
    isakmp_profiles: tuple[IsakmpProfile, ...]
    isakmp_peers: tuple[IsakmpPeer, ...]
    aggressive_mode_disabled: bool  # ``crypto isakmp aggressive-mode disable``
    ikev2_proposals: tuple[Ikev2Proposal, ...]
    ikev2_policies: tuple[Ikev2Policy, ...]
    ikev2_keyrings: tuple[Ikev2Keyring, ...]
    ikev2_profiles: tuple[Ikev2Profile, ...]
    transform_sets: tuple[TransformSet, ...]
    crypto_maps: tuple[CryptoMap, ...]
    ipsec_profiles: tuple[IpsecProfile, ...]
    acls: Mapping[str, Acl]
    static_routes: tuple[StaticRoute, ...]
    ip_slas: Mapping[int, SlaOperation]
    tracks: Mapping[int, TrackObject]
    eem_applets: tuple[EemApplet, ...]
    eem_session_user: str | None
    route_maps: tuple[RouteMapEntry, ...]
    nat_rules: tuple[NatRule, ...]
    interfaces: Mapping[str, InterfaceConfig]
    aaa_authorization_commands: tuple[str, ...]  # "15 default group tacacs+ local"
    archive: bool
    archive_path: str | None
    scp_server: bool
    file_prompt_quiet: bool
    complete: bool  # the text ends with "end" (a filtered or cut configuration does not)
    # ASA only: "asa" when read from ASA configuration text.
    platform: str = "ios"
    # ``crypto ikev1 enable outside`` -> {"ikev1": ("outside",)}; IKE answers only there.
    ike_enabled: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    tunnel_groups: tuple[TunnelGroup, ...] = ()
    asa_nat_rules: tuple[AsaNatRule, ...] = ()
