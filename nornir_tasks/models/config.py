"""Running-configuration models: the crypto and failover parts vpndiag reasons about.

No secret is ever stored: a pre-shared key is recorded as present, with its type (0, 6, 7).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: a configuration without failover needs none of them
    from nornir_tasks.models.failover import EemAction, TrackKind


@dataclass(frozen=True)
class IsakmpPolicy:
    """``crypto isakmp policy 10`` (None: the IOS default applies, the line is not shown)."""

    priority: int
    encryption: str | None  # "aes 256", "3des"
    hash: str | None
    authentication: str | None  # "pre-share", "rsa-sig"
    group: int | None
    lifetime_s: int | None


@dataclass(frozen=True)
class IsakmpKey:
    """``crypto isakmp key 6 <secret> address 10.1.1.1 255.255.255.255`` (secret not kept)."""

    key_type: int  # 0 clear, 6 AES-encrypted, 7 Vigenère
    address: str | None
    mask: str | None
    hostname: str | None
    no_xauth: bool


@dataclass(frozen=True)
class KeyringPeer:
    """``pre-shared-key address 61.128.1.1 key <secret>`` inside ``crypto keyring``."""

    address: str | None
    mask: str | None
    hostname: str | None
    key_type: int


@dataclass(frozen=True)
class Keyring:
    """``crypto keyring NAME``."""

    name: str
    vrf: str | None
    local_address: str | None
    peers: tuple[KeyringPeer, ...]


@dataclass(frozen=True)
class IsakmpPeer:
    """``crypto isakmp peer address 10.1.1.1`` (or ``hostname H``) and its ``set`` lines.

    ``set aggressive-mode password <secret>`` is a pre-shared key for the peer, used by aggressive
    mode (recorded as present, with its type); either ``set aggressive-mode`` line makes IOS
    initiate aggressive mode toward the peer.
    """

    address: str | None
    hostname: str | None
    aggressive_key_type: int | None  # 0/6/7 when a password is set; None: no password line
    client_endpoint: str | None  # "ipv4-address 203.0.113.6", "fqdn cpe.example.net"

    @property
    def aggressive(self) -> bool:
        return self.aggressive_key_type is not None or self.client_endpoint is not None


@dataclass(frozen=True)
class IsakmpKeepalive:
    """``crypto isakmp keepalive 10 3 periodic`` (DPD)."""

    interval_s: int
    retry_s: int | None
    mode: str | None  # "periodic", "on-demand"


@dataclass(frozen=True)
class IsakmpProfile:
    """``crypto isakmp profile NAME``."""

    name: str
    keyrings: tuple[str, ...]
    match_identities: tuple[str, ...]  # "address 61.128.1.1 255.255.255.255", "group global"
    local_address: str | None
    virtual_template: int | None
    vrf: str | None
    keepalive: str | None
    initiate_mode: str | None  # "aggressive" (``initiate mode aggressive``); None: main mode


@dataclass(frozen=True)
class Ikev2Proposal:
    """``crypto ikev2 proposal NAME``."""

    name: str
    encryption: tuple[str, ...]
    integrity: tuple[str, ...]
    prf: tuple[str, ...]
    group: tuple[str, ...]


@dataclass(frozen=True)
class Ikev2Policy:
    """``crypto ikev2 policy NAME``."""

    name: str
    proposals: tuple[str, ...]
    matches: tuple[str, ...]  # "address local 203.0.113.1", "fvrf any"


@dataclass(frozen=True)
class Ikev2KeyringPeer:
    """``peer NAME`` inside ``crypto ikev2 keyring`` (secret not kept)."""

    name: str
    address: str | None
    mask: str | None
    hostname: str | None
    identity: str | None
    key_types: tuple[int, ...]  # one per pre-shared-key line (local/remote/both)


@dataclass(frozen=True)
class Ikev2Keyring:
    """``crypto ikev2 keyring NAME``."""

    name: str
    peers: tuple[Ikev2KeyringPeer, ...]


@dataclass(frozen=True)
class Ikev2Profile:
    """``crypto ikev2 profile NAME``."""

    name: str
    match_identities: tuple[str, ...]  # "remote address 10.1.1.1 255.255.255.255"
    identity_local: str | None
    authentication_local: tuple[str, ...]
    authentication_remote: tuple[str, ...]
    keyring: str | None  # "local KR"
    dpd: str | None
    lifetime_s: int | None


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
class StaticRoute:
    """``ip route 0.0.0.0 0.0.0.0 203.0.113.1 250 track 10 name ISP1``."""

    prefix: str
    mask: str
    interface: str | None
    next_hop: str | None
    distance: int | None
    track: int | None
    name: str | None
    permanent: bool
    tag: int | None
    vrf: str | None
    line: str


@dataclass(frozen=True)
class SlaSchedule:
    """``ip sla schedule 10 life forever start-time now``."""

    life: str | None  # "forever", "3600"
    start_time: str | None  # "now", "pending", "after 00:05:00", "12:00 Jan 1"
    ageout: int | None
    recurring: bool
    line: str


@dataclass(frozen=True)
class SlaOperation:
    """``ip sla 10`` and its operation lines."""

    entry_id: int
    type: str | None  # "icmp-echo", "tcp-connect", "udp-jitter"
    target: str | None
    port: int | None
    source_interface: str | None
    source_ip: str | None
    frequency_s: int | None
    timeout_ms: int | None
    threshold_ms: int | None
    vrf: str | None
    tag: str | None
    schedule: SlaSchedule | None


@dataclass(frozen=True)
class TrackObject:
    """``track 10 ip sla 10 reachability`` and ``delay down 15 up 60``."""

    track_id: int
    kind: TrackKind
    object: str  # "10" (SLA), "GigabitEthernet0/0", "10.0.0.0 255.0.0.0", "boolean"
    mode: str | None  # as configured; None when omitted (``track 1 ip sla 1`` means state)
    delay_up_s: int | None
    delay_down_s: int | None
    members: tuple[str, ...]  # list tracks: "object 1", "object 2 not", "threshold weight up 20"


@dataclass(frozen=True)
class EemApplet:
    """``event manager applet NAME`` with its event and actions."""

    name: str
    options: str | None  # "authorization bypass", "class A"
    events: tuple[str, ...]  # "track 10 state down", "syslog pattern \"...\""
    actions: tuple[EemAction, ...]
    description: str | None


@dataclass(frozen=True)
class RouteMapEntry:
    """``route-map NAME permit 10`` with its match and set lines."""

    name: str
    action: str
    seq: int | None
    matches: tuple[str, ...]  # "ip address NAT", "interface GigabitEthernet0/0"
    sets: tuple[str, ...]


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
