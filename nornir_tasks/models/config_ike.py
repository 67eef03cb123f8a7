"""Running-configuration models, IKE (phase 1): IKEv1 policies, pre-shared keys, keyrings,
peers and profiles; IKEv2 proposals, policies, keyrings and profiles.

No secret is ever stored: a pre-shared key is recorded as present, with its type (0, 6, 7).
Re-exported by ``models.config``, where ``RunningConfig`` holds them.
"""

from __future__ import annotations

from dataclasses import dataclass


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
    pki_trustpoint: str | None = None  # "pki trustpoint NAME [sign]" (rsa-sig): it signs with
    pki_verify: tuple[str, ...] = ()  # "pki trustpoint NAME [verify]": the CAs it trusts
